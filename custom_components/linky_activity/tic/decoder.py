"""Cut a TIC byte stream into frames of checksum-checked information groups."""

from __future__ import annotations

import re
from typing import Final, NamedTuple

from .checksum import ChecksumMethod
from .frame import Frame, Group, TicMode
from .horodate import is_valid_horodate
from .labels import VALUE_CHECKS, is_plausible_label
from .memo import Memo
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
_CONTROLS: Final = b"\x02\x03\x04"
_STX_LINE: Final = b"\x02"
_BOUNDARY: Final = re.compile(rb"[\r\n\x02\x03\x04]")
_LINE_ENDS: Final = b"\r\n"
# The longest group of either specification (PJOURF+1) is about 110 bytes.
_MAX_LINE: Final = 160
_MAX_GROUPS: Final = 128
_CACHE_SIZE: Final = 4096

# Every frame starts with the meter address, except the historical three-phase
# short frames, which start with ADIR1-3 and then give it. In text dumps with
# no STX/ETX this is what tells where a frame starts: one of these labels
# after anything but ADIR1-3 opens a new frame.
_SHORT_FRAME_START: Final = frozenset(("ADIR1", "ADIR2", "ADIR3"))
_FRAME_OPENERS: Final = frozenset(("ADCO", "ADSC", *_SHORT_FRAME_START))

# A checked group has one of three kinds: standard, or historical with either
# checksum method. Kinds index the tables below.
_STANDARD: Final = 0
_HISTORICAL_METHOD_1: Final = 1
_HISTORICAL_METHOD_2: Final = 2
_KIND_MODES: Final = (TicMode.STANDARD, TicMode.HISTORICAL, TicMode.HISTORICAL)
_KIND_CHECKS: Final = tuple(VALUE_CHECKS[mode] for mode in _KIND_MODES)
_KIND_METHODS: Final = (
    ChecksumMethod.WITH_LAST_SEPARATOR,
    ChecksumMethod.WITHOUT_LAST_SEPARATOR,
    ChecksumMethod.WITH_LAST_SEPARATOR,
)
# Historical meters use either checksum method; once this many newly seen
# groups in a row used the same one, the other stops being accepted, halving
# the odds that a corrupted group passes by chance.
_METHOD_LOCK_GROUPS: Final = 24
_new_tuple: Final = tuple.__new__


class CheckedGroup(NamedTuple):
    """Pair a checked group with its mode and kind (0 standard, 1 or 2 historical).

    The historical kinds tell the checksum method: 1 without the separator
    before the checksum, 2 with it.
    """

    group: Group
    mode: TicMode
    kind: int


# What the decoder memoises for a checked line: label, group, mode, kind and
# whether the label opens a frame.
type _Entry = tuple[str, Group, TicMode, int, bool]
type _Pair = tuple[str, Group]

# What the whole-frame path gets for a line it cannot take: no checked group
# has an empty label.
_UNUSABLE: Final[_Pair] = ("", Group("", ""))


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


def _plausible_unknown(label: str, horodate: str | None, value: str) -> bool:
    """Tell whether a checked group of a label no specification lists looks sane."""
    return (
        is_plausible_label(label)
        and value.isprintable()
        and (horodate is None or is_valid_horodate(horodate))
    )


type _Fields = tuple[str, str | None, str, int]


def _split_historical(line: bytes, received: int) -> _Fields | None:
    """Check a historical group's checksum, either method, and split it."""
    covered = sum(line, -_SP - received)
    if (covered & 0x3F) + 0x20 == received:
        kind = _HISTORICAL_METHOD_1
    elif ((covered + _SP) & 0x3F) + 0x20 == received:
        kind = _HISTORICAL_METHOD_2
    else:
        return None
    label, found, value = line[:-2].decode("ascii").partition(" ")
    return (label, None, value, kind) if found else None


def _split_standard(line: bytes, received: int) -> _Fields | None:
    """Check a standard group's checksum and split it, horodate included."""
    if ((sum(line, -received) & 0x3F) + 0x20) != received:
        return None
    fields = line[:-2].decode("ascii").split("\t")
    if len(fields) == 2:
        return fields[0], None, fields[1], _STANDARD
    if len(fields) == 3:
        return fields[0], fields[1], fields[2], _STANDARD
    return None


