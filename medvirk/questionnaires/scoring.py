"""Scores of a QuestionnaireResponse, computed from its definition and instrument rules.

One function, ``score(definition, items, rules)``, does all of it so that the
submit service, the staff pages, exports and the ``score_response`` command
agree on what a response scores:

- the ordinal value of a coded answer is the option's ``ordinal`` in the
  definition (``ordinalValue`` / ``itemWeight``), found by system and code —
  never a number the browser sent;
- numeric answers (integer, decimal, quantity, sliders) count with their
  value, but only when the rules list them in ``score.items`` (a number
  field is not a score unless an instrument says so);
- sums per group and in total, the total multiplied by ``score.multiplier``
  (WHO-5: raw 0–25 × 4 = 0–100);
- helsenorge's scoring codes on ``item.code`` (QS question score, SS section
  score, TS total score) and FHIRPath ``calculatedExpression`` items are
  computed and returned in ``calculated``; a broken expression never breaks
  a submit, its value is just ``None``;
- bands, cutoff, risk items and reliable change from the rules (see
  ``docs/questionnaires.md``, "Instrument rules").

``fill_calculated`` writes the calculated values back into the answers so an
export or a rendered form shows them.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import translation

from medvirk.questionnaires.definition import Definition, Item

logger = logging.getLogger(__name__)

HIGHER_IS_BETTER = "higher_is_better"
HIGHER_IS_WORSE = "higher_is_worse"
DIRECTIONS = frozenset({HIGHER_IS_BETTER, HIGHER_IS_WORSE})

IMPROVED = "improved"
DETERIORATED = "deteriorated"
NO_RELIABLE_CHANGE = "no_reliable_change"

CODED_TYPES = frozenset({"choice", "open-choice"})
NUMERIC_TYPES = frozenset({"integer", "decimal", "quantity"})


# --- Result ---------------------------------------------------------------------------------


@dataclass
class ScoreResult:
    """What a response scores.

    ``total`` is the raw sum times the multiplier (``raw_total`` the sum
    itself); ``None`` when no scored item was answered. ``groups`` holds the
    raw sum per group linkId (groups without a scored answer are left out).
    ``above_cutoff`` is True when the total is on the clinical side of the
    cutoff: at or above it when higher is worse, at or below it when higher
    is better (WHO-5 ≤ 50). ``missing`` lists scored items left unanswered; while
    any is missing, ``band`` and ``above_cutoff`` are None.
    """

    total: Decimal | None = None
    groups: dict[str, Decimal] = field(default_factory=dict)
    calculated: dict[str, Any] = field(default_factory=dict)
    band: dict[str, Any] | None = None
    above_cutoff: bool | None = None
    risks: list[dict[str, Any]] = field(default_factory=list)
    direction: str = HIGHER_IS_WORSE
    raw_total: Decimal | None = None
    missing: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        """A JSON-safe dict (for ``Response.scores`` and the command line).

        Every number is a JSON number: an ``int`` when it is whole, else a
        ``float`` — so 13 stays 13 and 52 stays 52, and a template or a
        spreadsheet can use it without parsing strings.
        """
        return {
            "total": json_number(self.total),
            "raw_total": json_number(self.raw_total),
            "groups": {key: json_number(value) for key, value in self.groups.items()},
            "calculated": {key: json_value(value) for key, value in self.calculated.items()},
            "band": json_value(self.band),
            "above_cutoff": self.above_cutoff,
            "risks": [json_value(risk) for risk in self.risks],
            "direction": self.direction,
            "missing": list(self.missing),
        }


def json_number(value: Any) -> int | float | None:
    """A Decimal (or other number) as int when whole, else float; None stays None."""
    if value is None or isinstance(value, bool):
        return None
    number = to_decimal(value)
    if number is None:
        return None
    if number == number.to_integral_value():
        return int(number)
    return float(number)


def json_value(value: Any) -> Any:
    """``value`` with every Decimal turned into a JSON number, recursively."""
    if isinstance(value, Decimal):
        return json_number(value)
    if isinstance(value, dict):
        return {str(key): json_value(inner) for key, inner in value.items()}
    if isinstance(value, list | tuple):
        return [json_value(inner) for inner in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def to_decimal(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        return value
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


# --- Reading answers ------------------------------------------------------------------------


def iter_answers(items: list[dict[str, Any]]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every (linkId, answer) pair in QuestionnaireResponse items, at any depth."""
    for entry in items or []:
        if not isinstance(entry, dict):
            continue
        link_id = str(entry.get("linkId") or "")
        for answer in entry.get("answer") or []:
            if not isinstance(answer, dict):
                continue
            yield link_id, answer
            yield from iter_answers(answer.get("item") or [])
        yield from iter_answers(entry.get("item") or [])


