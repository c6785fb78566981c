"""Tell people things: in the app, by e-mail at once, or in a daily summary.

Other apps call ``notify``; they never create ``Notification`` rows or send
e-mail themselves, so language, preferences and delivery live in one place.
"""

from __future__ import annotations

import logging
from functools import partial
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

from medvirk.accounts.models import EmailFrequency, User
from medvirk.notifications.models import EmailDelivery, Notification, absolute_url
from medvirk.notifications.rendering import (
    TEMPLATE_ROOT,
    render_html,
    render_message,
    render_text,
)
from medvirk.notifications.selectors import digest_due_for, digest_recipients

if TYPE_CHECKING:
    from medvirk.organizations.models import Membership, Organization

logger = logging.getLogger(__name__)

URL_MAX_LENGTH = Notification._meta.get_field("url").max_length or 500
# A summary lists this many notifications and counts the rest.
DIGEST_MAX_ITEMS = 20


def _email_delivery(recipient: User, *, email_now: bool) -> EmailDelivery:
    if not recipient.is_active or not recipient.email:
        return EmailDelivery.NONE
    if recipient.email_frequency == EmailFrequency.NEVER:
        return EmailDelivery.NONE
    if email_now or recipient.email_frequency == EmailFrequency.IMMEDIATELY:
        return EmailDelivery.IMMEDIATE
    return EmailDelivery.DIGEST


def _base_context(recipient: User) -> dict[str, Any]:
    return {
        "recipient": recipient,
        "site_url": settings.SITE_URL,
        "notifications_url": absolute_url(reverse("notifications:list")),
    }


@transaction.atomic
def notify(
    *,
    recipient: User,
    message: str,
    context: dict[str, Any],
    url: str = "",
    organization: Organization | None = None,
    email_now: bool = False,
) -> Notification:
    """Tell ``recipient`` something, in their language and by their e-mail preference.

    ``message`` names a folder of templates under ``notifications/email/``;
    ``context`` is what those templates need (``recipient``, ``url`` as an
    absolute address, ``site_url`` and ``notifications_url`` are added).
    ``url`` is where the notification leads, usually a path on this site.

    ``email_now`` sends the e-mail at once even for people who chose the daily
    summary. Use it only for messages a person needs before they can use
    Medvirk (such as the welcome to a new account); "never" is still respected.
    """
    # The link ends up in an href: only a path on this site or a web address.
    if len(url) > URL_MAX_LENGTH or (
        url and (url.startswith("//") or not url.startswith(("/", "https://", "http://")))
    ):
        raise ValueError(f"Not a link a notification can lead to: {url!r}")
    rendered = render_message(
        message,
        {**context, **_base_context(recipient), "url": absolute_url(url)},
        language=recipient.preferred_language,
    )
    delivery = _email_delivery(recipient, email_now=email_now)
    notification = Notification.objects.create(
        recipient=recipient,
        organization=organization,
        message=message,
        subject=rendered.subject,
        body=rendered.text,
        body_html=rendered.html,
        url=url,
        email_delivery=delivery,
    )
    if delivery == EmailDelivery.IMMEDIATE:
        # Imported here: the task module calls back into this one.
        from medvirk.notifications.tasks import send_notification_email

        # Only once the notification is committed can a worker find it. Robust: the
        # caller's change is already committed, so a failure to queue is logged, not raised.
        transaction.on_commit(
            partial(send_notification_email.enqueue, notification.pk), robust=True
        )
    return notification


def notify_membership_added(membership: Membership) -> Notification:
    """Welcome a person to an organisation where they were just given a role.

    Someone who has never logged in gets the e-mail at once: they cannot see
    the app yet, and a new account chooses its password through the link in it.
    """
    user = membership.user
    organization = membership.organization
    return notify(
        recipient=user,
        message="welcome",
        context={
            "membership": membership,
            "organization": organization,
            "needs_password": not user.has_usable_password(),
            "password_reset_url": absolute_url(reverse("account_reset_password")),
        },
        url=reverse("organizations:overview", args=[organization.slug]),
        organization=organization,
        email_now=user.last_login is None,
    )