def _check_line(line: bytes) -> _Entry | None:
    """Check one group (without LF and CR) into a decoder entry, or return None.

    The separator before the checksum tells the mode: HT in standard mode,
    SP in historical mode. A 6-bit checksum lets one corrupted group in 64
    through, so a group must also have the data format its label's
    specification gives, or at least look like a group if its label is new.
    """
    if not 4 <= len(line) <= _MAX_LINE:
        return None
    separator = line[-2]
    if separator == _SP:
        fields = _split_historical(line, line[-1])
    elif separator == _HT:
        fields = _split_standard(line, line[-1])
    else:
        return None
    if fields is None:
        return None
    label, horodate, value, kind = fields
    check = _KIND_CHECKS[kind].get(label)
    if check is None:
        if not _plausible_unknown(label, horodate, value):
            return None
    elif not check(value, horodate):
        return None
    # What Group(...) does, without the call through its generated __new__:
    # this runs for every group not seen lately, a few in each frame.
    group = _new_tuple(Group, (label, value, horodate))
    return label, group, _KIND_MODES[kind], kind, label in _FRAME_OPENERS


def check_group(line: bytes) -> CheckedGroup | None:
    """Check and split one group (without LF and CR), or return None if it fails."""
    entry = _check_line(line)
    return None if entry is None else CheckedGroup(entry[1], entry[2], entry[3])


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
        self._settled = False
        self._allowed = _allowed_kinds(mode, None)
        self._method_vote: tuple[int, int] = (0, 0)
        self._pending = b""
        self._skipping = False
        # Checked lines, memoised by their bytes. `_known` holds the groups the
        # hot paths may take without a second look: of the settled mode and an
        # accepted checksum method. `_others` holds the rest. Both are emptied
        # whenever what is accepted changes.
        self._known: dict[bytes, _Entry] = {}
        # The same groups as (label, group) pairs, from which the whole-frame
        # path builds a frame's dictionary in one call; a line this memo lacks
        # is checked during the lookup itself.
        self._pairs: Memo[bytes, _Pair] = Memo(self._learn_pair, _CACHE_SIZE)
        self._learning_failed = False
        self._others: dict[bytes, _Entry] = {}
        self._groups: dict[str, Group] = {}
        self._frame_mode: TicMode | None = None
        self._frame_rejected = 0

    @property
    def mode(self) -> TicMode | None:
        """Return the mode given at creation, else the detected one, or None."""
        return self._mode

    def reset(self) -> None:
        """Forget the partial line and frame, as after a reconnection."""
        self._pending = b""
        self._skipping = False
        self._start_frame()

    def feed(self, data: bytes) -> list[Frame]:
        """Take the next bytes from the line and return the frames they complete."""
        frames: list[Frame] = []
        buffer = self._pending + data.translate(_STRIP_PARITY)
        if self._skipping:
            # The rest of an overlong line cannot start a group: drop it.
            boundary = _BOUNDARY.search(buffer)
            if boundary is None:
                self._pending = b""
                return frames
            buffer = buffer[boundary.start() :]
            self._skipping = False
        if b"\x03" in buffer:
            buffer = self._frames(buffer, frames)
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
            self._skipping = True
            return b""
        return rest

    def _frames(self, buffer: bytes, frames: list[Frame]) -> bytes:
        """Decode each stretch that ends in ETX; return what follows the last ETX."""
        # The hot path of a healthy line. Split at line ends, a whole frame is
        # STX alone on the first line, then groups; the frame's dictionary is
        # built with the loops in C, from the memo, where a line it lacks is
        # checked during the lookup. No checked group holds a control
        # character or is empty, so noise, EOT or a blank line fails. That,
        # the rest of a frame begun in an earlier read, a repeated label, or a
        # change in what is accepted, goes line by line instead.
        *parts, tail = buffer.split(b"\x03")
        lookup = self._pairs.__getitem__
        mode = self._mode
        built = valid = 0
        for part in parts:
            if mode is not None and not self._groups:
                lines = part.splitlines()
                if lines and lines[0] == _STX_LINE:
                    del lines[0]
                    allowed = self._allowed
                    self._learning_failed = False
                    groups = dict(map(lookup, lines))
                    if (
                        not self._learning_failed
                        and len(groups) == len(lines)
                        and groups
                        and self._allowed is allowed
                    ):
                        frame = Frame(mode=mode, groups=groups)
                        frames.append(frame)
                        built += 1
                        valid += len(groups)
                        if self._frame_rejected:
                            self._frame_rejected = 0
                        if not self._settled:
                            self._learn(frame)
                            mode = self._mode
                        continue
            self._lines(part.splitlines(), frames)
            self._control(ETX, frames)
            mode = self._mode
        self.frames += built
        self.valid_groups += valid
        return tail

    def _learn_pair(self, line: bytes) -> _Pair:
        """Check a line of a whole frame that the memo lacks.

        After the first line that fails, the rest of the frame is not checked:
        the frame goes line by line instead, which checks them there.
        """
        if self._learning_failed:
            return _UNUSABLE
        entry = self._check(line)
        if entry is None or entry[2] is not self._mode or not self._allowed[entry[3]]:
            self._learning_failed = True
            return _UNUSABLE
        return entry[0], entry[1]

    def _lines(self, lines: list[bytes], frames: list[Frame]) -> None:
        """Check and collect the groups of complete lines, in order."""
        # Most groups repeat unchanged from frame to frame; once the mode is
        # settled, such a group is taken straight from `_known` (which only
        # ever holds groups of the settled mode and an accepted checksum
        # method) unless its label repeats or opens a frame. Everything else
        # (new groups, STX/ETX/EOT, noise) takes the careful path in `_line`.
        known = self._known
        groups = self._groups
        valid = 0
        for line in lines:
            entry = known.get(line)
            if entry is not None and groups and entry[0] not in groups and not entry[4]:
                groups[entry[0]] = entry[1]
                valid += 1
                continue
            self.valid_groups += valid
            valid = 0
            self._line(line, frames)
            known = self._known
            groups = self._groups
        self.valid_groups += valid
        if len(groups) >= _MAX_GROUPS:
            self._emit(frames)

    def _line(self, line: bytes, frames: list[Frame]) -> None:
        """Handle one line on the careful path."""
        if not line:
            return
        entry = self._known.get(line) or self._others.get(line) or self._check(line)
        if entry is not None:
            self._add(entry, frames)
            return
        # A line with STX, ETX or EOT never passes the checks, so control
        # characters are only looked for in lines that failed them.
        if not line.translate(None, _CONTROLS):
            for code in line:
                self._control(code, frames)
        elif _CONTROL.search(line) is None:
            self._reject(1)
        else:
            for index, part in enumerate(_CONTROL.split(line)):
                if index & 1:
                    self._control(part[0], frames)
                elif part:
                    self._add(self._check(part), frames)

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
        entry = _check_line(line)
        if entry is None:
            return None
        mode, kind = entry[2], entry[3]
        if kind != _STANDARD and self.checksum_method is None:
            self._vote_method(kind)
        if not self._allowed[kind]:
            return entry
        if len(self._known) >= _CACHE_SIZE or len(self._others) >= _CACHE_SIZE:
            # The line-by-line path's memos start afresh; the whole-frame
            # path's keeps what is still in use (see Memo).
            self._known.clear()
            self._others.clear()
        if mode is self._mode:
            self._known[line] = entry
            self._pairs.remember(line, (entry[0], entry[1]))
        else:
            self._others[line] = entry
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
        if self._settled:
            return
        self.profile.observe(frame)
        self._settled = self.profile.settled
        mode = self._fixed_mode or self.profile.mode
        if mode is not self._mode:
            self._mode = mode
            self._narrow()

    def _vote_method(self, kind: int) -> None:
        """Count the checksum method of a newly seen historical group."""
        candidate, streak = self._method_vote
        streak = streak + 1 if kind == candidate else 1
        self._method_vote = (kind, streak)
        if streak >= _METHOD_LOCK_GROUPS:
            self.checksum_method = _KIND_METHODS[kind]
            self._narrow()

    def _narrow(self) -> None:
        """Apply a newly settled mode or checksum method to later groups."""
        self._allowed = _allowed_kinds(self._mode, self.checksum_method)
        self._forget()

    def _forget(self) -> None:
        """Empty the memos of checked lines, as what is accepted changed."""
        self._known.clear()
        self._pairs.forget()
        self._others.clear()

    def _start_frame(self) -> None:
        """Start collecting a new frame."""
        self._groups = {}
        self._frame_mode = None
        self._frame_rejected = 0
