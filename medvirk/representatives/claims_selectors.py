"""Reads for the honorarium: rates, claims, the coordinators' queue, payroll, and the amounts.

``rate_on(organization, day)`` is the one answer to "which rate applies on
this day": the newest row whose ``effective_from`` is not after it.

``claim_amounts`` gives what a claim pays with the rule lines that explain it
("1 h 40 min → 2 h (rounded up to 30 min)", "minimum applied", "42 km ×
NOK 3.50 = NOK 147.00", …): a draft's amounts are a preview under the rate
that applies on its date; a submitted claim shows its frozen amounts, and its
lines are worked out again from the frozen rate (which is never edited once
used, so they agree). The maths itself is ``honorarium.compute``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from medvirk.accounts.models import User
from medvirk.organizations.permissions import POLICY, Action
from medvirk.representatives.honorarium import Amounts, compute, money, round_minutes
from medvirk.representatives.models import (
    Assignment,
    Claim,
    ClaimStatus,
    PayrollExport,
    Rate,
    Rounding,
)

if TYPE_CHECKING:
    from medvirk.organizations.models import Organization

ZERO = Decimal("0.00")


# --- Formatting -----------------------------------------------------------------------------------


def duration(minutes: int) -> str:
    """``100`` → "1 h 40 min", ``120`` → "2 h", ``45`` → "45 min"."""
    hours, rest = divmod(int(minutes), 60)
    if hours and rest:
        return _("%(hours)s h %(minutes)s min") % {"hours": hours, "minutes": rest}
    if hours:
        return _("%(hours)s h") % {"hours": hours}
    return _("%(minutes)s min") % {"minutes": rest}


def nok(amount: Decimal) -> str:
    """An amount in kroner with øre, in the active language's number format."""
    return _("NOK %(amount)s") % {
        "amount": formats.number_format(amount, 2, use_l10n=True, force_grouping=True)
    }


def _number(value: Decimal) -> str:
    return formats.number_format(value.normalize(), use_l10n=True)


# --- Rates ----------------------------------------------------------------------------------------


def rate_on(organization: Organization, day: datetime.date) -> Rate | None:
    """The rate that applies on ``day``: the newest one in force on that day, if any."""
    return (
        Rate.objects.filter(organization=organization, effective_from__lte=day)
        .order_by("-effective_from", "-pk")
        .first()
    )


def rates_of(organization: Organization) -> list[Rate]:
    """Every rate of the organisation, newest first (few rows: one per change of rules)."""
    return list(Rate.objects.filter(organization=organization).order_by("-effective_from", "-pk"))


def pick_rate(rates: list[Rate], day: datetime.date) -> Rate | None:
    """``rate_on`` over rows already read (``rates_of``), so a list page reads rates once."""
    return next((rate for rate in rates if rate.effective_from <= day), None)


def rate_history(organization: Organization) -> QuerySet[Rate]:
    """The rates newest first, each with ``used``: a submitted claim froze it."""
    return (
        Rate.objects.filter(organization=organization)
        .annotate(used=Exists(Claim.objects.filter(rate=OuterRef("pk"))))
        .select_related("created_by")
        .order_by("-effective_from", "-pk")
    )


def rate_is_used(rate: Rate) -> bool:
    return Claim.objects.filter(rate=rate).exists()


def rate_can_change(rate: Rate, *, used: bool, today: datetime.date | None = None) -> bool:
    """A rate can be changed or deleted until a claim used it and while it has not applied yet.

    A rate in force from today counts as not applied yet: a mistake typed this
    morning can still be mended. Older rates are history and stay as they were.
    """
    today = today or timezone.localdate()
    return not used and rate.effective_from >= today


# --- Who can claim --------------------------------------------------------------------------------


def paid_assignments(organization: Organization, user: User) -> QuerySet[Assignment]:
    """The person's own assignments that pay an honorarium, newest first."""
    return Assignment.objects.filter(organization=organization, user=user, paid=True).order_by(
        "-starts_on", "-pk"
    )


def can_claim(organization: Organization, user: User) -> bool:
    """Only people with a paid assignment claim; experience consultants' work is salaried."""
    return paid_assignments(organization, user).exists()


def assignment_covers(assignment: Assignment, day: datetime.date) -> bool:
    return assignment.starts_on <= day and (assignment.ends_on is None or day <= assignment.ends_on)


# --- The amounts and their explanation ------------------------------------------------------------


@dataclass(frozen=True)
class ClaimAmounts:
    """What a claim pays, and why. ``rate`` is None when no rate applies on its date."""

    rate: Rate | None
    amounts: Amounts | None
    lines: list[str]
    frozen: bool

    @property
    def available(self) -> bool:
        return self.amounts is not None


