"""enableWhen: every operator and type, any/all, chains and pruning."""

from __future__ import annotations

import json
from typing import Any

import pytest

from medvirk.questionnaires.definition import parse_definition
from medvirk.questionnaires.enablewhen import (
    answers_by_link_id,
    condition_holds,
    is_enabled,
    parent_map,
    prune_disabled,
)
from medvirk.questionnaires.tests.factories import sample_path


def _questionnaire(items: list[dict[str, Any]]) -> dict[str, Any]:
    return {"resourceType": "Questionnaire", "status": "active", "item": items}


def _definition_with(condition: dict[str, Any], source_type: str = "string") -> Any:
    source: dict[str, Any] = {"linkId": "src", "type": source_type, "text": "Source"}
    if source_type == "choice":
        source["answerOption"] = [{"valueCoding": {"system": "s", "code": "a"}}]
    return parse_definition(
        _questionnaire(
            [
                source,
                {
                    "linkId": "dep",
                    "type": "string",
                    "text": "Dependent",
                    "enableWhen": [{"question": "src", **condition}],
                },
            ]
        )
    )


def _enabled(condition: dict[str, Any], answers: list[dict[str, Any]]) -> bool:
    definition = _definition_with(condition)
    return is_enabled(definition.by_link_id["dep"], {"src": answers})


