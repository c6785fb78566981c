"""``manage.py send_digests``, run daily by cron or a systemd timer."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command

from medvirk.notifications.models import EmailDelivery, Notification
from medvirk.notifications.tests.factories import NotificationFactory


def test_send_digests_sends_and_says_how_many(db, mailoutbox):
    NotificationFactory.create(email_delivery=EmailDelivery.DIGEST)
    out = StringIO()
    call_command("send_digests", stdout=out)
    assert "Sent 1 daily summaries." in out.getvalue()
    assert len(mailoutbox) == 1
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()


def test_send_digests_run_twice_sends_once(db, mailoutbox):
    NotificationFactory.create(email_delivery=EmailDelivery.DIGEST)
    call_command("send_digests", stdout=StringIO())
    out = StringIO()
    call_command("send_digests", stdout=out)
    assert "Sent 0 daily summaries." in out.getvalue()
    assert len(mailoutbox) == 1


def test_send_digests_can_hand_the_work_to_the_worker(db, mailoutbox):
    NotificationFactory.create(email_delivery=EmailDelivery.DIGEST)
    out = StringIO()
    call_command("send_digests", "--enqueue", stdout=out)
    assert "Queued the daily summaries as task" in out.getvalue()
    # The immediate backend of the tests runs it at once.
    assert len(mailoutbox) == 1
