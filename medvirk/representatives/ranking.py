"""Rank the registry's people for a recruitment request: best fit first, least loaded next.

Candidates are the organisation's consented profiles (a profile exists only
with consent) of people who can answer an invitation there (an active account
with the representative or experience-consultant role), minus everyone already
invited to the request and, unless asked for, those marked unavailable.

Fit is what the person has in common with the request: each area of lived
experience counts ``AREA_WEIGHT`` (more than a language and a region match
together, so experience always decides first), the request's language one and
its region one (case-insensitive; SQLite folds ASCII letters only, PostgreSQL
every letter).

Load, all within this organisation:

- ``current``: assignments active today;
- ``open_invitations``: invitations not yet answered (likely assignments soon);
- ``hours``: the estimated hours (``Assignment.hours``) of every assignment
  that overlaps the last twelve months, each counted in full. Estimated rather
  than claimed hours, because experience consultants claim no honorarium and
  a new assignment has no claims yet: the estimate is what the coordinator
  agreed to ask of the person;
- ``recent_invitations``: invitations (any answer) in the last twelve months.

Order: higher fit; then fewer commitments (``current + open_invitations``);
then fewer hours; then fewer recent invitations, so the same few are not asked
every time; then name. Everything is computed in the database: the ranked list
is one query however many candidates there are.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Lower, Trim
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from medvirk.organizations.models import Membership
from medvirk.organizations.permissions import POLICY, Action
from medvirk.representatives.models import (
    Assignment,
    Availability,
    ExperienceArea,
    Invitation,
    InvitationStatus,
    Profile,
    Request,
)
from medvirk.representatives.registry_selectors import searchable_profiles

if TYPE_CHECKING:
    from medvirk.organizations.models import Organization

AREA_WEIGHT = 3
PERIOD_DAYS = 365


def period(today: date | None = None) -> tuple[date, date]:
    """The last twelve months, today included."""
    today = today or timezone.localdate()
    return today - timedelta(days=PERIOD_DAYS - 1), today


def candidate_profiles(organization: Organization) -> QuerySet[Profile]:
    """The organisation's searchable profiles, as the registry decides (consent only)."""
    return searchable_profiles(organization)


def eligible(req: Request, *, include_unavailable: bool = False) -> QuerySet[Profile]:
    """The profiles that may be invited to ``req`` (unranked)."""
    answerers = Membership.objects.filter(
        organization=req.organization,
        user=OuterRef("user"),
        role__in=POLICY[Action.ACT_AS_REPRESENTATIVE],
    )
    already_invited = Invitation.objects.filter(request=req, user=OuterRef("user"))
    candidates = (
        candidate_profiles(req.organization)
        .filter(Exists(answerers), user__is_active=True)
        .exclude(Exists(already_invited))
    )
    if not include_unavailable:
        candidates = candidates.exclude(availability=Availability.UNAVAILABLE)
    return candidates


def _per_user(queryset: QuerySet[Any], value: Any, output: Any) -> Coalesce:
    """A correlated aggregate of ``queryset`` per person (no join, so no row multiplication)."""
    rows = queryset.order_by().values("user").annotate(v=value).values("v")[:1]
    return Coalesce(Subquery(rows, output_field=output), Value(0), output_field=output)


def _overlapping(start: date, end: date) -> Q:
    return Q(starts_on__lte=end) & (Q(ends_on__isnull=True) | Q(ends_on__gte=start))


def _language_match(language: str) -> Q:
    # ``languages`` is a JSON list of codes. Matching the quoted code in the JSON text
    # works on SQLite and PostgreSQL alike (``contains`` on JSON is PostgreSQL only).
    return Q(languages__icontains=f'"{language.strip()}"')


