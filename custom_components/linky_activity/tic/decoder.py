"""Cut a TIC byte stream into frames of checksum-checked information groups."""

from __future__ import annotations

import re
from typing import Final, NamedTuple

from .checksum import ChecksumMethod, matching_method
from .frame import Frame, Group, TicMode
from .horodate import is_valid_horodate
from .labels import LABELS, is_plausible_label
from .profile import StreamProfile

STX: Final = 0x02
ETX: Final = 0x03
EOT: Final = 0x04
_HT: Final = 0x09
_SP: Final = 0x20

# The line is 7-bit: a port opened as 8N1 instead of 7E1 hands over the
# parity bit as bit 7, which this table clears.
_STRIP_PARITY: Final = bytes(range(128)) * 2
_CONTROL: Final = re.compile(rb"([\x02\x03\x04])")
_LINE_ENDS: Final = b"\r\n"
# The longest group of either specification (PJOURF+1) is about 110 bytes.
_MAX_LINE: Final = 160
_MAX_GROUPS: Final = 128
_CACHE_SIZE: Final = 4096

# Every frame starts with the meter address, except the historical three-phase
# short frames, which start with ADIR1-3 and then give it. In text dumps with
# no STX/ETX this is what tells where a frame starts.
_FRAME_OPENERS: Final = frozenset(("ADCO", "ADSC"))
_SHORT_FRAME_START: Final = frozenset(("ADIR1", "ADIR2", "ADIR3"))

# A checked group has one of three kinds: standard, or historical with either
# checksum method. Kinds index the tables below and, as bits, a frame's mix.
_STANDARD: Final = 0
_HISTORICAL_METHOD_1: Final = 1
_HISTORICAL_METHOD_2: Final = 2
_HISTORICAL_ONE: Final = 1 << _HISTORICAL_METHOD_1
_HISTORICAL_TWO: Final = 1 << _HISTORICAL_METHOD_2
_KIND_MODES: Final = (TicMode.STANDARD, TicMode.HISTORICAL, TicMode.HISTORICAL)
_KIND_METHODS: Final = (
    ChecksumMethod.WITH_LAST_SEPARATOR,
    ChecksumMethod.WITHOUT_LAST_SEPARATOR,
    ChecksumMethod.WITH_LAST_SEPARATOR,
)
# Historical meters use either checksum method; once this many frames in a
# row used only one, the other stops being accepted, halving the odds that a
# corrupted group passes by chance.
_METHOD_LOCK_FRAMES: Final = 3


class CheckedGroup(NamedTuple):
    """Pair a checked group with its mode and kind (mode and checksum method)."""

    group: Group
    mode: TicMode
    kind: int

    @property
    def method(self) -> ChecksumMethod:
        """Return the checksum method the group used."""
        return _KIND_METHODS[self.kind]


# What the decoder memoises for a checked line: label, group, mode, kind and
# whether the label opens a frame.
type _Entry = tuple[str, Group, TicMode, int, bool]


def _lowest_kind(kinds: int) -> int:
    """Return the lowest kind present in a bit set of kinds (0 when empty)."""
    return (kinds & -kinds).bit_length() - 1 if kinds else _STANDARD


def _allowed_kinds(
    mode: TicMode | None, method: ChecksumMethod | None
) -> tuple[bool, bool, bool]:
    """Tell, by kind, which groups the decoder still accepts."""
    historical = mode in (None, TicMode.HISTORICAL)
    return (
        mode in (None, TicMode.STANDARD),
        historical and method in (None, ChecksumMethod.WITHOUT_LAST_SEPARATOR),
        historical and method in (None, ChecksumMethod.WITH_LAST_SEPARATOR),
    )


type _Fields = tuple[str, str | None, str, int]


def _split_standard(line: bytes) -> _Fields | None:
    """Check a standard-mode group and split it into label, horodate and value."""
    if (sum(line[:-1]) & 0x3F) + 0x20 != line[-1]:
        return None
    fields = line[:-2].decode("ascii").split("\t")
    if len(fields) == 2:
        return fields[0], None, fields[1], _STANDARD
    if len(fields) == 3:
        return fields[0], fields[1], fields[2], _STANDARD
    return None


def _split_historical(line: bytes) -> _Fields | None:
    """Check a historical-mode group and split it into label and value."""
    body = line[:-2]
    method = matching_method(body, _SP, line[-1])
    if method is None:
        return None
    label, found, value = body.decode("ascii").partition(" ")
    if not found:
        return None
    if method is ChecksumMethod.WITHOUT_LAST_SEPARATOR:
        return label, None, value, _HISTORICAL_METHOD_1
    return label, None, value, _HISTORICAL_METHOD_2


