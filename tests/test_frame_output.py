"""Render decoded frames as JSON lines that parse back to the groups sent."""

from __future__ import annotations

import io
import json
from pathlib import Path

from custom_components.linky_activity.tic.decoder import FrameDecoder
from custom_components.linky_activity.tic.encoder import encode_frame, format_decimal
from custom_components.linky_activity.tic.frame import Frame, Group, TicMode
from training import frame_output
from training.frame_output import FrameWriter, redact_value

FIXTURES = Path(__file__).parent / "fixtures" / "tic"


def _frames(data: bytes) -> list[Frame]:
    decoder = FrameDecoder()
    return decoder.feed(data) + decoder.flush()


def _live_frames(count: int) -> list[Frame]:
    """Re-encode a real standard frame with a new power value in every frame."""
    template = max(
        _frames((FIXTURES / "standard-tri-prod-openhab.txt").read_bytes()),
        key=lambda frame: len(frame.groups),
    )
    mode = TicMode.STANDARD
    stream = b"".join(
        encode_frame(
            {
                **template.groups,
                "SINSTS": Group("SINSTS", format_decimal("SINSTS", power, mode)),
            }.values(),
            mode,
        )
        for power in range(count)
    )
    return _frames(stream)


def _render(frames: list[Frame], *, redact: bool, batch: int = 100) -> list[str]:
    stream = io.BytesIO()
    writer = FrameWriter(stream, as_json=True, redact=redact)
    for start in range(0, len(frames), batch):
        writer.write(frames[start : start + batch])
    assert writer.written == len(frames)
    return stream.getvalue().decode("ascii").splitlines()


def _expected(frame: Frame, *, redact: bool) -> dict[str, object]:
    return {
        "mode": frame.mode.value,
        "groups": {
            label: {
                "value": redact_value(label, group.value) if redact else group.value,
                "horodate": group.horodate,
            }
            for label, group in frame.groups.items()
        },
    }


def test_every_capture_renders_to_json_lines_holding_exactly_its_groups() -> None:
    for path in sorted(FIXTURES.glob("*.txt")):
        frames = _frames(path.read_bytes())
        for redact in (True, False):
            lines = _render(frames, redact=redact, batch=3)

            assert [json.loads(line) for line in lines] == [
                _expected(frame, redact=redact) for frame in frames
            ], path.name


def test_a_new_value_in_every_frame_renders_in_its_place() -> None:
    frames = _live_frames(300)

    lines = _render(frames, redact=True)

    assert [json.loads(line) for line in lines] == [
        _expected(frame, redact=True) for frame in frames
    ]
    assert [json.loads(line)["groups"]["SINSTS"]["value"] for line in lines] == [
        f"{power:05d}" for power in range(300)
    ]
    assert all("123456789012" not in line for line in lines)


def test_the_memo_of_rendered_groups_stays_bounded() -> None:
    count = 2 * frame_output._FRAGMENT_CACHE_SIZE + 200
    frames = _live_frames(count)
    stream = io.BytesIO()
    writer = FrameWriter(stream, as_json=True, redact=True)

    for start in range(0, count, 500):
        writer.write(frames[start : start + 500])
        assert writer._fragments.held() <= 2 * frame_output._FRAGMENT_CACHE_SIZE

    lines = stream.getvalue().splitlines()
    assert len(lines) == count
    assert json.loads(lines[-1])["groups"]["SINSTS"]["value"] == f"{count - 1:05d}"
