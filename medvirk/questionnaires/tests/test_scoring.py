"""Scores worked out by hand, and the rules that make them (bands, cutoff, risks, change).

Every expected number is derived in a comment from the answers, so a change in
scoring that alters a result shows up here as a wrong sum, not as a new snapshot.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation

from medvirk.questionnaires.definition import Definition, parse_definition
from medvirk.questionnaires.instruments import load_instrument
from medvirk.questionnaires.scoring import (
    DETERIORATED,
    IMPROVED,
    NO_RELIABLE_CHANGE,
    fill_calculated,
    reliable_change,
    score,
)
from medvirk.questionnaires.tests.factories import FIXTURES, load_sample

LOINC = "http://loinc.org"
FREQUENCY = ["LA6568-5", "LA6569-3", "LA6570-1", "LA6571-9"]  # ordinals 0, 1, 2, 3


def definition_of(resource: dict[str, Any]) -> Definition:
    return parse_definition(resource)


def coded(link_id: str, code: str, system: str = LOINC) -> dict[str, Any]:
    return {"linkId": link_id, "answer": [{"valueCoding": {"system": system, "code": code}}]}


def instrument(key: str) -> tuple[Definition, dict[str, Any]]:
    resource, rules = load_instrument(key)
    return parse_definition(resource), rules


def phq9_items(ordinals: list[int]) -> list[dict[str, Any]]:
    return [coded(str(n), FREQUENCY[value]) for n, value in enumerate(ordinals, start=1)]


def who5_items(ordinals: list[int]) -> list[dict[str, Any]]:
    system = "urn:medvirk:codesystem:who-5-answers"
    return [coded(str(n), str(value), system) for n, value in enumerate(ordinals, start=1)]


def find(items: list[dict[str, Any]], link_id: str) -> dict[str, Any] | None:
    for entry in items:
        if entry.get("linkId") == link_id:
            return entry
        found = find(entry.get("item") or [], link_id)
        if found is not None:
            return found
    return None


# --- helsenorge scoring codes -----------------------------------------------------------------


def radio_answer(code: str = "LA6570-1") -> list[dict[str, Any]]:
    # The helsenorge sample's codings have no system.
    return [
        {
            "linkId": "2",
            "item": [
                {
                    "linkId": "2.1",
                    "answer": [
                        {"valueCoding": {"code": code, "display": "Mer enn halvparten av dagene"}}
                    ],
                }
            ],
        }
    ]


def test_helsenorge_question_score_total_and_group_sum():
    definition = definition_of(load_sample("scoring-choice-radio"))
    # "Mer enn halvparten av dagene" = LA6570-1, ordinalValue 2.0 in the form.
    # 2.1 is the only QS item, so TS item 3.1 = 2, group 2 sums 2, the total is 2.
    result = score(definition, radio_answer())
    assert result.total == Decimal(2)
    assert result.groups == {"2": Decimal(2)}  # group 3 holds no scored answer
    assert result.calculated == {"3.1": Decimal(2)}
    assert result.band is None
    assert result.above_cutoff is None
    assert result.risks == []


def test_a_posted_value_for_a_total_item_is_ignored():
    definition = definition_of(load_sample("scoring-choice-radio"))
    items = radio_answer("LA6571-9")  # "Nesten hver dag", ordinal 3
    items.append(
        {"linkId": "3", "item": [{"linkId": "3.1", "answer": [{"valueQuantity": {"value": 99}}]}]}
    )
    result = score(definition, items)
    assert result.calculated == {"3.1": Decimal(3)}
    assert result.total == Decimal(3)


def test_an_unknown_code_counts_for_nothing():
    definition = definition_of(load_sample("scoring-choice-radio"))
    result = score(definition, radio_answer("LA9999-9"))
    assert result.total is None
    assert result.calculated == {"3.1": None}
    assert result.missing == ["2.1"]


def test_fill_calculated_writes_the_total_with_its_unit():
    definition = definition_of(load_sample("scoring-choice-radio"))
    items = radio_answer()
    filled = fill_calculated(definition, items)
    total = find(filled, "3.1")
    assert total is not None
    assert total["answer"] == [
        {
            "valueQuantity": {
                "value": 2,
                "unit": "score",
                "system": "http://ehelse.no/Score",
                "code": "score",
            }
        }
    ]
    assert [entry["linkId"] for entry in filled] == ["2", "3"]  # the group is created in order
    assert find(items, "3.1") is None  # the input is not changed


def test_section_score_sums_the_question_scores_of_its_own_group():
    def question(link_id: str) -> dict[str, Any]:
        return {
            "linkId": link_id,
            "type": "choice",
            "code": [{"system": "http://ehelse.no/scoringFormulas", "code": "QS"}],
            "answerOption": [
                {
                    "valueCoding": {
                        "code": code,
                        "extension": [
                            {
                                "url": "http://hl7.org/fhir/StructureDefinition/ordinalValue",
                                "valueDecimal": ordinal,
                            }
                        ],
                    }
                }
                for ordinal, code in enumerate(FREQUENCY)
            ],
        }

    def section(link_id: str) -> dict[str, Any]:
        return {
            "linkId": link_id,
            "type": "quantity",
            "code": [{"system": "http://ehelse.no/scoringFormulas", "code": "SS"}],
        }

    resource = {
        "resourceType": "Questionnaire",
        "status": "draft",
        "item": [
            {
                "linkId": "a",
                "type": "group",
                "item": [question("a1"), question("a2"), section("as")],
            },
            {"linkId": "b", "type": "group", "item": [question("b1"), section("bs")]},
            {
                "linkId": "ts",
                "type": "integer",
                "code": [{"system": "http://ehelse.no/scoringFormulas", "code": "TS"}],
            },
        ],
    }
    items = [
        {"linkId": "a", "item": [coded("a1", "LA6569-3", ""), coded("a2", "LA6571-9", "")]},
        {"linkId": "b", "item": [coded("b1", "LA6570-1", "")]},
    ]
    # a: 1 + 3 = 4; b: 2; total: 4 + 2 = 6.
    result = score(definition_of(resource), items)
    assert result.calculated == {"as": Decimal(4), "bs": Decimal(2), "ts": Decimal(6)}
    assert result.groups == {"a": Decimal(4), "b": Decimal(2)}
    filled = fill_calculated(definition_of(resource), items)
    assert find(filled, "ts") == {"linkId": "ts", "answer": [{"valueInteger": 6}]}


# --- FHIRPath -------------------------------------------------------------------------------


def test_empty_calculated_expression_gives_none_and_no_crash():
    definition = definition_of(load_sample("scoring-fhirpath"))
    items = [
        {"linkId": "1", "answer": [{"valueDecimal": 1.5}]},
        {"linkId": "2", "answer": [{"valueInteger": 2}]},
    ]
    result = score(definition, items)
    assert result.calculated.get("4") is None
    assert result.total is None  # no ordinal item and no rules: nothing to sum
    assert find(fill_calculated(definition, items), "4") is None


def fhirpath_sum() -> Definition:
    path = Path(FIXTURES) / "scoring" / "fhirpath-sum.json"
    return definition_of(json.loads(path.read_text(encoding="utf-8")))


def test_fhirpath_sums_worked_by_hand():
    items = [
        {"linkId": "1", "answer": [{"valueDecimal": 1.5}]},
        {"linkId": "2", "answer": [{"valueInteger": 2}]},
        {"linkId": "3", "answer": [{"valueQuantity": {"value": 70, "unit": "kg"}}]},
    ]
    result = score(fhirpath_sum(), items)
    # 4 = 1.5 + 2 = 3.5; 5 = 70 × 2 = 140; 6 = item 4 + 10 = 13.5; 7 does not parse.
    assert result.calculated == {
        "4": Decimal("3.5"),
        "5": Decimal(140),
        "6": Decimal("13.5"),
        "7": None,
    }
    filled = fill_calculated(fhirpath_sum(), items)
    assert find(filled, "4") == {
        "linkId": "4",
        "text": "Sum of 1 and 2 (SDC calculatedExpression)",
        "answer": [{"valueDecimal": 3.5}],
    }
    five = find(filled, "5")
    assert five is not None
    assert five["answer"][0]["valueQuantity"]["value"] == 140
    assert five["answer"][0]["valueQuantity"]["code"] == "kg"
    assert find(filled, "7") is None


def test_fhirpath_with_a_missing_answer_gives_none():
    # 4 needs both 1 and 2; with only 1 the sum is empty, so 4 and 6 are None.
    result = score(fhirpath_sum(), [{"linkId": "1", "answer": [{"valueDecimal": 1.5}]}])
    assert result.calculated["4"] is None
    assert result.calculated["6"] is None


# --- Shipped instruments ----------------------------------------------------------------------


def test_phq9_worked_example():
    definition, rules = instrument("phq-9")
    # 3 + 2 + 1 + 0 + 1 + 2 + 3 + 0 + 1 = 13 → 10–14 moderate, ≥ 10 above the cutoff.
    with translation.override("nb"):  # the band's label in the default language
        result = score(definition, phq9_items([3, 2, 1, 0, 1, 2, 3, 0, 1]), rules)
    assert result.total == Decimal(13)
    assert result.band is not None
    assert result.band["severity"] == "moderate"
    assert result.band["label"] == "Moderate symptomer"
    assert (result.band["min"], result.band["max"]) == (Decimal(10), Decimal(14))
    assert result.above_cutoff is True
    assert result.direction == "higher_is_worse"
    # Item 9 answered "Noen dager" = 1 ≥ threshold 1.
    assert [(r["link_id"], r["value"], r["threshold"]) for r in result.risks] == [
        ("9", Decimal(1), Decimal(1))
    ]
    assert result.missing == []


def test_phq9_without_item_nine_flags_no_risk_and_stays_below_cutoff():
    definition, rules = instrument("phq-9")
    # 1 + 1 + 1 + 1 + 1 + 1 + 1 + 2 + 0 = 9 → mild, below the cutoff of 10.
    result = score(definition, phq9_items([1, 1, 1, 1, 1, 1, 1, 2, 0]), rules)
    assert result.total == Decimal(9)
    assert result.band is not None
    assert result.band["severity"] == "mild"
    assert result.above_cutoff is False
    assert result.risks == []


def test_phq9_difficulty_question_is_not_scored():
    definition, rules = instrument("phq-9")
    items = [*phq9_items([0] * 9), coded("10", "LA6574-3")]  # "Extremely difficult"
    assert score(definition, items, rules).total == Decimal(0)


def test_missing_answers_are_listed():
    definition, rules = instrument("phq-9")
    result = score(definition, phq9_items([3, 3]), rules)
    assert result.total == Decimal(6)
    assert result.missing == ["3", "4", "5", "6", "7", "8", "9"]


def test_a_partial_total_gets_no_band_and_no_cutoff():
    definition, rules = instrument("phq-9")
    # Eight of nine answered, 3 each = 24 ("severe" if complete): withheld while 9 is missing.
    partial = score(definition, phq9_items([3] * 8), rules)
    assert partial.total == Decimal(24)
    assert partial.missing == ["9"]
    assert partial.band is None
    assert partial.above_cutoff is None
    complete = score(definition, phq9_items([3] * 8 + [0]), rules)
    assert complete.band is not None
    assert complete.band["severity"] == "severe"
    assert complete.above_cutoff is True


@pytest.mark.parametrize(
    ("ordinals", "total", "severity", "above"),
    [
        ([1, 1, 1, 1, 0, 0, 0], 4, "none", False),
        ([1, 1, 1, 1, 1, 0, 0], 5, "mild", False),
        ([3, 3, 3, 0, 0, 0, 0], 9, "mild", False),
        ([3, 3, 3, 1, 0, 0, 0], 10, "moderate", True),
        ([2, 2, 2, 2, 2, 2, 2], 14, "moderate", True),
        ([3, 3, 3, 3, 3, 0, 0], 15, "severe", True),
        ([3, 3, 3, 3, 3, 3, 3], 21, "severe", True),
    ],
)
def test_gad7_bands_at_their_boundaries(ordinals, total, severity, above):
    definition, rules = instrument("gad-7")
    result = score(definition, phq9_items(ordinals), rules)
    assert result.total == Decimal(total)
    assert result.band is not None
    assert result.band["severity"] == severity
    assert result.above_cutoff is above


def test_who5_raw_13_is_52_percent_above_the_cutoff():
    definition, rules = instrument("who-5")
    # 3 + 3 + 3 + 2 + 2 = 13 raw; × 4 = 52 > 50, so not at or below the cutoff.
    result = score(definition, who5_items([3, 3, 3, 2, 2]), rules)
    assert result.raw_total == Decimal(13)
    assert result.total == Decimal(52)
    assert result.above_cutoff is False
    assert result.band is not None
    assert result.band["severity"] == "none"
    assert result.direction == "higher_is_better"


@pytest.mark.parametrize(
    ("ordinals", "percent", "severity"),
    [([3, 3, 2, 2, 2], 48, "moderate"), ([2, 2, 1, 1, 1], 28, "severe")],
)
def test_who5_low_wellbeing_is_on_the_clinical_side_of_the_cutoff(ordinals, percent, severity):
    definition, rules = instrument("who-5")
    result = score(definition, who5_items(ordinals), rules)
    assert result.total == Decimal(percent)
    assert result.above_cutoff is True
    assert result.band is not None
    assert result.band["severity"] == severity


def test_slider_values_count_only_when_the_rules_list_them():
    definition, rules = instrument("medvirk-status")
    items = [
        {"linkId": str(n), "answer": [{"valueInteger": value}]}
        for n, value in enumerate([7, 5, 8, 6], start=1)
    ]
    # 7 + 5 + 8 + 6 = 26 → 21–30 "some struggle", above the cutoff of 20 (higher is better).
    result = score(definition, items, rules)
    assert result.total == Decimal(26)
    assert result.band is not None
    assert result.band["severity"] == "mild"
    assert result.above_cutoff is False
    assert score(definition, items).total is None  # without rules a number is not a score


def test_band_label_follows_the_active_language_with_bokmal_fallback():
    definition, rules = instrument("phq-9")
    items = phq9_items([3, 3, 3, 3, 3, 3, 2, 0, 0])  # 20 → severe
    with translation.override("en"):
        result = score(definition, items, rules)
        assert result.band is not None
        assert result.band["label"] == "Severe"
    with translation.override("sv"):
        result = score(definition, items, rules)
        assert result.band is not None
        assert result.band["label"] == "Alvorlige symptomer"


def test_as_json_is_json_with_whole_numbers_as_ints():
    definition, rules = instrument("phq-9")
    with translation.override("en"):
        data = score(definition, phq9_items([3, 2, 1, 0, 1, 2, 3, 0, 1]), rules).as_json()
    assert json.loads(json.dumps(data)) == data
    assert data["total"] == 13
    assert isinstance(data["total"], int)
    assert data["band"]["label"] == "Moderate"
    assert data["band"]["min"] == 10
    assert data["band"]["max"] == 14
    assert data["above_cutoff"] is True
    assert data["risks"][0]["link_id"] == "9"
    assert data["risks"][0]["value"] == 1
    fractional = score(
        fhirpath_sum(),
        [
            {"linkId": "1", "answer": [{"valueDecimal": 1.25}]},
            {"linkId": "2", "answer": [{"valueInteger": 2}]},
        ],
    ).as_json()
    assert fractional["calculated"]["4"] == 3.25


# --- Reliable change ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "before", "after", "expected"),
    [
        ("phq-9", 15, 8, IMPROVED),  # −7, at least 6, lower is better
        ("phq-9", 8, 15, DETERIORATED),
        ("phq-9", 14, 8, IMPROVED),  # exactly 6 counts
        ("phq-9", 14, 10, NO_RELIABLE_CHANGE),  # −4 < 6
        ("gad-7", 12, 7, IMPROVED),  # −5
        ("who-5", 40, 52, IMPROVED),  # +12 ≥ 10, higher is better
        ("who-5", 60, 48, DETERIORATED),
        ("who-5", 48, 52, NO_RELIABLE_CHANGE),
    ],
)
def test_reliable_change_in_both_directions(key, before, after, expected):
    _, rules = load_instrument(key)
    assert reliable_change(rules, before, after) == expected


def test_reliable_change_needs_a_threshold():
    assert reliable_change({}, 10, 20) is None
    assert reliable_change({"direction": "higher_is_better"}, 10, 20) is None


@pytest.mark.parametrize(("values", "above"), [([5, 5, 5, 5], True), ([5, 5, 5, 6], False)])
def test_cutoff_is_inclusive_when_higher_is_better(values, above):
    definition, rules = instrument("medvirk-status")
    items = [
        {"linkId": str(n), "answer": [{"valueInteger": value}]}
        for n, value in enumerate(values, start=1)
    ]
    # 5 × 4 = 20 is at the cutoff of 20, so on its clinical side; 21 is not.
    result = score(definition, items, rules)
    assert result.total == Decimal(sum(values))
    assert result.above_cutoff is above


def test_check_box_answers_sum_their_ordinals():
    resource = load_sample("scoring-choice-radio")
    resource["item"][0]["item"][0]["repeats"] = True
    definition = definition_of(resource)
    items = [
        {
            "linkId": "2",
            "item": [
                {
                    "linkId": "2.1",
                    "answer": [
                        {"valueCoding": {"code": "LA6569-3"}},  # 1
                        {"valueCoding": {"code": "LA6571-9"}},  # 3
                    ],
                }
            ],
        }
    ]
    result = score(definition, items)
    assert result.total == Decimal(4)
    assert result.calculated == {"3.1": Decimal(4)}
