"""Writes to organisations and units. Views and commands call these, never ``save()``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from allauth.account.models import EmailAddress
from django.db import transaction

from medvirk.accesslog.services import log_access
from medvirk.notifications.services import notify_membership_added
from medvirk.organizations.models import Membership, Organization, Unit
from medvirk.organizations.roles import Role

if TYPE_CHECKING:
    from medvirk.accounts.models import User


@transaction.atomic
def unit_create(
    *, actor: User, organization: Organization, name: str, description: str = ""
) -> Unit:
    unit = Unit.objects.create(organization=organization, name=name, description=description)
    log_access(actor=actor, action="create", organization=organization, obj=unit)
    return unit


@transaction.atomic
def unit_update(*, actor: User, unit: Unit, name: str, description: str, is_active: bool) -> Unit:
    unit.name = name
    unit.description = description
    unit.is_active = is_active
    unit.save(update_fields=["name", "description", "is_active", "updated_at"])
    log_access(actor=actor, action="change", organization=unit.organization, obj=unit)
    return unit


@transaction.atomic
def membership_add(
    *,
    actor: User,
    organization: Organization,
    email: str,
    role: str,
    full_name: str = "",
    unit: Unit | None = None,
) -> Membership:
    """Give a person a role, making an account without a password if they have none.

    A new person sets their password through the password-reset link in the
    welcome e-mail, so no password ever travels by e-mail.
    """
    from medvirk.accounts.models import User as UserModel

    user = UserModel.objects.filter(email__iexact=email).first()
    if user is None:
        user = UserModel.objects.create_user(email=email, password=None, full_name=full_name)
        # The account has no usable password: the only way in is the reset link sent to
        # this address, which proves the person controls it, so it counts as verified.
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    membership = Membership.objects.create(
        organization=organization, user=user, role=role, unit=unit
    )
    log_access(
        actor=actor, action="create", organization=organization, obj=membership, subject=user
    )
    notify_membership_added(membership)
    return membership


class LastAdminError(Exception):
    """Removing this membership would leave the organisation without an administrator."""


@transaction.atomic
def membership_remove(*, actor: User, membership: Membership) -> None:
    if membership.role == Role.ADMIN:
        admins = Membership.objects.select_for_update().filter(
            organization=membership.organization, role=Role.ADMIN
        )
        if len(admins) <= 1:
            raise LastAdminError
    log_access(
        actor=actor,
        action="delete",
        organization=membership.organization,
        obj=membership,
        subject=membership.user,
    )
    membership.delete()
