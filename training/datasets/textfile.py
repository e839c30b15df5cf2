"""Read delimited numeric text files fast, naming the exact line of any fault.

The fast path hands chunks of lines to numpy's C parser; when a chunk fails
(or holds something numpy would quietly accept, such as "inf" or a literal
"nan" in a dataset that marks missing values otherwise), the chunk is read
again line by line to report the first bad line by number. Good files never
pay for the slow path.
"""

from __future__ import annotations

from dataclasses import dataclass
import itertools
import logging
import re
import sys
from typing import TYPE_CHECKING, BinaryIO

import numpy as np

from training.datasets.errors import DatasetError

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence
    from pathlib import Path

_LOGGER = logging.getLogger(__name__)

CHUNK_LINES = 400_000
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
# numpy reads "nan", "inf" and "infinity" in any case as numbers.
_LETTERS_NUMPY_WOULD_ACCEPT = (b"n", b"N", b"i", b"I")
_PROGRESS_MIN_BYTES = 20_000_000


@dataclass(frozen=True, slots=True, kw_only=True)
class TextLayout:
    """Describe the lines of one delimited numeric file.

    `fields` is the number of fields every line must have; the first
    `skip_fields` are text the reader does not need (REFIT's wall-clock
    `Time`) and are not parsed. `missing` lists the tokens a dataset documents
    for a missing value (UCI's "?", RAE's empty field); `nan_allowed` accepts
    a literal NaN where the dataset writes one (REFIT's cleaned release).
    """

    delimiter: str
    fields: int
    skip_fields: int = 0
    missing: tuple[str, ...] = ()
    nan_allowed: bool = False


def open_binary(path: Path) -> BinaryIO:
    """Open a dataset file for reading, turning a missing file into a DatasetError."""
    try:
        return path.open("rb")
    except FileNotFoundError as err:
        raise DatasetError(path, "file not found") from err
    except IsADirectoryError as err:
        raise DatasetError(path, "is a folder, not a file") from err
    except OSError as err:
        raise DatasetError(path, f"cannot open: {err.strerror}") from err


def first_line(path: Path) -> str:
    """Return a file's first line (at most 300 bytes), or "" if unreadable."""
    try:
        with path.open("rb") as handle:
            return handle.readline(300).decode("utf-8-sig", "replace").strip()
    except OSError:
        return ""


def decode_line(path: Path, raw: bytes, line: int) -> str:
    """Decode one line of a dataset file, stripped of its line ending."""
    try:
        return raw.decode("utf-8-sig").rstrip("\r\n")
    except UnicodeDecodeError as err:
        raise DatasetError(path, "line is not UTF-8 text", line) from err


def check_header(
    path: Path,
    raw: bytes,
    expected: Sequence[str],
    *,
    delimiter: str,
) -> None:
    """Raise a DatasetError unless the header line holds exactly these names."""
    found = [name.strip() for name in decode_line(path, raw, 1).split(delimiter)]
    if found != list(expected):
        raise DatasetError(
            path,
            f"unexpected header {delimiter.join(found)!r}, "
            f"expected {delimiter.join(expected)!r}",
            1,
        )


@dataclass(frozen=True, slots=True)
class NumericRows:
    """Hold what `read_numeric` parsed: numeric columns and, if asked, text ones.

    `values` has shape (fields - skip_fields, rows), one contiguous row per
    column. `text` has shape (rows, skip_fields) when the skipped fields were
    asked for, else None. Row k came from line `first_line + k` of the file.
    """

    values: np.ndarray
    text: np.ndarray | None
    first_line: int


