"""The background tasks run the services (ImmediateBackend in tests)."""

from __future__ import annotations

from django_tasks import TaskResultStatus

from medvirk.notifications.models import EmailDelivery
from medvirk.notifications.tasks import send_daily_digests, send_notification_email
from medvirk.notifications.tests.factories import NotificationFactory


def test_send_notification_email_task_sends_and_reports(db, mailoutbox):
    notification = NotificationFactory.create(email_delivery=EmailDelivery.IMMEDIATE)
    result = send_notification_email.enqueue(notification.pk)
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value is True
    assert [email.subject for email in mailoutbox] == [notification.subject]
    # A second run (a retried task) sends nothing.
    assert send_notification_email.enqueue(notification.pk).return_value is False
    assert len(mailoutbox) == 1


def test_send_daily_digests_task_returns_how_many_were_sent(db, mailoutbox):
    NotificationFactory.create(email_delivery=EmailDelivery.DIGEST)
    NotificationFactory.create(email_delivery=EmailDelivery.DIGEST)
    result = send_daily_digests.enqueue()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == 2
    assert len(mailoutbox) == 2
