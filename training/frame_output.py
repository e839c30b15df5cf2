"""Write decoded frames as text or JSON lines, with meter identifiers redacted."""

from __future__ import annotations

from typing import TYPE_CHECKING, BinaryIO, Final

from custom_components.linky_activity.tic.frame import TicMode
from custom_components.linky_activity.tic.memo import Memo

if TYPE_CHECKING:
    from custom_components.linky_activity.tic.frame import Frame, Group

# The meter address and the PRM identify a household. Redaction keeps the
# address's first six digits (manufacturer, year, meter type: shared by many
# meters, and useful in a bug report) and masks the serial number.
_ADDRESS_LABELS: Final = frozenset(("ADCO", "ADSC"))
_PRM_LABEL: Final = "PRM"
_ADDRESS_KEPT: Final = 6
_FRAGMENT_CACHE_SIZE: Final = 8192
# A frame's JSON line is its opening, its members joined by ", ", its closing.
_JSON_ENDS: Final = {
    mode: (f'{{"mode": "{mode}", "groups": {{'.encode(), b"}}\n") for mode in TicMode
}
_NO_HORODATE: Final = b', "horodate": null}'


def _json_string(text: str) -> str:
    """Quote a string for JSON.

    The decoder only accepts printable 7-bit ASCII, where quotes and
    backslashes are all that need escaping; json.dumps handles the rest.
    """
    if '"' in text or "\\" in text or not text.isascii() or not text.isprintable():
        # Imported here: checked groups never need it, and the command starts
        # faster without it.
        import json  # noqa: PLC0415

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
        # JSON member is memoised, rendered when the lookup misses; so is the
        # start of each label's member.
        self._fragments: Memo[Group, bytes] = Memo(self._fragment, _FRAGMENT_CACHE_SIZE)
        self._openings: dict[str, bytes] = {}

    def write(self, frames: list[Frame]) -> None:
        """Write a batch of frames with one write to the stream."""
        if self._as_json:
            member = self._fragments.__getitem__
            ends = _JSON_ENDS
            # Each line is b", ".join(members).join((opening, closing)): the
            # members go between the opening and the closing in one copy.
            data = b"".join(
                [
                    b", ".join(map(member, frame.groups.values())).join(
                        ends[frame.mode]
                    )
                    for frame in frames
                ]
            )
            self.written += len(frames)
        else:
            data = b"".join(map(self._text_block, frames))
        self._stream.write(data)
        self._stream.flush()

    def _value(self, group: Group) -> str:
        """Return the data field to show."""
        return redact_value(group.label, group.value) if self._redact else group.value

    def _fragment(self, group: Group) -> bytes:
        """Render one group as a JSON object member and memoise it."""
        label, value, horodate = group
        opening = self._openings.get(label)
        if opening is None:
            opening = self._openings[label] = (
                f'{_json_string(label)}: {{"value": '.encode()
            )
        if self._redact:
            value = redact_value(label, value)
        fragment = opening + _json_string(value).encode()
        if horodate is None:
            fragment += _NO_HORODATE
        else:
            fragment += f', "horodate": {_json_string(horodate)}}}'.encode()
        self._fragments.remember(group, fragment)
        return fragment

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
