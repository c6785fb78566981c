"""Survey results: numbers worked out by hand, small groups hidden, masking, access.

The fixture survey uses the shared test form (``q1``: a 1–5 choice with
ordinal values; ``comment``: free text) and three units. The organisation's
minimum group size is the default 5.

Hand-worked interval for the answers 1, 2, 3, 4, 5: n = 5, Σx = 15,
Σx² = 55, mean 3, variance (55 − 15²/5)/4 = 2.5, s = 1.5811,
s/√n = 0.70711, t(0.975, 4) = 2.7764, half-width 1.9632 →
95 % CI 1.0368 – 4.9632 (shown as 1.04–4.96).
"""

from __future__ import annotations

import csv
import datetime
import io
import json
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from medvirk.accesslog.models import AccessLogEntry
from medvirk.organizations.models import Unit
from medvirk.organizations.tests.factories import UnitFactory
from medvirk.questionnaires.models import Answer
from medvirk.questionnaires.services import start_response, submit
from medvirk.questionnaires.tests.factories import questionnaire_version
from medvirk.surveys import charts
from medvirk.surveys.models import Survey, SurveyResponse
from medvirk.surveys.results import (
    Estimate,
    OptionCount,
    estimate,
    protect,
    survey_results,
    t_quantile,
)
from medvirk.surveys.tests.factories import SCALE_SYSTEM, simple_resource, survey

LABELS = ["Not at all", "To a small degree", "Somewhat", "To a large degree", "Fully"]
SUPPRESSED = "Too few answers to show (fewer than 5)"
PHONE_TEXT = "Ring meg på 912 34 567 eller skriv til ola.nordmann@example.no"


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    # Cached sums are keyed by each survey's random token, so they never leak between
    # tests; clearing keeps the pinned query counts independent of test order.
    cache.clear()


def answer(
    target: Survey,
    unit: Unit | None,
    value: int | None = None,
    comment: str = "",
    *,
    day: datetime.date | None = None,
) -> SurveyResponse:
    """Submit one anonymous answer set through the questionnaire engine, for ``unit``."""
    response = start_response(target.version, organization=target.organization, anonymous=True)
    items: list[dict[str, Any]] = []
    if value is not None:
        coding = {"system": SCALE_SYSTEM, "code": str(value), "display": LABELS[value - 1]}
        items.append({"linkId": "q1", "answer": [{"valueCoding": coding}]})
    if comment:
        items.append({"linkId": "comment", "answer": [{"valueString": comment}]})
    submit(response, items)
    return SurveyResponse.objects.create(
        survey=target,
        unit=unit,
        response=response,
        submitted_on=day or target.opens_on,
    )


@pytest.fixture
def units(world) -> dict[str, Unit]:
    return {
        "a": world.a.unit,
        "b": UnitFactory.create(organization=world.a.org, name="Hjemmetjenesten"),
        "c": UnitFactory.create(organization=world.a.org, name="Rustjenesten"),
    }


def filled(world, units, a_values: list[int], *, unitless: int = 5) -> Survey:
    """Unit A answers ``a_values``; B and C five answers each; ``unitless`` without a unit."""
    made = survey(world.a.org, units=units.values())
    for value in a_values:
        answer(made, units["a"], value, comment=f"A says {value}")
    for value in [3, 3, 4, 4, 5]:
        answer(made, units["b"], value, comment=f"B says {value}")
    for value in [2, 3, 3, 4, 5]:
        answer(made, units["c"], value)
    for _ in range(unitless):
        answer(made, None, 4)
    return made


def url(name: str, target: Survey, *args: str) -> str:
    return reverse(f"surveys:{name}", args=[target.organization.slug, target.pk, *args])


def english(client) -> Any:
    client.cookies["medvirk_language"] = "en"
    return client