def read_numeric(
    path: Path,
    layout: TextLayout,
    *,
    handle: BinaryIO,
    first_line: int,
    progress: bool = False,
    keep_text: bool = False,
) -> NumericRows:
    """Parse every remaining line of `handle`; missing tokens become NaN.

    Blank lines are accepted only at the end of the file. `first_line` is
    the 1-based number of the next line in the file.
    """
    columns = layout.fields - layout.skip_fields
    # Counting lines first lets the columns be filled in place: no second
    # copy of a multi-gigabyte file's numbers at the end.
    values = np.empty((columns, _remaining_lines(handle)))
    texts: list[np.ndarray] = []
    filled = 0
    line_no = first_line
    saw_blank_end = False
    for raw_lines in _chunks(path, handle, progress=progress):
        lines = _without_trailing_blanks(raw_lines)
        if saw_blank_end and raw_lines:
            raise DatasetError(path, "blank line inside the data", line_no - 1)
        saw_blank_end = len(lines) < len(raw_lines)
        if lines:
            chunk_values, chunk_text = _parse_chunk(
                path, layout, lines, line_no, keep_text=keep_text
            )
            values[:, filled : filled + len(lines)] = chunk_values
            filled += len(lines)
            if chunk_text is not None:
                texts.append(chunk_text)
        line_no += len(raw_lines)
    return NumericRows(
        values=values[:, :filled],
        text=_join(texts, np.empty((0, layout.skip_fields), dtype=str), axis=0)
        if keep_text
        else None,
        first_line=first_line,
    )


def _remaining_lines(handle: BinaryIO) -> int:
    """Count the lines left in a file, leaving its position where it was."""
    start = handle.tell()
    count = 0
    last = b"\n"
    while block := handle.read(1 << 22):
        count += block.count(b"\n")
        last = block[-1:]
    handle.seek(start)
    # A last line without its newline is a line too.
    return count + (last != b"\n")


def _join(parts: list[np.ndarray], empty: np.ndarray, *, axis: int) -> np.ndarray:
    """Concatenate chunk arrays, avoiding a copy when there is only one."""
    if not parts:
        return empty
    return parts[0] if len(parts) == 1 else np.concatenate(parts, axis=axis)


def _without_trailing_blanks(lines: list[bytes]) -> list[bytes]:
    """Drop the blank lines that end a chunk (a file's final newlines)."""
    end = len(lines)
    while end and not lines[end - 1].strip():
        end -= 1
    return lines if end == len(lines) else lines[:end]


def _chunks(path: Path, handle: BinaryIO, *, progress: bool) -> Iterator[list[bytes]]:
    """Yield lists of raw lines, with a progress bar on large files."""
    bar = None
    # A bar only on a terminal: tqdm starts a monitor thread even for a
    # disabled bar.
    if progress and sys.stderr.isatty():
        size = path.stat().st_size
        if size >= _PROGRESS_MIN_BYTES:
            from tqdm import tqdm  # noqa: PLC0415 - only long reads need it

            bar = tqdm(
                total=size,
                unit="B",
                unit_scale=True,
                desc=path.name,
                leave=False,
            )
    try:
        while lines := list(itertools.islice(handle, CHUNK_LINES)):
            yield lines
            if bar is not None:
                bar.n = handle.tell()
                bar.refresh()
    finally:
        if bar is not None:
            bar.close()


def _parse_chunk(
    path: Path,
    layout: TextLayout,
    lines: list[bytes],
    first_line: int,
    *,
    keep_text: bool,
) -> tuple[np.ndarray, np.ndarray | None]:
    """Parse one chunk on the fast path, or find its first bad line."""
    parsed = _parse_quickly(layout, lines, keep_text=keep_text)
    if parsed is not None:
        return parsed
    rows, text = _parse_slowly(path, layout, lines, first_line)
    return np.ascontiguousarray(rows.T), text if keep_text else None


def _parse_quickly(
    layout: TextLayout,
    lines: list[bytes],
    *,
    keep_text: bool,
) -> tuple[np.ndarray, np.ndarray | None] | None:
    """Parse a chunk with numpy, or return None if anything looks wrong."""
    blob = b"".join(lines)
    if not blob.endswith(b"\n"):
        blob += b"\n"
    delimiter = layout.delimiter.encode()
    if blob.count(delimiter) != (layout.fields - 1) * len(lines):
        return None
    # Letters that numpy reads as numbers ("nan", "inf") send the chunk to the
    # strict path; dates and times in skipped fields never contain them.
    if not layout.nan_allowed and any(
        letter in blob for letter in _LETTERS_NUMPY_WOULD_ACCEPT
    ):
        return None
    split = _mark_missing(blob, layout).splitlines()
    try:
        values = np.loadtxt(
            split,
            delimiter=layout.delimiter,
            usecols=range(layout.skip_fields, layout.fields),
            dtype=np.float64,
            comments=None,
            ndmin=2,
        )
        text = (
            np.loadtxt(
                split,
                delimiter=layout.delimiter,
                usecols=range(layout.skip_fields),
                dtype=str,
                comments=None,
                ndmin=2,
            )
            if keep_text and layout.skip_fields
            else None
        )
    except ValueError, UnicodeError:
        return None
    if values.shape[0] != len(lines) or np.isinf(values).any():
        return None
    return np.ascontiguousarray(values.T), text


