"""Writes of the registry: consent, the person's profile, withdrawal, training records.

Consent is the profile: giving it creates the row, withdrawing deletes it in
the same transaction, and a ``ConsentEvent`` records each. What must outlive
the profile (assignments and claims, needed for payment; the consent events)
points at the person and stays.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from medvirk.accesslog.models import AccessAction
from medvirk.accesslog.services import log_access
from medvirk.organizations.roles import Role
from medvirk.representatives.models import (
    Availability,
    ConsentAction,
    ConsentEvent,
    ExperienceArea,
    Profile,
    ProfileKind,
    TrainingRecord,
)
from medvirk.representatives.registry_selectors import LANGUAGE_CODES, LANGUAGES

if TYPE_CHECKING:
    from medvirk.accounts.models import User
    from medvirk.councils.models import UserOrganization
    from medvirk.organizations.models import Organization


def kind_for_roles(roles: Iterable[str]) -> ProfileKind:
    """Experience consultants get an experience consultant's profile, everyone else a
    representative's."""
    if Role.EXPERIENCE_CONSULTANT in set(roles):
        return ProfileKind.EXPERIENCE_CONSULTANT
    return ProfileKind.REPRESENTATIVE


@transaction.atomic
def profile_consent(*, organization: Organization, user: User, kind: str) -> Profile:
    """Create the person's profile with their consent, and record that they gave it."""
    if Profile.objects.filter(organization=organization, user=user).exists():
        raise ValidationError(_("You are already in the registry."))
    try:
        with transaction.atomic():
            profile = Profile.objects.create(
                organization=organization, user=user, kind=kind, consented_at=timezone.now()
            )
    except IntegrityError as exc:  # the same form sent twice at once
        raise ValidationError(_("You are already in the registry.")) from exc
    ConsentEvent.objects.create(organization=organization, user=user, action=ConsentAction.GIVEN)
    return profile


@transaction.atomic
def profile_update(
    *,
    profile: Profile,
    areas: Iterable[ExperienceArea],
    nominated_by: UserOrganization | None,
    languages: list[str],
    region: str,
    availability: str,
    availability_note: str = "",
    about: str = "",
    role_description: str | None = None,
) -> Profile:
    """Save what the person wrote about themselves.

    ``role_description`` is kept as it was when not given (only experience
    consultants have one).
    """
    unknown = sorted(set(languages) - LANGUAGE_CODES)
    if unknown:
        raise ValidationError(
            {"languages": _("Unknown language: %(codes)s.") % {"codes": ", ".join(unknown)}}
        )
    if availability not in Availability.values:
        raise ValidationError({"availability": _("Choose one of the options.")})
    profile.nominated_by = nominated_by
    # Kept in the order of the list of languages, once each.
    profile.languages = sorted(set(languages), key=_language_position)
    profile.region = region.strip()
    profile.availability = availability
    profile.availability_note = availability_note.strip()
    profile.about = about.strip()
    fields = [
        "nominated_by",
        "languages",
        "region",
        "availability",
        "availability_note",
        "about",
        "updated_at",
    ]
    if role_description is not None:
        profile.role_description = role_description.strip()
        fields.append("role_description")
    profile.save(update_fields=fields)
    profile.areas.set(list(areas))
    return profile


def _language_position(code: str) -> int:
    return [known for known, _name in LANGUAGES].index(code)


@transaction.atomic
def profile_withdraw(*, profile: Profile) -> None:
    """Delete the profile and the training records kept with it; record the withdrawal.

    Assignments, claims and the consent events are kept: payment and
    accountability need them, and they point at the person, not the profile.
    """
    organization_id, user_id = profile.organization_id, profile.user_id
    TrainingRecord.objects.filter(organization_id=organization_id, user_id=user_id).delete()
    profile.delete()
    ConsentEvent.objects.create(
        organization_id=organization_id, user_id=user_id, action=ConsentAction.WITHDRAWN
    )


@transaction.atomic
def training_add(
    *,
    profile: Profile,
    title: str,
    provider: str = "",
    completed_on: datetime.date,
    actor: User,
) -> TrainingRecord:
    """Add a course or certificate to the person's record (by them or a coordinator)."""
    if completed_on > timezone.localdate():
        raise ValidationError({"completed_on": _("The date cannot be in the future.")})
    record = TrainingRecord.objects.create(
        organization_id=profile.organization_id,
        user_id=profile.user_id,
        title=title.strip(),
        provider=provider.strip(),
        completed_on=completed_on,
    )
    if actor.pk != profile.user_id:
        log_access(
            actor=actor,
            action=AccessAction.CREATE,
            organization=profile.organization,
            obj=record,
            subject=profile.user,
        )
    return record


@transaction.atomic
def training_delete(*, record: TrainingRecord) -> None:
    record.delete()


@transaction.atomic
def area_create(*, name: str, position: int = 0) -> ExperienceArea:
    """Add an area of lived experience to the installation's list (shared by every organisation)."""
    name = name.strip()
    if ExperienceArea.objects.filter(name__iexact=name).exists():
        raise ValidationError({"name": _("That area is already on the list.")})
    return ExperienceArea.objects.create(name=name, position=position)
