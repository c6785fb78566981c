"""The one helper every app uses to write to the access log."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Model

from medvirk.accesslog.models import AccessAction, AccessLogEntry

if TYPE_CHECKING:
    from medvirk.accounts.models import User
    from medvirk.organizations.models import Organization


def log_access(
    *,
    actor: User,
    action: AccessAction | str,
    organization: Organization,
    obj: Model | None = None,
    subject: User | None = None,
    object_type: str = "",
) -> AccessLogEntry:
    """Record that ``actor`` did ``action`` on ``obj`` (``subject``'s data, if personal)."""
    if obj is not None and not object_type:
        object_type = obj._meta.label_lower
    return AccessLogEntry.objects.create(
        organization=organization,
        actor=actor,
        actor_label=actor.email,
        action=AccessAction(action),
        subject=subject,
        subject_label=subject.email if subject is not None else "",
        object_type=object_type,
        object_id=str(obj.pk) if obj is not None else "",
        object_label=str(obj)[:200] if obj is not None else "",
    )
