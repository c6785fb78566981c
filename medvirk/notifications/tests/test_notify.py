"""``notify`` renders in the recipient's language and delivers by their e-mail preference."""

from __future__ import annotations

import pytest
from django.utils import translation

from medvirk.accounts.models import EmailFrequency
from medvirk.accounts.tests.factories import UserFactory
from medvirk.notifications import rendering
from medvirk.notifications.models import EmailDelivery, Notification
from medvirk.notifications.services import notification_email_send, notify


def _welcome(recipient, world, **kwargs):
    membership = recipient.memberships.first()
    return notify(
        recipient=recipient,
        message="welcome",
        context={"membership": membership, "organization": world.a.org, "needs_password": False},
        url=f"/o/{world.a.org.slug}/",
        organization=world.a.org,
        **kwargs,
    )


def test_notify_stores_the_rendered_message(world):
    person = world.a["user"]
    person.preferred_language = "en"
    notification = _welcome(person, world)
    assert notification.recipient == person
    assert notification.organization == world.a.org
    assert notification.message == "welcome"
    assert notification.subject == "You now have access to Organisasjon A in Medvirk"
    assert "Organisasjon A" in notification.body
    assert "<p" in notification.body_html
    assert notification.url == "/o/org-a/"
    assert notification.read_at is None


@pytest.mark.parametrize("language", ["en", "nb", "sv"])
def test_templates_render_in_the_recipients_language(world, monkeypatch, language):
    """Every template of the message is rendered with the recipient's language active."""
    person = world.a["user"]
    person.preferred_language = language
    seen = []
    original_text, original_html = rendering.render_text, rendering.render_html

    def spy_text(name, context):
        seen.append((name, translation.get_language()))
        return original_text(name, context)

    def spy_html(name, context):
        seen.append((name, translation.get_language()))
        return original_html(name, context)

    monkeypatch.setattr(rendering, "render_text", spy_text)
    monkeypatch.setattr(rendering, "render_html", spy_html)
    with translation.override("nn"):
        _welcome(person, world)
        # The caller's language is back afterwards.
        assert translation.get_language() == "nn"
    assert [name.rsplit("/", 1)[1] for name, _ in seen] == ["subject.txt", "body.txt", "body.html"]
    assert {lang for _, lang in seen} == {language}


def test_immediately_sends_one_email_after_commit(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    person = world.a["user"]
    person.email_frequency = EmailFrequency.IMMEDIATELY
    person.save()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notification = _welcome(person, world)
    # Nothing leaves before the notification is committed.
    assert mailoutbox == []
    assert len(callbacks) == 1
    callbacks[0]()
    assert len(mailoutbox) == 1
    email = mailoutbox[0]
    assert email.to == [person.email]
    assert email.subject == notification.subject
    notification.refresh_from_db()
    assert notification.email_delivery == EmailDelivery.IMMEDIATE
    assert notification.emailed_at is not None


def test_email_has_text_and_html_parts_in_the_recipients_language(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    person = world.a["user"]
    person.email_frequency = EmailFrequency.IMMEDIATELY
    person.preferred_language = "en"
    person.save()
    with django_capture_on_commit_callbacks(execute=True):
        _welcome(person, world)
    email = mailoutbox[0]
    assert "Organisasjon A" in email.body
    assert "<html" not in email.body
    assert "http://127.0.0.1:8000/o/org-a/" in email.body
    [(html, mimetype)] = email.alternatives
    assert mimetype == "text/html"
    assert '<html lang="en">' in html
    assert 'href="http://127.0.0.1:8000/o/org-a/"' in html
    assert email.extra_headers["Auto-Submitted"] == "auto-generated"


def test_daily_keeps_the_email_for_the_digest(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    person = world.a["user"]
    person.email_frequency = EmailFrequency.DAILY
    person.save()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notification = _welcome(person, world)
    assert callbacks == []
    assert mailoutbox == []
    assert notification.email_delivery == EmailDelivery.DIGEST
    assert notification.emailed_at is None


def test_never_sends_no_email_at_all(world, mailoutbox, django_capture_on_commit_callbacks):
    person = world.a["user"]
    person.email_frequency = EmailFrequency.NEVER
    person.save()
    with django_capture_on_commit_callbacks(execute=True):
        notification = _welcome(person, world, email_now=True)
    assert mailoutbox == []
    assert notification.email_delivery == EmailDelivery.NONE


def test_email_now_overrides_the_daily_summary(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    person = world.a["user"]
    person.email_frequency = EmailFrequency.DAILY
    person.save()
    with django_capture_on_commit_callbacks(execute=True):
        notification = _welcome(person, world, email_now=True)
    assert notification.email_delivery == EmailDelivery.IMMEDIATE
    assert len(mailoutbox) == 1


def test_inactive_person_gets_no_email(world, mailoutbox, django_capture_on_commit_callbacks):
    person = world.a["user"]
    person.email_frequency = EmailFrequency.IMMEDIATELY
    person.is_active = False
    person.save()
    with django_capture_on_commit_callbacks(execute=True):
        notification = _welcome(person, world)
    assert notification.email_delivery == EmailDelivery.NONE
    assert mailoutbox == []


def test_sending_twice_sends_once(world, mailoutbox, django_capture_on_commit_callbacks):
    person = world.a["user"]
    person.email_frequency = EmailFrequency.IMMEDIATELY
    person.save()
    with django_capture_on_commit_callbacks(execute=True):
        notification = _welcome(person, world)
    assert notification_email_send(notification_id=notification.pk) is False
    assert len(mailoutbox) == 1


def test_email_is_not_sent_if_the_person_turned_email_off_meanwhile(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    person = world.a["user"]
    person.email_frequency = EmailFrequency.IMMEDIATELY
    person.save()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _welcome(person, world)
    person.email_frequency = EmailFrequency.NEVER
    person.save()
    callbacks[0]()
    assert mailoutbox == []


def test_missing_notification_is_not_an_error(db, mailoutbox):
    assert notification_email_send(notification_id=987654) is False
    assert mailoutbox == []


@pytest.mark.parametrize("message", ["../base", "Welcome", "welcome/../digest", ""])
def test_bad_message_name_is_refused_and_nothing_stored(db, message):
    with pytest.raises(ValueError, match="Not a message name"):
        notify(recipient=UserFactory.create(), message=message, context={})
    assert not Notification.objects.exists()


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "//evil.example/", "mailto:x@example.test", "/" + "x" * 500]
)
def test_link_must_be_a_web_address(db, url):
    with pytest.raises(ValueError, match="Not a link"):
        notify(recipient=UserFactory.create(), message="digest", context={"count": 1}, url=url)
    assert not Notification.objects.exists()
