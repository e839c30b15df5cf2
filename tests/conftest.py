"""Make the repository's custom_components folder loadable by Home Assistant."""

from __future__ import annotations

from pathlib import Path

import custom_components

# An editable install adds a placeholder entry (not a folder) to the namespace
# package's path, and the rootdir can appear twice; Home Assistant scans every
# entry as a folder, so keep each real folder once.
custom_components.__path__[:] = list(
    dict.fromkeys(entry for entry in custom_components.__path__ if Path(entry).is_dir())
)