@transaction.atomic
def notification_mark_read(*, notification: Notification) -> Notification:
    """Mark one notification as read (reading it again changes nothing)."""
    if notification.read_at is None:
        now = timezone.now()
        # Filtered on read_at so two tabs marking at once keep the first time.
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=now)
        notification.read_at = now
    return notification


@transaction.atomic
def notifications_mark_all_read(*, recipient: User) -> int:
    """Mark every unread notification of the person as read; return how many."""
    return Notification.objects.filter(recipient=recipient, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def _send_email(*, recipient: User, subject: str, text: str, html: str) -> None:
    """Send one e-mail in the person's layout and language, with text and HTML parts."""
    context = {
        **_base_context(recipient),
        "subject": subject,
        "body": text,
        # Rendered from our own escaped template, never from user input.
        "body_html": mark_safe(html),  # noqa: S308
        "profile_url": absolute_url(reverse("accounts:profile")),
    }
    with translation.override(recipient.preferred_language):
        text_body = render_text(f"{TEMPLATE_ROOT}/layout.txt", context)
        html_body = render_html(f"{TEMPLATE_ROOT}/layout.html", context)
    email = EmailMultiAlternatives(
        subject=subject,
        body=text_body,
        to=[recipient.email],
        # Tell mail servers not to send out-of-office replies (RFC 3834).
        headers={"Auto-Submitted": "auto-generated"},
    )
    email.attach_alternative(html_body, "text/html")
    email.send()


def _wants_email(recipient: User) -> bool:
    return bool(
        recipient.is_active
        and recipient.email
        and recipient.email_frequency != EmailFrequency.NEVER
    )


@transaction.atomic
def notification_email_send(*, notification_id: int) -> bool:
    """E-mail one notification unless it was already sent; return whether it was sent.

    The row is locked while sending, so a task that runs twice sends once. If
    sending fails the transaction rolls back and the notification stays unsent.
    """
    notification = (
        Notification.objects.select_for_update(of=("self",))
        .select_related("recipient")
        .filter(pk=notification_id, emailed_at__isnull=True)
        .first()
    )
    if notification is None:
        return False
    recipient = notification.recipient
    # The person may have turned e-mail off after the notification was made.
    if not _wants_email(recipient):
        return False
    _send_email(
        recipient=recipient,
        subject=notification.subject,
        text=notification.body,
        html=notification.body_html,
    )
    notification.emailed_at = timezone.now()
    notification.save(update_fields=["emailed_at"])
    return True


@transaction.atomic
def digest_send(*, recipient: User) -> bool:
    """Send the person one summary of their unread notifications waiting for it.

    Return whether an e-mail was sent. The notifications are locked and then
    marked e-mailed in the same transaction, so running twice sends once.
    """
    if not _wants_email(recipient):
        return False
    due = list(digest_due_for(recipient).select_for_update())
    if not due:
        return False
    rendered = render_message(
        "digest",
        {
            **_base_context(recipient),
            "notifications": due[:DIGEST_MAX_ITEMS],
            "count": len(due),
            "more": max(len(due) - DIGEST_MAX_ITEMS, 0),
        },
        language=recipient.preferred_language,
    )
    _send_email(
        recipient=recipient, subject=rendered.subject, text=rendered.text, html=rendered.html
    )
    Notification.objects.filter(pk__in=[n.pk for n in due]).update(emailed_at=timezone.now())
    return True


def digests_send() -> int:
    """Send the daily summary to everyone with something waiting; return how many were sent.

    Each person is handled in their own transaction: one failing address does
    not stop the others, and their notifications wait for the next run.
    """
    sent = 0
    for recipient in list(digest_recipients()):
        try:
            if digest_send(recipient=recipient):
                sent += 1
        except Exception:
            logger.exception("Could not send the daily summary to person %s", recipient.pk)
    return sent
