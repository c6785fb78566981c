"""Weekly reminders of required modules not completed (``send_learning_reminders``)."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from medvirk.learning import services
from medvirk.learning.models import LearningReminder, Module, RequiredModule
from medvirk.learning.tests.factories import (
    FULL_KEY,
    SHORT_KEY,
    complete_module,
    fixture_module,
    org_module,
)
from medvirk.notifications.models import Notification

pytestmark = pytest.mark.usefixtures("content")


def require(org, role: str, key: str) -> None:
    RequiredModule.objects.create(organization=org, role=role, module_key=key)


def test_people_with_required_modules_not_completed_are_reminded(world):
    require(world.a.org, "staff", FULL_KEY)
    require(world.a.org, "staff", SHORT_KEY)
    assert services.learning_reminders_send() == 1
    notification = Notification.objects.get()
    assert notification.recipient == world.a["staff"]
    assert notification.message == "learning_reminder"
    assert notification.organization == world.a.org
    assert notification.url == "/o/org-a/learning/?required=1"
    # In the person's language (Bokmål by default), listing both modules.
    assert "Medvirkning i praksis" in notification.body
    assert "En kort modul for ledere" in notification.body
    assert "Organisasjon A" in notification.body


def test_completed_modules_are_not_reminded_of(world):
    require(world.a.org, "staff", FULL_KEY)
    complete_module(world.a["staff"], world.a.org, fixture_module(world.a.org))
    assert services.learning_reminders_send() == 0
    assert not Notification.objects.exists()


def test_nobody_is_reminded_twice_in_a_week(world):
    require(world.a.org, "staff", FULL_KEY)
    now = timezone.now()
    assert services.learning_reminders_send(now=now) == 1
    assert services.learning_reminders_send(now=now + timedelta(days=6)) == 0
    LearningReminder.objects.update(sent_at=now - timedelta(days=8))
    assert services.learning_reminders_send(now=now) == 1
    assert Notification.objects.count() == 2


def test_one_reminder_covers_every_organisation(world):
    from medvirk.organizations.tests.factories import MembershipFactory

    user = world.a["staff"]
    MembershipFactory(organization=world.b.org, user=user, role="staff")
    require(world.a.org, "staff", FULL_KEY)
    require(world.b.org, "staff", SHORT_KEY)
    assert services.learning_reminders_send() == 2  # user, and org B's own staff member
    notification = Notification.objects.get(recipient=user)
    assert notification.organization is None
    assert "Organisasjon A" in notification.body
    assert "Organisasjon B" in notification.body
    assert LearningReminder.objects.get(user=user).module_keys == {
        "org-a": [FULL_KEY],
        "org-b": [SHORT_KEY],
    }


def test_inactive_people_and_unpublished_modules_are_skipped(world):
    require(world.a.org, "staff", FULL_KEY)
    require(world.a.org, "user", "draft")
    org_module(world.a.org, key="draft", is_published=False)
    world.a["staff"].is_active = False
    world.a["staff"].save()
    assert services.learning_reminders_send() == 0


def test_withdrawn_shipped_module_is_not_reminded_of(world):
    require(world.a.org, "staff", SHORT_KEY)
    Module.objects.filter(key=SHORT_KEY).update(is_published=False)
    assert services.learning_reminders_send() == 0


def test_command_says_how_many_were_sent(world, mailoutbox):
    require(world.a.org, "staff", FULL_KEY)
    out = StringIO()
    call_command("send_learning_reminders", stdout=out)
    assert "Sent 1 learning reminders." in out.getvalue()
    out = StringIO()
    call_command("send_learning_reminders", stdout=out)
    assert "Sent 0 learning reminders." in out.getvalue()


def test_command_can_hand_the_work_to_the_worker(world):
    require(world.a.org, "staff", FULL_KEY)
    out = StringIO()
    call_command("send_learning_reminders", "--enqueue", stdout=out)
    assert "Queued the learning reminders as task" in out.getvalue()
    assert Notification.objects.count() == 1  # the tests' immediate backend ran it
