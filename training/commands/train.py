"""Fit the activity model on every labelled house in a folder and export it."""

from __future__ import annotations

from pathlib import Path
import shlex
import sys
from typing import TYPE_CHECKING

from custom_components.linky_activity.activity.model import MAX_MODEL_BYTES
from training.commands.learning import (
    add_data_argument,
    add_seed_argument,
    fail,
    load_houses,
)

if TYPE_CHECKING:
    import argparse

HELP = "Fit the activity model on labelled datasets and write the model file."
SIZE_TARGET_BYTES = 100 * 1024


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the train subcommand's arguments."""
    add_data_argument(parser)
    parser.add_argument(
        "--out",
        required=True,
        type=Path,
        metavar="MODEL",
        help="model file to write (JSON); MODEL_CARD.md is written beside it",
    )
    add_seed_argument(parser)
    parser.add_argument(
        "--kind",
        choices=("auto", "logistic", "tree_ensemble"),
        default="auto",
        help="model kind; auto keeps the one with the best held-out MCC",
    )


def _command_line(args: argparse.Namespace) -> str:
    """Return the command that rebuilds this model, as it was typed."""
    words = [
        "linky-activity",
        "train",
        "--data",
        str(args.data),
        "--out",
        str(args.out),
    ]
    if args.seed:
        words += ["--seed", str(args.seed)]
    if args.kind != "auto":
        words += ["--kind", args.kind]
    return shlex.join(words)


def run(args: argparse.Namespace) -> int:
    """Prepare the houses, measure the model held out, fit on all, export."""
    # scikit-learn and the evaluation stack load only when the command runs.
    from training.card import build_card, card_markdown, created_from_data  # noqa: PLC0415
    from training.evaluate import evaluate, fit_for_houses  # noqa: PLC0415
    from training.export import write_model  # noqa: PLC0415
    from training.fit import MODEL_KINDS, FitSettings  # noqa: PLC0415

    houses = load_houses(args.data, seed=args.seed)
    if houses is None:
        return 2
    kinds = MODEL_KINDS if args.kind == "auto" else (args.kind,)

    evaluation = evaluate(houses, seed=args.seed, kinds=kinds)
    kind = evaluation.facts["model_kind"]
    model = fit_for_houses(houses, "1min", FitSettings(kind=kind, seed=args.seed))
    created = created_from_data(houses)
    card = build_card(
        model=model, houses=houses, evaluation=evaluation, command=_command_line(args)
    )
    try:
        size = write_model(model, args.out, created=created, card=card)
        card_path = args.out.parent / "MODEL_CARD.md"
        card_path.write_text(
            card_markdown(card, evaluation, created=created, size_bytes=size),
            encoding="utf-8",
        )
    except OSError as err:
        return fail(f"cannot write {args.out}: {err.strerror or err}")

    macro = evaluation.macro("1min")["model"]
    print(
        f"wrote {args.out} ({size} bytes, {kind}, threshold {model.threshold:.2f}) "
        f"and {card_path}"
    )
    print(
        f"held-out 1min macro: F1 {macro['f1']:.3f}, MCC {macro['mcc']:.3f} "
        f"over {len(houses)} houses"
    )
    if size > SIZE_TARGET_BYTES:
        print(f"warning: model file exceeds {SIZE_TARGET_BYTES} bytes", file=sys.stderr)
    if size > MAX_MODEL_BYTES:
        return fail("model file is larger than the integration accepts")
    return 0
