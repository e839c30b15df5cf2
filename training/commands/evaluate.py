"""Score the model and the baselines on houses left out of training, with a report."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from training.commands.learning import (
    add_data_argument,
    add_seed_argument,
    fail,
    load_houses,
)

if TYPE_CHECKING:
    import argparse

    from training.results import Evaluation

HELP = (
    "Evaluate the activity model leave-one-house-out against the baselines "
    "and write metrics.json, report.md and plots."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the evaluate subcommand's arguments."""
    add_data_argument(parser)
    parser.add_argument(
        "--model",
        type=Path,
        metavar="MODEL",
        help=(
            "score this model file at one minute instead of refitting per "
            "fold (in-sample on the houses it was trained on)"
        ),
    )
    parser.add_argument(
        "--report",
        required=True,
        type=Path,
        metavar="DIR",
        help="folder for metrics.json, report.md and the PNG plots",
    )
    add_seed_argument(parser)


def _print_figures(evaluation: Evaluation) -> None:
    """Print the per-house F1 and MCC of the model and every baseline."""
    from training.report import figure_table  # noqa: PLC0415

    for resolution in evaluation.resolutions():
        print(f"\n{resolution} windows, {evaluation.facts.get('protocol')}:")
        for line in figure_table(evaluation, resolution):
            print(line)


def run(args: argparse.Namespace) -> int:
    """Prepare the houses, run the protocol, print the figures, write the report."""
    from custom_components.linky_activity.activity.model import (  # noqa: PLC0415
        ModelError,
        load_model,
    )
    from training.evaluate import evaluate  # noqa: PLC0415
    from training.report import write_report  # noqa: PLC0415

    fixed = None
    if args.model is not None:
        try:
            fixed = load_model(args.model)
        except ModelError as err:
            return fail(f"{args.model}: {err}")

    houses = load_houses(args.data, seed=args.seed)
    if houses is None:
        return 2
    evaluation = evaluate(
        houses,
        seed=args.seed,
        fixed_model=fixed,
        kinds=(fixed.kind,) if fixed is not None else ("logistic", "tree_ensemble"),
    )
    _print_figures(evaluation)
    try:
        written = write_report(evaluation, args.report)
    except OSError as err:
        return fail(f"cannot write the report to {args.report}: {err.strerror or err}")
    print(f"\nwrote {len(written)} files to {args.report}")
    return 0
