"""Hold the error every dataset reader raises on bad input."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path


class DatasetError(Exception):
    """Report a dataset file that cannot be read, naming the file and line."""

    def __init__(self, path: Path, message: str, line: int | None = None) -> None:
        self.path = path
        self.line = line
        self.reason = message
        where = f"{path}:{line}" if line is not None else str(path)
        super().__init__(f"{where}: {message}")