CASES = [
    # (operator, condition answer, given answer, expected)
    ("=", {"answerBoolean": True}, {"valueBoolean": True}, True),
    ("=", {"answerBoolean": True}, {"valueBoolean": False}, False),
    ("!=", {"answerBoolean": True}, {"valueBoolean": False}, True),
    ("!=", {"answerBoolean": True}, {"valueBoolean": True}, False),
    (">", {"answerBoolean": True}, {"valueBoolean": True}, False),
    ("=", {"answerDecimal": 2.5}, {"valueDecimal": 2.5}, True),
    ("!=", {"answerDecimal": 2.5}, {"valueDecimal": 2.6}, True),
    (">", {"answerDecimal": 2.5}, {"valueDecimal": 2.6}, True),
    (">", {"answerDecimal": 2.5}, {"valueDecimal": 2.5}, False),
    ("<", {"answerDecimal": 2.5}, {"valueDecimal": 2.4}, True),
    ("<", {"answerDecimal": 2.5}, {"valueDecimal": 2.5}, False),
    (">=", {"answerDecimal": 2.5}, {"valueDecimal": 2.5}, True),
    (">=", {"answerDecimal": 2.5}, {"valueDecimal": 2.4}, False),
    ("<=", {"answerDecimal": 2.5}, {"valueDecimal": 2.5}, True),
    ("<=", {"answerDecimal": 2.5}, {"valueDecimal": 2.6}, False),
    ("=", {"answerInteger": 3}, {"valueInteger": 3}, True),
    ("!=", {"answerInteger": 3}, {"valueInteger": 3}, False),
    (">", {"answerInteger": 3}, {"valueInteger": 4}, True),
    ("<", {"answerInteger": 3}, {"valueInteger": 4}, False),
    (">=", {"answerInteger": 3}, {"valueInteger": 3}, True),
    ("<=", {"answerInteger": 3}, {"valueInteger": 2}, True),
    ("<=", {"answerInteger": 3}, {"valueInteger": 4}, False),
    ("=", {"answerInteger": 3}, {"valueDecimal": 3.0}, True),
    ("=", {"answerDate": "2024-05-17"}, {"valueDate": "2024-05-17"}, True),
    ("!=", {"answerDate": "2024-05-17"}, {"valueDate": "2024-05-18"}, True),
    (">", {"answerDate": "2024-05-17"}, {"valueDate": "2024-05-18"}, True),
    ("<", {"answerDate": "2024-05-17"}, {"valueDate": "2024-05-18"}, False),
    (">=", {"answerDate": "2024-05-17"}, {"valueDate": "2024-05-17"}, True),
    ("<=", {"answerDate": "2024-05-17"}, {"valueDate": "2023-12-31"}, True),
    (
        "=",
        {"answerDateTime": "2024-05-17T10:00:00+02:00"},
        {"valueDateTime": "2024-05-17T08:00:00Z"},
        True,
    ),
    (
        ">",
        {"answerDateTime": "2024-05-17T10:00:00+02:00"},
        {"valueDateTime": "2024-05-17T09:00:00Z"},
        True,
    ),
    (
        "<",
        {"answerDateTime": "2024-05-17T10:00:00+02:00"},
        {"valueDateTime": "2024-05-17T09:00:00Z"},
        False,
    ),
    (
        ">=",
        {"answerDateTime": "2024-05-17T10:00:00Z"},
        {"valueDateTime": "2024-05-17T10:00:00Z"},
        True,
    ),
    (
        "<=",
        {"answerDateTime": "2024-05-17T10:00:00Z"},
        {"valueDateTime": "2024-05-17T11:00:00Z"},
        False,
    ),
    (
        "!=",
        {"answerDateTime": "2024-05-17T10:00:00Z"},
        {"valueDateTime": "2024-05-17T11:00:00Z"},
        True,
    ),
    ("=", {"answerTime": "14:30:00"}, {"valueTime": "14:30:00"}, True),
    ("!=", {"answerTime": "14:30:00"}, {"valueTime": "14:30:00"}, False),
    (">", {"answerTime": "14:30:00"}, {"valueTime": "15:00:00"}, True),
    ("<", {"answerTime": "14:30:00"}, {"valueTime": "15:00:00"}, False),
    (">=", {"answerTime": "14:30:00"}, {"valueTime": "14:30:00"}, True),
    ("<=", {"answerTime": "14:30:00"}, {"valueTime": "09:00:00"}, True),
    ("=", {"answerString": "ja"}, {"valueString": "ja"}, True),
    ("=", {"answerString": "ja"}, {"valueString": "nei"}, False),
    ("!=", {"answerString": "ja"}, {"valueString": "nei"}, True),
    (">", {"answerString": "b"}, {"valueString": "c"}, True),
    ("<", {"answerString": "b"}, {"valueString": "c"}, False),
    (">=", {"answerString": "b"}, {"valueString": "b"}, True),
    ("<=", {"answerString": "b"}, {"valueString": "a"}, True),
    (
        "=",
        {"answerCoding": {"system": "s", "code": "a"}},
        {"valueCoding": {"system": "s", "code": "a"}},
        True,
    ),
    ("=", {"answerCoding": {"code": "a"}}, {"valueCoding": {"system": "s", "code": "a"}}, True),
    (
        "=",
        {"answerCoding": {"system": "t", "code": "a"}},
        {"valueCoding": {"system": "s", "code": "a"}},
        False,
    ),
    (
        "=",
        {"answerCoding": {"system": "s", "code": "b"}},
        {"valueCoding": {"system": "s", "code": "a"}},
        False,
    ),
    (
        "!=",
        {"answerCoding": {"system": "s", "code": "b"}},
        {"valueCoding": {"system": "s", "code": "a"}},
        True,
    ),
    ("!=", {"answerCoding": {"system": "s", "code": "a"}}, {"valueCoding": {"code": "a"}}, False),
    (">", {"answerCoding": {"code": "a"}}, {"valueCoding": {"code": "a"}}, False),
    (
        "=",
        {"answerQuantity": {"value": 70, "code": "kg"}},
        {"valueQuantity": {"value": 70, "code": "kg"}},
        True,
    ),
    (
        "=",
        {"answerQuantity": {"value": 70, "code": "kg"}},
        {"valueQuantity": {"value": 70, "code": "g"}},
        False,
    ),
    ("!=", {"answerQuantity": {"value": 70}}, {"valueQuantity": {"value": 71}}, True),
    (">", {"answerQuantity": {"value": 70}}, {"valueQuantity": {"value": 71}}, True),
    ("<", {"answerQuantity": {"value": 70}}, {"valueQuantity": {"value": 71}}, False),
    (">=", {"answerQuantity": {"value": 70}}, {"valueQuantity": {"value": 70}}, True),
    ("<=", {"answerQuantity": {"value": 70}}, {"valueQuantity": {"value": 69.5}}, True),
    (
        "=",
        {"answerReference": {"reference": "Patient/1"}},
        {"valueReference": {"reference": "Patient/1"}},
        True,
    ),
    (
        "!=",
        {"answerReference": {"reference": "Patient/1"}},
        {"valueReference": {"reference": "Patient/2"}},
        True,
    ),
    (
        "=",
        {"answerReference": {"reference": "Patient/1"}},
        {"valueReference": {"reference": "Patient/2"}},
        False,
    ),
    # Different kinds never compare equal.
    ("=", {"answerString": "1"}, {"valueInteger": 1}, False),
]


