"""Who may open a person's individual data, and the access log for every read.

The one door to individual data: ``person_access(context, person_id, scope)``
answers with a ``PersonAccess`` or raises ``Http404`` — for a missing person
and a forbidden one alike, so a URL never tells whether someone is followed.
Allowed are:

- the person themself;
- staff on the person's current care team (who still hold the staff role, an
  open course of care in the organisation and an active ``TeamMember`` row);
- next of kin with an accepted, not withdrawn grant that includes ``scope``
  (without a scope, any active grant: the page then shows only what is
  granted).

Leaders, admins, other staff and anyone in another organisation get 404.
``log_read`` writes the read to the access log; reads by the person of their
own data are not logged (it is their data, not an access to it).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Model, Q, QuerySet
from django.http import Http404

from medvirk.accesslog.models import AccessAction
from medvirk.accesslog.services import log_access
from medvirk.accounts.models import User
from medvirk.care.models import CareRelationship, NextOfKinGrant
from medvirk.organizations.access import OrgContext
from medvirk.organizations.models import Membership
from medvirk.organizations.permissions import Action


class Via:
    SELF = "self"
    TEAM = "team"
    NEXT_OF_KIN = "next_of_kin"


@dataclass(frozen=True)
class PersonAccess:
    context: OrgContext
    person: User
    via: str
    grant: NextOfKinGrant | None = None

    @property
    def is_self(self) -> bool:
        return self.via == Via.SELF

    @property
    def is_team(self) -> bool:
        return self.via == Via.TEAM

    def allows(self, scope: str) -> bool:
        if self.via in (Via.SELF, Via.TEAM):
            return True
        return self.grant is not None and self.grant.allows(scope)


def open_relationships(organization_id: int) -> QuerySet[CareRelationship]:
    """The organisation's courses of care that have not ended."""
    return CareRelationship.objects.filter(organization_id=organization_id, ended_on__isnull=True)


def team_q(staff: User, prefix: str = "") -> Q:
    """Courses of care (through ``prefix``) on whose current team ``staff`` is."""
    return Q(**{f"{prefix}team__staff": staff, f"{prefix}team__removed_on__isnull": True})


def is_on_team(staff: User, organization_id: int, person_id: int) -> bool:
    return open_relationships(organization_id).filter(team_q(staff), person_id=person_id).exists()


def active_grant(next_of_kin: User, organization_id: int, person_id: int) -> NextOfKinGrant | None:
    return (
        NextOfKinGrant.objects.filter(
            organization_id=organization_id,
            person_id=person_id,
            next_of_kin=next_of_kin,
            accepted_at__isnull=False,
            withdrawn_at__isnull=True,
        )
        .order_by("-accepted_at")
        .first()
    )


def person_access(context: OrgContext, person_id: int, scope: str | None = None) -> PersonAccess:
    """The actor's access to ``person_id``'s individual data for ``scope``; 404 if none."""
    organization_id = context.organization.pk
    actor = context.user
    person = User.objects.filter(
        pk=person_id,
        pk__in=Membership.objects.filter(organization_id=organization_id).values("user_id"),
    ).first()
    if person is None:
        raise Http404
    if actor.pk == person.pk:
        return PersonAccess(context, person, Via.SELF)
    if context.can(Action.BE_ON_CARE_TEAM) and is_on_team(actor, organization_id, person.pk):
        return PersonAccess(context, person, Via.TEAM)
    grant = active_grant(actor, organization_id, person.pk)
    if grant is not None and (scope is None or grant.allows(scope)):
        return PersonAccess(context, person, Via.NEXT_OF_KIN, grant)
    raise Http404


def log_read(
    access: PersonAccess,
    obj: Model | None = None,
    *,
    object_type: str = "",
    object_label: str = "",
    action: str = AccessAction.VIEW,
) -> None:
    """Write a read of the person's data to the access log (not when it is their own)."""
    if access.is_self:
        return
    log_access(
        actor=access.context.user,
        action=action,
        organization=access.context.organization,
        obj=obj,
        subject=access.person,
        object_type=object_type,
        object_label=object_label,
    )
