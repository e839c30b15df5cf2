"""Run linky-activity decode on real captures, files and a loopback port."""

from __future__ import annotations

import json
from pathlib import Path
import socket
import subprocess
import sys
import threading
from typing import TYPE_CHECKING

from custom_components.linky_activity.tic.encoder import encode_frame
from custom_components.linky_activity.tic.frame import Group, TicMode
from training.cli import main

if TYPE_CHECKING:
    import pytest

FIXTURES = Path(__file__).parent / "fixtures" / "tic"


def _decode(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(["decode", *args])
    out, err = capsys.readouterr()
    return status, out, err


def test_decoding_a_raw_capture_prints_each_frame_and_a_summary(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, err = _decode(capsys, str(FIXTURES / "historical-tri-base-lains.txt"))

    assert status == 0
    assert out.count("# frame ") == 7
    assert "PAPP       00740" in out
    assert "7 frames, 102 valid groups, 1 rejected groups" in err
    assert "mode: historical, phases: 3, producer: no" in err


def test_json_lines_give_each_group_as_sent_with_its_horodate(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, _ = _decode(
        capsys, "--json", str(FIXTURES / "standard-mono-hc-goteleinfo.txt")
    )

    assert status == 0
    (line,) = out.splitlines()
    frame = json.loads(line)
    assert frame["mode"] == "standard"
    assert frame["groups"]["LTARF"] == {"value": " HEURE  CREUSE  ", "horodate": None}
    assert frame["groups"]["SMAXSN"] == {"value": "05706", "horodate": "H191203032158"}
    assert frame["groups"]["DATE"] == {"value": "", "horodate": "H191203125805"}
    assert len(frame["groups"]) == 38


def test_meter_identifiers_are_masked_unless_asked_otherwise(
    capsys: pytest.CaptureFixture[str],
) -> None:
    capture = str(FIXTURES / "standard-tri-prod-openhab.txt")

    _, masked, _ = _decode(capsys, "--json", capture)
    _, clear, _ = _decode(capsys, "--json", "--no-redact", capture)

    first_masked = json.loads(masked.splitlines()[1])["groups"]
    first_clear = json.loads(clear.splitlines()[1])["groups"]
    assert first_masked["ADSC"]["value"] == "123456XXXXXX"
    assert first_masked["PRM"]["value"] == "X" * 14
    assert first_clear["ADSC"]["value"] == "123456789012"
    assert first_clear["PRM"]["value"] == "12345678901234"
    assert "123456789012" not in masked


def test_a_text_dump_pasted_from_a_bug_report_decodes(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, err = _decode(
        capsys, "--json", str(FIXTURES / "historical-tri-base-openhab.txt")
    )

    assert status == 0
    frames = [json.loads(line) for line in out.splitlines()]
    assert [len(frame["groups"]) for frame in frames] == [1, 15, 1]
    assert frames[1]["groups"]["PAPP"]["value"] == "00540"
    assert "17 valid groups, 0 rejected groups" in err


def test_forcing_the_wrong_mode_gives_no_frame_and_says_so(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, err = _decode(
        capsys, "--mode", "standard", str(FIXTURES / "historical-mono-hc-wifinfo.txt")
    )

    assert status == 0
    assert out == ""
    assert "0 frames, 0 valid groups, 11 rejected groups" in err


def test_frames_option_stops_after_that_many_frames(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, out, _ = _decode(
        capsys,
        "--json",
        "--frames",
        "3",
        str(FIXTURES / "historical-mono-tempo-pyteleinfo.txt"),
    )

    assert len(out.splitlines()) == 3


def test_missing_source_is_a_clear_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    status, out, err = _decode(capsys, str(tmp_path / "nothing.txt"))

    assert status == 2
    assert out == ""
    assert "no such capture file or port" in err


def test_decoding_a_loopback_serial_url_reads_until_the_frame_limit(
    capsys: pytest.CaptureFixture[str], socket_enabled: None
) -> None:
    data = (FIXTURES / "historical-mono-tempo-pyteleinfo.txt").read_bytes()
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(5)
    port = listener.getsockname()[1]

    def serve() -> None:
        connection, _ = listener.accept()
        with connection:
            connection.sendall(data)
            connection.recv(1)

    server = threading.Thread(target=serve, daemon=True)
    server.start()
    try:
        status, out, err = _decode(
            capsys,
            "--json",
            "--frames",
            "4",
            "--seconds",
            "5",
            f"socket://127.0.0.1:{port}",
        )
    finally:
        listener.close()
        server.join(timeout=5)

    assert status == 0
    frames = [json.loads(line) for line in out.splitlines()]
    assert len(frames) == 4
    assert all(frame["groups"]["OPTARIF"]["value"] == "BBR(" for frame in frames)
    assert "mode: historical" in err


def test_decode_never_imports_numpy_scikit_learn_or_home_assistant() -> None:
    capture = FIXTURES / "historical-mono-hc-wifinfo.txt"
    script = (
        "import sys\n"
        "from training.cli import main\n"
        f"main(['decode', '--json', {str(capture)!r}])\n"
        "heavy = [m for m in ('numpy', 'sklearn', 'homeassistant')"
        " if m in sys.modules]\n"
        "print('heavy:', heavy, file=sys.stderr)\n"
    )

    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )

    assert "heavy: []" in result.stderr
    assert json.loads(result.stdout)["groups"]["PAPP"]["value"] == "01890"


def test_json_output_escapes_quotes_and_backslashes_in_values(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    message = 'SAY "HI" \\ BYE'
    capture = tmp_path / "message.bin"
    capture.write_bytes(
        encode_frame(
            [Group("ADSC", "031664000108"), Group("MSG1", message)], TicMode.STANDARD
        )
    )

    _, out, _ = _decode(capsys, "--json", str(capture))

    assert json.loads(out)["groups"]["MSG1"]["value"] == message


def test_summary_gives_the_mode_seen_even_when_too_few_frames_settle_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, _, err = _decode(capsys, str(FIXTURES / "standard-mono-hc-goteleinfo.txt"))

    assert "1 frames, 38 valid groups" in err
    assert "mode: standard (not settled)" in err
