"""Aggregates over answers, checked against numbers worked out by hand.

The fixture: a five-option question ("How often?", ordinals 0–4) answered
five times with the ordinals 0, 1, 1, 2, 3, so

- distribution: never 1, sometimes 2, often 1, always 1, don't know 0;
- n = 5, mean = 7 / 5 = 1.4, min 0, max 3;
- Σx² = 0 + 1 + 1 + 4 + 9 = 15, Σ(x − mean)² = 15 − 5 · 1.4² = 5.2;
- sample variance = 5.2 / (5 − 1) = 1.3, sample sd = √1.3 ≈ 1.140175
  (the population sd, √(5.2 / 5) ≈ 1.019804, is *not* what we report).
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone, translation

from medvirk.questionnaires.choices import ResponseStatus, VersionStatus
from medvirk.questionnaires.definition import parse_definition
from medvirk.questionnaires.models import Answer, QuestionnaireVersion, Response
from medvirk.questionnaires.selectors import (
    item_distribution,
    item_summary,
    questionnaire_responses,
    response_count,
    versions_of,
)
from medvirk.questionnaires.tests.factories import questionnaire_version

SYSTEM = "urn:test:often"
ORDINAL = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
OPTIONS = [("never", "Never"), ("some", "Sometimes"), ("often", "Often"), ("always", "Always")]


def option(code: str, label: str, ordinal: int) -> dict[str, Any]:
    return {
        "valueCoding": {
            "system": SYSTEM,
            "code": code,
            "display": label,
            "extension": [{"url": ORDINAL, "valueDecimal": ordinal}],
        }
    }


def resource(options: list[tuple[str, str]]) -> dict[str, Any]:
    return {
        "resourceType": "Questionnaire",
        "status": "active",
        "title": "Oftenness",
        "item": [
            {
                "linkId": "often",
                "type": "open-choice",
                "text": "How often?",
                "answerOption": [option(c, label, i) for i, (c, label) in enumerate(options)],
            },
            {"linkId": "age", "type": "integer", "text": "Age"},
        ],
    }


V1_OPTIONS = [*OPTIONS, ("dk", "Don't know")]


def respond(version: QuestionnaireVersion, *, day: int = 1, status: str = "") -> Response:
    return Response.objects.create(
        organization_id=version.questionnaire.organization_id,
        version=version,
        status=status or ResponseStatus.COMPLETED,
        submitted_at=timezone.make_aware(dt.datetime(2026, 11, day, 12)),
    )


def coded(response: Response, code: str, ordinal: int | None, *, link_id: str = "often") -> Answer:
    return Answer.objects.create(
        response=response,
        version=response.version,
        link_id=link_id,
        item_type="open-choice",
        value_code=code,
        value_system=SYSTEM,
        value_text=dict(V1_OPTIONS).get(code, code),
        value_number=None if ordinal is None else Decimal(ordinal),
    )


def free_text(response: Response, text: str) -> Answer:
    return Answer.objects.create(
        response=response,
        version=response.version,
        link_id="often",
        item_type="open-choice",
        value_text=text,
    )


@pytest.fixture
def v1(world) -> QuestionnaireVersion:
    version = questionnaire_version(world.a.org, resource(V1_OPTIONS))
    for day, (code, ordinal) in enumerate(
        [("never", 0), ("some", 1), ("some", 1), ("often", 2), ("always", 3)], start=1
    ):
        answer = coded(respond(version, day=day), code, ordinal)
        # Another question of the same response must not count.
        Answer.objects.create(
            response=answer.response,
            version=version,
            link_id="age",
            item_type="integer",
            value_number=Decimal(40 + day),
        )
    return version


@pytest.fixture
def other_form(world) -> QuestionnaireVersion:
    """The same linkId in another organisation's form: must never leak in."""
    version = questionnaire_version(world.b.org, resource(V1_OPTIONS))
    response = respond(version)
    for _ in range(3):
        coded(response, "always", 3)
    return version


HAND_WORKED = [
    {"code": "never", "system": SYSTEM, "label": "Never", "count": 1},
    {"code": "some", "system": SYSTEM, "label": "Sometimes", "count": 2},
    {"code": "often", "system": SYSTEM, "label": "Often", "count": 1},
    {"code": "always", "system": SYSTEM, "label": "Always", "count": 1},
    {"code": "dk", "system": SYSTEM, "label": "Don't know", "count": 0},
]


