"""The daily summary: one e-mail per person with waiting notifications, never twice."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from medvirk.accounts.models import EmailFrequency
from medvirk.accounts.tests.factories import UserFactory
from medvirk.notifications import services
from medvirk.notifications.models import EmailDelivery, Notification
from medvirk.notifications.services import DIGEST_MAX_ITEMS, digests_send
from medvirk.notifications.tests.factories import NotificationFactory


def _waiting(recipient, **kwargs):
    return NotificationFactory.create(
        recipient=recipient, email_delivery=EmailDelivery.DIGEST, **kwargs
    )


@pytest.fixture
def kari(db):
    # English, so that the assertions on the text outlive translation.
    return UserFactory.create(
        email="kari@example.test", full_name="Kari Nordmann", preferred_language="en"
    )


@pytest.fixture
def ola(db):
    return UserFactory.create(
        email="ola@example.test", full_name="Ola Nordmann", preferred_language="en"
    )


def test_one_email_per_person_with_their_own_notifications(kari, ola, mailoutbox):
    _waiting(kari, subject="Første til Kari")
    _waiting(kari, subject="Andre til Kari")
    _waiting(ola, subject="Til Ola")
    assert digests_send() == 2
    by_person = {email.to[0]: email for email in mailoutbox}
    assert set(by_person) == {"kari@example.test", "ola@example.test"}
    kari_mail = by_person["kari@example.test"]
    assert "2 unread notifications" in kari_mail.subject
    assert "Første til Kari" in kari_mail.body
    assert "Andre til Kari" in kari_mail.body
    assert "Til Ola" not in kari_mail.body
    [(html, mimetype)] = kari_mail.alternatives
    assert mimetype == "text/html"
    assert "Første til Kari" in html
    assert "1 unread notification in" in by_person["ola@example.test"].subject


def test_running_twice_sends_once_and_marks_them_emailed(kari, mailoutbox):
    notification = _waiting(kari)
    assert digests_send() == 1
    assert digests_send() == 0
    assert len(mailoutbox) == 1
    notification.refresh_from_db()
    assert notification.emailed_at is not None


def test_only_unread_notifications_meant_for_the_digest_are_included(kari, mailoutbox):
    _waiting(kari, subject="Venter")
    _waiting(kari, subject="Allerede lest", read_at=timezone.now())
    _waiting(kari, subject="Allerede sendt", emailed_at=timezone.now())
    NotificationFactory.create(recipient=kari, subject="Sendt straks", email_delivery="immediate")
    NotificationFactory.create(recipient=kari, subject="Ingen e-post", email_delivery="none")
    digests_send()
    [email] = mailoutbox
    assert "Venter" in email.body
    for left_out in ("Allerede lest", "Allerede sendt", "Sendt straks", "Ingen e-post"):
        assert left_out not in email.body


def test_nobody_with_only_read_notifications_gets_a_summary(kari, mailoutbox):
    _waiting(kari, read_at=timezone.now())
    assert digests_send() == 0
    assert mailoutbox == []


@pytest.mark.parametrize(
    ("change", "value"), [("email_frequency", EmailFrequency.NEVER), ("is_active", False)]
)
def test_people_who_no_longer_want_email_get_no_summary(kari, mailoutbox, change, value):
    notification = _waiting(kari)
    setattr(kari, change, value)
    kari.save()
    assert digests_send() == 0
    assert mailoutbox == []
    notification.refresh_from_db()
    assert notification.emailed_at is None


@pytest.mark.parametrize(("language", "month"), [("nb", "november"), ("en", "Nov.")])
def test_summary_is_written_in_the_recipients_language(kari, mailoutbox, language, month):
    kari.preferred_language = language
    kari.save()
    notification = _waiting(kari)
    when = dt.datetime(2026, 11, 23, 9, 30, tzinfo=dt.UTC)
    Notification.objects.filter(pk=notification.pk).update(created_at=when)
    digests_send()
    [email] = mailoutbox
    assert month in email.body
    assert f'<html lang="{language}">' in email.alternatives[0][0]


def test_a_long_summary_lists_the_first_and_counts_the_rest(kari, mailoutbox):
    for _ in range(DIGEST_MAX_ITEMS + 3):
        _waiting(kari)
    digests_send()
    [email] = mailoutbox
    assert f"{DIGEST_MAX_ITEMS + 3} unread notifications" in email.subject
    assert "and 3 more" in email.body
    assert email.body.count("Melding nummer") == DIGEST_MAX_ITEMS
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()


def test_one_failing_address_does_not_stop_the_others(kari, ola, mailoutbox, monkeypatch):
    kari_notification = _waiting(kari)
    _waiting(ola)
    real_send = services._send_email

    def flaky_send(*, recipient, **kwargs):
        if recipient == kari:
            raise ConnectionError("mail server refused")
        real_send(recipient=recipient, **kwargs)

    monkeypatch.setattr(services, "_send_email", flaky_send)
    assert digests_send() == 1
    assert [email.to for email in mailoutbox] == [["ola@example.test"]]
    # Kari's notification waits for the next run.
    kari_notification.refresh_from_db()
    assert kari_notification.emailed_at is None
