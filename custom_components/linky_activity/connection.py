"""Keep the meter line open, decode what it sends, and reopen it when it fails."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Final

from .serial_link import SerialLink, open_serial_link
from .tic.frame import TicMode
from .tic.protocol import TicStreamProtocol

if TYPE_CHECKING:
    from collections.abc import Callable

    from .tic.frame import Frame

_LOGGER = logging.getLogger(__name__)

BACKOFF_INITIAL_S: Final = 1.0
# Entities must come back within ten seconds of the line working again, and a
# new attempt is cheap (a local open, or one TCP connection), so the wait
# between attempts stays short however long the line has been down.
BACKOFF_MAX_S: Final = 5.0
# A meter sends a frame every one to two seconds; several missed frames in a
# row mean a silent meter, a cut TIC output or (in auto mode) the wrong rate.
STALL_TIMEOUT_S: Final = 12.0
# A healthy line gives a valid group every fraction of a second: bytes with
# none for this long were read at the wrong rate (or are noise), and auto mode
# tries the other rate at once rather than after the stall timeout.
GARBAGE_TIMEOUT_S: Final = 3.0

# Linky meters leave the factory in historical mode, so auto mode tries it first.
AUTO_MODE_ORDER: Final = (TicMode.HISTORICAL, TicMode.STANDARD)
NO_DATA: Final = "no data"
NO_VALID_FRAME: Final = "data but no valid frame (wrong mode?)"


class TicConnection:
    """Read one meter line for as long as it runs, surviving every link failure.

    The run loop never raises: a port that cannot be opened, closes, or goes
    silent is closed and reopened after a capped exponential backoff, and the
    reason is kept in `last_problem` instead of being logged as a traceback on
    every attempt.
    """

    def __init__(
        self,
        url: str,
        mode: TicMode | None,
        on_frame: Callable[[Frame], None],
    ) -> None:
        self.url = url
        self.fixed_mode = mode
        self.detected_mode: TicMode | None = mode
        self.phases: int | None = None
        self.last_problem: str | None = None
        self.open_attempts = 0
        self._on_frame = on_frame
        self._frames = 0
        self._totals = (0, 0, 0)
        self._link: SerialLink | None = None
        self._protocol: TicStreamProtocol | None = None
        self._auto_index = 0

    @property
    def is_open(self) -> bool:
        """Return whether the line is open right now."""
        return self._link is not None

    @property
    def frames(self) -> int:
        """Return the number of valid frames since the connection was made."""
        return self._frames

    @property
    def bytes_received(self) -> int:
        """Return the number of bytes read over every attempt."""
        return self._totals[0] + self._live(lambda p: p.bytes_received)

    @property
    def valid_groups(self) -> int:
        """Return the number of groups that passed every check."""
        return self._totals[1] + self._live(lambda p: p.decoder.valid_groups)

    @property
    def rejected_groups(self) -> int:
        """Return the number of groups that failed a check."""
        return self._totals[2] + self._live(lambda p: p.decoder.rejected_groups)

    def problem(self) -> str:
        """Say what is wrong with the line right now, as far as it is known."""
        if self._link is not None:
            protocol = self._link.protocol
            if protocol.bytes_received == 0:
                return NO_DATA
            if protocol.decoder.frames == 0:
                return NO_VALID_FRAME
        return self.last_problem or "no valid frame"

    def _live(self, counter: Callable[[TicStreamProtocol], int]) -> int:
        """Read a counter of the line open right now, 0 if none is."""
        return 0 if self._link is None else counter(self._link.protocol)

    async def run(self) -> None:
        """Open, read and reopen the line until the task is cancelled."""
        delay = BACKOFF_INITIAL_S
        try:
            while True:
                if await self._read_once():
                    delay = BACKOFF_INITIAL_S
                _LOGGER.debug(
                    "Reopening %s in %.0f s: %s", self.url, delay, self.last_problem
                )
                await asyncio.sleep(delay)
                delay = min(delay * 2, BACKOFF_MAX_S)
        finally:
            await self._close_link()

    def _candidate_mode(self) -> TicMode:
        """Return the mode whose line rate the next attempt uses."""
        if self.fixed_mode is not None:
            return self.fixed_mode
        if self.detected_mode is not None:
            return self.detected_mode
        return AUTO_MODE_ORDER[self._auto_index % len(AUTO_MODE_ORDER)]

    async def _read_once(self) -> bool:
        """Open the line once and read it until it fails; tell if to retry at once."""
        rate_of = self._candidate_mode()
        frames_before = self._frames
        self.open_attempts += 1
        protocol = TicStreamProtocol(self._handle_frame, self.fixed_mode)
        self._protocol = protocol
        try:
            self._link = await open_serial_link(self.url, rate_of, protocol)
        # URL handlers (ESPHome proxies, RFC 2217) raise their own exception
        # types, and any of them only means "try again later" here.
        except Exception as err:
            self.last_problem = f"port cannot be opened ({err or type(err).__name__})"
            return False

        _LOGGER.debug("Opened %s at the %s mode rate", self.url, rate_of)
        self.last_problem = await self._wait_for_end(self._link)
        await self._close_link()
        got_frames = self._frames > frames_before
        # A silent line says nothing about its rate: keep the one that worked,
        # so the meter is read at once when it speaks again. Garbage says the
        # rate is wrong, even after frames (the meter's mode was switched).
        switched = False
        if self.last_problem == NO_VALID_FRAME or not (
            got_frames or self.last_problem == NO_DATA
        ):
            switched = self._forget_auto_mode()
        # The other rate is worth trying at once, as is a line that worked.
        return got_frames or switched

    async def _wait_for_end(self, link: SerialLink) -> str:
        """Wait until the line closes, falls silent or gives only garbage; say why."""
        protocol = link.protocol
        checks_per_stall = round(STALL_TIMEOUT_S / GARBAGE_TIMEOUT_S)
        while True:
            frames_before = self._frames
            bytes_before = protocol.bytes_received
            for _ in range(checks_per_stall):
                groups_before = protocol.decoder.valid_groups
                bytes_seen = protocol.bytes_received
                done, _ = await asyncio.wait({link.ended}, timeout=GARBAGE_TIMEOUT_S)
                if done:
                    return link.end_reason()
                if (
                    protocol.bytes_received > bytes_seen
                    and protocol.decoder.valid_groups == groups_before
                ):
                    return NO_VALID_FRAME
            if protocol.bytes_received == bytes_before:
                return NO_DATA
            if self._frames == frames_before:
                return NO_VALID_FRAME

    def _forget_auto_mode(self) -> bool:
        """Make auto mode try the other line rate next; tell if it will."""
        if self.fixed_mode is not None:
            return False
        self.detected_mode = None
        self._auto_index += 1
        return True

    def _handle_frame(self, frame: Frame) -> None:
        """Count a valid frame, note the mode and the phases, and hand it on."""
        self._frames += 1
        if self.fixed_mode is None:
            self.detected_mode = frame.mode
        if self._protocol is not None:
            # The profile votes over several frames, so one frame whose
            # per-phase groups were all lost to noise does not decide.
            self.phases = self._protocol.decoder.profile.phases or self.phases
        self._on_frame(frame)

    async def _close_link(self) -> None:
        """Close the line if it is open, keeping its counters."""
        link, self._link = self._link, None
        if link is None:
            return
        protocol = link.protocol
        received, valid, rejected = self._totals
        self._totals = (
            received + protocol.bytes_received,
            valid + protocol.decoder.valid_groups,
            rejected + protocol.decoder.rejected_groups,
        )
        await link.close()
