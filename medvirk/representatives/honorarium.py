"""The honorarium maths: from time, attendance and travel to amounts, in whole øre.

Order of the rules (docs/representatives.md has worked examples):

1. time worked = the meeting's (or work's) minutes + preparation minutes;
2. rounded to the rate's step (``rounding_minutes``; 0 = exact minutes),
   up (a started period counts in full) or to the nearest (halves up);
3. attending in person pays at least the rate's minimum;
4. fee = paid hours × hourly rate;
5. travel = km × the rate per km, plus a ticket's amount (with its receipt);
6. documented lost earnings, capped per day by the rate when it has a cap;
7. total = fee + travel + lost earnings.

Every amount is rounded to øre (half up) once, at the end of its own rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Protocol

ØRE = Decimal("0.01")


class RateRules(Protocol):
    hourly_rate: Decimal
    rounding_minutes: int
    rounding: str
    minimum_minutes_in_person: int
    per_km: Decimal
    lost_earnings_max: Decimal | None


@dataclass(frozen=True)
class Amounts:
    worked_minutes: int
    paid_minutes: int
    fee: Decimal
    travel: Decimal
    lost_earnings: Decimal
    total: Decimal

    @property
    def paid_hours(self) -> Decimal:
        return Decimal(self.paid_minutes) / 60


def round_minutes(minutes: int, step: int, mode: str = "up") -> int:
    """``minutes`` rounded to a multiple of ``step``: up, or to the nearest with halves up."""
    if minutes < 0:
        raise ValueError("Time cannot be negative.")
    if step <= 0:
        return minutes
    whole, rest = divmod(minutes, step)
    if rest == 0:
        return minutes
    if mode == "up" or rest * 2 >= step:
        return (whole + 1) * step
    return whole * step


def money(amount: Decimal) -> Decimal:
    return amount.quantize(ØRE, rounding=ROUND_HALF_UP)


def compute(
    rate: RateRules,
    *,
    minutes: int,
    preparation_minutes: int = 0,
    in_person: bool,
    travel_km: Decimal = Decimal(0),
    ticket_amount: Decimal = Decimal(0),
    lost_earnings: Decimal = Decimal(0),
) -> Amounts:
    """The amounts of one claim under ``rate``."""
    if min(minutes, preparation_minutes) < 0 or min(travel_km, ticket_amount, lost_earnings) < 0:
        raise ValueError("A claim cannot hold negative numbers.")
    worked = minutes + preparation_minutes
    paid = round_minutes(worked, rate.rounding_minutes, rate.rounding)
    if in_person:
        paid = max(paid, rate.minimum_minutes_in_person)
    fee = money(Decimal(paid) * rate.hourly_rate / 60)
    travel = money(travel_km * rate.per_km) + money(ticket_amount)
    lost = money(lost_earnings)
    if rate.lost_earnings_max is not None:
        lost = min(lost, money(rate.lost_earnings_max))
    return Amounts(
        worked_minutes=worked,
        paid_minutes=paid,
        fee=fee,
        travel=travel,
        lost_earnings=lost,
        total=fee + travel + lost,
    )
