"""Derive stable, non-identifying ids from the meter address."""

from __future__ import annotations

import hashlib

from .const import DOMAIN


def meter_unique_id(meter_address: str) -> str:
    """Return the config entry's unique id: a SHA-256 digest of the meter address.

    The address itself identifies a household and would end up in the
    registries, in backups and in shared diagnostics; the digest does not.
    """
    return hashlib.sha256(f"{DOMAIN}:{meter_address}".encode()).hexdigest()
