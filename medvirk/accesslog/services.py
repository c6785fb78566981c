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
    object_label: str = "",
) -> AccessLogEntry:
    """Record that ``actor`` did ``action`` on ``obj`` (``subject``'s data, if personal).

    ``object_type`` defaults to the object's model ("app_label.model") and
    ``object_label`` to its ``str()``; pass them to log something that is not
    one record, such as an export of a search.
    """
    if obj is not None and not object_type:
        object_type = obj._meta.label_lower
    if obj is not None and not object_label:
        object_label = str(obj)
    return AccessLogEntry.objects.create(
        organization=organization,
        actor=actor,
        actor_label=actor.email,
        action=AccessAction(action),
        subject=subject,
        subject_label=subject.email if subject is not None else "",
        object_type=object_type,
        object_id=str(obj.pk) if obj is not None else "",
        object_label=object_label[:200],
    )