# --- item_distribution -------------------------------------------------------------------------


def test_distribution_in_option_order_with_unchosen_options(
    v1, other_form, django_assert_num_queries
):
    with django_assert_num_queries(2):  # the GROUP BY and the definitions' versions
        rows = item_distribution("often", versions=[v1.pk])
    assert rows == HAND_WORKED


def test_distribution_with_a_definition_is_one_query(v1, other_form, django_assert_num_queries):
    definition = parse_definition(v1.resource)
    with django_assert_num_queries(1):
        rows = item_distribution("often", versions=[v1.pk], definition=definition)
    assert rows == HAND_WORKED
    with django_assert_num_queries(2):  # the version keys, then the GROUP BY
        rows = item_distribution(
            "often", versions=versions_of(v1.questionnaire), definition=definition
        )
    assert rows == HAND_WORKED


def test_distribution_takes_a_versions_subquery(v1, other_form, django_assert_num_queries):
    with django_assert_num_queries(2):
        rows = item_distribution("often", versions=versions_of(v1.questionnaire))
    assert rows == HAND_WORKED


def test_distribution_of_unanswered_question_lists_options_with_zero(v1):
    definition = parse_definition(v1.resource)
    rows = item_distribution("often", versions=[], definition=definition)
    assert [(row["code"], row["count"]) for row in rows] == [(c, 0) for c, _ in V1_OPTIONS]


def test_free_text_follows_options_most_frequent_first(v1):
    response = respond(v1, day=20)
    free_text(response, "Once a year")
    free_text(response, "Rarely")
    free_text(respond(v1, day=21), "Rarely")
    rows = item_distribution("often", versions=[v1.pk])
    assert rows[: len(HAND_WORKED)] == HAND_WORKED
    assert rows[len(HAND_WORKED) :] == [
        {"code": "Rarely", "system": "", "label": "Rarely", "count": 2},
        {"code": "Once a year", "system": "", "label": "Once a year", "count": 1},
    ]


def test_distribution_across_versions_uses_newest_option_order(v1):
    """Version 2 drops "don't know", adds "daily" first; old answers keep their labels."""
    v1.status = VersionStatus.RETIRED
    v1.save(update_fields=["status"])
    v2 = QuestionnaireVersion.objects.create(
        questionnaire=v1.questionnaire,
        number=2,
        status=VersionStatus.ACTIVE,
        original={},
        resource=resource([("daily", "Daily"), *OPTIONS]),
    )
    coded(respond(v2, day=10), "daily", 0)
    coded(respond(v2, day=11), "some", 2)
    rows = item_distribution("often", versions=versions_of(v1.questionnaire))
    assert [(row["code"], row["label"], row["count"]) for row in rows] == [
        ("daily", "Daily", 1),
        ("never", "Never", 1),
        ("some", "Sometimes", 3),
        ("often", "Often", 1),
        ("always", "Always", 1),
        ("dk", "Don't know", 0),
    ]
    # Only version 2: version 1's answers are left out.
    only_v2 = item_distribution("often", versions=[v2.pk])
    assert [(row["code"], row["count"]) for row in only_v2] == [
        ("daily", 1),
        ("never", 0),
        ("some", 1),
        ("often", 0),
        ("always", 0),
    ]


def test_answer_to_an_unknown_code_is_labelled_with_the_code(v1):
    coded(respond(v1, day=22), "gone", None)
    rows = item_distribution("often", versions=[v1.pk])
    assert rows[-1] == {"code": "gone", "system": SYSTEM, "label": "gone", "count": 1}


