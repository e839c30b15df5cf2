"""Show progress bars on the long loops of the training commands."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tqdm import tqdm

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = ["progress_bar"]

# tqdm's monitor thread only retunes refresh rates; without it no thread
# outlives a command run inside a longer-lived process (tests, notebooks).
tqdm.monitor_interval = 0


def progress_bar[T](
    items: Iterable[T], *, desc: str, unit: str, shown: bool
) -> Iterable[T]:
    """Return the items, wrapped in a progress bar on stderr when `shown`."""
    if not shown:
        return items
    bar: Iterable[T] = tqdm(items, desc=desc, unit=unit)
    return bar
