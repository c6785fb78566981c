"""Writes of the care teams: start a course of care, change its team, end it.

Every change is written to the access log with the person as its subject
(``CREATE`` for a start, ``CHANGE`` for the rest), and the person is told
when a course starts and when it ends. Access follows the rows at once:
``access.py`` reads the open course and the team members not removed, so a
removal or an end closes the person's data to that staff member in the next
request.

Coordinators organise teams for the whole organisation without being on
them; ``may_organise_teams`` is the one place that says who they are.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from medvirk.accesslog.models import AccessAction
from medvirk.accesslog.services import log_access
from medvirk.care.models import CareRelationship, EndReason, TeamMember
from medvirk.care.team_selectors import people_in_care, team_staff
from medvirk.notifications.services import notify
from medvirk.organizations.permissions import Action

if TYPE_CHECKING:
    from medvirk.accounts.models import User
    from medvirk.organizations.access import OrgContext
    from medvirk.organizations.models import Organization, Unit

STARTED_MESSAGE = "care_team_started"
ENDED_MESSAGE = "care_team_ended"
ADDED_MESSAGE = "care_team_member_added"


def may_organise_teams(context: OrgContext) -> bool:
    """Coordinators start courses in any unit and manage every team, without seeing the data."""
    return context.can(Action.ORGANISE_CARE_TEAMS)


def my_care_path(course: CareRelationship) -> str:
    return reverse("care:my_care", args=[course.organization.slug])


def person_path(course: CareRelationship) -> str:
    return reverse("care:person", args=[course.organization.slug, course.person_id])


def _log(course: CareRelationship, actor: User, action: str) -> None:
    log_access(
        actor=actor,
        action=action,
        organization=course.organization,
        obj=course,
        subject=course.person,
    )


def _locked(course: CareRelationship) -> CareRelationship:
    """The course again, locked against concurrent team changes and ends."""
    locked = (
        CareRelationship.objects.select_for_update()
        .select_related("organization", "person", "unit")
        .get(pk=course.pk)
    )
    if not locked.is_open:
        raise ValidationError(_("This course of care has ended: its team can no longer change."))
    return locked


def _check_staff(organization: Organization, staff: User, person: User, field: str) -> None:
    if staff.pk == person.pk:
        raise ValidationError({field: _("A person cannot be on their own care team.")})
    if not team_staff(organization).filter(pk=staff.pk).exists():
        raise ValidationError({field: _("Only staff of the organisation can be on a care team.")})


def _tell_staff(member: TeamMember, actor: User) -> None:
    """Tell a member of staff that someone else put them on a team (without the person's name).

    E-mail is no place for who is followed by which service: the message says
    only that there is a new team, and the link shows the rest after login.
    """
    if member.staff_id == actor.pk:
        return
    course = member.relationship
    notify(
        recipient=member.staff,
        message=ADDED_MESSAGE,
        context={"organization": course.organization, "actor": actor},
        url=person_path(course),
        organization=course.organization,
    )


@transaction.atomic
def course_start(
    *,
    organization: Organization,
    person: User,
    unit: Unit,
    started_on: datetime.date,
    primary: User,
    actor: User,
    others: Sequence[User] = (),
) -> CareRelationship:
    """Start a course of care for ``person`` in ``unit``, with ``primary`` as primary contact.

    ``others`` join the team too. The start is logged and the person is told
    which unit follows them and who is on their team.
    """
    if person.pk == actor.pk:
        raise ValidationError({"person": _("You cannot start a course of care for yourself.")})
    if not people_in_care(organization).filter(pk=person.pk).exists():
        raise ValidationError({"person": _("Choose a person with the user role here.")})
    if unit.organization_id != organization.pk or not unit.is_active:
        raise ValidationError({"unit": _("Choose one of the organisation's units.")})
    if started_on > timezone.localdate():
        raise ValidationError({"started_on": _("The start date cannot be in the future.")})
    team = [primary, *[staff for staff in others if staff.pk != primary.pk]]
    for staff in team:
        _check_staff(organization, staff, person, "primary" if staff is primary else "others")
    taken = ValidationError(
        {
            "unit": _("%(person)s already has an open course of care in %(unit)s.")
            % {"person": person.get_full_name(), "unit": unit.name}
        }
    )
    if CareRelationship.objects.filter(person=person, unit=unit, ended_on__isnull=True).exists():
        raise taken
    try:
        with transaction.atomic():
            course = CareRelationship.objects.create(
                organization=organization,
                person=person,
                unit=unit,
                started_on=started_on,
                created_by=actor,
            )
    except IntegrityError as exc:  # the same form sent twice at once
        raise taken from exc
    members = [
        TeamMember.objects.create(
            relationship=course, staff=staff, added_on=started_on, is_primary=staff is primary
        )
        for staff in team
    ]
    _log(course, actor, AccessAction.CREATE)
    notify(
        recipient=person,
        message=STARTED_MESSAGE,
        context={"course": course, "unit": unit, "organization": organization, "team": members},
        url=my_care_path(course),
        organization=organization,
    )
    for member in members:
        _tell_staff(member, actor)
    return course


@transaction.atomic
def team_member_add(
    *,
    course: CareRelationship,
    staff: User,
    actor: User,
    role: str = "",
    is_primary: bool = False,
    today: datetime.date | None = None,
) -> TeamMember:
    """Put ``staff`` on the course's team (as primary contact if told); logged."""
    course = _locked(course)
    _check_staff(course.organization, staff, course.person, "staff")
    if TeamMember.objects.filter(
        relationship=course, staff=staff, removed_on__isnull=True
    ).exists():
        raise ValidationError(
            {"staff": _("%(name)s is already on the team.") % {"name": staff.get_full_name()}}
        )
    if is_primary:
        TeamMember.objects.filter(relationship=course, is_primary=True).update(is_primary=False)
    member = TeamMember.objects.create(
        relationship=course,
        staff=staff,
        role=role.strip(),
        is_primary=is_primary,
        added_on=today or timezone.localdate(),
    )
    _log(course, actor, AccessAction.CHANGE)
    _tell_staff(member, actor)
    return member


@transaction.atomic
def team_member_update(
    *, member: TeamMember, actor: User, role: str, is_primary: bool
) -> TeamMember:
    """Change a team member's role on the team; making them primary contact unmakes the other."""
    course = _locked(member.relationship)
    member = TeamMember.objects.select_for_update().get(pk=member.pk)
    if member.removed_on is not None:
        raise ValidationError(_("This person is no longer on the team."))
    if is_primary:
        TeamMember.objects.filter(relationship=course, is_primary=True).exclude(
            pk=member.pk
        ).update(is_primary=False)
    member.role = role.strip()
    member.is_primary = is_primary
    member.save(update_fields=["role", "is_primary", "updated_at"])
    _log(course, actor, AccessAction.CHANGE)
    return member


@transaction.atomic
def team_member_remove(
    *, member: TeamMember, actor: User, today: datetime.date | None = None
) -> TeamMember:
    """Take a member off the team: their access to the person's data ends at once.

    The row stays, with the date, so the team's history shows who was on it.
    The last member cannot be removed: a course without a team is one nobody
    follows (end the course instead).
    """
    course = _locked(member.relationship)
    member = TeamMember.objects.select_for_update().get(pk=member.pk)
    if member.removed_on is not None:
        raise ValidationError(_("This person is no longer on the team."))
    others = TeamMember.objects.filter(relationship=course, removed_on__isnull=True).exclude(
        pk=member.pk
    )
    if not others.exists():
        raise ValidationError(
            _(
                "The last person on the team cannot be removed. Add someone else first, "
                "or end the course of care."
            )
        )
    member.removed_on = today or timezone.localdate()
    member.is_primary = False
    member.save(update_fields=["removed_on", "is_primary", "updated_at"])
    _log(course, actor, AccessAction.CHANGE)
    return member


@transaction.atomic
def course_end(
    *,
    course: CareRelationship,
    ended_on: datetime.date,
    reason: str,
    actor: User,
    note: str = "",
) -> CareRelationship:
    """End the course with how it ended; the team loses access to the person's data at once.

    The team rows are kept as they were (the team the course had when it
    ended). Logged, and the person is told.
    """
    course = _locked(course)
    if reason not in EndReason.values:
        raise ValidationError({"reason": _("Choose how the course of care ended.")})
    if ended_on < course.started_on:
        raise ValidationError(
            {
                "ended_on": _("The course of care cannot end before it started (%(date)s).")
                % {"date": date_format(course.started_on, "SHORT_DATE_FORMAT")}
            }
        )
    if ended_on > timezone.localdate():
        raise ValidationError({"ended_on": _("The end date cannot be in the future.")})
    course.ended_on = ended_on
    course.end_reason = reason
    course.end_note = note.strip()
    course.save(update_fields=["ended_on", "end_reason", "end_note", "updated_at"])
    _log(course, actor, AccessAction.CHANGE)
    notify(
        recipient=course.person,
        message=ENDED_MESSAGE,
        context={"course": course, "unit": course.unit, "organization": course.organization},
        url=my_care_path(course),
        organization=course.organization,
    )
    return course
