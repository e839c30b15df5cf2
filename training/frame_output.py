"""Write decoded frames as text or JSON lines, with meter identifiers redacted."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Final, TextIO

if TYPE_CHECKING:
    from custom_components.linky_activity.tic.frame import Frame, Group

# The meter address and the PRM identify a household. Redaction keeps the
# address's first six digits (manufacturer, year, meter type: shared by many
# meters, and useful in a bug report) and masks the serial number.
_ADDRESS_LABELS: Final = frozenset(("ADCO", "ADSC"))
_PRM_LABEL: Final = "PRM"
_ADDRESS_KEPT: Final = 6
_FRAGMENT_CACHE_SIZE: Final = 8192


def _json_string(text: str) -> str:
    """Quote a string for JSON.

    Checked groups hold printable ASCII only, so quotes and backslashes are
    all that may need escaping; anything else goes through the json module.
    """
    if text.isascii() and text.isprintable():
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return json.dumps(text)


def redact_value(label: str, value: str) -> str:
    """Return a group's data field with any household identifier masked."""
    if label in _ADDRESS_LABELS:
        return value[:_ADDRESS_KEPT] + "X" * max(len(value) - _ADDRESS_KEPT, 0)
    if label == _PRM_LABEL:
        return "X" * len(value)
    return value


class FrameWriter:
    """Write frames to a text stream, one JSON line or one text block each."""

    def __init__(self, stream: TextIO, *, as_json: bool, redact: bool) -> None:
        self._stream = stream
        self._as_json = as_json
        self._redact = redact
        self.written = 0
        # The decoder shares one Group object between all the frames in which
        # a group repeats unchanged, so each group's rendering is memoised by
        # identity; the groups are kept alive so that their ids stay theirs.
        self._fragments: dict[int, str] = {}
        self._kept: list[Group] = []

    def write(self, frames: list[Frame]) -> None:
        """Write a batch of frames with one write to the stream."""
        render = self._json_line if self._as_json else self._text_block
        self._stream.write("".join(map(render, frames)))

    def _value(self, group: Group) -> str:
        """Return the data field to show."""
        return redact_value(group.label, group.value) if self._redact else group.value

    def _json_line(self, frame: Frame) -> str:
        """Render a frame as one JSON object on one line."""
        self.written += 1
        groups = frame.groups.values()
        try:
            parts = list(map(self._fragments.__getitem__, map(id, groups)))
        except KeyError:
            parts = [self._fragment(group) for group in groups]
        return f'{{"mode": "{frame.mode}", "groups": {{{", ".join(parts)}}}}}\n'

    def _fragment(self, group: Group) -> str:
        """Return the memoised JSON member of one group."""
        fragment = self._fragments.get(id(group))
        if fragment is None:
            fragment = self._json_fragment(group)
            if len(self._fragments) >= _FRAGMENT_CACHE_SIZE:
                self._fragments.clear()
                self._kept.clear()
            self._fragments[id(group)] = fragment
            self._kept.append(group)
        return fragment

    def _json_fragment(self, group: Group) -> str:
        """Render one group as a JSON object member."""
        label = _json_string(group.label)
        value = _json_string(self._value(group))
        horodate = "null" if group.horodate is None else _json_string(group.horodate)
        return f'{label}: {{"value": {value}, "horodate": {horodate}}}'

    def _text_block(self, frame: Frame) -> str:
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
        return "\n".join(lines) + "\n\n"
