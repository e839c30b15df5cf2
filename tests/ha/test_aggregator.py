"""Specify how one publish interval's readings become the value an entity writes."""

from __future__ import annotations

from custom_components.linky_activity.publish import Aggregate, Aggregator


def test_mean_averages_the_interval_and_keeps_the_last_mean_when_nothing_came() -> None:
    power = Aggregator(Aggregate.MEAN)
    for value in (1000, 1010, 1030, None):
        power.add(value)

    assert power.publish() == 1013
    assert power.publish() == 1013


def test_mean_rounds_to_the_digits_asked() -> None:
    current = Aggregator(Aggregate.MEAN, digits=1)
    for value in (4, 9, 10):
        current.add(value)

    assert current.publish() == 7.7


def test_latest_keeps_the_last_value_sent_and_none_when_the_meter_said_none() -> None:
    colour = Aggregator(Aggregate.LATEST)
    colour.add("blue")
    colour.add(None)
    assert colour.publish() == "blue"

    colour.add(None)
    assert colour.publish() is None


def test_index_waits_for_a_second_value_then_never_goes_back_or_to_zero() -> None:
    index = Aggregator(Aggregate.INDEX)
    index.add(5000)
    assert index.publish() is None

    index.add(5010)
    assert index.publish() == 5010
    for wrong in (5009, 0, -3):
        index.add(wrong)
        assert index.publish() == 5010
    index.add(5020)
    assert index.publish() == 5020


def test_any_is_on_when_one_reading_of_the_interval_was_on() -> None:
    warning = Aggregator(Aggregate.ANY)
    for value in (False, True, False):
        warning.add(value)
    assert warning.publish() is True

    warning.add(False)
    assert warning.publish() is False
