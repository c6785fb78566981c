"""Responses given as a form: run by the questionnaire engine, one per person, changeable."""

from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse

from medvirk.consultations.choices import ResponseMode, Stage
from medvirk.consultations.models import ConsultationResponse
from medvirk.consultations.tests.factories import consultation
from medvirk.questionnaires.choices import ResponseStatus
from medvirk.questionnaires.models import Answer, Response
from medvirk.questionnaires.tests.factories import questionnaire_version
from medvirk.questionnaires.tests.test_views import MOOD, SYSTEM


def hidden(html: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert match, f"no hidden {name}"
    return match.group(1)


@pytest.fixture
def with_form(world):
    version = questionnaire_version(world.a.org, json.loads(json.dumps(MOOD)))
    return consultation(
        world.a.org,
        world.a["coordinator"],
        response_mode=ResponseMode.QUESTIONNAIRE,
        questionnaire_version=version,
    )


def respond_url(made):
    return reverse("consultations:respond", args=[made.organization.slug, made.pk])


def test_submit_a_form_response_and_change_it(world, client_for, with_form):
    client = client_for(world.a["representative"])
    address = respond_url(with_form)
    page = client.get(address)
    assert 'class="q-form"' in page.content.decode()
    key = hidden(page.content.decode(), "submission_key")
    done = client.post(
        address,
        {"submission_key": key, "_action": "submit", "q-0_0": f"{SYSTEM}|bad", "q-1_0": "Regn"},
    )
    assert done.status_code == 302
    given = ConsultationResponse.objects.get()
    first = given.questionnaire_response
    assert first is not None
    assert (given.respondent, first.status) == (world.a["representative"], ResponseStatus.COMPLETED)
    assert Answer.objects.filter(response=first, value_code="bad").exists()

    # Changing it: the form starts from the submitted answers, and the new answers replace them.
    again = client.get(address).content.decode()
    assert "Regn" in again
    new_key = hidden(again, "submission_key")
    assert new_key != str(first.submission_key)
    client.post(
        address,
        {"submission_key": new_key, "_action": "submit", "q-0_0": f"{SYSTEM}|good", "q-1_0": "Sol"},
    )
    given.refresh_from_db()
    assert ConsultationResponse.objects.count() == 1
    assert given.questionnaire_response_id != first.pk
    assert not Response.objects.filter(pk=first.pk).exists()
    assert list(Answer.objects.values_list("value_code", flat=True).exclude(value_code="")) == [
        "good"
    ]
    # The coordinator reads the answers with the questions' texts.
    listing = client_for(world.a["coordinator"]).get(
        reverse("consultations:responses", args=["org-a", with_form.pk])
    )
    assert "How do you feel?" in listing.content.decode()
    assert "Sol" in listing.content.decode()


def test_a_saved_draft_is_not_a_response_and_can_be_resumed(world, client_for, with_form):
    client = client_for(world.a["representative"])
    address = respond_url(with_form)
    key = hidden(client.get(address).content.decode(), "submission_key")
    client.post(address, {"submission_key": key, "_action": "save", "q-1_0": "Halvferdig"})
    draft = ConsultationResponse.objects.get().questionnaire_response
    assert draft is not None
    assert draft.status == ResponseStatus.IN_PROGRESS
    resumed = client.get(address).content.decode()
    assert "Halvferdig" in resumed
    assert hidden(resumed, "submission_key") == str(draft.submission_key)
    # (client_for logs the same test client in as someone else from here on.)
    detail = client_for(world.a["coordinator"]).get(
        reverse("consultations:detail", args=["org-a", with_form.pk])
    )
    assert detail.context["response_count"] == 0


def test_a_form_with_missing_answers_is_shown_again(world, client_for, with_form):
    client = client_for(world.a["representative"])
    address = respond_url(with_form)
    key = hidden(client.get(address).content.decode(), "submission_key")
    page = client.post(address, {"submission_key": key, "_action": "submit", "q-1_0": "Bare tekst"})
    assert page.status_code == 200
    assert "Bare tekst" in page.content.decode()
    assert not Response.objects.filter(status=ResponseStatus.COMPLETED).exists()


def test_the_form_is_refused_after_close(world, client_for, with_form):
    with_form.opens_on, with_form.closes_on = (
        with_form.opens_on.replace(year=2020),
        with_form.closes_on.replace(year=2020),
    )
    with_form.save()
    assert with_form.stage() == Stage.OVERDUE
    client = client_for(world.a["representative"])
    answer = client.post(respond_url(with_form), {"_action": "submit", "q-0_0": f"{SYSTEM}|bad"})
    assert answer.status_code == 302
    assert not Response.objects.exists()
