"""The public page "you said — we did": what it lists, in which order, masked, and its 404s."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from medvirk.organizations.tests.factories import UnitFactory
from medvirk.proposals.choices import Status
from medvirk.proposals.models import Change, Proposal
from medvirk.proposals.tests.factories import answered, change, proposal
from medvirk.surveys.tests.factories import survey

FNR = "15076500565"
EMAIL = "ola.nordmann@example.org"


def _url(slug: str = "org-a", query: str = "") -> str:
    url = reverse("public_proposals:you_said_we_did", args=[slug])
    return f"{url}?{query}" if query else url


def _shown(client: Client, query: str = "") -> list[tuple[str, int]]:
    page = client.get(_url(query=query))
    assert page.status_code == 200
    return [
        ("proposal", e.proposal.pk) if e.proposal else ("change", e.change.pk)
        for e in page.context["entries"]
    ]


def test_lists_answered_proposals_and_published_changes_only(world, english_client):
    done = answered(world.a, status=Status.DONE)
    planned = answered(world.a, status=Status.PLANNED)
    declined = answered(world.a, status=Status.DECLINED)
    published = change(world.a)
    # Not shown: no answer yet, not far enough, hidden, a draft change, another organisation.
    answered(world.a, status=Status.DONE, answer="")
    answered(world.a, status=Status.CONSIDERING)
    proposal(world.a)
    hidden = answered(world.a, status=Status.DONE, hidden_reason="Støtende.")
    Proposal.objects.filter(pk=hidden.pk).update(hidden_at=timezone.now())
    change(world.a, published=False)
    answered(world.b, status=Status.DONE)
    change(world.b)
    shown = set(_shown(english_client))
    assert shown == {
        ("proposal", done.pk),
        ("proposal", planned.pk),
        ("proposal", declined.pk),
        ("change", published.pk),
    }
    html = english_client.get(_url()).content.decode()
    assert hidden.title not in html
    assert "Det har vi ikke råd til." in html  # the reason for declining, in plain words


def test_newest_first_across_both_kinds(world, english_client):
    now = timezone.now()
    old = answered(world.a, answered_at=now - timedelta(days=30))
    middle = change(world.a)
    Change.objects.filter(pk=middle.pk).update(published_at=now - timedelta(days=10))
    new = answered(world.a, answered_at=now - timedelta(days=1))
    assert _shown(english_client) == [
        ("proposal", new.pk),
        ("change", middle.pk),
        ("proposal", old.pk),
    ]


def test_paginated(world, english_client):
    for _ in range(30):
        answered(world.a)
    first = english_client.get(_url())
    assert len(first.context["entries"]) == 25
    second = english_client.get(_url(query="page=2"))
    assert len(second.context["entries"]) == 5


def test_per_unit(world, english_client):
    other = UnitFactory.create(organization=world.a.org, name="Hjemmetjenester")
    here = answered(world.a, unit=other)
    answered(world.a)
    unit_change = change(world.a, unit=other)
    change(world.a)  # the whole organisation: not on a unit's page
    assert set(_shown(english_client, f"unit={other.pk}")) == {
        ("proposal", here.pk),
        ("change", unit_change.pk),
    }


@pytest.mark.parametrize("query", ["unit=999999", "unit=abc", "unit=-1"])
def test_unknown_unit_is_404(world, query):
    assert Client().get(_url(query=query)).status_code == 404


def test_unit_of_another_organisation_is_404(world):
    assert Client().get(_url(query=f"unit={world.b.unit.pk}")).status_code == 404


def test_unknown_organisation_is_404(db):
    assert Client().get(_url("finnes-ikke")).status_code == 404


def test_personal_data_is_masked(world, english_client):
    answered(
        world.a,
        title=f"Fra {EMAIL}",
        text=f"Mitt fødselsnummer er {FNR}.",
        answer=f"Vi svarte {EMAIL}.",
    )
    change(world.a, you_said=f"Skriv til {EMAIL}", we_did=f"Ringte 918 12 345 om {FNR}")
    html = english_client.get(_url()).content.decode()
    assert EMAIL not in html
    assert FNR not in html
    assert "918 12 345" not in html
    assert "[e-mail address removed]" in html
    assert "[national ID number removed]" in html


def test_a_change_after_a_survey_names_the_survey(world, english_client):
    made = survey(world.a.org, title="Brukerundersøkelse 2026")
    change(world.a, survey=made)
    html = english_client.get(_url()).content.decode()
    assert "After the survey “Brukerundersøkelse 2026”" in html
