"""The unread count for the bell in the page header."""

from __future__ import annotations

from django import template
from django.http import HttpRequest

from medvirk.notifications.selectors import unread_count_for

register = template.Library()

# Cached on the request so that the bell and the list page share one query.
_CACHE_ATTRIBUTE = "_medvirk_unread_notifications"


@register.simple_tag(takes_context=True)
def unread_notification_count(context: template.Context) -> int:
    """Return the logged-in person's unread count, counted at most once per request."""
    request: HttpRequest | None = context.get("request")
    if request is None:
        user = context.get("user")
        return unread_count_for(user) if user is not None else 0
    if not hasattr(request, _CACHE_ATTRIBUTE):
        setattr(request, _CACHE_ATTRIBUTE, unread_count_for(request.user))
    count: int = getattr(request, _CACHE_ATTRIBUTE)
    return count
