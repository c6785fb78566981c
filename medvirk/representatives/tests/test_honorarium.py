"""The honorarium maths against worked examples written out by hand."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest

from medvirk.representatives.honorarium import compute, round_minutes


@dataclass
class R:
    """A rate as the coordinator enters it."""

    hourly_rate: Decimal = Decimal("355.00")
    rounding_minutes: int = 30
    rounding: str = "up"
    minimum_minutes_in_person: int = 60
    per_km: Decimal = Decimal("3.50")
    lost_earnings_max: Decimal | None = None


def test_the_worked_example_from_the_issue():
    # NOK 355 an hour; a meeting of 1 h 40 min attended in person; time rounded up to
    # the half hour; at least one hour in person; 42 km of travel at NOK 3.50 per km.
    #   1 h 40 min = 100 min → rounded up to the half hour = 120 min (2 h)
    #   2 h ≥ the 1 h minimum                                → 120 min paid
    #   fee    = 2 × 355.00                                  = 710.00
    #   travel = 42 × 3.50                                   = 147.00
    #   total  = 710.00 + 147.00                             = 857.00
    amounts = compute(R(), minutes=100, in_person=True, travel_km=Decimal(42))
    assert amounts.worked_minutes == 100
    assert amounts.paid_minutes == 120
    assert amounts.paid_hours == Decimal(2)
    assert amounts.fee == Decimal("710.00")
    assert amounts.travel == Decimal("147.00")
    assert amounts.lost_earnings == Decimal("0.00")
    assert amounts.total == Decimal("857.00")


def test_a_short_meeting_in_person_pays_the_minimum():
    # 25 min → 30 min rounded up → raised to the 60 min minimum in person → 355.00.
    assert compute(R(), minutes=25, in_person=True).total == Decimal("355.00")


def test_a_short_video_meeting_pays_the_rounded_time_only():
    # 25 min → 30 min; no minimum when not in person → 0.5 × 355 = 177.50.
    amounts = compute(R(), minutes=25, in_person=False)
    assert amounts.paid_minutes == 30
    assert amounts.total == Decimal("177.50")


def test_preparation_is_added_before_rounding():
    # 100 min + 30 min preparation = 130 min → 150 min → 2.5 × 355 = 887.50.
    amounts = compute(R(), minutes=100, preparation_minutes=30, in_person=True)
    assert (amounts.worked_minutes, amounts.paid_minutes) == (130, 150)
    assert amounts.fee == Decimal("887.50")


def test_rounding_to_the_nearest_half_hour():
    rate = R(rounding="nearest")
    # 100 min is 3⅓ half hours → 3 → 90 min → 1.5 × 355 = 532.50.
    assert compute(rate, minutes=100, in_person=True).fee == Decimal("532.50")
    # 105 min is exactly 3½ half hours → halves go up → 120 min.
    assert compute(rate, minutes=105, in_person=True).paid_minutes == 120


def test_exact_minutes_and_øre_rounding():
    # No rounding: 100 min × 355 / 60 = 591.666… → 591.67.
    assert compute(R(rounding_minutes=0), minutes=100, in_person=False).fee == Decimal("591.67")


def test_ticket_and_lost_earnings_with_a_cap():
    rate = R(lost_earnings_max=Decimal("1500.00"))
    amounts = compute(
        rate,
        minutes=120,
        in_person=True,
        ticket_amount=Decimal("87.00"),
        lost_earnings=Decimal("2100.00"),
    )
    # fee 2 × 355 = 710.00; travel: the ticket 87.00; lost earnings capped at 1,500.00.
    assert amounts.travel == Decimal("87.00")
    assert amounts.lost_earnings == Decimal("1500.00")
    assert amounts.total == Decimal("2297.00")


@pytest.mark.parametrize(
    ("minutes", "step", "mode", "expected"),
    [
        (0, 30, "up", 0),
        (30, 30, "up", 30),
        (31, 30, "up", 60),
        (44, 30, "nearest", 30),
        (45, 30, "nearest", 60),
        (7, 15, "up", 15),
        (100, 0, "up", 100),
    ],
)
def test_round_minutes(minutes, step, mode, expected):
    assert round_minutes(minutes, step, mode) == expected


def test_negative_numbers_are_refused():
    with pytest.raises(ValueError, match="negative"):
        compute(R(), minutes=-5, in_person=True)
    with pytest.raises(ValueError, match="negative"):
        compute(R(), minutes=60, in_person=True, travel_km=Decimal(-1))