def test_distribution_of_rows_as_submit_stores_them(world):
    """Boolean, integer-option and string-option answers, written by services.answer_rows."""
    from medvirk.questionnaires.services import answer_rows

    version = questionnaire_version(
        world.a.org,
        {
            "resourceType": "Questionnaire",
            "status": "active",
            "item": [
                {"linkId": "yes", "type": "boolean", "text": "Agree?"},
                {
                    "linkId": "stars",
                    "type": "choice",
                    "text": "Stars",
                    "answerOption": [{"valueInteger": n} for n in (1, 2, 3)],
                },
                {
                    "linkId": "colour",
                    "type": "choice",
                    "text": "Colour",
                    "answerOption": [{"valueString": c} for c in ("red", "green")],
                },
            ],
        },
    )
    given = [(True, 3, "green"), (True, 3, "red"), (False, 1, "green")]
    for yes, stars, colour in given:
        response = respond(version)
        items = [
            {"linkId": "yes", "answer": [{"valueBoolean": yes}]},
            {"linkId": "stars", "answer": [{"valueInteger": stars}]},
            {"linkId": "colour", "answer": [{"valueString": colour}]},
        ]
        Answer.objects.bulk_create(answer_rows(response, items))

    def counts(link_id: str) -> list[tuple[str, str, int]]:
        with translation.override("en"):
            rows = item_distribution(link_id, versions=[version.pk])
        return [(row["code"], row["label"], row["count"]) for row in rows]

    assert counts("yes") == [("true", "Yes", 2), ("false", "No", 1)]
    assert counts("stars") == [("1", "1", 1), ("2", "2", 0), ("3", "3", 2)]
    assert counts("colour") == [("red", "red", 1), ("green", "green", 2)]
    assert item_summary("stars", versions=[version.pk])["mean"] == pytest.approx(7 / 3)


# --- item_summary ------------------------------------------------------------------------------


def test_summary_worked_out_by_hand(v1, other_form, django_assert_num_queries):
    with django_assert_num_queries(2):  # the version keys, then the aggregate
        assert item_summary("often", versions=versions_of(v1.questionnaire))["n"] == 5
    with django_assert_num_queries(1):
        summary = item_summary("often", versions=[v1.pk])
    assert summary["n"] == 5
    assert summary["mean"] == pytest.approx(1.4)
    assert summary["sd"] == pytest.approx(math.sqrt(1.3))  # sample sd, n − 1
    assert summary["sd"] != pytest.approx(math.sqrt(5.2 / 5))  # not the population sd
    assert summary["min"] == Decimal(0)
    assert summary["max"] == Decimal(3)


def test_summary_ignores_answers_without_a_number(v1):
    free_text(respond(v1, day=23), "Rarely")
    coded(respond(v1, day=24), "dk", None)
    summary = item_summary("often", versions=[v1.pk])
    assert summary["n"] == 5
    assert summary["mean"] == pytest.approx(1.4)


def test_summary_of_another_item(v1):
    # Ages 41..45: mean 43, Σ(x − 43)² = 4 + 1 + 0 + 1 + 4 = 10, sample variance 10 / 4.
    summary = item_summary("age", versions=[v1.pk])
    assert summary["n"] == 5
    assert summary["mean"] == pytest.approx(43.0)
    assert summary["sd"] == pytest.approx(math.sqrt(2.5))
    assert (summary["min"], summary["max"]) == (Decimal(41), Decimal(45))


def test_summary_of_one_answer_has_no_sd(world):
    version = questionnaire_version(world.a.org, resource(V1_OPTIONS))
    coded(respond(version), "often", 2)
    summary = item_summary("often", versions=[version.pk])
    assert summary == {"n": 1, "mean": 2.0, "sd": None, "min": Decimal(2), "max": Decimal(2)}


def test_summary_of_identical_answers_has_sd_zero(world):
    version = questionnaire_version(world.a.org, resource(V1_OPTIONS))
    for _ in range(3):
        coded(respond(version), "often", 2)
    assert item_summary("often", versions=[version.pk])["sd"] == pytest.approx(0.0)


def test_summary_without_answers(v1):
    summary = item_summary("nobody-answered", versions=[v1.pk])
    assert summary == {"n": 0, "mean": None, "sd": None, "min": None, "max": None}


# --- Responses ---------------------------------------------------------------------------------


def test_responses_are_completed_newest_first_with_their_version(
    v1, other_form, django_assert_num_queries
):
    draft = respond(v1, day=28, status=ResponseStatus.IN_PROGRESS)
    with django_assert_num_queries(1):
        listed = [
            (r.submitted_at and r.submitted_at.day, r.version.number)
            for r in questionnaire_responses(v1.questionnaire)
        ]
    assert listed == [(5, 1), (4, 1), (3, 1), (2, 1), (1, 1)]
    assert draft not in questionnaire_responses(v1.questionnaire)
    with django_assert_num_queries(1):
        assert response_count(v1.questionnaire) == 5
    assert response_count(other_form.questionnaire) == 1


def test_versions_of_lists_only_that_questionnaire(v1, other_form):
    assert list(versions_of(v1.questionnaire)) == [v1.pk]
