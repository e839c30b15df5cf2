"""Write decoded frames as text or JSON lines, with meter identifiers redacted."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, BinaryIO, Final

from custom_components.linky_activity.tic.frame import TicMode

if TYPE_CHECKING:
    from custom_components.linky_activity.tic.frame import Frame, Group

# The meter address and the PRM identify a household. Redaction keeps the
# address's first six digits (manufacturer, year, meter type: shared by many
# meters, and useful in a bug report) and masks the serial number.
_ADDRESS_LABELS: Final = frozenset(("ADCO", "ADSC"))
_PRM_LABEL: Final = "PRM"
_ADDRESS_KEPT: Final = 6
_FRAGMENT_CACHE_SIZE: Final = 8192
_JSON_OPENINGS: Final = {
    mode: f'{{"mode": "{mode}", "groups": {{'.encode() for mode in TicMode
}


def _json_string(text: str) -> str:
    """Quote a string for JSON.

    The decoder only accepts printable 7-bit ASCII, where quotes and
    backslashes are all that need escaping; json.dumps handles the rest.
    """
    if '"' in text or "\\" in text or not text.isascii() or not text.isprintable():
        return json.dumps(text)
    return f'"{text}"'


def redact_value(label: str, value: str) -> str:
    """Return a group's data field with any household identifier masked."""
    if label in _ADDRESS_LABELS:
        return value[:_ADDRESS_KEPT] + "X" * max(len(value) - _ADDRESS_KEPT, 0)
    if label == _PRM_LABEL:
        return "X" * len(value)
    return value


class FrameWriter:
    """Write frames to a byte stream, one JSON line or one text block each.

    Output is ASCII (checked groups are 7-bit), so it is built as bytes: a
    text stream's encoding step would cost as much as the rendering.
    """

    def __init__(self, stream: BinaryIO, *, as_json: bool, redact: bool) -> None:
        self._stream = stream
        self._as_json = as_json
        self._redact = redact
        self.written = 0
        # Most groups repeat unchanged from frame to frame, so each group's
        # JSON member is memoised; so is the start of each label's member.
        self._fragments: dict[Group, bytes] = {}
        self._openings: dict[str, str] = {}

    def write(self, frames: list[Frame]) -> None:
        """Write a batch of frames with one write to the stream."""
        render = self._json_line if self._as_json else self._text_block
        self._stream.write(b"".join(map(render, frames)))
        self._stream.flush()

    def _value(self, group: Group) -> str:
        """Return the data field to show."""
        return redact_value(group.label, group.value) if self._redact else group.value

    def _json_line(self, frame: Frame) -> bytes:
        """Render a frame as one JSON object on one line."""
        self.written += 1
        parts = list(map(self._fragments.get, frame.groups.values()))
        if None in parts:
            groups = list(frame.groups.values())
            missing = parts.index(None)
            while True:
                parts[missing] = self._fragment(groups[missing])
                if None not in parts:
                    break
                missing = parts.index(None, missing)
        return _JSON_OPENINGS[frame.mode] + b", ".join(parts) + b"}}\n"  # type: ignore[arg-type]

    def _fragment(self, group: Group) -> bytes:
        """Return the memoised JSON member of one group."""
        fragment = self._fragments.get(group)
        if fragment is None:
            if len(self._fragments) >= _FRAGMENT_CACHE_SIZE:
                self._fragments.clear()
            fragment = self._fragments[group] = self._json_fragment(group).encode()
        return fragment

    def _json_fragment(self, group: Group) -> str:
        """Render one group as a JSON object member."""
        opening = self._openings.get(group.label)
        if opening is None:
            opening = self._openings[group.label] = (
                f'{_json_string(group.label)}: {{"value": '
            )
        horodate = "null" if group.horodate is None else _json_string(group.horodate)
        return f'{opening}{_json_string(self._value(group))}, "horodate": {horodate}}}'

    def _text_block(self, frame: Frame) -> bytes:
        """Render a frame as an aligned table of its groups."""
        self.written += 1
        lines = [
            f"# frame {self.written}: {frame.mode}, {len(frame.groups)} groups,"
            f" {frame.rejected_groups} rejected"
        ]
        for group in frame.groups.values():
            line = f"{group.label:<10} {self._value(group)}"
            if group.horodate is not None:
                line += f"  @{group.horodate}"
            lines.append(line.rstrip())
        return ("\n".join(lines) + "\n\n").encode()
