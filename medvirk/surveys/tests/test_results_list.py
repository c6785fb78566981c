"""The list of surveys with results, for everyone who reads results (not only coordinators).

Who sees it, what is listed (published surveys that have opened, of the
organisation only), the filters, pagination, the pinned query count, the
menu entry per role and the breadcrumbs back to it from a survey's results.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from medvirk.organizations.access import org_context
from medvirk.organizations.models import Unit
from medvirk.organizations.tests.factories import UnitFactory
from medvirk.questionnaires.models import QuestionnaireVersion
from medvirk.questionnaires.services import start_response
from medvirk.surveys.models import Survey, SurveyResponse
from medvirk.surveys.navigation import nav_items
from medvirk.surveys.tests.factories import simple_version, survey

READERS = ("leader", "staff", "representative", "experience_consultant", "coordinator", "admin")
NOT_READERS = ("user", "next_of_kin")
TODAY = timezone.localdate()


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def list_url(slug: str, **query: str) -> str:
    url = reverse("surveys:results_list", args=[slug])
    if query:
        url += "?" + "&".join(f"{key}={value}" for key, value in query.items())
    return url


def english(client: Any) -> Any:
    client.cookies["medvirk_language"] = "en"
    return client


def respond(target: Survey, unit: Unit | None, times: int = 1) -> None:
    """``times`` anonymous responses to ``target`` for ``unit`` (counted, never read)."""
    for _ in range(times):
        response = start_response(target.version, organization=target.organization, anonymous=True)
        SurveyResponse.objects.create(
            survey=target, unit=unit, response=response, submitted_on=target.opens_on
        )


def listed(response: Any) -> list[str]:
    return [row.survey.title for row in response.context["rows"]]


@pytest.fixture
def version(world) -> QuestionnaireVersion:
    return simple_version(world.a.org)


# --- Who sees it ----------------------------------------------------------------------------


@pytest.mark.parametrize("role", READERS)
def test_results_readers_open_the_list(world, client_for, role) -> None:
    assert client_for(world.a[role]).get(list_url(world.a.org.slug)).status_code == 200


@pytest.mark.parametrize("role", NOT_READERS)
def test_users_and_next_of_kin_get_404(world, client_for, role) -> None:
    assert client_for(world.a[role]).get(list_url(world.a.org.slug)).status_code == 404


def test_another_organisations_list_is_404(world, client_for) -> None:
    survey(world.a.org, units=[world.a.unit], title="A's survey")
    client = client_for(world.b["leader"])
    assert client.get(list_url(world.a.org.slug)).status_code == 404
    # Their own list never shows another organisation's surveys.
    assert listed(client.get(list_url(world.b.org.slug))) == []


def test_logged_out_visitors_are_sent_to_log_in(world, client) -> None:
    response = client.get(list_url(world.a.org.slug))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


# --- What is listed -------------------------------------------------------------------------


def test_lists_published_opened_surveys_newest_first(world, client_for, version) -> None:
    org = world.a.org
    survey(org, version=version, title="Closed", opens_on=days(-60), closes_on=days(-30))
    survey(org, version=version, title="Open", opens_on=days(-5), closes_on=days(10))
    survey(org, version=version, title="Opens today", opens_on=TODAY, closes_on=days(10))
    survey(org, version=version, title="Draft", published=False, opens_on=days(-3))
    survey(org, version=version, title="Not yet open", opens_on=days(3), closes_on=days(10))
    survey(world.b.org, title="Other organisation", opens_on=days(-1))

    response = english(client_for(world.a["leader"])).get(list_url(org.slug))

    assert listed(response) == ["Opens today", "Open", "Closed"]
    assert [row.stage for row in response.context["rows"]] == ["open", "open", "closed"]
    assert "3 surveys with results" in response.content.decode()


def test_rows_show_round_units_dates_and_a_link_to_the_results(world, client_for) -> None:
    org = world.a.org
    other = UnitFactory.create(organization=org, name="Hjemmetjenesten")
    labelled = survey(org, units=[world.a.unit, other], title="Labelled", round_label="Vår 2025")
    unlabelled = survey(org, title="By date", opens_on=days(-40), closes_on=days(-20))

    response = english(client_for(world.a["staff"])).get(list_url(org.slug))
    page = response.content.decode()

    rows = {row.survey.title: row for row in response.context["rows"]}
    assert rows["Labelled"].round == "Vår 2025"
    with translation.override("en"):
        assert rows["By date"].round == date_format(unlabelled.opens_on, "SHORT_DATE_FORMAT")
    assert reverse("surveys:results", args=[org.slug, labelled.pk]) in page
    assert reverse("surveys:results", args=[org.slug, unlabelled.pk]) in page
    assert f"Hjemmetjenesten, {world.a.unit.name}" in page
    assert "<caption>" in page


def test_response_counts_hide_small_groups(world, client_for, version) -> None:
    org = world.a.org
    small = survey(org, version=version, title="Small", units=[world.a.unit])
    large = survey(org, version=version, title="Large", units=[world.a.unit])
    survey(org, version=version, title="None", units=[world.a.unit])
    respond(small, world.a.unit, 4)
    respond(large, world.a.unit, 5)
    respond(large, None, 2)  # answers without a unit count too

    response = english(client_for(world.a["representative"])).get(list_url(org.slug))

    rows = {row.survey.title: row for row in response.context["rows"]}
    assert (rows["Small"].responses, rows["Small"].suppressed) == (4, True)
    assert (rows["Large"].responses, rows["Large"].suppressed) == (7, False)
    assert (rows["None"].responses, rows["None"].suppressed) == (0, True)
    page = response.content.decode()
    assert page.count("<td>fewer than 5</td>") == 2
    assert "<td>7</td>" in page
    assert "<td>4</td>" not in page


def test_empty_list_says_so(world, client_for) -> None:
    survey(world.a.org, title="Draft", published=False)
    response = english(client_for(world.a["leader"])).get(list_url(world.a.org.slug))
    page = response.content.decode()
    assert "No survey has results yet." in page
    assert "<table" not in page
    assert 'name="status"' not in page  # nothing to filter


# --- Filters --------------------------------------------------------------------------------


@pytest.fixture
def filtered_world(world, version) -> dict[str, Any]:
    org = world.a.org
    home = UnitFactory.create(organization=org, name="Hjemmetjenesten")
    surveys = {
        "a-open": survey(org, version=version, title="A open", units=[world.a.unit]),
        "a-closed": survey(
            org,
            version=version,
            title="A closed",
            units=[world.a.unit],
            opens_on=days(-60),
            closes_on=days(-30),
        ),
        "home-open": survey(org, version=version, title="Home open", units=[home]),
        "both-closed": survey(
            org,
            version=version,
            title="Both closed",
            units=[world.a.unit, home],
            opens_on=days(-90),
            closes_on=days(-1),
        ),
    }
    return {"home": home, "surveys": surveys}


def test_filter_by_unit(world, client_for, filtered_world) -> None:
    client = client_for(world.a["leader"])
    home = filtered_world["home"]
    response = client.get(list_url(world.a.org.slug, unit=str(home.pk)))
    assert listed(response) == ["Home open", "Both closed"]
    assert response.context["unit"] == home
    assert f'<option value="{home.pk}" selected>' in response.content.decode()
    # Only units the listed surveys target are offered.
    assert [u.name for u in response.context["units"]] == sorted(
        ["Hjemmetjenesten", world.a.unit.name]
    )


def test_filter_by_status(world, client_for, filtered_world) -> None:
    client = client_for(world.a["leader"])
    slug = world.a.org.slug
    # Newest first; the same opening day, the later made first.
    assert listed(client.get(list_url(slug, status="open"))) == ["Home open", "A open"]
    assert listed(client.get(list_url(slug, status="closed"))) == ["A closed", "Both closed"]
    # A survey closing today is still open.
    survey(world.a.org, title="Closes today", opens_on=days(-3), closes_on=TODAY)
    assert "Closes today" in listed(client.get(list_url(slug, status="open")))


def test_filters_combine(world, client_for, filtered_world) -> None:
    client = client_for(world.a["leader"])
    unit = world.a.unit.pk
    response = client.get(list_url(world.a.org.slug, unit=str(unit), status="closed"))
    assert listed(response) == ["A closed", "Both closed"]
    assert response.context["query"] == f"unit={unit}&status=closed"


def test_unknown_filter_values_are_ignored(world, client_for, filtered_world) -> None:
    client = english(client_for(world.a["leader"]))
    slug = world.a.org.slug
    everything = ["A open", "Home open", "Both closed", "A closed"]
    for query in (
        {"unit": str(world.b.unit.pk)},  # another organisation's unit
        {"unit": "nope"},
        {"status": "draft"},
        {"status": "<script>"},
    ):
        response = client.get(list_url(slug, **query))
        assert response.status_code == 200
        assert sorted(listed(response)) == sorted(everything)
        assert not response.context["filtered"]
        assert response.context["query"] == ""


def test_nothing_matches_the_filter(world, client_for, version) -> None:
    home = UnitFactory.create(organization=world.a.org, name="Hjemmetjenesten")
    survey(world.a.org, version=version, units=[home], opens_on=days(-60), closes_on=days(-30))
    survey(world.a.org, version=version, units=[world.a.unit])
    client = english(client_for(world.a["leader"]))
    response = client.get(list_url(world.a.org.slug, unit=str(home.pk), status="open"))
    page = response.content.decode()
    assert listed(response) == []
    assert "No survey with results matches the filter." in page
    assert 'name="unit"' in page  # the form stays, to change the filter
    assert "Show all" in page


# --- Pagination and queries -----------------------------------------------------------------


def make_surveys(world, version, count: int) -> None:
    for number in range(count):
        made = survey(
            world.a.org,
            version=version,
            units=[world.a.unit],
            title=f"Survey {number:02d}",
            opens_on=days(-100 + number),
            closes_on=days(-100 + number + 30),
        )
        respond(made, world.a.unit, number % 3)


def test_pages_of_25(world, client_for, version) -> None:
    make_surveys(world, version, 30)
    client = english(client_for(world.a["leader"]))
    first = client.get(list_url(world.a.org.slug))
    assert len(first.context["rows"]) == 25
    assert listed(first)[0] == "Survey 29"
    assert "30 surveys with results" in first.content.decode()
    assert "page=2" in first.content.decode()
    second = client.get(list_url(world.a.org.slug, page="2"))
    assert listed(second) == [f"Survey {n:02d}" for n in range(4, -1, -1)]
    # A page past the end shows the last one.
    assert listed(client.get(list_url(world.a.org.slug, page="99"))) == listed(second)


def test_pagination_keeps_the_filters(world, client_for, version) -> None:
    make_surveys(world, version, 30)
    client = client_for(world.a["leader"])
    unit = world.a.unit.pk
    page = client.get(list_url(world.a.org.slug, unit=str(unit), status="closed")).content
    links = re.findall(r'href="\?([^"]*)"', page.decode())
    assert links == [f"unit={unit}&amp;status=closed&amp;page=2"]


@pytest.mark.parametrize("count", [3, 30])
def test_query_count_does_not_grow_with_the_surveys(
    world, client_for, django_assert_num_queries, version, count
) -> None:
    make_surveys(world, version, count)
    client = client_for(world.a["staff"])
    url = list_url(world.a.org.slug)
    # Session and user (2), MFA check (1), organisation context (2), the units to filter by
    # (1), the paginator's count (1), the page of surveys with their response counts (1),
    # their units (1), and the page layout's notification bell and menu (2).
    with django_assert_num_queries(11):
        assert client.get(url).status_code == 200
    with django_assert_num_queries(11):
        assert client.get(url + f"?unit={world.a.unit.pk}&status=closed").status_code == 200


def test_response_counts_come_from_one_query(world, version) -> None:
    from django.test.utils import CaptureQueriesContext

    from medvirk.surveys.results_views import results_rows, results_surveys

    make_surveys(world, version, 6)
    with CaptureQueriesContext(connection) as queries:
        rows = list(results_rows(results_surveys(world.a.org, TODAY)))
    counts = [getattr(row, "response_count") for row in rows]  # noqa: B009 - an annotation
    assert counts == [5 % 3, 4 % 3, 3 % 3, 2 % 3, 1 % 3, 0]
    assert len(queries) == 2  # the surveys with their counts, and their units


# --- Navigation -----------------------------------------------------------------------------


def menu(world, role: str) -> list[tuple[str, str]]:
    context = org_context(world.a[role], world.a.org.slug)
    with translation.override("en"):
        return [(item.label, item.url) for item in nav_items(context)]


@pytest.mark.parametrize("role", ["leader", "staff", "representative", "experience_consultant"])
def test_readers_get_survey_results_in_the_menu(world, role) -> None:
    assert menu(world, role) == [("Survey results", list_url(world.a.org.slug))]


@pytest.mark.parametrize("role", ["coordinator", "admin"])
def test_coordinators_keep_surveys_in_the_menu(world, role) -> None:
    assert menu(world, role) == [("Surveys", reverse("surveys:list", args=[world.a.org.slug]))]


@pytest.mark.parametrize("role", NOT_READERS)
def test_users_get_no_survey_menu_entry(world, role) -> None:
    assert menu(world, role) == []


def test_menu_entry_is_shown_and_current_on_the_list(world, client_for) -> None:
    page = english(client_for(world.a["leader"])).get(list_url(world.a.org.slug))
    html = page.content.decode()
    assert f'<a href="{list_url(world.a.org.slug)}" aria-current="page">Survey results</a>' in html


def test_coordinators_list_links_to_the_results_list(world, client_for) -> None:
    page = client_for(world.a["coordinator"]).get(reverse("surveys:list", args=[world.a.org.slug]))
    assert list_url(world.a.org.slug) in page.content.decode()


# --- Breadcrumbs ----------------------------------------------------------------------------


def breadcrumbs(html: str) -> str:
    found = re.search(r'<nav class="ds-breadcrumbs[^>]*>(.*?)</nav>', html, re.S)
    assert found is not None
    return found.group(1)


@pytest.mark.parametrize("name", ["results", "free_text"])
def test_readers_results_breadcrumbs_lead_to_the_results_list(world, client_for, name) -> None:
    made = survey(world.a.org, units=[world.a.unit])
    url = reverse(f"surveys:{name}", args=[world.a.org.slug, made.pk])
    crumbs = breadcrumbs(english(client_for(world.a["leader"])).get(url).content.decode())
    assert list_url(world.a.org.slug) in crumbs
    assert reverse("surveys:list", args=[world.a.org.slug]) + '"' not in crumbs
    assert reverse("surveys:detail", args=[world.a.org.slug, made.pk]) + '"' not in crumbs


def test_coordinators_results_breadcrumbs_keep_the_survey_pages(world, client_for) -> None:
    made = survey(world.a.org, units=[world.a.unit])
    url = reverse("surveys:results", args=[world.a.org.slug, made.pk])
    crumbs = breadcrumbs(client_for(world.a["coordinator"]).get(url).content.decode())
    assert reverse("surveys:list", args=[world.a.org.slug]) + '"' in crumbs
    assert reverse("surveys:detail", args=[world.a.org.slug, made.pk]) + '"' in crumbs
    assert list_url(world.a.org.slug) not in crumbs


def test_list_breadcrumbs(world, client_for) -> None:
    slug = world.a.org.slug
    reader = breadcrumbs(client_for(world.a["staff"]).get(list_url(slug)).content.decode())
    assert f'href="{list_url(slug)}" aria-current="page"' in reader
    assert reverse("surveys:list", args=[slug]) + '"' not in reader
    coordinator = breadcrumbs(
        client_for(world.a["coordinator"]).get(list_url(slug)).content.decode()
    )
    assert reverse("surveys:list", args=[slug]) + '"' in coordinator