def answer_value(item: Item | None, answer: dict[str, Any]) -> Decimal | None:
    """The number an answer counts with: a coded answer's ordinal, else a numeric value."""
    for key, value in answer.items():
        if key == "valueCoding" and isinstance(value, dict):
            return _ordinal_of(item, value)
        if key in {"valueInteger", "valueDecimal"}:
            return to_decimal(value)
        if key == "valueQuantity" and isinstance(value, dict):
            return to_decimal(value.get("value"))
        if key in {"valueString", "valueDate", "valueTime"} and item is not None:
            # A choice with plain-value options: look the option up for its ordinal.
            for option in item.options:
                if option.answer.get(key) == value:
                    return option.ordinal
    return None


def _ordinal_of(item: Item | None, coding: dict[str, Any]) -> Decimal | None:
    if item is None:
        return None
    code = str(coding.get("code") or "")
    system = str(coding.get("system") or "")
    for option in item.options:
        if option.value_type == "Coding" and option.code == code and option.system == system:
            return option.ordinal
    # A response written without the system (common in hand-made files): match the code
    # when it is unique among the options.
    matches = [o for o in item.options if o.value_type == "Coding" and o.code == code]
    if len(matches) == 1 and not system:
        return matches[0].ordinal
    return None


def _values(definition: Definition, items: list[dict[str, Any]]) -> dict[str, list[Decimal]]:
    """The countable value of every answer, per linkId."""
    values: dict[str, list[Decimal]] = {}
    for link_id, answer in iter_answers(items):
        number = answer_value(definition.by_link_id.get(link_id), answer)
        if number is not None:
            values.setdefault(link_id, []).append(number)
    return values


def _has_ordinals(item: Item) -> bool:
    return item.type in CODED_TYPES and any(o.ordinal is not None for o in item.options)


def _is_calculated(item: Item) -> bool:
    return bool(item.calculated_expression) or bool(item.scoring_codes & {"TS", "SS"})


def scored_link_ids(definition: Definition, rules: dict[str, Any] | None) -> list[str]:
    """The items that make the total: the rules' list, else QS items, else ordinal items."""
    listed = ((rules or {}).get("score") or {}).get("items")
    if listed:
        return [str(link_id) for link_id in listed]
    answerable = [i for i in definition.walk() if i.answerable and not _is_calculated(i)]
    question_scores = [i.link_id for i in answerable if "QS" in i.scoring_codes]
    if question_scores:
        return question_scores
    return [i.link_id for i in answerable if _has_ordinals(i)]


@dataclass
class _Tree:
    """A definition with each item's parent and document position, looked up once per call."""

    definition: Definition
    parents: dict[str, str | None] = field(default_factory=dict)
    order: dict[str, int] = field(default_factory=dict)

    @classmethod
    def of(cls, definition: Definition) -> _Tree:
        tree = cls(definition)

        def visit(item: Item, parent: str | None) -> None:
            tree.parents[item.link_id] = parent
            tree.order[item.link_id] = len(tree.order)
            for child in item.children:
                visit(child, item.link_id)

        for top in definition.items:
            visit(top, None)
        return tree


# --- Calculated items -----------------------------------------------------------------------


def _sum(values: dict[str, list[Decimal]], link_ids: list[str]) -> Decimal | None:
    found = [v for link_id in link_ids for v in values.get(link_id, [])]
    return sum(found, Decimal(0)) if found else None


def _qs_link_ids(definition: Definition, under: Item | None = None) -> list[str]:
    source = under.walk() if under is not None else definition.walk()
    return [item.link_id for item in source if "QS" in item.scoring_codes]