def rule_lines(rate: Rate, claim: Claim, amounts: Amounts) -> list[str]:
    """The rules applied to ``claim`` under ``rate``, one readable line each."""
    lines: list[str] = []
    worked = amounts.worked_minutes
    if claim.preparation_minutes:
        lines.append(
            _("%(time)s + %(preparation)s preparation = %(worked)s")
            % {
                "time": duration(claim.minutes),
                "preparation": duration(claim.preparation_minutes),
                "worked": duration(worked),
            }
        )
    rounded = round_minutes(worked, rate.rounding_minutes, rate.rounding)
    step = duration(rate.rounding_minutes) if rate.rounding_minutes else ""
    if not rate.rounding_minutes:
        lines.append(_("%(worked)s: the exact minutes are paid") % {"worked": duration(worked)})
    elif rounded == worked:
        lines.append(
            _("%(worked)s: a whole number of %(step)s periods, nothing to round")
            % {"worked": duration(worked), "step": step}
        )
    elif rate.rounding == Rounding.UP:
        lines.append(
            _("%(worked)s → %(rounded)s (rounded up to %(step)s)")
            % {"worked": duration(worked), "rounded": duration(rounded), "step": step}
        )
    else:
        lines.append(
            _("%(worked)s → %(rounded)s (rounded to the nearest %(step)s)")
            % {"worked": duration(worked), "rounded": duration(rounded), "step": step}
        )
    if amounts.paid_minutes > rounded:
        lines.append(
            _("Minimum for attending in person applied: %(minimum)s")
            % {"minimum": duration(amounts.paid_minutes)}
        )
    lines.append(
        _("Fee: %(time)s × %(rate)s an hour = %(fee)s")
        % {
            "time": duration(amounts.paid_minutes),
            "rate": nok(rate.hourly_rate),
            "fee": nok(amounts.fee),
        }
    )
    if claim.travel_km:
        lines.append(
            _("Travel: %(km)s km × %(per_km)s = %(amount)s")
            % {
                "km": _number(claim.travel_km),
                "per_km": nok(rate.per_km),
                "amount": nok(money(claim.travel_km * rate.per_km)),
            }
        )
    if claim.ticket_amount:
        lines.append(
            _("Ticket (receipt attached): %(amount)s") % {"amount": nok(claim.ticket_amount)}
        )
    if claim.lost_earnings:
        if amounts.lost_earnings < money(claim.lost_earnings):
            lines.append(
                _("Documented lost earnings %(claimed)s, capped at %(cap)s a day")
                % {"claimed": nok(claim.lost_earnings), "cap": nok(amounts.lost_earnings)}
            )
        else:
            lines.append(
                _("Documented lost earnings: %(amount)s") % {"amount": nok(amounts.lost_earnings)}
            )
    lines.append(_("Total: %(total)s") % {"total": nok(amounts.total)})
    return lines


def compute_claim(rate: Rate, claim: Claim) -> Amounts:
    return compute(
        rate,
        minutes=claim.minutes,
        preparation_minutes=claim.preparation_minutes,
        in_person=claim.in_person,
        travel_km=claim.travel_km,
        ticket_amount=claim.ticket_amount,
        lost_earnings=claim.lost_earnings,
    )


def frozen_amounts(claim: Claim) -> Amounts:
    """The amounts fixed at submission (lost earnings is what the total holds besides)."""
    return Amounts(
        worked_minutes=claim.minutes + claim.preparation_minutes,
        paid_minutes=claim.paid_minutes,
        fee=claim.fee,
        travel=claim.travel,
        lost_earnings=claim.total - claim.fee - claim.travel,
        total=claim.total,
    )


def is_frozen(claim: Claim) -> bool:
    return claim.status != ClaimStatus.DRAFT and claim.rate_id is not None


def claim_amounts(claim: Claim, *, rates: list[Rate] | None = None) -> ClaimAmounts:
    """The frozen amounts of a submitted claim; a draft's preview under today's rules."""
    if is_frozen(claim):
        rate = claim.rate
        assert rate is not None
        amounts = frozen_amounts(claim)
        return ClaimAmounts(rate, amounts, rule_lines(rate, claim, amounts), frozen=True)
    found = (
        pick_rate(rates, claim.worked_on)
        if rates is not None
        else rate_on(claim.organization, claim.worked_on)
    )
    if found is None:
        return ClaimAmounts(None, None, [], frozen=False)
    amounts = compute_claim(found, claim)
    return ClaimAmounts(found, amounts, rule_lines(found, claim, amounts), frozen=False)


def shown_total(claim: Claim, rates: list[Rate]) -> Decimal | None:
    """The total for a list row: frozen, or a draft's preview, or None without a rate."""
    if is_frozen(claim):
        return claim.total
    rate = pick_rate(rates, claim.worked_on)
    return compute_claim(rate, claim).total if rate is not None else None


