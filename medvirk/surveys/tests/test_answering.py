"""Answering a survey from its link: the steps, what is stored, and the abuse limits."""

from __future__ import annotations

import datetime
import json
import re
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from medvirk.organizations.tests.factories import UnitFactory
from medvirk.questionnaires.choices import ResponseStatus
from medvirk.questionnaires.models import Answer, Response
from medvirk.questionnaires.tests.factories import questionnaire_version
from medvirk.surveys import answering
from medvirk.surveys.models import AccessCode, Invitee, Survey, SurveyResponse
from medvirk.surveys.tests.factories import SCALE_SYSTEM, survey

PAGE_CONTROL = {
    "url": "http://hl7.org/fhir/StructureDefinition/questionnaire-itemControl",
    "valueCodeableConcept": {"coding": [{"code": "page"}]},
}
TWO_PAGES: dict[str, Any] = {
    "resourceType": "Questionnaire",
    "status": "active",
    "title": "Two pages",
    "item": [
        {
            "linkId": "p1",
            "type": "group",
            "text": "First page",
            "extension": [PAGE_CONTROL],
            "item": [
                {"linkId": "name", "type": "string", "text": "Your nickname", "required": True}
            ],
        },
        {
            "linkId": "p2",
            "type": "group",
            "text": "Second page",
            "extension": [PAGE_CONTROL],
            "item": [{"linkId": "age", "type": "integer", "text": "Your age"}],
        },
    ],
}
REQUIRED: dict[str, Any] = {
    "resourceType": "Questionnaire",
    "status": "active",
    "title": "One required question",
    "item": [{"linkId": "overall", "type": "string", "text": "Overall?", "required": True}],
}


@pytest.fixture(autouse=True)
def fresh_cache() -> Iterator[None]:
    cache.clear()  # the rate limits live in the cache
    yield
    cache.clear()


@pytest.fixture
def english(client: Client) -> Client:
    client.cookies["medvirk_language"] = "en"
    return client


def url(found: Survey, **query: Any) -> str:
    address = reverse("survey_answer:answer", args=[found.token])
    return f"{address}?unit={query['unit']}" if "unit" in query else address


def thanks_url(found: Survey) -> str:
    return reverse("survey_answer:thanks", args=[found.token])


