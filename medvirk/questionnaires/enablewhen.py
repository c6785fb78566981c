"""enableWhen: which questions are shown, decided on the server.

A question whose conditions are not met is not shown, not validated, and its
answers are removed before anything is stored (FHIR: a disabled item has no
answers). Conditions compare the answers of *enabled* items only, so
enabling can chain (question 3 depends on 2 which depends on 1): pruning
runs to a fixed point.

Semantics follow FHIR R4 ``Questionnaire.item.enableWhen``:

- ``exists`` with ``true`` holds when the question has an answer, with
  ``false`` when it has none;
- ``!=`` holds when *no* answer equals the value (so also when there is no
  answer at all);
- every other operator holds when *at least one* answer satisfies it; with
  no answer they are false;
- Codings are equal when their codes are, and their systems too when both
  have one; Quantities compare their values; References their reference.

Inside a repeating group a condition looks at the answers of the same
instance of the group (the sibling answer one sees on screen), and falls
back to the whole response for questions outside the group.
"""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any

from medvirk.questionnaires.definition import Definition, EnableWhen, Item

_NUMERIC = frozenset({"Decimal", "Integer"})
_ORDERING = frozenset({">", "<", ">=", "<="})
# A safety net against conditions that switch each other on and off forever.
_MAX_ROUNDS = 50

Answers = Mapping[str, list[dict[str, Any]]]


def value_of_answer(answer: Mapping[str, Any]) -> tuple[str, Any] | None:
    """The (type, value) of an answer dict, e.g. ``{"valueCoding": …}`` → ("Coding", …)."""
    for key, value in answer.items():
        if key.startswith("value") and len(key) > 5 and key[5].isupper():
            return key[5:], value
    return None


