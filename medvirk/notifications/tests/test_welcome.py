"""A person added to an organisation is welcomed, with a way in if their account is new."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from medvirk.accounts.models import EmailFrequency, User
from medvirk.notifications.models import EmailDelivery, Notification
from medvirk.notifications.services import notify_membership_added
from medvirk.organizations.roles import Role
from medvirk.organizations.services import membership_add


def test_admin_adding_a_new_person_emails_them_a_password_link_at_once(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        membership_add(
            actor=world.a["admin"],
            organization=world.a.org,
            email="ny@example.test",
            full_name="Ny Person",
            role=Role.STAFF,
            unit=world.a.unit,
        )
    person = User.objects.get(email="ny@example.test")
    notification = Notification.objects.get(recipient=person)
    assert notification.message == "welcome"
    assert notification.organization == world.a.org
    assert notification.url == reverse("organizations:overview", args=["org-a"])
    # A new account is on the default daily summary, but cannot wait for it.
    assert person.email_frequency == EmailFrequency.DAILY
    assert notification.email_delivery == EmailDelivery.IMMEDIATE
    [email] = mailoutbox
    assert email.to == ["ny@example.test"]
    assert "Organisasjon A" in email.subject
    assert reverse("account_reset_password") in email.body
    assert "Ny" in email.body
    assert world.a.unit.name in email.body


def test_person_who_has_logged_in_gets_the_welcome_in_their_daily_summary(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    person = world.b["user"]
    person.last_login = timezone.now()
    person.save()
    with django_capture_on_commit_callbacks(execute=True):
        membership = membership_add(
            actor=world.a["admin"], organization=world.a.org, email=person.email, role=Role.USER
        )
    notification = Notification.objects.get(recipient=person)
    assert notification.email_delivery == EmailDelivery.DIGEST
    assert mailoutbox == []
    # They have a password: the welcome links to the organisation instead.
    assert reverse("account_reset_password") not in notification.body
    assert membership.organization.slug in notification.body


def test_welcome_names_the_role_in_the_recipients_language(world):
    person = world.a["coordinator"]
    person.preferred_language = "en"
    membership = person.memberships.get()
    notification = notify_membership_added(membership)
    assert "“Coordinator”" in notification.body
    assert "“Coordinator”" in notification.body_html