def _section_of(tree: _Tree, item: Item) -> Item | None:
    """The group an SS item sums: its nearest enclosing group."""
    parent = tree.parents.get(item.link_id)
    while parent is not None:
        candidate = tree.definition.by_link_id[parent]
        if candidate.is_group:
            return candidate
        parent = tree.parents.get(parent)
    return None


def _questionnaire_response(items: list[dict[str, Any]]) -> dict[str, Any]:
    return {"resourceType": "QuestionnaireResponse", "status": "in-progress", "item": items}


def evaluate_expression(
    expression: str,
    items: list[dict[str, Any]],
    questionnaire: dict[str, Any] | None = None,
) -> Any:
    """One FHIRPath expression over the answers; ``None`` if it fails or gives no single value.

    Expressions come from uploaded forms, so any error (syntax, unsupported
    function, type mismatch, runaway recursion) is logged and swallowed.
    """
    if not expression.strip():
        return None
    from fhirpathpy import evaluate
    from fhirpathpy.models import models

    resource = _questionnaire_response(items)
    context = {"resource": resource, "questionnaire": questionnaire or {}}
    try:
        result = evaluate(resource, expression, context, models["r4"])
    except Exception:
        logger.info("calculatedExpression failed: %s", expression, exc_info=True)
        return None
    if not isinstance(result, list) or len(result) != 1:
        return None
    return _plain(result[0])


def _plain(value: Any) -> Any:
    """A FHIRPath result as a plain Decimal/str/bool (quantities give their value)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float | Decimal):
        return to_decimal(value)
    if isinstance(value, dict) and "value" in value:
        return to_decimal(value.get("value"))
    inner = getattr(value, "value", None)
    if inner is not None and not isinstance(value, str):
        return _plain(inner)
    if isinstance(value, str):
        return value
    return None


def _answer_for(item: Item, value: Any) -> dict[str, Any] | None:
    """The FHIR answer that carries ``value`` for an item of this type."""
    if value is None:
        return None
    if isinstance(value, bool):
        return {"valueBoolean": value} if item.type == "boolean" else None
    if item.type in {"string", "text"}:
        return {"valueString": str(value)}
    number = to_decimal(value)
    if number is None:
        return None
    if item.type == "integer":
        return {"valueInteger": int(number.to_integral_value())}
    if item.type == "decimal":
        return {"valueDecimal": json_number(number)}
    if item.type == "quantity":
        quantity: dict[str, Any] = {"value": json_number(number)}
        unit = item.unit or {}
        if unit.get("display") or unit.get("code"):
            quantity["unit"] = unit.get("display") or unit.get("code")
        if unit.get("system"):
            quantity["system"] = unit["system"]
        if unit.get("code"):
            quantity["code"] = unit["code"]
        return {"valueQuantity": quantity}
    return None


def calculate(
    definition: Definition,
    items: list[dict[str, Any]],
    questionnaire: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The value of every TS/SS and calculatedExpression item, in document order."""
    working = _strip_calculated(definition, copy.deepcopy(items or []))
    return _calculate_into(_Tree.of(definition), working, questionnaire)


def _calculate_into(
    tree: _Tree, working: list[dict[str, Any]], questionnaire: dict[str, Any] | None
) -> dict[str, Any]:
    """Compute the calculated items and write each value into ``working`` as it goes.

    Writing before the next item is evaluated lets an expression use an
    earlier calculated item, as a form filler would show it.
    """
    definition = tree.definition
    calculated: dict[str, Any] = {}
    for item in definition.walk():
        if not _is_calculated(item):
            continue
        value: Any
        if item.calculated_expression:
            value = evaluate_expression(item.calculated_expression, working, questionnaire)
        elif "TS" in item.scoring_codes:
            value = _sum(_values(definition, working), _qs_link_ids(definition))
        else:
            section = _section_of(tree, item)
            value = _sum(_values(definition, working), _qs_link_ids(definition, section))
        calculated[item.link_id] = value
        _set_answer(tree, working, item, value)
    return calculated


