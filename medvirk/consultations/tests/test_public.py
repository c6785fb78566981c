"""The public pages: which consultations they show, responses only when public, anonymous input."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from medvirk.consultations.choices import ResponseMode, ResponsesVisibleTo, Stage
from medvirk.consultations.models import ConsultationResponse
from medvirk.consultations.tests.factories import consultation, response
from medvirk.councils.tests.factories import council
from medvirk.councils.tests.meeting_factories import meeting


@pytest.fixture(autouse=True)
def _clear_rate_limit():
    cache.clear()
    yield
    cache.clear()


def public_url(name, *args, slug="org-a"):
    return reverse(f"public_consultations:{name}", args=[slug, *args])


def english() -> Client:
    client = Client()
    client.cookies["medvirk_language"] = "en"
    return client


def test_the_list_shows_public_and_decided_consultations_only(world):
    coordinator = world.a["coordinator"]
    shown = {
        consultation(world.a.org, coordinator, audience_public=True, title="Offentlig åpen"),
        consultation(world.a.org, coordinator, stage=Stage.DECIDED, title="Vedtatt for råd"),
    }
    consultation(world.a.org, coordinator, title="Bare representanter")
    consultation(world.a.org, coordinator, stage=Stage.DRAFT, audience_public=True, title="Utkast")
    consultation(world.b.org, world.b["coordinator"], audience_public=True, title="Annen kommune")
    page = english().get(public_url("list"))
    assert page.status_code == 200
    assert {row["consultation"] for row in page.context["rows"]} == shown
    html = page.content.decode()
    assert "Bare representanter" not in html
    assert "Utkast" not in html


def test_unknown_organisation_is_404(db):
    assert Client().get(public_url("list", slug="finnes-ikke")).status_code == 404


def test_hidden_consultations_are_404_on_the_public_detail(world):
    hidden = consultation(world.a.org, world.a["coordinator"])
    assert Client().get(public_url("detail", hidden.pk)).status_code == 404
    other = consultation(world.b.org, world.b["coordinator"], audience_public=True)
    assert Client().get(public_url("detail", other.pk)).status_code == 404


def test_detail_shows_the_decision_and_meetings_but_not_responses(world):
    board = council(world.a.org)
    fed = meeting(board, title="Brukerrådsmøte mars")
    decided = consultation(world.a.org, world.a["coordinator"], stage=Stage.DECIDED)
    decided.meetings.set([fed])
    response(decided, world.a["representative"], text="Hemmelig innspill")
    html = english().get(public_url("detail", decided.pk)).content.decode()
    assert "Vi endrer åpningstidene." in html
    assert "Innspillene avgjorde tidspunktet." in html
    assert "Brukerrådsmøte mars" in html
    assert "Hemmelig innspill" not in html
    list_html = english().get(public_url("list")).content.decode()
    assert "Brukerrådsmøte mars" in list_html


def test_responses_are_shown_when_the_setting_is_public_without_names(world):
    made = consultation(
        world.a.org,
        world.a["coordinator"],
        audience_public=True,
        responses_visible_to=ResponsesVisibleTo.PUBLIC,
    )
    response(made, world.a["representative"], text="Åpent innspill")
    html = english().get(public_url("detail", made.pk)).content.decode()
    assert "Åpent innspill" in html
    assert world.a["representative"].full_name not in html


def test_an_anonymous_visitor_answers_and_nothing_about_them_is_stored(world):
    made = consultation(world.a.org, world.a["coordinator"], audience_public=True)
    answer = Client(REMOTE_ADDR="203.0.113.9").post(
        public_url("detail", made.pk),
        {"text": "Kveldsåpent, takk", "contact_email": "meg@example.org", "website": ""},
    )
    assert answer.status_code == 302
    stored = ConsultationResponse.objects.get()
    assert (stored.text, stored.contact_email, stored.respondent) == (
        "Kveldsåpent, takk",
        "meg@example.org",
        None,
    )
    values = " ".join(str(v) for v in ConsultationResponse.objects.values().get().values())
    assert "203.0.113.9" not in values


def test_the_honeypot_stores_nothing_but_looks_like_success(world):
    made = consultation(world.a.org, world.a["coordinator"], audience_public=True)
    answer = Client().post(
        public_url("detail", made.pk), {"text": "Spam", "website": "https://spam.example"}
    )
    assert answer.status_code == 302
    assert not ConsultationResponse.objects.exists()


def test_public_input_is_rate_limited_per_client(world):
    made = consultation(world.a.org, world.a["coordinator"], audience_public=True)
    client = english()
    for number in range(5):
        client.post(public_url("detail", made.pk), {"text": f"Innspill {number}"})
    page = client.post(public_url("detail", made.pk), {"text": "Ett for mye"})
    assert page.status_code == 200
    assert "Too many answers" in page.content.decode()
    assert "Ett for mye" in page.content.decode()  # the text is kept
    assert ConsultationResponse.objects.count() == 5
    # Another client is not affected.
    Client(REMOTE_ADDR="198.51.100.7").post(public_url("detail", made.pk), {"text": "Annen"})
    assert ConsultationResponse.objects.count() == 6


@pytest.mark.parametrize(
    "kwargs",
    [
        {"stage": Stage.CLOSED, "audience_public": True},
        {"stage": Stage.DECIDED, "audience_public": False},
        {"audience_public": True, "response_mode": ResponseMode.QUESTIONNAIRE},
    ],
)
def test_the_public_cannot_answer_closed_or_non_public_or_form_consultations(world, kwargs):
    made = consultation(world.a.org, world.a["coordinator"], **kwargs)
    Client().post(public_url("detail", made.pk), {"text": "For sent"})
    assert not ConsultationResponse.objects.exists()


def test_bad_email_is_an_error_and_input_kept(world):
    made = consultation(world.a.org, world.a["coordinator"], audience_public=True)
    page = english().post(
        public_url("detail", made.pk), {"text": "Mitt innspill", "contact_email": "ikke-en-adresse"}
    )
    assert page.status_code == 200
    assert "contact_email" in page.context["form"].errors
    assert "Mitt innspill" in page.content.decode()
    assert not ConsultationResponse.objects.exists()
