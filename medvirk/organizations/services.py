"""Writes to organisations and units. Views and commands call these, never ``save()``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from medvirk.accesslog.services import log_access
from medvirk.organizations.models import Organization, Unit

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
def unit_update(
    *, actor: User, unit: Unit, name: str, description: str, is_active: bool
) -> Unit:
    unit.name = name
    unit.description = description
    unit.is_active = is_active
    unit.save(update_fields=["name", "description", "is_active", "updated_at"])
    log_access(actor=actor, action="change", organization=unit.organization, obj=unit)
    return unit