def _plausible(mode: TicMode, label: str, horodate: str | None, value: str) -> bool:
    """Tell whether a checked group's fields make sense for its label.

    A 6-bit checksum lets one corrupted group in 64 through, so known labels
    must have the data format their specification gives, and unknown ones
    must at least look like a label.
    """
    spec = LABELS[mode].get(label)
    if spec is not None:
        return spec.accepts(value, horodate)
    return (
        is_plausible_label(label)
        and value.isprintable()
        and (horodate is None or is_valid_horodate(horodate))
    )


def check_group(line: bytes) -> CheckedGroup | None:
    """Check and split one group (without LF and CR), or return None if it fails.

    The separator before the checksum tells the mode: HT in standard mode,
    SP in historical mode.
    """
    if not 4 <= len(line) <= _MAX_LINE:
        return None
    separator = line[-2]
    if separator == _HT:
        fields = _split_standard(line)
    elif separator == _SP:
        fields = _split_historical(line)
    else:
        return None
    if fields is None:
        return None
    label, horodate, value, kind = fields
    if not _plausible(_KIND_MODES[kind], label, horodate, value):
        return None
    group = Group(label=label, value=value, horodate=horodate)
    return CheckedGroup(group, _KIND_MODES[kind], kind)


class FrameDecoder:
    """Turn TIC bytes, fed in chunks of any size, into frames of checked groups.

    Frames are delimited by STX and ETX; EOT abandons the frame in progress.
    Text dumps without STX/ETX are cut where a label repeats or a meter
    address starts a new frame. Groups may end in CR, LF or both, which also
    covers captures where a terminal turned CR into LF. `feed` never raises:
    bytes that do not form a valid group are counted as rejected and skipped.

    Counters: `frames` handed out, `valid_groups` that passed every check
    (including those of frames later abandoned by EOT), `rejected_groups`,
    and `interrupted_frames` abandoned by EOT.
    """

    def __init__(self, mode: TicMode | None = None) -> None:
        self.profile = StreamProfile()
        self.frames = 0
        self.valid_groups = 0
        self.rejected_groups = 0
        self.interrupted_frames = 0
        self.checksum_method: ChecksumMethod | None = None
        self._fixed_mode = mode
        self._mode = mode
        self._allowed = _allowed_kinds(mode, None)
        self._method_vote: tuple[int, int] = (0, 0)
        self._pending = b""
        self._cache: dict[bytes, _Entry] = {}
        self._groups: dict[str, Group] = {}
        self._frame_mode: TicMode | None = None
        self._frame_kinds = 0
        self._frame_rejected = 0

    @property
    def mode(self) -> TicMode | None:
        """Return the mode given at creation, else the detected one, or None."""
        return self._mode

    def reset(self) -> None:
        """Forget the partial line and frame, as after a reconnection."""
        self._pending = b""
        self._start_frame()

    def feed(self, data: bytes) -> list[Frame]:
        """Take the next bytes from the line and return the frames they complete."""
        frames: list[Frame] = []
        buffer = self._pending + data.translate(_STRIP_PARITY)
        lines = buffer.splitlines()
        tail = lines.pop() if lines and buffer[-1] not in _LINE_ENDS else b""
        self._lines(lines, frames)
        self._pending = self._hold_back(tail, frames) if tail else b""
        return frames

    def flush(self) -> list[Frame]:
        """Return the frame still in progress at the end of a finite source."""
        frames: list[Frame] = []
        if self._pending:
            self._lines([self._pending], frames)
            self._pending = b""
        if self._groups:
            self._emit(frames)
        return frames

    def _hold_back(self, tail: bytes, frames: list[Frame]) -> bytes:
        """Act on control characters in an unfinished line and keep the rest."""
        # ETX arrives just before a silence between frames: acting on it now
        # hands the frame out at once instead of a whole frame period later.
        end = max(tail.rfind(b"\x02"), tail.rfind(b"\x03"), tail.rfind(b"\x04")) + 1
        if end:
            self._lines([tail[:end]], frames)
        rest = tail[end:]
        if len(rest) > _MAX_LINE:
            self._reject(1)
            return b""
        return rest

    def _lines(self, lines: list[bytes], frames: list[Frame]) -> None:
        """Check and collect the groups of complete lines."""
        # This loop is the decoder's hot path: most groups repeat unchanged
        # from frame to frame, so checked groups are memoised by their bytes
        # and state lives in locals. Anything else (new groups, noise, lines
        # with STX/ETX/EOT) takes the slow path in `_line`.
        cache = self._cache
        allowed = self._allowed
        groups = self._groups
        frame_mode = self._frame_mode
        kinds = self._frame_kinds
        valid = 0
        for line in lines:
            entry = cache.get(line)
            if (
                entry is None
                or not allowed[entry[3]]
                or (groups and (entry[0] in groups or entry[2] is not frame_mode))
                or entry[4]
            ):
                self._frame_mode = frame_mode
                self._frame_kinds = kinds
                self.valid_groups += valid
                valid = 0
                self._line(line, frames)
                allowed = self._allowed
                groups = self._groups
                frame_mode = self._frame_mode
                kinds = self._frame_kinds
                continue
            label, group, frame_mode, kind, _ = entry
            groups[label] = group
            kinds |= 1 << kind
            valid += 1
        self._frame_mode = frame_mode
        self._frame_kinds = kinds
        self.valid_groups += valid
        if len(groups) >= _MAX_GROUPS:
            self._emit(frames)

    def _line(self, line: bytes, frames: list[Frame]) -> None:
        """Handle one line the hot path left: control characters, new groups."""
        if not line:
            return
        if _CONTROL.search(line) is None:
            self._add(self._cache.get(line) or self._check(line), frames)
            return
        for index, part in enumerate(_CONTROL.split(line)):
            if index & 1:
                self._control(part[0], frames)
            elif part:
                self._add(self._cache.get(part) or self._check(part), frames)

    def _add(self, entry: _Entry | None, frames: list[Frame]) -> None:
        """Add a checked group to the frame in progress, starting a new one if due."""
        if entry is None or not self._allowed[entry[3]]:
            self._reject(1)
            return
        label, group, mode, kind, opens_frame = entry
        groups = self._groups
        if groups and (
            label in groups
            or mode is not self._frame_mode
            or (opens_frame and not _SHORT_FRAME_START.issuperset(groups))
        ):
            self._emit(frames)
            if not self._allowed[kind]:
                self._reject(1)
                return
        self._groups[label] = group
        self._frame_mode = mode
        self._frame_kinds |= 1 << kind
        self.valid_groups += 1

    def _control(self, code: int, frames: list[Frame]) -> None:
        """Act on STX, ETX or EOT."""
        if code == EOT:
            if self._groups:
                self.interrupted_frames += 1
            self._start_frame()
        elif self._groups:
            # An STX with groups pending means the ETX was lost: the groups
            # were checked one by one, so the frame is still worth having.
            self._emit(frames)
        else:
            self._start_frame()

    def _check(self, line: bytes) -> _Entry | None:
        """Check a group not seen lately and remember the outcome if it passed."""
        checked = check_group(line)
        if checked is None:
            return None
        group, mode, kind = checked
        entry = (group.label, group, mode, kind, group.label in _FRAME_OPENERS)
        if len(self._cache) >= _CACHE_SIZE:
            self._cache.clear()
        self._cache[line] = entry
        return entry

    def _reject(self, count: int) -> None:
        """Count lines that are not valid groups."""
        self.rejected_groups += count
        self._frame_rejected += count

    def _emit(self, frames: list[Frame]) -> None:
        """Close the frame in progress and hand it out."""
        if self._groups and self._frame_mode is not None:
            frame = Frame(
                mode=self._frame_mode,
                groups=self._groups,
                rejected_groups=self._frame_rejected,
            )
            frames.append(frame)
            self.frames += 1
            self._learn(frame)
        self._start_frame()

    def _learn(self, frame: Frame) -> None:
        """Narrow what later groups may be, from what this frame showed."""
        if not self.profile.settled:
            self.profile.observe(frame)
            self._mode = self._fixed_mode or self.profile.mode
        if self.checksum_method is None and frame.mode is TicMode.HISTORICAL:
            kinds = self._frame_kinds
            candidate, streak = self._method_vote
            if kinds in (_HISTORICAL_ONE, _HISTORICAL_TWO):
                streak = streak + 1 if kinds == candidate else 1
                candidate = kinds
                if streak >= _METHOD_LOCK_FRAMES:
                    self.checksum_method = _KIND_METHODS[_lowest_kind(kinds)]
            else:
                streak = 0
            self._method_vote = (candidate, streak)
        allowed = _allowed_kinds(self._mode, self.checksum_method)
        if allowed != self._allowed:
            self._allowed = allowed

    def _start_frame(self) -> None:
        """Start collecting a new frame."""
        self._groups = {}
        self._frame_mode = None
        self._frame_kinds = 0
        self._frame_rejected = 0
