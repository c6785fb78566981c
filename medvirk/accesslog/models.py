"""An append-only record of who read or changed whose data.

Append-only is enforced at three levels, so that no single mistake can rewrite
history:

1. the model refuses ``save()`` of an existing row and ``delete()``;
2. the default manager's queryset refuses ``update()`` and ``delete()`` (and so
   ``bulk_update()``, which updates through the queryset);
3. a database trigger refuses ``UPDATE`` (PostgreSQL and SQLite) and
   ``DELETE`` (PostgreSQL) of a row, whatever code or SQL client sends it
   (migration ``0003_append_only_triggers``).

The one change the trigger lets through is Django's ``on_delete=SET_NULL``
when a person is deleted: ``actor``/``subject`` become empty while the labels
keep who it was. Django runs that through the *base* manager, not ``objects``.

On SQLite a migration that alters this table rebuilds it and loses the
trigger: such a migration must re-create it (tests/test_append_only.py fails
if it is missing).
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AccessAction(models.TextChoices):
    VIEW = "view", _("Read")
    CREATE = "create", _("Created")
    CHANGE = "change", _("Changed")
    DELETE = "delete", _("Deleted")
    EXPORT = "export", _("Exported")


class AppendOnlyError(Exception):
    """Raised on any attempt to change or remove an access-log entry."""


class AccessLogQuerySet(models.QuerySet["AccessLogEntry"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("Access-log entries cannot be changed.")

    def delete(self) -> NoReturn:
        raise AppendOnlyError("Access-log entries cannot be deleted.")


def object_type_label(object_type: str) -> str:
    """The display name of a logged kind of record ("organizations.unit" → "unit")."""
    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        return object_type
    return str(model._meta.verbose_name)


class AccessLogEntry(models.Model):
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organisation"),
    )
    # Actor and subject survive the deletion of the person (labels keep who it was).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("who"),
    )
    actor_label = models.CharField(_("who (as logged)"), max_length=254)
    action = models.CharField(_("action"), max_length=10, choices=AccessAction.choices)
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("whose data"),
    )
    subject_label = models.CharField(_("whose data (as logged)"), max_length=254, blank=True)
    object_type = models.CharField(_("kind of record"), max_length=100)
    object_id = models.CharField(_("record id"), max_length=64, blank=True)
    object_label = models.CharField(_("record"), max_length=200, blank=True)

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("access-log entry")
        verbose_name_plural = _("access log")
        indexes = [
            models.Index(fields=["organization", "-created_at"]),
            models.Index(fields=["organization", "subject", "-created_at"]),
            models.Index(fields=["organization", "actor", "-created_at"]),
        ]

    def __str__(self) -> str:
        return (
            f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_type}"
        )

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("Access-log entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnlyError("Access-log entries cannot be deleted.")

    @property
    def object_type_label(self) -> str:
        return object_type_label(self.object_type)
