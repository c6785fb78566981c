"""Consultations closed more than 30 days without a decision are flagged once."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command
from django.urls import reverse

from medvirk.consultations import services
from medvirk.consultations.choices import Stage
from medvirk.consultations.tests.factories import consultation
from medvirk.councils.tests.factories import days
from medvirk.notifications.models import Notification
from medvirk.organizations.roles import Role
from medvirk.organizations.tests.factories import MembershipFactory


def test_overdue_is_flagged_once_to_the_coordinator_and_the_leaders(world):
    second_leader = world.a["staff"]
    MembershipFactory(organization=world.a.org, user=second_leader, role=Role.LEADER)
    overdue = consultation(world.a.org, world.a["admin"], stage=Stage.OVERDUE)
    consultation(world.a.org, world.a["admin"], stage=Stage.CLOSED)
    consultation(world.a.org, world.a["admin"], stage=Stage.DECIDED, closes_on=days(-60))
    consultation(
        world.a.org, world.a["admin"], stage=Stage.DRAFT, opens_on=days(-90), closes_on=days(-60)
    )

    assert services.overdue_consultations_flag() == 1
    told = Notification.objects.filter(message="consultation_overdue")
    assert sorted(n.recipient.pk for n in told) == sorted(
        [world.a["admin"].pk, world.a["leader"].pk, second_leader.pk]
    )
    assert {n.url for n in told} == {reverse("consultations:decision", args=["org-a", overdue.pk])}
    overdue.refresh_from_db()
    assert overdue.overdue_flagged_at is not None
    # Running again flags nothing more.
    assert services.overdue_consultations_flag() == 0
    assert Notification.objects.count() == 3


def test_thirty_days_after_closing_is_not_yet_overdue(world):
    made = consultation(
        world.a.org,
        world.a["coordinator"],
        stage=Stage.CLOSED,
        opens_on=days(-40),
        closes_on=days(-30),
    )
    assert services.overdue_consultations_flag() == 0
    assert services.overdue_consultations_flag(today=days(1)) == 1
    made.refresh_from_db()
    assert made.overdue_flagged_at is not None


def test_the_command_runs_the_task(world):
    consultation(world.a.org, world.a["coordinator"], stage=Stage.OVERDUE)
    out = StringIO()
    call_command("flag_overdue_consultations", stdout=out)
    assert out.getvalue().strip() == "Flagged 1 overdue consultations."


def test_overdue_consultations_show_a_warning(world, english_client_for):
    made = consultation(world.a.org, world.a["coordinator"], stage=Stage.OVERDUE, title="Forsinket")
    client = english_client_for(world.a["coordinator"])
    detail = client.get(reverse("consultations:detail", args=["org-a", made.pk])).content.decode()
    assert "more than 30 days ago, and no decision is published" in detail
    listing = client.get(reverse("consultations:list", args=["org-a"])).content.decode()
    assert "Closed more than 30 days without a decision" in listing
