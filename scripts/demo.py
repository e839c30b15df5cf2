"""Run Home Assistant on loopback, fed by a replayed real Linky capture.

Steps: a fresh configuration folder with onboarding already done and a
demo user, a `linky-activity replay` of a real capture on a loopback TCP port,
Home Assistant on 127.0.0.1, and the integration added through its real
config flow (which reads a frame before it accepts the port). Ctrl-C stops
Home Assistant, then the replay.
"""

from __future__ import annotations

import argparse
import asyncio
from contextlib import contextmanager, suppress
from http import HTTPStatus
import itertools
import json
from pathlib import Path
import shutil
import signal
import socket
import subprocess
import sys
import time
from typing import TYPE_CHECKING, Any
import urllib.error
import urllib.parse
import urllib.request

import aiohttp

if TYPE_CHECKING:
    from collections.abc import Iterator
    from types import FrameType

REPO = Path(__file__).resolve().parent.parent
VENV_BIN = REPO / ".venv" / "bin"
CONFIG = REPO / "demo-config"
CAPTURE = REPO / "tests" / "fixtures" / "tic" / "historical-mono-tempo-pyteleinfo.txt"
DATASETS = REPO / "tests" / "fixtures" / "datasets"
USERNAME = "demo"
PASSWORD = "linky-demo"  # noqa: S105 - a throwaway login for a loopback-only demo
HOST = "127.0.0.1"
DASHBOARD = "linky-demo"
START_TIMEOUT_S = 240.0
READY_TIMEOUT_S = 60.0

CONFIGURATION = """\
homeassistant:
  name: Linky Activity demo
  latitude: 48.8566
  longitude: 2.3522
  elevation: 35
  unit_system: metric
  time_zone: Europe/Paris
  country: FR
  currency: EUR
  language: {language}

frontend:
config:
history:
logbook:
energy:
person:

logger:
  default: warning
  logs:
    custom_components.linky_activity: info
"""


class DemoError(Exception):
    """Report a step of the demo that failed, with what to look at."""


def say(message: str) -> None:
    """Print one line of the demo's own output."""
    print(f"[demo] {message}", flush=True)


def free_port(preferred: int) -> int:
    """Return the preferred loopback port if it is free, else any free one."""
    for port in (preferred, 0):
        with socket.socket() as probe:
            # As Home Assistant's own server does, so that connections still
            # closing from a previous run do not keep the port busy.
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind((HOST, port))
            except OSError:
                continue
            return int(probe.getsockname()[1])
    raise DemoError("no free port on 127.0.0.1")


def write_config(port: int, language: str) -> None:
    """Write a fresh configuration folder with onboarding marked as done."""
    shutil.rmtree(CONFIG, ignore_errors=True)
    storage = CONFIG / ".storage"
    storage.mkdir(parents=True)
    (CONFIG / "configuration.yaml").write_text(
        CONFIGURATION.format(language=language),
        encoding="utf-8",
    )
    onboarding = {
        "version": 4,
        "minor_version": 1,
        "key": "onboarding",
        "data": {"done": ["user", "core_config", "analytics", "integration"]},
    }
    (storage / "onboarding").write_text(json.dumps(onboarding), encoding="utf-8")
    # Loopback only: the demo is reachable from this machine and no other.
    # The HTTP settings live in storage (YAML would be a trial that Home
    # Assistant reverts to listening everywhere unless confirmed); this is
    # the first version of that store, which Home Assistant migrates itself.
    http = {
        "version": 1,
        "minor_version": 1,
        "key": "http",
        "data": {"server_host": [HOST], "server_port": port},
    }
    (storage / "http").write_text(json.dumps(http), encoding="utf-8")


def add_demo_user() -> None:
    """Create the demo login with Home Assistant's own auth script."""
    auth = [VENV_BIN / "hass", "--script", "auth", "-c", CONFIG]
    subprocess.run(  # noqa: S603 - our own command, fixed arguments
        [*auth, "add", USERNAME, PASSWORD],
        check=True,
        capture_output=True,
        timeout=120,
    )


def replay_source(house: str | None) -> list[str]:
    """Name what the replay plays: the capture, or a dataset house's morning."""
    if house is None:
        return [str(CAPTURE)]
    return ["--dataset", str(DATASETS), "--house", house, "--start", "07:00"]


