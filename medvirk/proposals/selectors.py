"""Reads of proposals and changes: the triage list, the members' list, "you said — we did".

Every list annotates its support counts in the same query as its rows, so a
page costs the same number of queries for 30 proposals or 5,000. Hidden
proposals appear only in ``triage_proposals``; every other read starts from
``visible_proposals``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.db.models import (
    CharField,
    Count,
    DateTimeField,
    Exists,
    F,
    OuterRef,
    QuerySet,
    Value,
)
from django.db.models.functions import Coalesce

from medvirk.accounts.models import User
from medvirk.organizations.models import Membership, Unit
from medvirk.organizations.permissions import STAFF_SIDE
from medvirk.proposals.choices import Status
from medvirk.proposals.models import Change, Proposal, StatusChange, Support

if TYPE_CHECKING:
    from medvirk.organizations.models import Organization

# Proposals the public page lists: answered in a final or planned state.
ANSWERED_STATUSES = (Status.PLANNED, Status.DONE, Status.DECLINED)


@dataclass(frozen=True)
class TriageFilter:
    """What the coordinators' list is narrowed to; empty values mean "all"."""

    status: str = ""
    unit_id: int | None = None
    category: str = ""
    hidden: str = ""  # "" = visible only, "hidden" = hidden only, "all" = both


def visible_proposals(organization_id: int) -> QuerySet[Proposal]:
    """The organisation's proposals anyone outside triage may see: never the hidden ones."""
    return Proposal.objects.filter(organization_id=organization_id, hidden_at__isnull=True)


def with_support_count(queryset: QuerySet[Proposal]) -> QuerySet[Proposal]:
    """Newest first, with ``support_count`` (explicit order: a GROUP BY drops Meta.ordering)."""
    return queryset.annotate(support_count=Count("supports", distinct=True)).order_by(
        "-created_at", "-pk"
    )


def triage_proposals(organization_id: int, filters: TriageFilter) -> QuerySet[Proposal]:
    """The coordinators' list, newest first, with support counts, responsible and unit."""
    queryset = Proposal.objects.filter(organization_id=organization_id)
    if filters.hidden == "hidden":
        queryset = queryset.filter(hidden_at__isnull=False)
    elif filters.hidden != "all":
        queryset = queryset.filter(hidden_at__isnull=True)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.unit_id is not None:
        queryset = queryset.filter(unit_id=filters.unit_id)
    if filters.category:
        queryset = queryset.filter(category=filters.category)
    return with_support_count(queryset).select_related("unit", "responsible", "submitted_by")


def member_proposals(
    organization_id: int, user: User, *, status: str = "", unit_id: int | None = None
) -> QuerySet[Proposal]:
    """The organisation's visible proposals for members, with counts and the viewer's support."""
    queryset = visible_proposals(organization_id)
    if status:
        queryset = queryset.filter(status=status)
    if unit_id is not None:
        queryset = queryset.filter(unit_id=unit_id)
    return (
        with_support_count(queryset)
        .annotate(supported=Exists(Support.objects.filter(proposal=OuterRef("pk"), user=user)))
        .select_related("unit")
    )


def own_proposals(organization_id: int, user: User) -> QuerySet[Proposal]:
    """What the person proposed in the organisation (hidden ones excepted), with history."""
    return (
        with_support_count(visible_proposals(organization_id).filter(submitted_by=user))
        .select_related("unit")
        .prefetch_related("changes")
    )


def history(proposal: Proposal) -> list[StatusChange]:
    return list(proposal.changes.select_related("changed_by").order_by("created_at", "pk"))


def support_count(proposal: Proposal) -> int:
    return proposal.supports.count()


def has_supported(proposal: Proposal, user: User) -> bool:
    return proposal.supports.filter(user=user).exists()


def responsible_candidates(organization: Organization) -> QuerySet[User]:
    """The organisation's staff-side people: who can be made responsible for a proposal."""
    user_ids = Membership.objects.filter(
        organization=organization, role__in=STAFF_SIDE, user__is_active=True
    ).values("user_id")
    return User.objects.filter(pk__in=user_ids).order_by("full_name", "email")


def active_units(organization: Organization) -> QuerySet[Unit]:
    return Unit.objects.filter(organization=organization, is_active=True).order_by("name")


# --- "You said — we did" ---------------------------------------------------------------------


def answered_proposals(organization_id: int, unit_id: int | None = None) -> QuerySet[Proposal]:
    """Visible proposals with a public answer, planned, done or declined."""
    queryset = visible_proposals(organization_id).filter(status__in=ANSWERED_STATUSES)
    queryset = queryset.exclude(answer="")
    if unit_id is not None:
        queryset = queryset.filter(unit_id=unit_id)
    return queryset


def published_changes(organization_id: int, unit_id: int | None = None) -> QuerySet[Change]:
    queryset = Change.objects.filter(organization_id=organization_id, published_at__isnull=False)
    if unit_id is not None:
        queryset = queryset.filter(unit_id=unit_id)
    return queryset


@dataclass(frozen=True)
class FeedEntry:
    """One line of "you said — we did": an answered proposal or a published change."""

    when: datetime
    proposal: Proposal | None = None
    change: Change | None = None


def feed_keys(
    organization_id: int, unit_id: int | None = None
) -> QuerySet[Proposal, tuple[str, int, datetime]]:
    """Both kinds as ``(kind, pk, when)`` rows in one ordered query, newest first.

    A union, so that the page is cut in the database whatever the mix of
    proposals and changes; ``feed_entries`` then loads the page's objects.
    """
    proposals = (
        answered_proposals(organization_id, unit_id)
        .annotate(
            kind=Value("proposal", output_field=CharField()),
            when=Coalesce(F("answered_at"), F("updated_at"), output_field=DateTimeField()),
        )
        .values_list("kind", "pk", "when")
        .order_by()
    )
    changes = (
        published_changes(organization_id, unit_id)
        .annotate(
            kind=Value("change", output_field=CharField()),
            when=F("published_at"),
        )
        .values_list("kind", "pk", "when")
        .order_by()
    )
    return proposals.union(changes, all=True).order_by("-when", "-pk")


def feed_entries(keys: list[tuple[str, int, datetime]]) -> list[FeedEntry]:
    """The proposals and changes of one page of ``feed_keys``, in that page's order."""
    proposal_ids = [pk for kind, pk, _when in keys if kind == "proposal"]
    change_ids = [pk for kind, pk, _when in keys if kind == "change"]
    proposals = (
        Proposal.objects.select_related("unit").in_bulk(proposal_ids) if proposal_ids else {}
    )
    changes = (
        Change.objects.select_related("survey", "unit").in_bulk(change_ids) if change_ids else {}
    )
    entries: list[FeedEntry] = []
    for kind, pk, when in keys:
        if kind == "proposal" and pk in proposals:
            entries.append(FeedEntry(when=when, proposal=proposals[pk]))
        elif kind == "change" and pk in changes:
            entries.append(FeedEntry(when=when, change=changes[pk]))
    return entries


def organization_changes(organization_id: int) -> QuerySet[Change]:
    """Every change of the organisation for coordinators, drafts first, then newest."""
    return (
        Change.objects.filter(organization_id=organization_id)
        .select_related("unit", "survey")
        .order_by(F("published_at").desc(nulls_first=True), "-pk")
    )
