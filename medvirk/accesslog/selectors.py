"""Reads of the access log."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from medvirk.accesslog.models import AccessLogEntry
from medvirk.organizations.models import Organization


@dataclass(frozen=True)
class EntryFilter:
    """What an admin searches for; empty values do not filter."""

    subject: str = ""
    actor: str = ""
    action: str = ""
    object_type: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None

    @property
    def is_empty(self) -> bool:
        return self == EntryFilter()


def start_of_day(day: dt.date) -> dt.datetime:
    """Midnight at the start of ``day`` in the current time zone (Europe/Oslo by default).

    zoneinfo resolves the offset of that very day, so days around the change to
    and from summer time are 23 and 25 hours long, as they are for the reader.
    """
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())


def entries_for(organization: Organization, filters: EntryFilter) -> QuerySet[AccessLogEntry]:
    """The organisation's entries matching ``filters``, newest first.

    People are matched on the e-mail written into the entry (which survives the
    deletion of the account) and on the account's current e-mail.
    """
    entries = AccessLogEntry.objects.filter(organization=organization)
    if filters.subject:
        entries = entries.filter(
            Q(subject_label__icontains=filters.subject)
            | Q(subject__email__icontains=filters.subject)
        )
    if filters.actor:
        entries = entries.filter(
            Q(actor_label__icontains=filters.actor) | Q(actor__email__icontains=filters.actor)
        )
    if filters.action:
        entries = entries.filter(action=filters.action)
    if filters.object_type:
        entries = entries.filter(object_type=filters.object_type)
    if filters.date_from:
        entries = entries.filter(created_at__gte=start_of_day(filters.date_from))
    if filters.date_to:
        next_day = filters.date_to + dt.timedelta(days=1)
        entries = entries.filter(created_at__lt=start_of_day(next_day))
    return entries.order_by("-created_at", "-id")
