"""Detect mode, phases and producer status from several frames of a stream."""

from __future__ import annotations

import pytest

from custom_components.linky_activity.tic.frame import TicMode
from custom_components.linky_activity.tic.profile import StreamProfile

from .captures import capture, decode


@pytest.mark.parametrize(
    ("name", "mode", "phases", "producer"),
    [
        ("historical-mono-tempo-pyteleinfo.txt", TicMode.HISTORICAL, 1, False),
        ("historical-tri-base-lains.txt", TicMode.HISTORICAL, 3, False),
        ("standard-mono-prod-corrupt-teleinfo2mqtt.txt", TicMode.STANDARD, 1, True),
        ("standard-tri-tempo-noise-teleinfonom.txt", TicMode.STANDARD, 3, False),
    ],
)
def test_stream_profile_of_real_captures(
    name: str, mode: TicMode, phases: int, producer: bool
) -> None:
    frames, decoder = decode(capture(name))
    profile = StreamProfile()

    for frame in frames:
        profile.observe(frame)

    assert (profile.mode, profile.phases, profile.producer) == (mode, phases, producer)
    assert (decoder.mode, decoder.profile.phases) == (mode, phases)


def test_one_frame_settles_nothing() -> None:
    frames, _ = decode(capture("standard-tri-prod-openhab.txt"))
    profile = StreamProfile()

    profile.observe(frames[1])

    assert (profile.mode, profile.phases, profile.producer) == (None, None, None)
    assert not profile.settled


def test_three_phase_producer_text_dump_settles_after_three_frames() -> None:
    frames, _ = decode(capture("standard-tri-prod-openhab.txt") * 2)
    profile = StreamProfile()

    for frame in frames:
        profile.observe(frame)

    assert (profile.mode, profile.phases, profile.producer) == (
        TicMode.STANDARD,
        3,
        True,
    )
