"""Load a notification for the person it was sent to, and nobody else."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import Http404

from medvirk.accounts.models import User
from medvirk.notifications.models import Notification

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser


def access_notification(
    user: AbstractBaseUser | AnonymousUser, notification_id: int
) -> Notification:
    """Return the person's own notification; 404 for missing and someone else's alike."""
    if not isinstance(user, User) or not user.is_authenticated:
        raise Http404
    try:
        return Notification.objects.get(pk=notification_id, recipient=user)
    except Notification.DoesNotExist as exc:
        raise Http404 from exc
