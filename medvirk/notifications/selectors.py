"""Reads about notifications."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from medvirk.accounts.models import EmailFrequency, User
from medvirk.notifications.models import EmailDelivery, Notification

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser


def notifications_for(user: User) -> QuerySet[Notification]:
    """The person's notifications, newest first, with what the list shows."""
    return (
        Notification.objects.filter(recipient=user)
        .select_related("organization")
        .order_by("-created_at", "-id")
    )


def unread_count_for(user: AbstractBaseUser | AnonymousUser) -> int:
    """How many notifications the person has not read (0 when not logged in, no query)."""
    if not isinstance(user, User) or not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def digest_due_for(user: User) -> QuerySet[Notification]:
    """The person's notifications waiting for the daily summary, oldest first.

    Notifications the person has already read in the app are left out: the
    summary is about what they have not seen.
    """
    return Notification.objects.filter(
        recipient=user,
        email_delivery=EmailDelivery.DIGEST,
        emailed_at__isnull=True,
        read_at__isnull=True,
    ).order_by("created_at", "id")


def digest_recipients() -> QuerySet[User]:
    """People with something waiting for the daily summary who still want e-mail."""
    due = Notification.objects.filter(
        email_delivery=EmailDelivery.DIGEST, emailed_at__isnull=True, read_at__isnull=True
    )
    return (
        User.objects.filter(is_active=True, pk__in=due.values("recipient_id"))
        .exclude(email_frequency=EmailFrequency.NEVER)
        .exclude(email="")
        .order_by("pk")
    )