# --- The representative's own claims --------------------------------------------------------------


def own_claims(organization: Organization, user: User) -> QuerySet[Claim]:
    return (
        Claim.objects.filter(organization=organization, user=user)
        .select_related("assignment", "rate")
        .order_by("-worked_on", "-pk")
    )


@dataclass(frozen=True)
class OwnTotals:
    drafts: int
    submitted: Decimal
    approved: Decimal
    paid: Decimal


def own_totals(organization: Organization, user: User) -> OwnTotals:
    """One query: how many drafts, and the sums awaiting approval, approved and sent to payroll."""
    found = Claim.objects.filter(organization=organization, user=user).aggregate(
        drafts=Count("pk", filter=Q(status=ClaimStatus.DRAFT)),
        submitted=Sum("total", filter=Q(status=ClaimStatus.SUBMITTED)),
        approved=Sum("total", filter=Q(status=ClaimStatus.APPROVED)),
        paid=Sum("total", filter=Q(status=ClaimStatus.EXPORTED)),
    )
    return OwnTotals(
        drafts=found["drafts"] or 0,
        submitted=found["submitted"] or ZERO,
        approved=found["approved"] or ZERO,
        paid=found["paid"] or ZERO,
    )


# --- The coordinators' queue ----------------------------------------------------------------------


@dataclass(frozen=True)
class QueueFilter:
    status: str = ClaimStatus.SUBMITTED
    user_id: int | None = None
    month: tuple[int, int] | None = None


QUEUE_STATUSES = [
    ClaimStatus.SUBMITTED,
    ClaimStatus.APPROVED,
    ClaimStatus.REJECTED,
    ClaimStatus.EXPORTED,
]


def queue(organization: Organization, filters: QueueFilter) -> QuerySet[Claim]:
    """Claims given to the coordinators (never drafts), oldest submission first."""
    claims = (
        Claim.objects.filter(organization=organization)
        .exclude(status=ClaimStatus.DRAFT)
        .select_related("user")
        .order_by("submitted_at", "pk")
    )
    if filters.status:
        claims = claims.filter(status=filters.status)
    if filters.user_id is not None:
        claims = claims.filter(user_id=filters.user_id)
    if filters.month is not None:
        year, month = filters.month
        claims = claims.filter(worked_on__year=year, worked_on__month=month)
    return claims


def queue_total(claims: QuerySet[Claim]) -> Decimal:
    return claims.order_by().aggregate(sum=Sum("total"))["sum"] or ZERO


def claimants(organization: Organization) -> QuerySet[User]:
    """People with a claim given to the coordinators, for the queue's filter."""
    return (
        User.objects.filter(
            Exists(
                Claim.objects.filter(organization=organization, user=OuterRef("pk")).exclude(
                    status=ClaimStatus.DRAFT
                )
            )
        )
        .only("pk", "full_name", "email")
        .order_by("full_name", "email")
    )


def queue_claim(organization: Organization) -> QuerySet[Claim]:
    """The claims a coordinator may open: every claim but drafts, which are still the person's."""
    return (
        Claim.objects.filter(organization=organization)
        .exclude(status=ClaimStatus.DRAFT)
        .select_related("user", "assignment", "meeting", "rate", "decided_by", "export")
    )


# --- Payroll --------------------------------------------------------------------------------------


def awaiting_export(organization: Organization) -> QuerySet[Claim]:
    """Approved claims not yet sent to payroll."""
    return (
        Claim.objects.filter(
            organization=organization, status=ClaimStatus.APPROVED, export__isnull=True
        )
        .select_related("user")
        .order_by("user__full_name", "user__email", "worked_on", "pk")
    )


def sums(claims: QuerySet[Claim]) -> dict[str, Any]:
    found = claims.order_by().aggregate(count=Count("pk"), total=Sum("total"))
    return {"count": found["count"] or 0, "total": found["total"] or ZERO}


def exports(organization: Organization) -> QuerySet[PayrollExport]:
    return PayrollExport.objects.filter(organization=organization).select_related("created_by")


def export_claims(export: PayrollExport) -> QuerySet[Claim]:
    """The claims of one export, always the same ones (their ``export`` never changes)."""
    return (
        Claim.objects.filter(export=export, organization_id=export.organization_id)
        .select_related("user")
        .order_by("user__full_name", "user__email", "worked_on", "pk")
    )


# --- Attendance -----------------------------------------------------------------------------------


def representative_roles() -> frozenset[str]:
    return frozenset(str(role) for role in POLICY[Action.ACT_AS_REPRESENTATIVE])
