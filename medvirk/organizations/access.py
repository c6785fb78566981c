"""Load organisations and their objects for a person, checking access in one call.

Every helper answers ``Http404`` both when the object does not exist and when
the person may not see it, so that a URL never reveals whether something
exists in another organisation. (Zulip's ``access_*_by_id`` pattern.)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar

from django.db.models import Model, QuerySet
from django.http import Http404

from medvirk.accounts.models import User
from medvirk.organizations.models import Membership, Organization, Unit
from medvirk.organizations.permissions import Action, roles_allow
from medvirk.organizations.roles import Role

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser

    AnyUser = AbstractBaseUser | AnonymousUser

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class OrgContext:
    """A person acting in one organisation, with the roles they hold there."""

    user: User
    organization: Organization
    roles: frozenset[str]
    unit_ids: frozenset[int] = field(default_factory=frozenset)

    def can(self, action: Action) -> bool:
        return roles_allow(self.roles, action)

    @property
    def allowed(self) -> dict[str, bool]:
        """Every action and whether it is allowed, for templates: ``org.allowed.manage_units``."""
        return {action.value: self.can(action) for action in Action}

    @property
    def role_labels(self) -> list[str]:
        """The roles' display names, in the order of ``Role``."""
        return [str(role.label) for role in Role if role in self.roles]


def memberships_for(user: User) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user).select_related("organization", "unit")


def org_context(
    user: AnyUser, org_slug: str, action: Action = Action.VIEW_ORGANIZATION
) -> OrgContext:
    """Return the person's context in the organisation, or 404 if they lack ``action``."""
    if not isinstance(user, User) or not user.is_authenticated:
        raise Http404
    rows = list(
        Membership.objects.filter(user=user, organization__slug=org_slug)
        .select_related("organization")
        .values_list("organization_id", "role", "unit_id")
    )
    if not rows:
        raise Http404
    organization = Organization.objects.get(pk=rows[0][0])
    context = OrgContext(
        user=user,
        organization=organization,
        roles=frozenset(role for _, role, _ in rows),
        unit_ids=frozenset(unit for _, _, unit in rows if unit is not None),
    )
    if not context.can(action):
        raise Http404
    return context


def get_owned_or_404(queryset: QuerySet[M], context: OrgContext, **lookup: object) -> M:
    """Fetch one record of the context's organisation, 404 for missing and foreign alike."""
    try:
        return queryset.get(organization=context.organization, **lookup)
    except queryset.model.DoesNotExist as exc:  # type: ignore[attr-defined]
        raise Http404 from exc


def access_unit(
    user: AnyUser, org_slug: str, unit_id: int, action: Action = Action.VIEW_UNITS
) -> tuple[OrgContext, Unit]:
    context = org_context(user, org_slug, action)
    return context, get_owned_or_404(Unit.objects.all(), context, pk=unit_id)


def access_membership(
    user: AnyUser, org_slug: str, membership_id: int, action: Action = Action.VIEW_MEMBERS
) -> tuple[OrgContext, Membership]:
    context = org_context(user, org_slug, action)
    membership = get_owned_or_404(
        Membership.objects.select_related("user", "unit"), context, pk=membership_id
    )
    return context, membership
