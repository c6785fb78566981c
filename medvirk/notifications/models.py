"""Notifications: what Medvirk tells one person, in the app and by e-mail."""

from __future__ import annotations

from urllib.parse import urljoin

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class EmailDelivery(models.TextChoices):
    """How a notification reaches the person's inbox, decided when it is created."""

    IMMEDIATE = "immediate", _("E-mailed at once")
    DIGEST = "digest", _("In the daily summary")
    NONE = "none", _("Not e-mailed")


class Notification(models.Model):
    """One message to one person.

    Subject and body are rendered when the notification is created, in the
    recipient's language, so the list and the e-mail show what was true then
    and a later change of template or data does not rewrite history.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    # Optional: some messages (a digest, an account matter) belong to no
    # organisation. A notification about a deleted organisation means nothing.
    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
    )
    message = models.CharField(_("kind of message"), max_length=100)
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("text"))
    body_html = models.TextField(_("text as HTML"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    email_delivery = models.CharField(
        _("e-mail"), max_length=10, choices=EmailDelivery.choices, default=EmailDelivery.NONE
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            # The list page: newest first for one person.
            models.Index(fields=["recipient", "-created_at"], name="notification_recipient_idx"),
            # The bell: a count of one person's unread notifications on every page.
            models.Index(
                fields=["recipient", "-created_at"],
                condition=Q(read_at__isnull=True),
                name="notification_unread_idx",
            ),
            # The daily digest: what is still waiting to be e-mailed.
            models.Index(
                fields=["recipient", "created_at"],
                condition=Q(email_delivery="digest", emailed_at__isnull=True),
                name="notification_digest_due_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.subject

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    @property
    def absolute_url(self) -> str:
        """The link with the site's address in front, for e-mails."""
        return absolute_url(self.url)


def absolute_url(url: str) -> str:
    """Return ``url`` with ``settings.SITE_URL`` in front if it is a path on this site."""
    if not url:
        return ""
    return urljoin(settings.SITE_URL + "/", url)