def answers_by_link_id(items: Iterable[Mapping[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Every answer in a QuestionnaireResponse item tree, by linkId (in document order)."""
    found: dict[str, list[dict[str, Any]]] = {}
    _collect(items, found)
    return found


def _collect(items: Iterable[Mapping[str, Any]], found: dict[str, list[dict[str, Any]]]) -> None:
    for entry in items or []:
        link_id = str(entry.get("linkId") or "")
        for answer in entry.get("answer") or []:
            found.setdefault(link_id, []).append(answer)
            _collect(answer.get("item") or [], found)
        _collect(entry.get("item") or [], found)


# --- Comparing one answer with one condition -----------------------------------------------


def _decimal(value: Any) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, dict):  # a Quantity
        value = value.get("value")
        if value is None:
            return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _temporal(value: Any, kind: str) -> Any:
    """A comparable date/datetime/time, or the plain string when it is partial."""
    text = str(value)
    try:
        if kind == "Date":
            return date.fromisoformat(text) if len(text) == 10 else text
        if kind == "Time":
            return time.fromisoformat(text)
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return text
    # Naive and aware datetimes cannot be compared; a naive one is taken as UTC.
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def _coding_equal(actual: Any, expected: Any) -> bool:
    if not isinstance(actual, dict) or not isinstance(expected, dict):
        return False
    if str(actual.get("code") or "") != str(expected.get("code") or ""):
        return False
    system_a, system_e = actual.get("system"), expected.get("system")
    return not (system_a and system_e and system_a != system_e)


def _reference_key(value: Any) -> str:
    if isinstance(value, dict):
        return str(value.get("reference") or value.get("display") or "")
    return str(value)


def _order(operator: str, left: Any, right: Any) -> bool:
    try:
        if operator == "=":
            return bool(left == right)
        if operator == "!=":
            return bool(left != right)
        if operator == ">":
            return bool(left > right)
        if operator == "<":
            return bool(left < right)
        if operator == ">=":
            return bool(left >= right)
        if operator == "<=":
            return bool(left <= right)
    except TypeError:  # e.g. a partial date against a full one
        return False
    return False


def _kind(value_type: str) -> str:
    """Answer types that compare the same way (dateTime answers against date conditions …)."""
    if value_type in _NUMERIC or value_type == "Quantity":
        return "number"
    if value_type in {"String", "Uri", "Url"}:
        return "String"
    return value_type


def answer_satisfies(answer: Mapping[str, Any], operator: str, condition: EnableWhen) -> bool:
    """Whether one answer satisfies ``answer <operator> condition.answer`` (not ``exists``)."""
    found = value_of_answer(answer)
    if found is None:
        return False
    actual_type, actual = found
    expected_type, expected = condition.answer_type, condition.answer
    kind = _kind(expected_type)
    if _kind(actual_type) != kind:
        # A dateTime answer may still be compared with a date condition and back.
        if {actual_type, expected_type} <= {"Date", "DateTime"}:
            return _order(operator, str(actual)[:10], str(expected)[:10])
        return False
    if kind == "number":
        left, right = _decimal(actual), _decimal(expected)
        if left is None or right is None:
            return False
        if actual_type == expected_type == "Quantity" and operator in {"=", "!="}:
            same_unit = _quantity_unit(actual) == _quantity_unit(expected) or not (
                _quantity_unit(actual) and _quantity_unit(expected)
            )
            equal = same_unit and left == right
            return equal if operator == "=" else not equal
        return _order(operator, left, right)
    if kind == "Boolean":
        if operator not in {"=", "!="}:
            return False
        return _order(operator, bool(actual), bool(expected))
    if kind == "Coding":
        if operator not in {"=", "!="}:
            return False
        equal = _coding_equal(actual, expected)
        return equal if operator == "=" else not equal
    if kind == "Reference":
        if operator not in {"=", "!="}:
            return False
        return _order(operator, _reference_key(actual), _reference_key(expected))
    if kind in {"Date", "DateTime", "Time"}:
        return _order(operator, _temporal(actual, kind), _temporal(expected, kind))
    if kind == "String":
        return _order(operator, str(actual), str(expected))
    if kind == "Attachment":
        return False
    return _order(operator, actual, expected) if operator in {"=", "!="} else False


def _quantity_unit(value: Any) -> str:
    if not isinstance(value, dict):
        return ""
    return str(value.get("code") or value.get("unit") or "")


def condition_holds(condition: EnableWhen, answers: list[dict[str, Any]]) -> bool:
    """One enableWhen condition against the answers of the question it names."""
    present = [answer for answer in answers if value_of_answer(answer) is not None]
    if condition.operator == "exists":
        return bool(present) == bool(condition.answer)
    if condition.operator == "!=":
        # FHIR: true when no answer has a value equal to the given one.
        return not any(answer_satisfies(answer, "=", condition) for answer in present)
    return any(answer_satisfies(answer, condition.operator, condition) for answer in present)


def is_enabled(
    item: Item, answers: Answers, *, parents: Mapping[str, Item | None] | None = None
) -> bool:
    """Whether ``item`` is shown, given the answers (by linkId) of the enabled items.

    Pass ``parents`` (from ``parent_map``) to also require every ancestor to be
    enabled; without it only the item's own conditions count (the tree walks
    in this module and in rendering check ancestors as they descend).
    """
    if parents is not None:
        parent = parents.get(item.link_id)
        if parent is not None and not is_enabled(parent, answers, parents=parents):
            return False
    if not item.enable_when:
        return True
    results = (
        condition_holds(condition, list(answers.get(condition.question) or []))
        for condition in item.enable_when
    )
    if item.enable_behavior == "any":
        return any(results)
    return all(results)


def parent_map(definition: Definition) -> dict[str, Item | None]:
    """linkId → the item it sits in (None at the top)."""
    parents: dict[str, Item | None] = {}

    def visit(item: Item, parent: Item | None) -> None:
        parents[item.link_id] = parent
        for child in item.children:
            visit(child, item)

    for top in definition.items:
        visit(top, None)
    return parents


def subtree_link_ids(item: Item) -> list[str]:
    return [descendant.link_id for descendant in item.walk()]


def instance_scope(item: Item, entry_answers: Answers, outer: Answers) -> Answers:
    """The answers a condition inside one instance of a repeating group sees.

    Questions of the group take their answers from this instance only (none
    when the instance has none); everything else from ``outer``.
    """
    own: dict[str, list[dict[str, Any]]] = {link_id: [] for link_id in subtree_link_ids(item)}
    for link_id in own:
        own[link_id] = list(entry_answers.get(link_id) or [])
    return ChainMap(own, dict(outer))


# --- Pruning a response ------------------------------------------------------------------


def prune_disabled(definition: Definition, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The response items without the answers of disabled items (nor unknown linkIds).

    Removing an answer may disable another item, so this repeats until
    nothing changes. Entries left without answers or children are dropped.
    """
    current = items
    for _ in range(_MAX_ROUNDS):
        answers = answers_by_link_id(current)
        pruned = _prune_entries(definition, current, answers)
        if pruned == current:
            return pruned
        current = pruned
    return current


def _prune_entries(
    definition: Definition, entries: list[dict[str, Any]], scope: Answers
) -> list[dict[str, Any]]:
    kept: list[dict[str, Any]] = []
    for entry in entries or []:
        item = definition.by_link_id.get(str(entry.get("linkId") or ""))
        if item is None or not is_enabled(item, scope):
            continue
        inner = scope
        if item.is_group and item.repeats:
            inner = instance_scope(item, answers_by_link_id([entry]), scope)
        new_entry = {k: v for k, v in entry.items() if k not in {"item", "answer"}}
        if entry.get("answer"):
            new_answers = []
            for answer in entry["answer"]:
                new_answer = {k: v for k, v in answer.items() if k != "item"}
                children = _prune_entries(definition, answer.get("item") or [], inner)
                if children:
                    new_answer["item"] = children
                new_answers.append(new_answer)
            new_entry["answer"] = new_answers
        if entry.get("item"):
            children = _prune_entries(definition, entry["item"], inner)
            if children:
                new_entry["item"] = children
        if new_entry.get("answer") or new_entry.get("item"):
            kept.append(new_entry)
    return kept