def _mark_missing(blob: bytes, layout: TextLayout) -> bytes:
    """Rewrite the dataset's missing-value tokens as NaN for numpy."""
    delimiter = layout.delimiter.encode()
    for token in layout.missing:
        if token == "":
            doubled = delimiter + delimiter
            # Two passes: a run of empty fields overlaps itself.
            blob = blob.replace(doubled, delimiter + b"nan" + delimiter)
            blob = blob.replace(doubled, delimiter + b"nan" + delimiter)
            blob = blob.replace(delimiter + b"\r\n", delimiter + b"nan\r\n")
            blob = blob.replace(delimiter + b"\n", delimiter + b"nan\n")
        else:
            blob = blob.replace(token.encode(), b"nan")
    return blob


def _parse_slowly(
    path: Path,
    layout: TextLayout,
    lines: list[bytes],
    first_line: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Parse a chunk line by line, raising a DatasetError at the first bad line."""
    rows: list[list[float]] = []
    texts: list[list[str]] = []
    for offset, raw in enumerate(lines):
        line_no = first_line + offset
        text = raw.decode("latin-1").rstrip("\r\n")
        if not text.strip():
            raise DatasetError(path, "blank line inside the data", line_no)
        rows.append(parse_fields(path, layout, text, line_no))
        texts.append(
            [field.strip() for field in text.split(layout.delimiter)][
                : layout.skip_fields
            ]
        )
    values = np.asarray(rows, dtype=np.float64).reshape(
        len(rows), layout.fields - layout.skip_fields
    )
    return values, np.asarray(texts, dtype=str).reshape(len(rows), layout.skip_fields)


def parse_fields(
    path: Path,
    layout: TextLayout,
    text: str,
    line_no: int,
) -> list[float]:
    """Parse the numeric fields of one line, or raise a DatasetError naming it."""
    fields = text.split(layout.delimiter)
    if len(fields) != layout.fields:
        raise DatasetError(
            path,
            f"expected {layout.fields} fields, found {len(fields)}",
            line_no,
        )
    values: list[float] = []
    for column, field in enumerate(fields[layout.skip_fields :], layout.skip_fields):
        token = field.strip()
        if token in layout.missing:
            values.append(np.nan)
            continue
        if layout.nan_allowed and token.lower() == "nan":
            values.append(np.nan)
            continue
        if not _NUMBER.fullmatch(token):
            raise DatasetError(
                path,
                f"field {column + 1} is not a number: {token[:40]!r}",
                line_no,
            )
        value = float(token)
        if not np.isfinite(value):
            raise DatasetError(
                path,
                f"field {column + 1} is out of range: {token[:40]!r}",
                line_no,
            )
        values.append(value)
    return values


def keep_increasing(
    path: Path, timestamps_s: np.ndarray, first_line: int
) -> np.ndarray:
    """Return a mask keeping the first of repeated timestamps; reject any going back.

    Logged datasets repeat a timestamp now and then (two polls within one
    second); keeping the first reading is what the next poll would have shown.
    A timestamp that moves backwards, or is missing, is a fault in the file.
    """
    missing = np.flatnonzero(np.isnan(timestamps_s))
    if missing.size:
        raise DatasetError(path, "timestamp missing", first_line + int(missing[0]))
    keep = np.ones(timestamps_s.size, dtype=bool)
    if timestamps_s.size < 2:
        return keep
    steps = np.diff(timestamps_s)
    backwards = np.flatnonzero(steps < 0)
    if backwards.size:
        index = int(backwards[0]) + 1
        raise DatasetError(
            path,
            "timestamp goes backwards "
            f"({timestamps_s[index - 1]:.0f} then {timestamps_s[index]:.0f})",
            first_line + index,
        )
    keep[1:] = steps > 0
    repeated = int(keep.size - np.count_nonzero(keep))
    if repeated:
        _LOGGER.info("%s: %s repeated timestamps, first reading kept", path, repeated)
    return keep
