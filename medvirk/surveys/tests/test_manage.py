"""Running surveys: create, edit, publish, share (link, QR, poster), codes, count, reminders."""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from typing import Any
from xml.etree import ElementTree

import pytest
import segno
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from medvirk.accounts.models import User
from medvirk.notifications.models import Notification
from medvirk.organizations.access import org_context
from medvirk.organizations.models import Membership
from medvirk.organizations.roles import Role
from medvirk.organizations.tests.factories import MembershipFactory, UnitFactory
from medvirk.questionnaires.choices import Origin, ResponseStatus, VersionStatus
from medvirk.questionnaires.definition import definition_for
from medvirk.questionnaires.models import Questionnaire, Response
from medvirk.surveys import publishing, selectors, services
from medvirk.surveys.forms import TEMPLATE_CHOICE
from medvirk.surveys.models import AccessCode, Invitee, Survey, SurveyResponse
from medvirk.surveys.navigation import nav_items
from medvirk.surveys.templates import TEMPLATE_KEY, install_template
from medvirk.surveys.tests.factories import simple_version, survey

AMBIGUOUS = set("0O1IL2Z5S8B6GQ")


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Messages made outside a request (forms, services) are checked in English."""
    with translation.override("en"):
        yield


@pytest.fixture
def coordinator(world: Any, client_for: Callable[[User], Client]) -> Client:
    client = client_for(world.a["coordinator"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def url(name: str, org: Any, *args: Any) -> str:
    return reverse(f"surveys:{name}", args=[org.slug, *args])


def answered(made: Survey, unit: Any = None, respondent: User | None = None) -> SurveyResponse:
    """A submitted response counted for the survey (the answering pages do this for real)."""
    response = Response.objects.create(
        organization=made.organization,
        version=made.version,
        status=ResponseStatus.COMPLETED,
        anonymous=respondent is None,
        respondent=respondent,
        submitted_at=timezone.now(),
    )
    return SurveyResponse.objects.create(
        survey=made, unit=unit, response=response, submitted_on=timezone.localdate()
    )


def form_data(world: Any, **overrides: Any) -> dict[str, Any]:
    today = timezone.localdate()
    data: dict[str, Any] = {
        "title": "Brukerundersøkelse hjemmetjenester",
        "introduction": "Fortell oss hva du synes.",
        "source": TEMPLATE_CHOICE,
        "units": [world.a.unit.pk],
        "round_label": "Vår 2026",
        "opens_on": today.isoformat(),
        "closes_on": (today + timedelta(days=30)).isoformat(),
        "anonymous": "on",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


# --- The template ---------------------------------------------------------------------------


def test_template_installs_once_as_an_active_shipped_form(world):
    first = install_template(world.a.org)
    second = install_template(world.a.org)
    assert first.pk == second.pk
    assert first.status == VersionStatus.ACTIVE
    assert first.warnings == []
    questionnaire = Questionnaire.objects.get(organization=world.a.org, key=TEMPLATE_KEY)
    assert questionnaire.origin == Origin.SHIPPED
    assert questionnaire.language == "nb"
    assert questionnaire.versions.count() == 1


def test_template_asks_the_five_themes_on_a_1_to_5_scale_and_one_free_text(world):
    definition = definition_for(install_template(world.a.org))
    questions = [item for item in definition.by_link_id.values() if item.answerable]
    choices = [item for item in questions if item.type == "choice"]
    assert {item.link_id for item in choices} == {
        "informasjon",
        "respekt",
        "hort",
        "medvirkning",
        "utbytte",
        "helhet",
    }
    for item in choices:
        assert [option.ordinal for option in item.options] == [1, 2, 3, 4, 5]
        assert item.control == "radio-button"
    assert [item.link_id for item in questions if item.type == "text"] == ["fritekst"]


# --- Create, edit and their rules -----------------------------------------------------------


def test_create_from_the_template_installs_it_on_first_use(world, coordinator):
    response = coordinator.post(url("create", world.a.org), form_data(world))
    made = Survey.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("detail", world.a.org, made.pk)
    assert made.version.questionnaire.key == TEMPLATE_KEY
    assert made.organization == world.a.org
    assert made.published_at is None
    assert made.created_by == world.a["coordinator"]
    assert list(made.units.all()) == [world.a.unit]
    # A second survey from the template uses the same installed version.
    coordinator.post(url("create", world.a.org), form_data(world, title="Another"))
    assert Survey.objects.filter(version=made.version).count() == 2
    assert Questionnaire.objects.filter(key=TEMPLATE_KEY).count() == 1


def test_create_from_an_active_form_of_the_organisation(world, coordinator):
    version = simple_version(world.a.org, "Our own form")
    response = coordinator.post(url("create", world.a.org), form_data(world, source=version.pk))
    assert response.status_code == 302
    assert Survey.objects.get().version == version


def test_forms_and_units_of_another_organisation_cannot_be_chosen(world, coordinator):
    foreign = simple_version(world.b.org, "Their form")
    page = coordinator.get(url("create", world.a.org))
    assert "Their form" not in page.content.decode()
    response = coordinator.post(
        url("create", world.a.org), form_data(world, source=foreign.pk, units=[world.b.unit.pk])
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "source" in errors
    assert "units" in errors
    assert not Survey.objects.exists()


def test_closing_before_opening_is_refused_on_the_closing_date(world, coordinator):
    today = timezone.localdate()
    data = form_data(
        world, opens_on=today.isoformat(), closes_on=(today - timedelta(days=1)).isoformat()
    )
    response = coordinator.post(url("create", world.a.org), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == ["closes_on"]
    assert "on or after the opening date" in form.errors["closes_on"][0]
    assert 'value="Brukerundersøkelse hjemmetjenester"' in response.content.decode()
    assert not Survey.objects.exists()
    # The template is not installed by a refused form either.
    assert not Questionnaire.objects.filter(key=TEMPLATE_KEY).exists()


def test_reminders_only_for_identified_surveys(world, coordinator):
    response = coordinator.post(url("create", world.a.org), form_data(world, reminder_after_days=7))
    assert list(response.context["form"].errors) == ["reminder_after_days"]
    assert not Survey.objects.exists()
    response = coordinator.post(
        url("create", world.a.org), form_data(world, anonymous=None, reminder_after_days=7)
    )
    assert response.status_code == 302
    made = Survey.objects.get()
    assert (made.anonymous, made.reminder_after_days) == (False, 7)


def test_a_unit_is_required(world, coordinator):
    response = coordinator.post(url("create", world.a.org), form_data(world, units=None))
    assert list(response.context["form"].errors) == ["units"]
    assert not Survey.objects.exists()


def test_next_round_copies_the_series_and_prefills_the_form(world, coordinator):
    earlier = survey(world.a.org, units=[world.a.unit], round_label="2025", anonymous=False)
    page = coordinator.get(url("create", world.a.org) + f"?next_round_of={earlier.pk}")
    form = page.context["form"]
    assert form.initial["previous"] == earlier.pk
    assert form.initial["units"] == [world.a.unit.pk]
    assert form.initial["anonymous"] is False
    response = coordinator.post(
        url("create", world.a.org),
        form_data(world, previous=earlier.pk, round_label="2026", source=earlier.version_id),
    )
    assert response.status_code == 302
    later = Survey.objects.exclude(pk=earlier.pk).get()
    assert later.series == earlier.series
    assert list(selectors.rounds_of(later)) == [earlier, later]
    assert selectors.previous_round(later) == earlier


def test_next_round_of_another_organisations_survey_is_404(world, coordinator):
    foreign = survey(world.b.org, units=[world.b.unit])
    page = coordinator.get(url("create", world.a.org) + f"?next_round_of={foreign.pk}")
    assert page.status_code == 404


def test_edit_while_draft_then_locked_once_published(world, coordinator):
    draft = survey(world.a.org, units=[world.a.unit], published=False, title="Old")
    response = coordinator.post(
        url("edit", world.a.org, draft.pk),
        form_data(world, title="New", source=draft.version_id),
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.title == "New"

    published = survey(world.a.org, units=[world.a.unit], title="Fixed")
    response = coordinator.post(
        url("edit", world.a.org, published.pk), form_data(world, title="Changed")
    )
    assert response.status_code == 302
    published.refresh_from_db()
    assert published.title == "Fixed"
    with pytest.raises(services.SurveyError):
        services.survey_save(survey=published, units=[world.a.unit])


def test_unlinking_a_round_gives_it_a_series_of_its_own(world, coordinator):
    earlier = survey(world.a.org, units=[world.a.unit])
    later = survey(
        world.a.org,
        units=[world.a.unit],
        published=False,
        series=earlier.series,
        opens_on=earlier.opens_on + timedelta(days=1),
    )
    page = coordinator.get(url("edit", world.a.org, later.pk))
    assert page.context["form"].initial["previous"] == earlier.pk
    coordinator.post(
        url("edit", world.a.org, later.pk),
        form_data(world, source=later.version_id, previous=""),
    )
    later.refresh_from_db()
    assert later.series != earlier.series


# --- Publishing and invitations -------------------------------------------------------------


def test_publishing_an_anonymous_survey_invites_nobody(world, coordinator):
    draft = survey(world.a.org, units=[world.a.unit], published=False)
    assert coordinator.get(url("publish", world.a.org, draft.pk)).status_code == 200
    response = coordinator.post(url("publish", world.a.org, draft.pk))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.published_at is not None
    assert not Invitee.objects.exists()
    assert not Notification.objects.exists()
    with pytest.raises(services.SurveyError):
        services.survey_publish(survey=draft)


def test_publishing_an_identified_survey_invites_the_units_users_once(world, coordinator):
    other_unit = UnitFactory.create(organization=world.a.org, name="Hjemmetjenester")
    outsider_membership: Membership = MembershipFactory.create(
        organization=world.a.org, role=Role.USER, unit=other_unit
    )
    outsider = outsider_membership.user
    draft = survey(world.a.org, units=[world.a.unit], published=False, anonymous=False)
    coordinator.post(url("publish", world.a.org, draft.pk))
    invitee = Invitee.objects.get()
    assert invitee.user == world.a["user"]  # not next of kin, staff, or another unit's users
    assert invitee.invited_at is not None
    notification = Notification.objects.get()
    assert notification.recipient == world.a["user"]
    assert notification.message == "survey_invitation"
    assert notification.url == f"/s/{draft.token}/"
    assert outsider not in {i.user for i in Invitee.objects.all()}
    draft.refresh_from_db()
    # Running the invitation again (e.g. after a newcomer) tells only the newcomer.
    joined: Membership = MembershipFactory.create(
        organization=world.a.org, role=Role.USER, unit=world.a.unit
    )
    newcomer = joined.user
    assert services.invitees_invite(survey=draft) == 1
    assert Notification.objects.filter(recipient=newcomer).count() == 1
    assert Notification.objects.count() == 2


# --- Permissions ----------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["user", "next_of_kin", "staff", "leader", "representative"])
def test_manage_pages_are_404_for_other_roles(world, client_for, role):
    made = survey(world.a.org, units=[world.a.unit], requires_code=True)
    client = client_for(world.a[role])
    assert client.get(url("list", world.a.org)).status_code == 404
    assert client.get(url("create", world.a.org)).status_code == 404
    for name in ("detail", "edit", "publish", "count", "qr_png", "poster", "codes"):
        assert client.get(url(name, world.a.org, made.pk)).status_code == 404, name
    assert client.post(url("codes", world.a.org, made.pk), {"count": 5}).status_code == 404
    assert not AccessCode.objects.exists()


def test_admin_may_manage_too(world, client_for):
    made = survey(world.a.org, units=[world.a.unit])
    client = client_for(world.a["admin"])
    assert client.get(url("detail", world.a.org, made.pk)).status_code == 200


def test_navigation_shows_surveys_to_coordinators_and_results_to_staff(world):
    coordinator = org_context(world.a["coordinator"], world.a.org.slug)
    staff = org_context(world.a["staff"], world.a.org.slug)
    assert [item.url for item in nav_items(coordinator)] == [url("list", world.a.org)]
    assert [item.url for item in nav_items(staff)] == [url("results_list", world.a.org)]


# --- The list -------------------------------------------------------------------------------


def _list_queries(client: Client, org: Any) -> tuple[int, Any]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url("list", org))
    assert response.status_code == 200
    return len(captured), response


def test_list_counts_responses_in_a_fixed_number_of_queries(world, coordinator):
    first = survey(world.a.org, units=[world.a.unit], title="First")
    answered(first, world.a.unit)
    answered(first, world.a.unit)
    few, response = _list_queries(coordinator, world.a.org)
    assert [row["survey"].response_count for row in response.context["rows"]] == [2]
    for index in range(8):
        more = survey(world.a.org, units=[world.a.unit], title=f"Survey {index}")
        answered(more, world.a.unit)
    many, response = _list_queries(coordinator, world.a.org)
    assert few == many
    # Pinned: session, user, MFA check, membership, organisation, page count, the page of
    # surveys with their response counts, their units, unread notifications, navigation.
    assert many == 10, many
    survey(world.b.org, units=[world.b.unit], title="Theirs")
    _, response = _list_queries(coordinator, world.a.org)
    assert "Theirs" not in response.content.decode()


def test_list_is_paginated(world, coordinator):
    for index in range(27):
        survey(world.a.org, units=[world.a.unit], title=f"Survey {index}")
    first = coordinator.get(url("list", world.a.org))
    assert len(first.context["rows"]) == 25
    second = coordinator.get(url("list", world.a.org) + "?page=2")
    assert len(second.context["rows"]) == 2


# --- Link, QR codes and poster --------------------------------------------------------------


def test_detail_shows_the_public_link_to_copy(world, coordinator):
    made = survey(world.a.org, units=[world.a.unit])
    page = coordinator.get(url("detail", world.a.org, made.pk)).content.decode()
    link = f"{settings.SITE_URL}/s/{made.token}/"
    assert publishing.answer_url(made) == link
    assert reverse("survey_answer:answer", args=[made.token]) == f"/s/{made.token}/"
    assert re.search(rf'<input[^>]+readonly[^>]+value="{re.escape(link)}"', page)
    assert url("qr_svg", world.a.org, made.pk) in page


def test_qr_png_is_a_png_download(world, coordinator):
    made = survey(world.a.org, units=[world.a.unit])
    response = coordinator.get(url("qr_png", world.a.org, made.pk))
    assert response["Content-Type"] == "image/png"
    assert "attachment" in response["Content-Disposition"]
    assert response.content.startswith(b"\x89PNG\r\n\x1a\n")


def test_qr_svg_is_well_formed_and_encodes_the_link(world, coordinator):
    made = survey(world.a.org, units=[world.a.unit])
    response = coordinator.get(url("qr_svg", world.a.org, made.pk))
    assert response["Content-Type"] == "image/svg+xml"
    root = ElementTree.fromstring(response.content)  # noqa: S314 — our own output
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    # segno cannot decode; the same link at level M draws exactly the same symbol.
    link = publishing.answer_url(made)
    code = publishing.qr_code(made)
    assert code.error == "M"
    expected = segno.make(link, error="m", micro=False, boost_error=False)
    assert code.matrix == expected.matrix
    buffer = io.BytesIO()
    expected.save(buffer, kind="svg", scale=10, border=4, xmldecl=True, svgns=True)
    assert response.content == buffer.getvalue()
    # With a quiet zone of four modules around the symbol.
    assert root.get("width") == str((code.symbol_size(scale=1, border=0)[0] + 8) * 10)


def test_poster_page_and_pdf(world, coordinator):
    made = survey(world.a.org, units=[world.a.unit], title="Si din mening")
    page = coordinator.get(url("poster", world.a.org, made.pk))
    html = page.content.decode()
    assert "Si din mening" in html
    assert publishing.answer_url(made) in html
    assert re.search(r'<svg viewBox="0 0 \d+ \d+" class="survey-qr"', html)
    assert "@media print" not in html  # print rules live in the stylesheet
    pdf = coordinator.get(url("poster_pdf", world.a.org, made.pk))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_survey_titles_are_escaped_on_the_poster(world, coordinator):
    made = survey(world.a.org, units=[world.a.unit], title="<script>alert(1)</script>")
    html = coordinator.get(url("poster", world.a.org, made.pk)).content.decode()
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;" in html


# --- One-time codes -------------------------------------------------------------------------


def test_codes_are_unique_and_unambiguous(world):
    made = survey(world.a.org, units=[world.a.unit], requires_code=True)
    codes = [c.code for c in services.codes_generate(survey=made, count=2000)]
    codes += [c.code for c in services.codes_generate(survey=made, count=50)]
    assert len(codes) == len(set(codes)) == 2050
    assert AccessCode.objects.filter(survey=made).count() == 2050
    for code in codes:
        assert len(code) == 8
        assert set(code) <= set(services.CODE_ALPHABET)
    assert not AMBIGUOUS & set(services.CODE_ALPHABET)


def test_more_than_2000_codes_at_once_is_refused(world, coordinator):
    made = survey(world.a.org, units=[world.a.unit], requires_code=True)
    response = coordinator.post(url("codes", world.a.org, made.pk), {"count": 2001})
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["count"]
    assert not AccessCode.objects.exists()
    with pytest.raises(services.SurveyError):
        services.codes_generate(survey=made, count=0)


def test_codes_for_a_survey_without_codes_are_refused(world, coordinator):
    made = survey(world.a.org, units=[world.a.unit])
    page = coordinator.get(url("codes", world.a.org, made.pk))
    assert page.status_code == 200
    assert page.context["form"] is None
    coordinator.post(url("codes", world.a.org, made.pk), {"count": 5})
    assert not AccessCode.objects.exists()
    with pytest.raises(services.SurveyError):
        services.codes_generate(survey=made, count=5)


def test_codes_page_counts_used_and_unused_and_sheets_print_the_unused(world, coordinator):
    made = survey(world.a.org, units=[world.a.unit], requires_code=True)
    response = coordinator.post(url("codes", world.a.org, made.pk), {"count": 6})
    assert response.status_code == 302
    used = AccessCode.objects.filter(survey=made).order_by("pk")[:2]
    AccessCode.objects.filter(pk__in=[c.pk for c in used]).update(used_on=date.today())
    page = coordinator.get(url("codes", world.a.org, made.pk))
    counts = page.context["counts"]
    assert (counts.total, counts.used, counts.unused) == (6, 2, 4)
    sheet = coordinator.get(url("codes_sheet", world.a.org, made.pk)).content.decode()
    for code in AccessCode.objects.filter(survey=made):
        assert (code.code in sheet) == (code.used_on is None)
    assert "code-slip" in sheet
    pdf = coordinator.get(url("codes_sheet_pdf", world.a.org, made.pk))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


# --- Live response count --------------------------------------------------------------------


def test_count_partial_is_the_number_polled_by_htmx(world, coordinator):
    made = survey(world.a.org, units=[world.a.unit])
    answered(made, world.a.unit)
    count_url = url("count", world.a.org, made.pk)
    detail = coordinator.get(url("detail", world.a.org, made.pk)).content.decode()
    assert f'hx-get="{count_url}"' in detail
    assert 'hx-trigger="every 10s"' in detail
    assert re.search(r'id="survey-response-count"[^>]*>1</span>', detail)
    answered(made, world.a.unit)
    partial = coordinator.get(count_url, HTTP_HX_REQUEST="true")
    assert partial.status_code == 200
    body = partial.content.decode()
    assert "<html" not in body
    assert re.search(r'id="survey-response-count"[^>]*>2</span>', body)
    assert partial["Cache-Control"] == "no-store"
    # Once closed, the number stays but polling stops.
    Survey.objects.filter(pk=made.pk).update(closes_on=timezone.localdate() - timedelta(days=1))
    closed = coordinator.get(count_url).content.decode()
    assert ">2</span>" in closed
    assert "hx-get" not in closed


# --- Reminders ------------------------------------------------------------------------------


@pytest.fixture
def invited(world: Any) -> Invitee:
    made = survey(
        world.a.org,
        units=[world.a.unit],
        anonymous=False,
        published=False,
        reminder_after_days=5,
        opens_on=timezone.localdate() - timedelta(days=10),
    )
    services.survey_publish(survey=made, now=timezone.now() - timedelta(days=6))
    Notification.objects.all().delete()
    return Invitee.objects.get(survey=made)


def test_invitees_who_have_not_answered_are_reminded_once(world, invited):
    assert services.reminders_send() == 1
    notification = Notification.objects.get()
    assert notification.recipient == world.a["user"]
    assert notification.message == "survey_reminder"
    invited.refresh_from_db()
    assert invited.reminded_at is not None
    assert services.reminders_send() == 0
    assert services.reminders_send(today=timezone.localdate() + timedelta(days=7)) == 0
    assert Notification.objects.count() == 1


def test_no_reminder_before_the_delay(world, invited):
    Invitee.objects.update(invited_at=timezone.now() - timedelta(days=4))
    assert services.reminders_send() == 0
    assert not Notification.objects.exists()


def test_no_reminder_for_those_who_answered(world, invited):
    answered(invited.survey, world.a.unit, respondent=world.a["user"])
    assert services.reminders_send() == 0
    invited.refresh_from_db()
    assert invited.answered
    assert invited.reminded_at is None
    assert not Notification.objects.exists()


def test_no_reminder_once_closed_or_without_a_delay(world, invited):
    Survey.objects.update(closes_on=timezone.localdate() - timedelta(days=1))
    assert services.reminders_send() == 0
    Survey.objects.update(closes_on=timezone.localdate(), reminder_after_days=None)
    assert services.reminders_send() == 0
    assert not Notification.objects.exists()


def test_reminder_command(world, invited):
    out = io.StringIO()
    call_command("send_survey_reminders", stdout=out)
    assert "Sent 1 survey reminders." in out.getvalue()
    assert Notification.objects.filter(message="survey_reminder").count() == 1


def test_reminders_reach_only_members_of_the_targeted_units(world, invited):
    assert set(selectors.target_users(invited.survey)) == {world.a["user"]}
    Membership.objects.filter(user=world.a["user"]).delete()
    assert not selectors.target_users(invited.survey).exists()
