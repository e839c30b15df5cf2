"""Keep corrupted energy indexes away from the recorder."""

from __future__ import annotations

from custom_components.linky_activity.tic.guard import IndexGuard

from .captures import capture, decode


def test_steadily_growing_index_is_accepted() -> None:
    guard = IndexGuard()

    accepted = [guard.accept("base", 1000 + 2 * step, step * 1.5) for step in range(50)]

    assert all(accepted)
    assert guard.last("base") == 1098


def test_index_going_down_is_refused_and_the_last_good_value_kept() -> None:
    guard = IndexGuard()
    guard.accept("base", 10_151_175, 0.0)

    assert not guard.accept("base", 10_151_170, 1.5)
    assert guard.last("base") == 10_151_175


def test_jump_beyond_what_the_supply_could_count_is_refused() -> None:
    guard = IndexGuard(max_power_w=9000)
    guard.accept("hchc", 52_890_470, 0.0)

    # A bit error turning 0 into 8 in the fourth digit: +8 MWh in 1.5 s.
    assert not guard.accept("hchc", 60_890_470, 1.5)
    # 9 kW for an hour is 9 kWh: a 6 kWh rise after an hour's gap is fine.
    assert guard.accept("hchc", 52_896_470, 3600.0)


def test_values_refused_but_consistent_with_each_other_are_followed() -> None:
    guard = IndexGuard(confirmations=5)
    guard.accept("east", 99_999_999, 0.0)  # a corrupted first value

    decisions = [
        guard.accept("east", 17_026_175 + step, step * 2.0) for step in range(1, 7)
    ]

    assert decisions == [False, False, False, False, True, True]
    assert guard.last("east") == 17_026_181


def test_isolated_corrupt_values_do_not_move_the_index() -> None:
    guard = IndexGuard(confirmations=3)
    guard.accept("base", 1000, 0.0)

    decisions = []
    for step in range(1, 7):
        value = 5_000_000 + step * 100_000 if step % 2 else 1000 + step
        decisions.append(guard.accept("base", value, step * 1.5))

    assert decisions == [False, True, False, True, False, True]
    assert guard.last("base") == 1006


def test_indexes_of_a_real_capture_all_pass_the_guard() -> None:
    frames, _ = decode(capture("historical-tri-rxerrors-lains.txt"))
    guard = IndexGuard()

    refused = []
    for number, frame in enumerate(frames):
        if "BASE" in frame.groups:
            value = int(frame.groups["BASE"].value)
            if not guard.accept("base", value, number * 1.5):
                refused.append(value)

    assert refused == []
    assert guard.last("base") == 16_878_542


def test_filter_keeps_only_the_accepted_indexes_of_a_reading() -> None:
    guard = IndexGuard()
    guard.filter({"hchc": 100, "hchp": 200}, 0.0)

    kept = guard.filter({"hchc": 101, "hchp": 150}, 1.5)

    assert kept == {"hchc": 101}