def hidden(html: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert match, f"no hidden {name}"
    return match.group(1)


def answers(key: str, choice: str = "4", comment: str = "Good") -> dict[str, str]:
    return {
        "submission_key": key,
        "_action": "submit",
        "q-0_0": f"{SCALE_SYSTEM}|{choice}",
        "q-1_0": comment,
        "website": "",
    }


def answer_once(client: Client, found: Survey, address: str | None = None, **meta: str) -> Any:
    """GET the form and POST answers to it; ``meta`` sets request headers (REMOTE_ADDR)."""
    address = address or url(found)
    key = hidden(client.get(address, **meta).content.decode(), "submission_key")  # type: ignore[arg-type]
    return client.post(address, answers(key), **meta)  # type: ignore[arg-type]


# --- Finding the survey ---------------------------------------------------------------------------


def test_anonymous_visitor_answers_and_only_the_day_is_stored(world, english):
    found = survey(world.a.org, units=[world.a.unit])
    page = english.get(url(found))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Did you get the information you needed?" in html
    assert 'name="q-0_0"' in html
    assert "Your answers are anonymous" in html

    done = english.post(url(found), answers(hidden(html, "submission_key")))
    assert done.status_code == 302
    assert done["Location"] == thanks_url(found)

    stored = SurveyResponse.objects.get()
    assert (stored.survey, stored.unit) == (found, world.a.unit)
    assert stored.submitted_on == timezone.localdate()
    response = stored.response
    assert response.status == ResponseStatus.COMPLETED
    assert response.anonymous
    assert response.respondent_id is None
    assert response.subject_id is None
    local = timezone.localtime(response.submitted_at)
    assert (local.hour, local.minute, local.second) == (0, 0, 0)
    assert response.organization_id == world.a.org.pk
    assert Answer.objects.filter(response=response, link_id="q1", value_code="4").exists()
    # Nothing about the visitor: no address in the answer, no session row at all.
    assert "127.0.0.1" not in json.dumps(response.resource)
    assert not Session.objects.exists()


def test_a_second_press_of_submit_stores_once(world, client):
    found = survey(world.a.org, units=[world.a.unit])
    key = hidden(client.get(url(found)).content.decode(), "submission_key")
    first = client.post(url(found), answers(key))
    again = client.post(url(found), answers(key, choice="1"))
    assert first["Location"] == again["Location"] == thanks_url(found)
    assert SurveyResponse.objects.count() == 1
    assert Response.objects.count() == 1


def test_service_refuses_the_same_submission_key_twice(world):
    found = survey(world.a.org, units=[world.a.unit])
    key = uuid.uuid4()
    items = [{"linkId": "comment", "answer": [{"valueString": "Hi"}]}]
    answering.submit_survey_answer(found, items=items, unit=world.a.unit, submission_key=key)
    with pytest.raises(answering.AlreadySubmitted):
        answering.submit_survey_answer(found, items=items, unit=world.a.unit, submission_key=key)
    assert SurveyResponse.objects.count() == 1


def test_service_refuses_a_unit_the_survey_does_not_ask_about(world):
    found = survey(world.a.org, units=[world.a.unit])
    with pytest.raises(answering.UnitRejected):
        answering.submit_survey_answer(found, items=[], unit=world.b.unit)
    with pytest.raises(answering.UnitRejected):
        answering.submit_survey_answer(found, items=[], unit=None)
    assert not Response.objects.exists()


def test_an_anonymous_survey_never_names_the_respondent(world):
    found = survey(world.a.org, units=[world.a.unit])
    stored = answering.submit_survey_answer(
        found, items=[], unit=world.a.unit, respondent=world.a["user"]
    )
    assert stored.response.respondent_id is None
    assert stored.response.anonymous


def test_unknown_and_unpublished_surveys_are_404(world, client):
    hidden_survey = survey(world.a.org, published=False)
    assert client.get(url(hidden_survey)).status_code == 404
    assert client.get(thanks_url(hidden_survey)).status_code == 404
    assert client.get("/s/no-such-token/").status_code == 404


def test_before_it_opens_and_after_it_closes_nothing_is_stored(world, english):
    today = timezone.localdate()
    soon = survey(
        world.a.org,
        opens_on=today + datetime.timedelta(days=3),
        closes_on=today + datetime.timedelta(days=10),
    )
    page = english.get(url(soon))
    assert page.status_code == 200
    assert "This survey opens on" in page.content.decode()
    assert 'name="q-0_0"' not in page.content.decode()

    closed = survey(
        world.a.org,
        opens_on=today - datetime.timedelta(days=10),
        closes_on=today - datetime.timedelta(days=1),
    )
    page = english.get(url(closed))
    assert "This survey closed on" in page.content.decode()
    posted = english.post(url(closed), answers(str(uuid.uuid4())))
    assert "This survey closed on" in posted.content.decode()
    assert not Response.objects.exists()


def test_the_last_day_still_takes_answers(world, client):
    today = timezone.localdate()
    found = survey(world.a.org, opens_on=today, closes_on=today)
    assert answer_once(client, found).status_code == 302
    assert SurveyResponse.objects.count() == 1


# --- Units ----------------------------------------------------------------------------------------


def test_several_units_ask_which_one_first(world, english):
    other = UnitFactory.create(organization=world.a.org, name="Aaa Dagsenter")
    found = survey(world.a.org, units=[world.a.unit, other])
    page = english.get(url(found)).content.decode()
    assert "Which service are you answering about?" in page
    assert 'type="radio"' in page
    assert page.index("Aaa Dagsenter") < page.index(world.a.unit.name)
    assert 'name="q-0_0"' not in page

    empty = english.get(url(found) + "?unit=").content.decode()
    assert "Choose the service you want to answer about." in empty
    foreign = english.get(url(found, unit=world.b.unit.pk)).content.decode()
    assert "Which service are you answering about?" in foreign
    assert 'name="q-0_0"' not in foreign

    address = url(found, unit=other.pk)
    form = english.get(address).content.decode()
    assert "You are answering about: <strong>Aaa Dagsenter</strong>" in form
    assert f'action="{address}"' in form
    assert answer_once(english, found, address).status_code == 302
    assert SurveyResponse.objects.get().unit == other


def test_a_survey_without_units_stores_no_unit(world, client):
    found = survey(world.a.org)
    assert answer_once(client, found).status_code == 302
    assert SurveyResponse.objects.get().unit is None


# --- Required answers -----------------------------------------------------------------------------


def test_a_missing_required_answer_is_named_and_nothing_is_stored(world, english):
    found = survey(world.a.org, version=questionnaire_version(world.a.org, REQUIRED))
    key = hidden(english.get(url(found)).content.decode(), "submission_key")
    page = english.post(url(found), {"submission_key": key, "_action": "submit"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "data-error-summary" in html
    assert 'href="#q-0_0' in html
    assert hidden(html, "submission_key") == key  # the same form: a retry stays one answer
    assert not Response.objects.exists()


def test_pages_wait_in_the_session_and_nothing_is_stored_before_submit(world, english):
    found = survey(world.a.org, version=questionnaire_version(world.a.org, TWO_PAGES))
    first = english.get(url(found)).content.decode()
    assert "Your nickname" in first
    moved = english.post(
        url(found),
        {"submission_key": hidden(first, "submission_key"), "_action": "next", "q-0_0-0_0": "Kari"},
    )
    assert moved.status_code == 302
    assert moved["Location"] == url(found)
    second = english.get(url(found)).content.decode()
    assert "Your age" in second
    assert not Response.objects.exists()

    done = english.post(
        url(found),
        {
            "submission_key": hidden(second, "submission_key"),
            "_action": "submit",
            "q-1_0-0_0": "40",
        },
    )
    assert done["Location"] == thanks_url(found)
    response = SurveyResponse.objects.get().response
    stored = {a.link_id: (a.value_text, a.value_number) for a in response.answers.all()}
    assert stored["name"][0] == "Kari"
    assert stored["age"][1] == 40
    # The draft is gone from the session once submitted.
    session = english.session
    assert not any(key.startswith("survey_answer:") for key, _value in session.items())


def test_htmx_gets_only_the_form(world, client):
    found = survey(world.a.org)
    page = client.post(url(found), {"_action": "refresh"}, headers={"HX-Request": "true"})
    html = page.content.decode()
    assert html.lstrip().startswith("<link")
    assert "<html" not in html
    assert 'name="website"' in html
    assert not Response.objects.exists()


# --- One-time codes -------------------------------------------------------------------------------


@pytest.fixture
def coded(world) -> Survey:
    found = survey(world.a.org, units=[world.a.unit], requires_code=True)
    AccessCode.objects.create(survey=found, code="AB12CD")
    AccessCode.objects.create(survey=found, code="USED99", used_on=timezone.localdate())
    return found


def test_a_code_comes_first_and_is_used_up_only_on_submit(world, english, coded):
    page = english.get(url(coded)).content.decode()
    assert "Your one-time code" in page
    assert 'name="q-0_0"' not in page

    accepted = english.post(url(coded), {"_step": "code", "code": " ab 12 cd "})
    assert accepted.status_code == 302
    form = english.get(url(coded)).content.decode()
    assert 'name="q-0_0"' in form
    assert AccessCode.objects.get(code="AB12CD").used_on is None  # not yet

    done = english.post(url(coded), answers(hidden(form, "submission_key")))
    assert done["Location"] == thanks_url(coded)
    assert AccessCode.objects.get(code="AB12CD").used_on == timezone.localdate()
    assert SurveyResponse.objects.count() == 1
    # The code is spent: the same browser is asked for a new one.
    assert "Your one-time code" in english.get(url(coded)).content.decode()


@pytest.mark.parametrize("typed", ["NOPE00", "used99", ""])
def test_an_unknown_or_used_code_is_refused(world, english, coded, typed):
    page = english.post(url(coded), {"_step": "code", "code": typed})
    html = page.content.decode()
    assert page.status_code == 200
    assert "data-error-summary" in html
    if typed:
        assert "This code is unknown or has already been used." in html
    assert 'name="q-0_0"' not in html
    # Answers posted without an accepted code are not stored either.
    english.post(url(coded), answers(str(uuid.uuid4())))
    assert not Response.objects.exists()
    assert AccessCode.objects.get(code="AB12CD").used_on is None


def test_a_code_used_elsewhere_meanwhile_stores_nothing_and_asks_again(world, english, coded):
    english.post(url(coded), {"_step": "code", "code": "AB12CD"})
    key = hidden(english.get(url(coded)).content.decode(), "submission_key")
    AccessCode.objects.filter(code="AB12CD").update(used_on=timezone.localdate())
    page = english.post(url(coded), answers(key, comment="Kept"))
    html = page.content.decode()
    assert "This code has been used in the meantime." in html
    assert not Response.objects.exists()
    # With a fresh code the answers typed before are still there.
    AccessCode.objects.create(survey=coded, code="NEW123")
    english.post(url(coded), {"_step": "code", "code": "new123"})
    assert "Kept" in english.get(url(coded)).content.decode()


def test_guessing_codes_is_limited(world, english, coded, settings):
    settings.SURVEY_RATE_LIMIT = 10
    for _ in range(answering.CODE_ATTEMPT_LIMIT):
        assert english.post(url(coded), {"_step": "code", "code": "WRONG1"}).status_code == 200
    assert english.post(url(coded), {"_step": "code", "code": "WRONG1"}).status_code == 429
    # Even the right code waits now.
    assert english.post(url(coded), {"_step": "code", "code": "AB12CD"}).status_code == 429


# --- Identified surveys ---------------------------------------------------------------------------


def test_identified_survey_needs_a_login(world, client):
    found = survey(world.a.org, anonymous=False)
    page = client.get(url(found))
    assert page.status_code == 302
    assert page["Location"].startswith(reverse("account_login"))
    assert f"next={url(found)}" in page["Location"].replace("%2F", "/")


def test_identified_survey_is_404_for_another_organisation(world, client_for):
    found = survey(world.a.org, anonymous=False)
    assert client_for(world.b["user"]).get(url(found)).status_code == 404


def test_identified_answer_names_the_member_and_marks_the_invitation(world, client_for):
    found = survey(world.a.org, anonymous=False, units=[world.a.unit])
    person = world.a["user"]
    Invitee.objects.create(survey=found, user=person)
    client = client_for(person)
    client.cookies["medvirk_language"] = "en"
    assert "stored with your name" in client.get(url(found)).content.decode()
    assert answer_once(client, found).status_code == 302
    response = SurveyResponse.objects.get().response
    assert response.respondent == person
    assert not response.anonymous
    assert Invitee.objects.get().answered
    again = client.get(url(found)).content.decode()
    assert "You have already answered this survey." in again
    with pytest.raises(answering.AlreadyAnswered):
        answering.submit_survey_answer(found, items=[], unit=world.a.unit, respondent=person)
    assert SurveyResponse.objects.count() == 1


# --- Abuse limits ---------------------------------------------------------------------------------


def test_over_the_rate_limit_a_friendly_429_and_nothing_stored(world, english, settings):
    settings.SURVEY_RATE_LIMIT = 2
    found = survey(world.a.org)
    assert answer_once(english, found).status_code == 302
    assert answer_once(english, found).status_code == 302
    limited = answer_once(english, found)
    assert limited.status_code == 429
    assert "Please try again in an hour." in limited.content.decode()
    assert SurveyResponse.objects.count() == 2
    # Another client is not affected.
    assert answer_once(english, found, REMOTE_ADDR="10.0.0.9").status_code == 302


def test_the_limit_counts_per_survey(world, client, settings):
    settings.SURVEY_RATE_LIMIT = 1
    first, second = survey(world.a.org), survey(world.a.org)
    assert answer_once(client, first).status_code == 302
    assert answer_once(client, second).status_code == 302
    assert answer_once(client, first).status_code == 429


def test_the_limit_keys_on_a_keyed_hash_never_the_address(world, client, settings):
    settings.SURVEY_RATE_LIMIT = 5
    found = survey(world.a.org)
    answer_once(client, found)
    keys = list(cache._cache.keys())  # type: ignore[attr-defined]  # LocMemCache
    assert keys, "the submit was counted"
    assert not any("127.0.0.1" in key for key in keys)
    assert any(answering.client_key("127.0.0.1") in key for key in keys)
    assert answering.client_key("127.0.0.1") != answering.client_key("127.0.0.2")
    settings.SECRET_KEY = "another-secret-for-this-test-only-0123456789abcdef"
    assert answering.client_key("127.0.0.1") not in keys[0]


def test_the_limit_can_be_switched_off(world, client, settings):
    settings.SURVEY_RATE_LIMIT = None
    found = survey(world.a.org)
    for _ in range(3):
        assert answer_once(client, found).status_code == 302
    assert SurveyResponse.objects.count() == 3


def test_a_filled_honeypot_is_thanked_and_nothing_stored(world, client):
    found = survey(world.a.org)
    page = client.get(url(found)).content.decode()
    assert 'name="website"' in page
    assert 'tabindex="-1"' in page
    done = client.post(url(found), {**answers(hidden(page, "submission_key")), "website": "x"})
    assert done["Location"] == thanks_url(found)
    assert not Response.objects.exists()


# --- Thanks ---------------------------------------------------------------------------------------


def test_the_thanks_page_reveals_nothing_about_other_answers(world, english):
    found = survey(world.a.org)
    answer_once(english, found)
    after_one = english.get(thanks_url(found)).content.decode()
    for _ in range(3):
        answer_once(english, found)
    after_four = english.get(thanks_url(found)).content.decode()
    assert "Thank you for your answers!" in after_one
    assert SurveyResponse.objects.count() == 4
    strip = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"|"X-CSRFToken": "[^"]*"')
    assert strip.sub("", after_one) == strip.sub("", after_four)
    assert "Good" not in after_four  # the answer typed is not shown back


def test_the_empty_first_page_is_rendered_once_and_drafts_never_shared(world, client):
    from unittest import mock

    from medvirk.questionnaires.rendering import QuestionnaireForm
    from medvirk.surveys import answer_views

    answer_views._EMPTY_PAGES.clear()
    found = survey(world.a.org, version=questionnaire_version(world.a.org, TWO_PAGES))
    with mock.patch.object(
        QuestionnaireForm, "render", autospec=True, side_effect=QuestionnaireForm.render
    ) as rendered:
        first = client.get(url(found)).content.decode()
        second = Client().get(url(found)).content.decode()
        assert rendered.call_count == 1
        assert hidden(first, "submission_key") != hidden(second, "submission_key")
        # Once this visitor has typed something, their page is their own.
        client.post(
            url(found),
            {
                "submission_key": hidden(first, "submission_key"),
                "_action": "next",
                "q-0_0-0_0": "Kari",
            },
        )
        client.post(url(found), {"_action": "previous", "q-1_0-0_0": ""})
        mine = client.get(url(found)).content.decode()
        assert 'value="Kari"' in mine
        assert 'value="Kari"' not in Client().get(url(found)).content.decode()