def _strip_calculated(definition: Definition, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Drop answers to calculated items: a posted value must not stand in for the server's."""
    for entry in items:
        item = definition.by_link_id.get(str(entry.get("linkId") or ""))
        if item is not None and _is_calculated(item):
            entry.pop("answer", None)
        for answer in entry.get("answer") or []:
            _strip_calculated(definition, answer.get("item") or [])
        _strip_calculated(definition, entry.get("item") or [])
    return items


def _find(items: list[dict[str, Any]], link_id: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for entry in items:
        if entry.get("linkId") == link_id:
            found.append(entry)
        for answer in entry.get("answer") or []:
            found.extend(_find(answer.get("item") or [], link_id))
        found.extend(_find(entry.get("item") or [], link_id))
    return found


def _container(
    tree: _Tree, items: list[dict[str, Any]], link_id: str
) -> list[dict[str, Any]] | None:
    """The item list an entry for ``link_id`` belongs in, creating its groups when missing."""
    parent_id = tree.parents.get(link_id)
    if parent_id is None:
        return items
    parent = tree.definition.by_link_id[parent_id]
    if not parent.is_group:
        return None  # a child of a question lives under an answer; do not invent one
    outer = _container(tree, items, parent_id)
    if outer is None:
        return None
    entries = [entry for entry in outer if entry.get("linkId") == parent_id]
    if entries:
        entry = entries[0]
    else:
        entry = {"linkId": parent_id}
        if parent.text:
            entry["text"] = parent.text
        entry["item"] = []
        _insert_ordered(tree, outer, entry, parent_id)
    entry.setdefault("item", [])
    children: list[dict[str, Any]] = entry["item"]
    return children


def _insert_ordered(
    tree: _Tree, siblings: list[dict[str, Any]], entry: dict[str, Any], link_id: str
) -> None:
    """Insert ``entry`` among ``siblings`` where the definition orders it."""
    order = tree.order
    position = order.get(link_id, len(order))
    for index, sibling in enumerate(siblings):
        if order.get(str(sibling.get("linkId") or ""), len(order)) > position:
            siblings.insert(index, entry)
            return
    siblings.append(entry)


def _set_answer(tree: _Tree, items: list[dict[str, Any]], item: Item, value: Any) -> None:
    answer = _answer_for(item, value)
    entries = _find(items, item.link_id)
    if answer is None:
        for entry in entries:
            entry.pop("answer", None)
        return
    if not entries:
        container = _container(tree, items, item.link_id)
        if container is None:
            return
        created: dict[str, Any] = {"linkId": item.link_id}
        if item.text:
            created["text"] = item.text
        _insert_ordered(tree, container, created, item.link_id)
        entries = [created]
    for entry in entries:
        entry["answer"] = [copy.deepcopy(answer)]


def fill_calculated(
    definition: Definition,
    items: list[dict[str, Any]],
    questionnaire: dict[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """A copy of ``items`` with every calculated/TS/SS item answered with its value.

    Items whose value cannot be computed are left without an answer.
    """
    working = _strip_calculated(definition, copy.deepcopy(items or []))
    _calculate_into(_Tree.of(definition), working, questionnaire)
    return working


# --- Rules ----------------------------------------------------------------------------------


def localized(labels: Any, fallback: str = "") -> str:
    """A text in the active language from ``{"nb": …, "en": …}``; fallback nb, then en."""
    if isinstance(labels, str):
        return labels
    if not isinstance(labels, dict) or not labels:
        return fallback
    language = (translation.get_language() or "nb").lower()
    for key in (language, language.split("-")[0], "nb", "en"):
        if labels.get(key):
            return str(labels[key])
    return str(next(iter(labels.values()), fallback))


def _band(rules: dict[str, Any], total: Decimal) -> dict[str, Any] | None:
    bands = rules.get("bands") or []
    chosen: dict[str, Any] | None = None
    for band in bands:
        low, high = to_decimal(band.get("min")), to_decimal(band.get("max"))
        if (low is None or total >= low) and (high is None or total <= high):
            chosen = band
            break
    if chosen is None:
        # A total between two bands (a decimal score): the last band it has reached.
        for band in bands:
            low = to_decimal(band.get("min"))
            if low is not None and total >= low:
                chosen = band
    if chosen is None:
        return None
    return {
        "label": localized(chosen.get("label")),
        "labels": dict(chosen.get("label") or {}) if isinstance(chosen.get("label"), dict) else {},
        "severity": str(chosen.get("severity") or ""),
        "min": to_decimal(chosen.get("min")),
        "max": to_decimal(chosen.get("max")),
    }


def direction_of(rules: dict[str, Any] | None) -> str:
    direction = str((rules or {}).get("direction") or HIGHER_IS_WORSE)
    return direction if direction in DIRECTIONS else HIGHER_IS_WORSE


def _above_cutoff(rules: dict[str, Any], total: Decimal) -> bool | None:
    cutoff = rules.get("cutoff")
    if isinstance(cutoff, dict):
        cutoff = cutoff.get("value")
    threshold = to_decimal(cutoff)
    if threshold is None:
        return None
    if direction_of(rules) == HIGHER_IS_BETTER:
        return total <= threshold
    return total >= threshold


def _risks(
    definition: Definition, rules: dict[str, Any], values: dict[str, list[Decimal]]
) -> list[dict[str, Any]]:
    risks: list[dict[str, Any]] = []
    for rule in rules.get("risk_items") or []:
        link_id = str(rule.get("link_id") or "")
        threshold = to_decimal(rule.get("threshold"))
        found = values.get(link_id)
        if threshold is None or not found:
            continue
        value = max(found)
        if value >= threshold:
            item = definition.by_link_id.get(link_id)
            risks.append(
                {
                    "link_id": link_id,
                    "text": localized(rule.get("label"), item.text if item else link_id),
                    "value": value,
                    "threshold": threshold,
                }
            )
    return risks


def score(
    definition: Definition,
    items: list[dict[str, Any]],
    rules: dict[str, Any] | None = None,
    questionnaire: dict[str, Any] | None = None,
) -> ScoreResult:
    """Score answers (QuestionnaireResponse ``item`` JSON) against a definition and rules.

    ``questionnaire`` (the resource) is offered to FHIRPath as ``%questionnaire``.
    """
    rules = rules or {}
    items = items or []
    calculated = calculate(definition, items, questionnaire)
    working = _strip_calculated(definition, copy.deepcopy(items))
    values = _values(definition, working)

    scored = scored_link_ids(definition, rules)
    scored_set = set(scored)
    raw_total = _sum(values, scored)
    multiplier = to_decimal((rules.get("score") or {}).get("multiplier")) or Decimal(1)
    total = raw_total * multiplier if raw_total is not None else None

    groups: dict[str, Decimal] = {}
    for group in definition.walk():
        if not group.is_group:
            continue
        inside = [i.link_id for i in group.walk() if i.link_id in scored_set]
        group_sum = _sum(values, inside)
        if group_sum is not None:
            groups[group.link_id] = group_sum

    missing = [link_id for link_id in scored if link_id not in values]
    # A band or cutoff read off a partial total would understate severity:
    # both are given only when every scored item is answered.
    complete = total is not None and not missing
    return ScoreResult(
        total=total,
        raw_total=raw_total,
        groups=groups,
        calculated=calculated,
        band=_band(rules, total) if complete and total is not None else None,
        above_cutoff=_above_cutoff(rules, total) if complete and total is not None else None,
        risks=_risks(definition, rules, values),
        direction=direction_of(rules),
        missing=missing,
    )


def reliable_change(
    rules: dict[str, Any], before: Decimal | float, after: Decimal | float
) -> str | None:
    """Whether the change from ``before`` to ``after`` (totals) is reliable, and which way.

    The threshold ``rules["reliable_change"]`` is on the same scale as the
    total (WHO-5: the 0–100 percentage). A change of at least the threshold
    is "improved" or "deteriorated" depending on ``direction``.
    """
    threshold = to_decimal((rules or {}).get("reliable_change"))
    start, end = to_decimal(before), to_decimal(after)
    if threshold is None or start is None or end is None:
        return None
    change = end - start
    if abs(change) < threshold or change == 0:
        return NO_RELIABLE_CHANGE
    better = change > 0 if direction_of(rules) == HIGHER_IS_BETTER else change < 0
    return IMPROVED if better else DETERIORATED