@pytest.mark.parametrize(("operator", "condition", "answer", "expected"), CASES)
def test_operator_and_type(
    operator: str, condition: dict[str, Any], answer: dict[str, Any], expected: bool
) -> None:
    assert _enabled({"operator": operator, **condition}, [answer]) is expected


@pytest.mark.parametrize(
    ("wanted", "answers", "expected"),
    [
        (True, [{"valueString": "x"}], True),
        (True, [], False),
        (False, [], True),
        (False, [{"valueString": "x"}], False),
    ],
)
def test_exists(wanted: bool, answers: list[dict[str, Any]], expected: bool) -> None:
    assert _enabled({"operator": "exists", "answerBoolean": wanted}, answers) is expected


def test_no_answer_is_false_except_for_not_equal() -> None:
    for operator in ("=", ">", "<", ">=", "<="):
        assert not _enabled({"operator": operator, "answerInteger": 1}, [])
    # FHIR: != holds when no answer equals the value, so also without answers.
    assert _enabled({"operator": "!=", "answerInteger": 1}, [])


def test_several_answers_any_matches() -> None:
    condition = {"operator": "=", "answerCoding": {"code": "b"}}
    answers = [{"valueCoding": {"code": "a"}}, {"valueCoding": {"code": "b"}}]
    assert _enabled(condition, answers)
    # != is false as soon as one answer equals.
    assert not _enabled({**condition, "operator": "!="}, answers)


def _two_conditions(behavior: str) -> Any:
    return parse_definition(
        _questionnaire(
            [
                {"linkId": "a", "type": "boolean", "text": "A"},
                {"linkId": "b", "type": "integer", "text": "B"},
                {
                    "linkId": "c",
                    "type": "string",
                    "text": "C",
                    "enableBehavior": behavior,
                    "enableWhen": [
                        {"question": "a", "operator": "=", "answerBoolean": True},
                        {"question": "b", "operator": ">", "answerInteger": 5},
                    ],
                },
            ]
        )
    )


@pytest.mark.parametrize(
    ("behavior", "a", "b", "expected"),
    [
        ("all", True, 6, True),
        ("all", True, 5, False),
        ("all", False, 6, False),
        ("any", True, 5, True),
        ("any", False, 6, True),
        ("any", False, 5, False),
    ],
)
def test_enable_behavior(behavior: str, a: bool, b: int, expected: bool) -> None:
    definition = _two_conditions(behavior)
    answers: dict[str, list[dict[str, Any]]] = {
        "a": [{"valueBoolean": a}],
        "b": [{"valueInteger": b}],
    }
    assert is_enabled(definition.by_link_id["c"], answers) is expected


def _chain() -> Any:
    with sample_path("enable-when-multiple").open(encoding="utf-8") as handle:
        return parse_definition(json.load(handle))


