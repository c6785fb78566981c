"""Reads of the registry: consented profiles, the coordinators' search, a person's record.

A profile row exists only while its person consents, so "searchable" is
simply "exists": withdrawing deletes the row and the person is gone from
every search in the same request. Other areas (recruitment's ranking) start
from ``searchable_profiles`` so that they cannot disagree.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from medvirk.learning.models import ModuleProgress
from medvirk.learning.selectors import module_titles
from medvirk.organizations.models import Membership
from medvirk.organizations.roles import Role
from medvirk.representatives.models import (
    Assignment,
    ConsentEvent,
    ExperienceArea,
    Profile,
    TrainingRecord,
)

if TYPE_CHECKING:
    from django.utils.functional import Promise

    from medvirk.accounts.models import User
    from medvirk.councils.models import UserOrganization
    from medvirk.organizations.models import Organization


# The languages a person can say they speak, by code (ISO 639-1, or 639-3 where there is no
# shorter one): the national and minority languages of Norway and Sweden first, then the
# languages most spoken by people who have moved here.
LANGUAGES: list[tuple[str, Promise]] = [
    ("nb", _("Norwegian Bokmål")),
    ("nn", _("Norwegian Nynorsk")),
    ("se", _("Northern Sami")),
    ("sma", _("Southern Sami")),
    ("smj", _("Lule Sami")),
    ("fkv", _("Kven")),
    ("nsl", _("Norwegian Sign Language")),
    ("sv", _("Swedish")),
    ("swl", _("Swedish Sign Language")),
    ("fi", _("Finnish")),
    ("da", _("Danish")),
    ("en", _("English")),
    ("de", _("German")),
    ("fr", _("French")),
    ("es", _("Spanish")),
    ("pl", _("Polish")),
    ("lt", _("Lithuanian")),
    ("ru", _("Russian")),
    ("uk", _("Ukrainian")),
    ("ar", _("Arabic")),
    ("so", _("Somali")),
    ("ti", _("Tigrinya")),
    ("am", _("Amharic")),
    ("fa", _("Persian")),
    ("prs", _("Dari")),
    ("ps", _("Pashto")),
    ("ku", _("Kurdish")),
    ("ur", _("Urdu")),
    ("tr", _("Turkish")),
    ("vi", _("Vietnamese")),
    ("th", _("Thai")),
    ("tl", _("Tagalog")),
    ("ta", _("Tamil")),
]
LANGUAGE_CODES = frozenset(code for code, _name in LANGUAGES)


def language_names(codes: list[str]) -> list[str]:
    """The names of the given language codes in the list's order (unknown codes as they are)."""
    names = dict(LANGUAGES)
    return [str(names.get(code, code)) for code in codes]


# --- Profiles ---------------------------------------------------------------------------------


def searchable_profiles(organization: Organization) -> QuerySet[Profile]:
    """The organisation's profiles whose people still hold a representative role there.

    A row exists only while its person consents; someone who has lost the
    representative or experience-consultant role (and with it the way to
    their profile page) is not offered to coordinators either.
    """
    roles = Membership.objects.filter(
        organization=organization,
        user=OuterRef("user"),
        role__in=[Role.REPRESENTATIVE, Role.EXPERIENCE_CONSULTANT],
    )
    return (
        Profile.objects.filter(organization=organization, user__is_active=True)
        .filter(Exists(roles))
        .select_related("user", "nominated_by")
    )


def registry_search(
    organization: Organization,
    *,
    area: ExperienceArea | None = None,
    nominated_by: UserOrganization | None = None,
    language: str = "",
    region: str = "",
    availability: str = "",
    kind: str = "",
    text: str = "",
) -> QuerySet[Profile]:
    """The coordinators' search: consented profiles matching every filter given, with areas."""
    profiles = searchable_profiles(organization)
    if area is not None:
        profiles = profiles.filter(areas=area)
    if nominated_by is not None:
        profiles = profiles.filter(nominated_by=nominated_by)
    if language:
        # The codes are stored as a JSON list; matching the quoted code works the same on
        # PostgreSQL and SQLite and cannot match part of a longer code ("se" in "sma").
        profiles = profiles.filter(languages__icontains=f'"{language}"')
    if region:
        profiles = profiles.filter(region__icontains=region)
    if availability:
        profiles = profiles.filter(availability=availability)
    if kind:
        profiles = profiles.filter(kind=kind)
    if text:
        profiles = profiles.filter(
            Q(user__full_name__icontains=text) | Q(user__email__icontains=text)
        )
    return profiles.prefetch_related("areas")


def profile_of(user: User, organization: Organization) -> Profile | None:
    """The person's own profile in the organisation, or None if they have not consented."""
    return (
        Profile.objects.filter(organization=organization, user=user)
        .select_related("nominated_by")
        .prefetch_related("areas")
        .first()
    )


def experience_areas() -> QuerySet[ExperienceArea]:
    return ExperienceArea.objects.all()


def consent_history(user: User, organization: Organization) -> QuerySet[ConsentEvent]:
    """When the person gave and withdrew consent in the organisation, newest first."""
    return ConsentEvent.objects.filter(organization=organization, user=user)


# --- Training and assignments -----------------------------------------------------------------


@dataclass(frozen=True)
class CompletedModule:
    title: str
    completed_on: datetime.date


def completed_modules(
    user: User, organization: Organization, language: str | None
) -> list[CompletedModule]:
    """The learning modules the person completed in the organisation, newest first (2 queries).

    A module no longer offered keeps its completion; it is shown by its id.
    """
    done = list(
        ModuleProgress.objects.filter(
            organization=organization, user=user, completed_at__isnull=False
        )
        .order_by("-completed_at")
        .values_list("module_key", "completed_at")
    )
    if not done:
        return []
    titles = dict(module_titles(organization, language))
    return [
        CompletedModule(title=titles.get(key, key), completed_on=timezone.localdate(completed_at))
        for key, completed_at in done
    ]


def training_records(user: User, organization: Organization) -> QuerySet[TrainingRecord]:
    return TrainingRecord.objects.filter(organization=organization, user=user)


@dataclass(frozen=True)
class Assignments:
    current: list[Assignment]
    past: list[Assignment]


def assignments_of(
    user: User, organization: Organization, today: datetime.date | None = None
) -> Assignments:
    """The person's assignments in the organisation: current and coming, then ended (1 query)."""
    today = today or timezone.localdate()
    current: list[Assignment] = []
    past: list[Assignment] = []
    for assignment in Assignment.objects.filter(organization=organization, user=user):
        ended = assignment.ends_on is not None and assignment.ends_on < today
        (past if ended else current).append(assignment)
    return Assignments(current=current, past=past)