def ranked(
    req: Request, *, include_unavailable: bool = False, today: date | None = None
) -> QuerySet[Profile]:
    """The candidates for ``req``, best first, annotated with fit and load (one query).

    Annotations: ``fit``, ``area_matches``, ``language_match``, ``region_match``
    (0/1), ``current``, ``open_invitations``, ``commitments``, ``hours`` and
    ``recent_invitations``.
    """
    organization = req.organization
    start, end = period(today)
    candidates = eligible(req, include_unavailable=include_unavailable)

    wanted_areas = Request.areas.through.objects.filter(request_id=req.pk).values(
        "experiencearea_id"
    )
    in_common: QuerySet[Any] = Profile.areas.through.objects.filter(
        profile_id=OuterRef("pk"), experiencearea_id__in=wanted_areas
    )
    area_matches = Coalesce(
        Subquery(
            in_common.order_by().values("profile_id").annotate(n=Count("pk")).values("n")[:1],
            output_field=IntegerField(),
        ),
        Value(0),
    )
    language_match: Any = Value(0)
    if req.language.strip():
        language_match = Case(
            When(_language_match(req.language), then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )
    region_match: Any = Value(0)
    if req.region.strip():
        region_match = Case(
            When(
                Q(region_trimmed=Lower(Value(req.region.strip()))),
                then=Value(1),
            ),
            default=Value(0),
            output_field=IntegerField(),
        )

    assignments = Assignment.objects.filter(organization=organization, user=OuterRef("user"))
    invitations = Invitation.objects.filter(organization=organization, user=OuterRef("user"))
    integer = IntegerField()
    hours = DecimalField(max_digits=8, decimal_places=1)
    return (
        candidates.annotate(region_trimmed=Lower(Trim("region")))
        .annotate(
            area_matches=area_matches,
            language_match=language_match,
            region_match=region_match,
            current=_per_user(assignments.filter(_overlapping(end, end)), Count("pk"), integer),
            open_invitations=_per_user(
                invitations.filter(status=InvitationStatus.INVITED), Count("pk"), integer
            ),
            hours=_per_user(assignments.filter(_overlapping(start, end)), Sum("hours"), hours),
            recent_invitations=_per_user(
                invitations.filter(created_at__date__gte=start), Count("pk"), integer
            ),
        )
        .annotate(
            fit=F("area_matches") * AREA_WEIGHT + F("language_match") + F("region_match"),
            commitments=F("current") + F("open_invitations"),
        )
        .select_related("user")
        .order_by(
            "-fit",
            "commitments",
            "hours",
            "recent_invitations",
            "user__full_name",
            "user__email",
            "pk",
        )
    )


@dataclass(frozen=True)
class Suggestion:
    """One ranked candidate with the reasons a coordinator reads."""

    profile: Profile
    fit: int
    areas: list[ExperienceArea] = field(default_factory=list)
    language_match: bool = False
    region_match: bool = False
    current: int = 0
    open_invitations: int = 0
    hours: Decimal = Decimal("0")
    recent_invitations: int = 0

    @property
    def user_id(self) -> int:
        return self.profile.user_id

    def fit_reasons(self) -> list[str]:
        reasons = []
        if self.areas:
            reasons.append(
                _("Lived experience in common: %(areas)s")
                % {"areas": ", ".join(area.name for area in self.areas)}
            )
        if self.language_match:
            reasons.append(_("Speaks the language wanted"))
        if self.region_match:
            reasons.append(_("Lives in the region wanted"))
        return reasons

    def load_summary(self) -> str:
        """For example "2 current assignments, 14 h last 12 months"."""
        hours = number_format(self.hours.normalize() if self.hours else Decimal("0"))
        parts = [
            ngettext(
                "%(count)s current assignment",
                "%(count)s current assignments",
                self.current,
            )
            % {"count": self.current},
            _("%(hours)s h last 12 months") % {"hours": hours},
        ]
        if self.open_invitations:
            parts.append(
                ngettext(
                    "%(count)s unanswered invitation",
                    "%(count)s unanswered invitations",
                    self.open_invitations,
                )
                % {"count": self.open_invitations}
            )
        if self.recent_invitations:
            parts.append(
                ngettext(
                    "asked %(count)s time in 12 months",
                    "asked %(count)s times in 12 months",
                    self.recent_invitations,
                )
                % {"count": self.recent_invitations}
            )
        return ", ".join(parts)


def with_matched_areas(profiles: QuerySet[Profile], req: Request) -> QuerySet[Profile]:
    """Fetch each profile's areas in common with ``req`` in one more query (``matched_areas``)."""
    wanted = ExperienceArea.objects.filter(
        pk__in=Request.areas.through.objects.filter(request_id=req.pk).values("experiencearea_id")
    )
    return profiles.prefetch_related(Prefetch("areas", queryset=wanted, to_attr="matched_areas"))


def suggestion(profile: Profile) -> Suggestion:
    """Turn one profile of ``ranked`` (optionally ``with_matched_areas``) into a suggestion."""
    row: Any = profile
    return Suggestion(
        profile=profile,
        fit=row.fit,
        areas=list(getattr(row, "matched_areas", [])),
        language_match=bool(row.language_match),
        region_match=bool(row.region_match),
        current=row.current,
        open_invitations=row.open_invitations,
        hours=Decimal(row.hours or 0),
        recent_invitations=row.recent_invitations,
    )


def suggestions(
    req: Request, *, include_unavailable: bool = False, today: date | None = None
) -> list[Suggestion]:
    """Every candidate for ``req`` as a suggestion, best first (two queries)."""
    rows = with_matched_areas(
        ranked(req, include_unavailable=include_unavailable, today=today), req
    )
    return [suggestion(profile) for profile in rows]