def start_replay(house: str | None) -> tuple[subprocess.Popen[str], str]:
    """Play the capture as a live meter and return the URL to reach it."""
    command = [str(VENV_BIN / "linky-activity"), "replay", *replay_source(house)]
    replay = subprocess.Popen(  # noqa: S603 - our own command, fixed arguments
        [*command, "--tcp", f"{HOST}:0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        start_new_session=True,
    )
    assert replay.stdout is not None
    line = replay.stdout.readline().strip()
    if not line.startswith("replaying on "):
        replay.terminate()
        raise DemoError(f"the replay did not start: {line!r}")
    return replay, f"socket://{line.removeprefix('replaying on ')}"


def start_home_assistant() -> subprocess.Popen[bytes]:
    """Start Home Assistant on the demo folder, its console going to a file."""
    console = (CONFIG / "console.log").open("wb")
    return subprocess.Popen(  # noqa: S603 - our own command, fixed arguments
        [VENV_BIN / "hass", "-c", CONFIG],
        stdout=console,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def request(
    url: str,
    *,
    payload: dict[str, Any] | None = None,
    form: dict[str, str] | None = None,
    token: str | None = None,
) -> Any:  # noqa: ANN401 - JSON of any shape
    """Send one request to Home Assistant on loopback and decode its JSON."""
    headers = {}
    data = None
    if payload is not None:
        data = json.dumps(payload).encode()
        headers["Content-Type"] = "application/json"
    elif form is not None:
        data = urllib.parse.urlencode(form).encode()
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    message = urllib.request.Request(url, data=data, headers=headers)  # noqa: S310 - loopback http only
    with urllib.request.urlopen(message, timeout=30) as response:  # noqa: S310 - loopback http only
        return json.loads(response.read() or b"null")


def wait_for_http(base: str, hass: subprocess.Popen[bytes]) -> None:
    """Wait until Home Assistant offers its login, or fail if it stopped."""
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if hass.poll() is not None:
            raise DemoError("Home Assistant stopped; see demo-config/console.log")
        with suppress(OSError, urllib.error.URLError):
            request(f"{base}/auth/providers")
            return
        time.sleep(1)
    raise DemoError("no answer from Home Assistant; see demo-config/console.log")


def log_in(base: str) -> str:
    """Log the demo user in through Home Assistant's login flow; return a token."""
    client_id = f"{base}/"
    flow = request(
        f"{base}/auth/login_flow",
        payload={
            "client_id": client_id,
            "handler": ["homeassistant", None],
            "redirect_uri": f"{base}/?auth_callback=1",
        },
    )
    result = request(
        f"{base}/auth/login_flow/{flow['flow_id']}",
        payload={"username": USERNAME, "password": PASSWORD, "client_id": client_id},
    )
    tokens = request(
        f"{base}/auth/token",
        form={
            "grant_type": "authorization_code",
            "code": result["result"],
            "client_id": client_id,
        },
    )
    return str(tokens["access_token"])


def add_meter(base: str, token: str, port_url: str) -> None:
    """Add the integration through its config flow, as a user would in the UI.

    The config API comes up a little after the login, so a 404 is retried.
    """
    deadline = time.monotonic() + READY_TIMEOUT_S
    while True:
        try:
            flow = request(
                f"{base}/api/config/config_entries/flow",
                payload={"handler": "linky_activity", "show_advanced_options": False},
                token=token,
            )
            break
        except urllib.error.HTTPError as err:
            if err.code != HTTPStatus.NOT_FOUND or time.monotonic() > deadline:
                raise
            time.sleep(1)
    result = request(
        f"{base}/api/config/config_entries/flow/{flow['flow_id']}",
        payload={"port": port_url, "mode": "auto"},
        token=token,
    )
    if result.get("type") != "create_entry":
        raise DemoError(f"the config flow did not create the entry: {result}")


async def _install_dashboard(base: str, token: str) -> None:
    """Save an overview dashboard that shows the meter's entities."""
    url = base.replace("http://", "ws://") + "/api/websocket"
    async with aiohttp.ClientSession() as session, session.ws_connect(url) as ws:
        await ws.receive_json()
        await ws.send_json({"type": "auth", "access_token": token})
        if (await ws.receive_json()).get("type") != "auth_ok":
            raise DemoError("the websocket API refused the demo login")
        ids = itertools.count(1)
        ours = await _meter_entities(ws, ids)
        await _call(
            ws,
            {
                "id": next(ids),
                "type": "lovelace/dashboards/create",
                "url_path": DASHBOARD,
                "title": "Linky",
                "icon": "mdi:meter-electric",
                "mode": "storage",
                "show_in_sidebar": True,
                "require_admin": False,
            },
        )
        await _call(
            ws,
            {
                "id": next(ids),
                "type": "lovelace/config/save",
                "url_path": DASHBOARD,
                "config": dashboard(ours),
            },
        )


async def _meter_entities(
    ws: aiohttp.ClientWebSocketResponse, ids: Iterator[int]
) -> list[dict[str, Any]]:
    """Return the meter's enabled entities once the per-phase ones exist too.

    Current and voltage sensors appear a few frames after the others, once
    the number of phases is settled, so the list is read again until then.
    """
    deadline = time.monotonic() + READY_TIMEOUT_S
    while True:
        await ws.send_json({"id": next(ids), "type": "config/entity_registry/list"})
        ours = [
            entry
            for entry in (await ws.receive_json())["result"]
            if entry["platform"] == "linky_activity" and entry["disabled_by"] is None
        ]
        keys = {entry["translation_key"] for entry in ours}
        if keys & {"current", "current_phase"} or time.monotonic() > deadline:
            return ours
        await asyncio.sleep(1)


async def _call(ws: aiohttp.ClientWebSocketResponse, message: dict[str, Any]) -> None:
    """Send one websocket command and wait until it has succeeded."""
    await ws.send_json(message)
    reply = await ws.receive_json()
    if not reply.get("success"):
        raise DemoError(f"the dashboard was not saved: {reply}")


def dashboard(entries: list[dict[str, Any]]) -> dict[str, Any]:
    """Lay out the meter's entities: power first, then the rest, health last."""
    power = [
        e["entity_id"] for e in entries if e["translation_key"] == "apparent_power"
    ]
    meter = [e["entity_id"] for e in entries if e["entity_category"] is None]
    health = [e["entity_id"] for e in entries if e["entity_category"] is not None]
    cards: list[dict[str, Any]] = [
        {"type": "gauge", "entity": entity, "min": 0, "max": 9000} for entity in power
    ]
    cards += [
        {"type": "history-graph", "entities": power, "hours_to_show": 1},
        {"type": "entities", "title": "Linky", "entities": meter},
        {"type": "entities", "title": "Link", "entities": health},
    ]
    return {"views": [{"title": "Linky", "path": "linky", "cards": cards}]}


def install_dashboard(base: str, token: str) -> None:
    """Save the demo's dashboard through Home Assistant's websocket API."""
    asyncio.run(_install_dashboard(base, token))


def wait_for_power(base: str, token: str) -> dict[str, Any]:
    """Wait until the apparent power sensor has a live value, and return it."""
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        for state in request(f"{base}/api/states", token=token):
            if (
                state["entity_id"].startswith("sensor.")
                and state["attributes"].get("unit_of_measurement") == "VA"
                and state["attributes"].get("device_class") == "apparent_power"
                and state["state"] not in ("unknown", "unavailable")
            ):
                return dict(state)
        time.sleep(1)
    raise DemoError("no live power value; see demo-config/home-assistant.log")


def stop(process: subprocess.Popen[Any] | None, name: str, grace_s: float) -> None:
    """Ask a child to stop, wait a little, then make it stop."""
    if process is None or process.poll() is not None:
        return
    say(f"stopping {name}")
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=grace_s)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def interrupts_as_keyboard_interrupt() -> Iterator[None]:
    """Stop the children in order on Ctrl-C or SIGTERM, however we were started.

    A shell starts background jobs with SIGINT ignored; the handler is set
    explicitly so that an interrupt always reaches the clean-up.
    """

    def handle(_signum: int, _frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    previous = {
        signum: signal.signal(signum, handle)
        for signum in (signal.SIGINT, signal.SIGTERM)
    }
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def run(language: str, preferred_port: int, check_only: bool, house: str | None) -> int:
    """Run the demo until Ctrl-C (or, with check_only, until it is ready)."""
    replay: subprocess.Popen[str] | None = None
    hass: subprocess.Popen[bytes] | None = None
    with interrupts_as_keyboard_interrupt():
        try:
            port = free_port(preferred_port)
            base = f"http://{HOST}:{port}"
            say(f"fresh configuration in {CONFIG.relative_to(REPO)}/")
            write_config(port, language)
            add_demo_user()
            replay, port_url = start_replay(house)
            say(f"replaying {house or CAPTURE.name} as a live meter on {port_url}")
            say("starting Home Assistant (the first start takes a minute)")
            hass = start_home_assistant()
            wait_for_http(base, hass)
            token = log_in(base)
            add_meter(base, token, port_url)
            power = wait_for_power(base, token)
            install_dashboard(base, token)
            say(
                f"live: {power['attributes'].get('friendly_name')} = "
                f"{power['state']} VA"
            )
            say(f"open {base}/{DASHBOARD}/linky and log in as {USERNAME} / {PASSWORD}")
            if check_only:
                return 0
            say("press Ctrl-C to stop")
            while hass.poll() is None and replay.poll() is None:
                time.sleep(1)
            say("a process of the demo stopped; see demo-config/console.log")
            return 1
        except KeyboardInterrupt:
            return 0
        except (DemoError, OSError, subprocess.SubprocessError) as err:
            say(f"failed: {err}")
            return 1
        finally:
            stop(hass, "Home Assistant", grace_s=60)
            stop(replay, "the replay", grace_s=10)


def main() -> int:
    """Parse the options and run the demo."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--language", default="en", help="UI and entity language")
    parser.add_argument("--port", type=int, default=8123, help="preferred HTTP port")
    parser.add_argument(
        "--check", action="store_true", help="stop once live values are seen"
    )
    parser.add_argument(
        "--house",
        metavar="NAME",
        help="replay a real dataset house from 07:00 (e.g. refit/House_2) instead"
        " of the meter capture, to watch activity detection",
    )
    args = parser.parse_args()
    return run(args.language, args.port, args.check, args.house)


if __name__ == "__main__":
    sys.exit(main())