def csv_rows(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8"))))


# --- Statistics ---------------------------------------------------------------------------


def test_t_quantiles_match_the_tables() -> None:
    assert t_quantile(0.975, 4) == pytest.approx(2.7764, abs=1e-4)
    assert t_quantile(0.975, 2) == pytest.approx(4.3027, abs=1e-4)
    assert t_quantile(0.975, 29) == pytest.approx(2.0452, abs=1e-4)
    assert t_quantile(0.975, 100_000) == pytest.approx(1.9600, abs=1e-3)


def test_interval_is_the_hand_worked_one() -> None:
    found = estimate(5, 15, 55)  # the answers 1, 2, 3, 4, 5
    assert found.n == 5
    assert found.mean == pytest.approx(3.0)
    assert found.sd == pytest.approx(1.58114, abs=1e-5)
    assert found.low == pytest.approx(1.0368, abs=1e-4)
    assert found.high == pytest.approx(4.9632, abs=1e-4)


def test_one_answer_has_a_mean_but_no_interval() -> None:
    assert estimate(1, 4, 16) == Estimate(n=1, mean=4.0)
    assert estimate(0, 0, 0) == Estimate(n=0)


def test_identical_answers_have_a_zero_width_interval() -> None:
    found = estimate(6, 24, 96)
    assert (found.mean, found.low, found.high) == (4.0, 4.0, 4.0)


# --- The subtraction rule -------------------------------------------------------------------


def test_protect_hides_small_groups_and_their_complement() -> None:
    # Two units, one small: the total minus the other would reveal it, so both go.
    assert protect({"a": 4, "b": 10}, total=14, minimum=5) == {"a", "b"}
    # Three units: hiding the smallest other one leaves a remainder of 14 ≥ 5.
    assert protect({"a": 4, "b": 10, "c": 20}, total=34, minimum=5) == {"a", "b"}
    # Answers without a unit already make the remainder large enough (4 + 3 = 7).
    assert protect({"a": 4, "b": 10}, total=17, minimum=5) == {"a"}
    # Two small units together (4 + 3 = 7) protect each other.
    assert protect({"a": 4, "b": 3, "c": 10}, total=17, minimum=5) == {"a", "b"}
    # Nothing small, nothing hidden; an empty unit reveals nobody.
    assert protect({"a": 5, "b": 9}, total=14, minimum=5) == set()
    assert protect({"a": 0, "b": 9}, total=9, minimum=5) == {"a"}


def test_two_units_one_suppressed_hides_the_other_too(world, units, client_for) -> None:
    made = survey(world.a.org, units=[units["a"], units["b"]])
    for value in [1, 2, 3, 4]:
        answer(made, units["a"], value)
    for value in [2, 3, 4, 4, 5, 5]:
        answer(made, units["b"], value)

    found = survey_results(made)
    question = found.questions[0]
    assert [(c.label, c.suppressed) for c in question.units] == [
        ("Hjemmetjenesten", True),
        (units["a"].name, True),
    ]
    # The organisation (10 responses) is still shown: (10 + 23) / 10 = 3.3.
    assert question.organization.estimate is not None
    assert question.organization.estimate.mean == pytest.approx(3.3)

    rows = csv_rows(
        english(client_for(world.a["staff"])).get(url("results_export", made, "csv")).content
    )
    unit_rows = [row for row in rows if row["group"] == "unit"]
    assert {row["unit"] for row in unit_rows} == {"Hjemmetjenesten", units["a"].name}
    assert all(
        row["suppressed"] == "yes" and row["mean"] == row["count"] == "" for row in unit_rows
    )


# --- Suppression: 4 against 5 answers -------------------------------------------------------


def test_unit_with_four_answers_shows_nothing(world, units, client_for) -> None:
    made = filled(world, units, [1, 2, 3, 4])
    client = english(client_for(world.a["staff"]))
    unit_a = units["a"]

    with translation.override("en"):  # labels as the English export writes them
        found = survey_results(made)
    cell = next(c for c in found.questions[0].units if c.key == unit_a.pk)
    assert cell.suppressed
    assert cell.estimate is None
    assert cell.options == []
    assert cell.answers == 0
    # B and C stay: the remainder (A's 4 + 5 without a unit = 9) is large enough.
    assert [(c.label, c.suppressed) for c in found.questions[0].units] == [
        ("Hjemmetjenesten", False),
        (unit_a.name, True),
        ("Rustjenesten", False),
    ]

    page = client.get(url("results", made) + f"?unit={unit_a.pk}")
    assert page.status_code == 200
    html = page.content.decode()
    assert SUPPRESSED in html
    assert 'id="q1-distribution-title"' not in html  # no distribution chart
    # The by-unit chart draws a dot for the organisation, B and C only.
    units_svg = str(page.context["questions"][0].units_chart)
    assert units_svg.count("<circle") == 3
    assert "too few answers" in units_svg

    rows = csv_rows(client.get(url("results_export", made, "csv")).content)
    a_rows = [row for row in rows if row["unit"] == unit_a.name]
    assert a_rows == [
        {
            "round": found.round.label,
            "question id": "q1",
            "question": "Did you get the information you needed?",
            "group": "unit",
            "unit": unit_a.name,
            "measure": "",
            "option code": "",
            "option": "",
            "count": "",
            "share": "",
            "answers": "",
            "mean": "",
            "95% CI low": "",
            "95% CI high": "",
            "suppressed": "yes",
        }
    ]

    free = client.get(url("free_text", made) + f"?unit={unit_a.pk}")
    assert SUPPRESSED in free.content.decode()
    assert "A says" not in free.content.decode()


def test_unit_with_five_answers_is_shown(world, units, client_for) -> None:
    made = filled(world, units, [1, 2, 3, 4, 5])
    client = english(client_for(world.a["staff"]))
    unit_a = units["a"]

    found = survey_results(made, unit_id=unit_a.pk)
    cell = found.questions[0].cell
    assert not cell.suppressed
    assert [(o.label, o.count, o.share) for o in cell.options] == [
        ("Not at all", 1, 0.2),
        ("To a small degree", 1, 0.2),
        ("Somewhat", 1, 0.2),
        ("To a large degree", 1, 0.2),
        ("Fully", 1, 0.2),
    ]
    assert cell.estimate is not None
    assert cell.estimate.mean == pytest.approx(3.0)
    assert cell.estimate.low == pytest.approx(1.0368, abs=1e-4)
    assert cell.estimate.high == pytest.approx(4.9632, abs=1e-4)
    # The organisation: 15 + 19 + 17 + 5 × 4 = 71 over 20 responses.
    whole = found.questions[0].organization.estimate
    assert whole is not None
    assert whole.mean == pytest.approx(71 / 20)

    page = client.get(url("results", made) + f"?unit={unit_a.pk}")
    html = page.content.decode()
    assert SUPPRESSED not in html
    assert 'id="q1-distribution-title"' in html
    assert "mean 3.00 (95% CI 1.04–4.96, n = 5)" in html
    assert str(page.context["questions"][0].units_chart).count("<circle") == 4

    rows = csv_rows(client.get(url("results_export", made, "csv")).content)
    a_rows = [row for row in rows if row["unit"] == unit_a.name]
    assert [(r["measure"], r["option"], r["count"], r["share"]) for r in a_rows[:5]] == [
        ("distribution", label, "1", "0.2") for label in LABELS
    ]
    assert (a_rows[5]["measure"], a_rows[5]["answers"], a_rows[5]["mean"]) == ("mean", "5", "3.0")
    assert (a_rows[5]["95% CI low"], a_rows[5]["95% CI high"]) == ("1.0368", "4.9632")
    assert all(row["suppressed"] == "no" for row in a_rows)

    free = client.get(url("free_text", made) + f"?unit={unit_a.pk}")
    text = free.content.decode()
    assert SUPPRESSED not in text
    assert text.count("A says") == 5
    assert "B says" not in text


def test_whole_survey_below_the_minimum_shows_only_the_bucket(world, units, client_for) -> None:
    made = survey(world.a.org, units=units.values())
    for value in [1, 5, 5, 5]:
        answer(made, units["a"], value, comment="Hei")
    client = english(client_for(world.a["coordinator"]))

    page = client.get(url("results", made))
    html = page.content.decode()
    assert "fewer than 5" in html
    assert page.context["questions"] == []
    assert "<svg" not in html
    assert ">4<" not in html  # not even the count
    rows = csv_rows(client.get(url("results_export", made, "csv")).content)
    assert [(r["group"], r["suppressed"], r["count"], r["mean"]) for r in rows] == [
        ("organisation", "yes", "", "")
    ]
    assert "Hei" not in client.get(url("free_text", made)).content.decode()
    assert client.get(url("results_export", made, "fhir")).status_code == 404


def test_minimum_is_the_organisations(world, units) -> None:
    world.a.org.minimum_group_size = 3
    world.a.org.save()
    made = survey(world.a.org, units=[units["a"], units["b"]])
    for value in [1, 2, 3]:
        answer(made, units["a"], value)
    for value in [3, 4, 5]:
        answer(made, units["b"], value)
    made.refresh_from_db()
    found = survey_results(made)
    assert found.minimum == 3
    assert [c.suppressed for c in found.questions[0].units] == [False, False]


# --- Rounds ---------------------------------------------------------------------------------


def test_trend_between_rounds_and_suppressed_round(world, units, client_for) -> None:
    today = datetime.date(2026, 11, 1)
    first = survey(
        world.a.org,
        units=units.values(),
        round_label="2024",
        opens_on=today - datetime.timedelta(days=730),
        closes_on=today - datetime.timedelta(days=700),
    )
    second = survey(
        world.a.org,
        version=first.version,
        units=units.values(),
        series=first.series,
        round_label="2025",
        opens_on=today - datetime.timedelta(days=365),
        closes_on=today - datetime.timedelta(days=335),
    )
    third = survey(
        world.a.org,
        version=first.version,
        units=units.values(),
        series=first.series,
        round_label="2026",
        opens_on=today,
        closes_on=today + datetime.timedelta(days=30),
    )
    for value in [2, 2, 3, 3, 5]:  # mean 3.0
        answer(first, units["b"], value)
    for value in [4, 4]:  # two answers only: the round is suppressed
        answer(second, units["b"], value)
    for value in [3, 4, 4, 5, 4]:  # mean 4.0
        answer(third, units["b"], value)

    found = survey_results(third)
    trend = found.questions[0].rounds
    assert [(c.label, c.suppressed) for c in trend] == [
        ("2024", False),
        ("2025", True),
        ("2026", False),
    ]
    assert [c.estimate.mean for c in (trend[0], trend[2])] == [3.0, 4.0]  # type: ignore[union-attr]
    with_language = english(client_for(world.a["leader"]))
    html = with_language.get(url("results", third)).content.decode()
    assert "The mean rose from 3.0 in 2024 to 4.0 in 2026." in html

    # The round filter shows an earlier round of the series.
    earlier = survey_results(third, round_id=first.pk)
    assert earlier.survey == first
    assert earlier.questions[0].organization.estimate.mean == pytest.approx(3.0)  # type: ignore[union-attr]
    # A survey of another series is not a round of this one.
    other = survey(world.a.org, version=first.version, units=units.values())
    assert survey_results(third, round_id=other.pk).survey == third


def test_new_responses_are_added_to_cached_sums(world, units) -> None:
    made = filled(world, units, [1, 2, 3, 4, 5])
    before = survey_results(made)
    assert before.responses == 20
    for value in [1, 1]:
        answer(made, units["a"], value)
    after = survey_results(made)  # the cached sums plus the two new responses
    cache.clear()
    fresh = survey_results(made)  # everything again from the database
    assert after.responses == fresh.responses == 22
    for updated, recomputed in zip(after.questions[0].units, fresh.questions[0].units, strict=True):
        assert updated.estimate == recomputed.estimate
        assert updated.options == recomputed.options
    assert after.questions[0].cell.estimate == fresh.questions[0].cell.estimate


# --- Masking --------------------------------------------------------------------------------


def test_free_text_is_masked_when_shown_and_in_the_fhir_export(world, units, client_for) -> None:
    made = filled(world, units, [1, 2, 3, 4, 5])
    answer(made, units["b"], 3, comment=PHONE_TEXT)
    client = english(client_for(world.a["coordinator"]))

    page = client.get(url("free_text", made))
    html = page.content.decode()
    assert "912 34 567" not in html
    assert "ola.nordmann@example.no" not in html
    assert "[phone number removed]" in html
    assert "[e-mail address removed]" in html
    # Newest first: the last answer given leads the list.
    assert page.context["entries"][0]["text"].startswith("Ring meg på")
    # Reading free text is logged.
    assert AccessLogEntry.objects.filter(actor=world.a["coordinator"], action="view").exists()

    exported = client.get(url("results_export", made, "fhir"))
    assert exported.status_code == 200
    bundle = json.loads(exported.content)
    body = json.dumps(bundle, ensure_ascii=False)
    assert "912 34 567" not in body
    assert "ola.nordmann@example.no" not in body
    assert "[phone number removed]" in body
    assert len(bundle["entry"]) == 21
    assert AccessLogEntry.objects.filter(actor=world.a["coordinator"], action="export").exists()
    # The stored answer is untouched: masking happens on the way out only.
    assert Answer.objects.filter(value_text=PHONE_TEXT).count() == 1

    # The aggregated exports carry no free text at all.
    workbook = load_workbook(io.BytesIO(client.get(url("results_export", made, "xlsx")).content))
    cells = [str(c) for row in workbook.active.iter_rows(values_only=True) for c in row]
    assert not any("Ring meg" in cell or "says" in cell for cell in cells)


def test_open_choice_free_text_is_counted_not_quoted(world, units, client_for) -> None:
    resource = simple_resource()
    resource["item"][0]["type"] = "open-choice"
    made = survey(world.a.org, version=questionnaire_version(world.a.org, resource))
    for value in [1, 2, 3, 4]:
        answer(made, units["a"], value)
    response = start_response(made.version, organization=world.a.org, anonymous=True)
    submit(response, [{"linkId": "q1", "answer": [{"valueString": "Ring 912 34 567"}]}])
    SurveyResponse.objects.create(
        survey=made, unit=units["a"], response=response, submitted_on=made.opens_on
    )

    with translation.override("en"):
        found = survey_results(made)
    assert [(o.label, o.count) for o in found.questions[0].cell.options][-1] == (
        "Other answer",
        1,
    )
    html = english(client_for(world.a["staff"])).get(url("results", made)).content.decode()
    assert "912 34 567" not in html
    assert "Ring" not in html


# --- Charts ---------------------------------------------------------------------------------


def test_charts_are_labelled_images_with_escaped_text() -> None:
    options = [
        OptionCount("1", "<script>alert(1)</script>", 3, 0.75),
        OptionCount("2", "B", 1, 0.25),
    ]
    svg = str(charts.distribution_chart(options, chart_id="c1", title="T <b>", description="D & E"))
    assert svg.startswith("<svg")
    assert 'role="img"' in svg
    assert 'aria-labelledby="c1-title c1-desc"' in svg
    assert '<title id="c1-title">T &lt;b&gt;</title>' in svg
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    assert svg.count("<rect") == 2


# --- PDF ------------------------------------------------------------------------------------


def test_pdf_summary(world, units, client_for) -> None:
    made = filled(world, units, [1, 2, 3, 4, 5])
    response = client_for(world.a["representative"]).get(url("results_pdf", made))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


# --- Access ---------------------------------------------------------------------------------


def test_users_get_404_and_staff_read_aggregates_only(world, units, client_for) -> None:
    made = filled(world, units, [1, 2, 3, 4, 5])
    pages = [
        url("results", made),
        url("free_text", made),
        url("results_pdf", made),
        url("results_export", made, "csv"),
        url("results_export", made, "xlsx"),
        url("results_export", made, "fhir"),
    ]
    for role in ("user", "next_of_kin"):
        client = client_for(world.a[role])
        assert [client.get(page).status_code for page in pages] == [404] * 6
    staff = client_for(world.a["staff"])
    assert [staff.get(page).status_code for page in pages] == [200] * 5 + [404]
    assert client_for(world.a["coordinator"]).get(pages[-1]).status_code == 200
    assert (
        client_for(world.a["coordinator"]).get(url("results_export", made, "pdf")).status_code
        == 404
    )


def test_other_organisation_gets_404(world, units, client_for) -> None:
    made = filled(world, units, [1, 2, 3, 4, 5])
    client = client_for(world.b["coordinator"])
    for name, args in [
        ("results", ()),
        ("free_text", ()),
        ("results_pdf", ()),
        ("results_export", ("csv",)),
        ("results_export", ("fhir",)),
    ]:
        own_slug = reverse(f"surveys:{name}", args=[world.b.org.slug, made.pk, *args])
        theirs = reverse(f"surveys:{name}", args=[world.a.org.slug, made.pk, *args])
        assert client.get(own_slug).status_code == 404
        assert client.get(theirs).status_code == 404


# --- Query counts ---------------------------------------------------------------------------


@pytest.mark.parametrize("a_answers", [5, 12])
def test_results_page_query_count_is_pinned(
    world, units, client_for, django_assert_num_queries, a_answers
) -> None:
    made = filled(world, units, [3] * a_answers)
    client = client_for(world.a["staff"])
    # Session and user (2), MFA check (1), organisation context (2), survey (1), rounds (1),
    # response counts (1), targeted units (1), the round's units (1), the answer aggregate
    # (1), and the page layout's notification bell and menu (2). On PostgreSQL the aggregate
    # runs in its own transaction with the JIT switched off: BEGIN, SET LOCAL, COMMIT (3).
    aggregate_extra = 3 if connection.vendor == "postgresql" else 0
    with django_assert_num_queries(13 + aggregate_extra):
        assert client.get(url("results", made)).status_code == 200
    # Cached sums are current: no aggregate.
    with django_assert_num_queries(12):
        assert client.get(url("results", made)).status_code == 200
    # One new response: its id (1) and an aggregate over that response only (1).
    answer(made, units["b"], 4)
    with django_assert_num_queries(14 + aggregate_extra):
        assert client.get(url("results", made) + f"?unit={units['b'].pk}").status_code == 200


def test_free_text_pages_and_question_filter(world, units, client_for) -> None:
    made = survey(world.a.org, units=[units["a"]])
    for number in range(1, 31):
        answer(made, units["a"], 3, comment=f"Svar {number:02d}")
    client = english(client_for(world.a["staff"]))

    first = client.get(url("free_text", made))
    texts = [entry["text"] for entry in first.context["entries"]]
    assert texts[:2] == ["Svar 30", "Svar 29"]
    assert len(texts) == 25
    assert first.context["page"].has_next
    second = client.get(url("free_text", made) + "?question=comment&page=2")
    assert [entry["text"] for entry in second.context["entries"]] == [
        f"Svar {number:02d}" for number in range(5, 0, -1)
    ]
    assert not second.context["page"].has_next
    # An unknown question is ignored rather than showing nothing.
    assert len(client.get(url("free_text", made) + "?question=nope").context["entries"]) == 25