def _answer(link_id: str, value: bool) -> dict[str, Any]:
    return {"linkId": link_id, "answer": [{"valueBoolean": value}]}


def test_ancestor_disables_descendants() -> None:
    definition = _chain()
    parents = parent_map(definition)
    five = definition.by_link_id["5"]
    answers = {"1.1": [{"valueBoolean": True}], "2.1": [{"valueBoolean": True}]}
    assert not is_enabled(five, answers, parents=parents)  # 3.1 unanswered: group 4 is off
    answers["3.1"] = [{"valueBoolean": True}]
    assert is_enabled(five, answers, parents=parents)
    answers["1.1"] = [{"valueBoolean": False}]
    # Group 2 off does not by itself switch off 4 (4 only looks at 3.1) …
    assert is_enabled(five, answers, parents=parents)
    # … but pruning removes 2.1 and 3.1, and then 4 is off too.


def test_chain_is_pruned_to_a_fixed_point() -> None:
    definition = _chain()
    items = [
        {"linkId": "1", "item": [_answer("1.1", False)]},
        {"linkId": "2", "item": [_answer("2.1", True)]},
        {"linkId": "3", "item": [_answer("3.1", True)]},
        {"linkId": "4", "item": [{"linkId": "5", "answer": [{"valueString": "ja"}]}]},
    ]
    pruned = prune_disabled(definition, items)
    assert pruned == [{"linkId": "1", "item": [_answer("1.1", False)]}]
    items[0]["item"] = [_answer("1.1", True)]
    assert prune_disabled(definition, items) == items


def test_answers_by_link_id_reads_nested_answers() -> None:
    items = [
        {
            "linkId": "1",
            "item": [
                {
                    "linkId": "1.1",
                    "answer": [
                        {
                            "valueString": "a",
                            "item": [{"linkId": "1.1.1", "answer": [{"valueString": "b"}]}],
                        }
                    ],
                }
            ],
        },
        {"linkId": "1", "item": [{"linkId": "1.1", "answer": [{"valueString": "c"}]}]},
    ]
    found = answers_by_link_id(items)
    assert [a["valueString"] for a in found["1.1"]] == ["a", "c"]
    assert found["1.1.1"] == [{"valueString": "b"}]


def test_prune_drops_unknown_link_ids_and_empty_entries() -> None:
    definition = _chain()
    items = [
        {"linkId": "nope", "answer": [{"valueString": "x"}]},
        {"linkId": "1", "item": [{"linkId": "1.1", "answer": []}]},
    ]
    assert prune_disabled(definition, items) == []


def test_condition_inside_a_repeating_group_looks_at_its_own_instance() -> None:
    definition = parse_definition(
        _questionnaire(
            [
                {
                    "linkId": "g",
                    "type": "group",
                    "repeats": True,
                    "item": [
                        {"linkId": "smoker", "type": "boolean", "text": "Smoker?"},
                        {
                            "linkId": "how-much",
                            "type": "integer",
                            "text": "How much?",
                            "enableWhen": [
                                {"question": "smoker", "operator": "=", "answerBoolean": True}
                            ],
                        },
                    ],
                }
            ]
        )
    )
    items = [
        {
            "linkId": "g",
            "item": [
                _answer("smoker", True),
                {"linkId": "how-much", "answer": [{"valueInteger": 5}]},
            ],
        },
        {
            "linkId": "g",
            "item": [
                _answer("smoker", False),
                {"linkId": "how-much", "answer": [{"valueInteger": 7}]},
            ],
        },
    ]
    pruned = prune_disabled(definition, items)
    assert pruned[0] == items[0]
    assert pruned[1] == {"linkId": "g", "item": [_answer("smoker", False)]}


def test_condition_holds_ignores_answers_without_value() -> None:
    definition = _definition_with({"operator": "exists", "answerBoolean": True})
    condition = definition.by_link_id["dep"].enable_when[0]
    assert not condition_holds(condition, [{"item": []}])
