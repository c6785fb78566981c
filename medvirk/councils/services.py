"""Writes to councils, seats, memberships and the user-organisation list.

The rules of a council's composition live here, not in the forms, so that
every way in (pages, commands, the demo loader) keeps them. A broken rule
raises ``ValidationError`` keyed by the form field it is about; views add it
to the bound form, so the person sees the message beside what they typed.
Membership writes lock the council row first: two coordinators adding a chair
at the same moment cannot both succeed.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from medvirk.councils.choices import MemberRole
from medvirk.councils.models import Council, CouncilMember, Seat, UserOrganization

if TYPE_CHECKING:
    from medvirk.accounts.models import User
    from medvirk.organizations.models import Organization, Unit


# --- Councils ---------------------------------------------------------------------------------


def _check_unit(organization: Organization, unit: Unit | None) -> None:
    if unit is not None and unit.organization_id != organization.pk:
        raise ValidationError(
            {"unit": _("Choose a unit of %(organization)s.") % {"organization": organization}}
        )


@transaction.atomic
def council_create(
    *,
    organization: Organization,
    name: str,
    kind: str,
    mandate: str = "",
    unit: Unit | None = None,
    visibility: str,
    term_months: int = 24,
    is_active: bool = True,
) -> Council:
    _check_unit(organization, unit)
    return Council.objects.create(
        organization=organization,
        name=name,
        kind=kind,
        mandate=mandate,
        unit=unit,
        visibility=visibility,
        term_months=term_months,
        is_active=is_active,
    )


@transaction.atomic
def council_update(
    *,
    council: Council,
    name: str,
    kind: str,
    mandate: str,
    unit: Unit | None,
    visibility: str,
    term_months: int,
    is_active: bool,
) -> Council:
    _check_unit(council.organization, unit)
    council.name = name
    council.kind = kind
    council.mandate = mandate
    council.unit = unit
    council.visibility = visibility
    council.term_months = term_months
    council.is_active = is_active
    council.save()
    return council


# --- Seats ------------------------------------------------------------------------------------


@transaction.atomic
def seat_create(
    *, council: Council, title: str, requirement: str = "", required: bool = True, position: int = 0
) -> Seat:
    return Seat.objects.create(
        council=council, title=title, requirement=requirement, required=required, position=position
    )


@transaction.atomic
def seat_update(*, seat: Seat, title: str, requirement: str, required: bool, position: int) -> Seat:
    seat.title = title
    seat.requirement = requirement
    seat.required = required
    seat.position = position
    seat.save()
    return seat


@transaction.atomic
def seat_remove(*, seat: Seat) -> None:
    """Remove a seat; its holders stay on the council without a seat."""
    seat.delete()


# --- Memberships ------------------------------------------------------------------------------


def _overlaps(start: date, end: date | None) -> Q:
    """Memberships whose term shares at least one day with ``start``–``end`` (open-ended: None)."""
    condition = Q(term_end__isnull=True) | Q(term_end__gte=start)
    if end is not None:
        condition &= Q(term_start__lte=end)
    return condition


def check_membership(
    *,
    council: Council,
    user: User,
    role: str,
    seat: Seat | None,
    term_start: date,
    term_end: date | None,
    member: CouncilMember | None = None,
) -> None:
    """Raise ``ValidationError`` (keyed by field) if the membership breaks a rule.

    ``member`` is the membership being edited, left out of the overlap checks.
    """
    errors: dict[str, str] = {}
    if term_end is not None and term_end < term_start:
        errors["term_end"] = _("The term cannot end before it starts.")
    if seat is not None and seat.council_id != council.pk:
        errors["seat"] = _("Choose one of this council's seats.")
    if errors:
        raise ValidationError(errors)
    others = CouncilMember.objects.filter(council=council).filter(_overlaps(term_start, term_end))
    if member is not None:
        others = others.exclude(pk=member.pk)
    if others.filter(user=user).exists():
        errors["term_start"] = _(
            "%(person)s is already on this council for part of this term. "
            "Edit or end that membership instead."
        ) % {"person": user}
    if role == MemberRole.CHAIR:
        chair = others.filter(role=MemberRole.CHAIR).exclude(user=user).select_related("user")
        sitting = chair.first()
        if sitting is not None:
            errors["role"] = _(
                "%(person)s is chair for part of this term. A council has one chair at a "
                "time: end that term first or choose another role."
            ) % {"person": sitting.user}
    if errors:
        raise ValidationError(errors)


def _lock(council: Council) -> None:
    Council.objects.select_for_update().filter(pk=council.pk).first()


@transaction.atomic
def member_add(
    *,
    council: Council,
    user: User,
    role: str = MemberRole.MEMBER,
    seat: Seat | None = None,
    represents: UserOrganization | None = None,
    term_start: date,
    term_end: date | None = None,
) -> CouncilMember:
    _lock(council)
    check_membership(
        council=council,
        user=user,
        role=role,
        seat=seat,
        term_start=term_start,
        term_end=term_end,
    )
    return CouncilMember.objects.create(
        council=council,
        user=user,
        role=role,
        seat=seat,
        represents=represents,
        term_start=term_start,
        term_end=term_end,
    )


@transaction.atomic
def member_update(
    *,
    member: CouncilMember,
    role: str,
    seat: Seat | None,
    represents: UserOrganization | None,
    term_start: date,
    term_end: date | None,
) -> CouncilMember:
    _lock(member.council)
    check_membership(
        council=member.council,
        user=member.user,
        role=role,
        seat=seat,
        term_start=term_start,
        term_end=term_end,
        member=member,
    )
    member.role = role
    member.seat = seat
    member.represents = represents
    member.term_start = term_start
    member.term_end = term_end
    member.save()
    return member


@transaction.atomic
def member_end(*, member: CouncilMember, on: date | None = None) -> CouncilMember | None:
    """End a term today (or ``on``).

    A term that has not started yet is removed instead, since it was never
    served; a term that already ended before ``on`` is left as it is. Returns
    the membership, or None when it was removed.
    """
    on = on or timezone.localdate()
    if member.term_start > on:
        member.delete()
        return None
    if member.term_end is None or member.term_end > on:
        member.term_end = on
        member.save(update_fields=["term_end", "updated_at"])
    return member


# --- User organisations -----------------------------------------------------------------------


@transaction.atomic
def user_organization_create(
    *, name: str, short_name: str = "", website: str = ""
) -> UserOrganization:
    name = name.strip()
    if UserOrganization.objects.filter(name__iexact=name).exists():
        raise ValidationError({"name": _("That user organisation is already on the list.")})
    return UserOrganization.objects.create(
        name=name, short_name=short_name.strip(), website=website
    )
