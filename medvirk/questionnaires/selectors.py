"""Reads of the questionnaire engine: completed responses and aggregates over answers.

Reports count and average answers across thousands of responses, so every
aggregate here runs in the database over ``Answer`` rows (one typed row per
answer value, indexed on version, question and value) and returns a handful
of numbers. Nothing here iterates over answer rows in Python.

``versions`` is either a list of version primary keys or a queryset that
yields them (``versions_of(questionnaire)``); a queryset becomes a subquery,
so it costs no extra round trip.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypedDict

from django.db.models import (
    CharField,
    Count,
    DecimalField,
    F,
    Max,
    Min,
    QuerySet,
    Sum,
    Value,
)
from django.utils.translation import gettext as _

from medvirk.questionnaires.choices import ResponseStatus
from medvirk.questionnaires.definition import Definition, definition_for
from medvirk.questionnaires.models import Answer, QuestionnaireVersion, Response

if TYPE_CHECKING:
    from medvirk.questionnaires.models import Questionnaire

Versions = Sequence[int] | QuerySet[Any]


class DistributionRow(TypedDict):
    code: str
    system: str
    label: str
    count: int


class Summary(TypedDict):
    n: int
    mean: float | None
    sd: float | None
    min: Decimal | None
    max: Decimal | None


# --- Responses --------------------------------------------------------------------------------


def versions_of(questionnaire: Questionnaire) -> QuerySet[Any]:
    """The primary keys of every version of a questionnaire, usable as a subquery.

    Reports cover all versions: a new version of a form must not hide the
    answers given to the previous one.
    """
    return QuestionnaireVersion.objects.filter(questionnaire=questionnaire).values_list(
        "pk", flat=True
    )


def _completed(questionnaire: Questionnaire) -> QuerySet[Response]:
    # The organisation filter is redundant with the version's questionnaire,
    # but keeps a response of another organisation out even if data were wrong.
    return Response.objects.filter(
        organization_id=questionnaire.organization_id,
        version__questionnaire=questionnaire,
        status=ResponseStatus.COMPLETED,
    )


def questionnaire_responses(questionnaire: Questionnaire) -> QuerySet[Response]:
    """Submitted responses to any version of a questionnaire, newest first.

    Drafts are the respondent's own until submitted, so they are never listed.
    """
    return _completed(questionnaire).select_related("version").order_by("-submitted_at", "-pk")


def response_count(questionnaire: Questionnaire) -> int:
    """How many submitted responses a questionnaire has, across its versions."""
    return _completed(questionnaire).count()


# --- Aggregates over answers ------------------------------------------------------------------


def _version_ids(versions: Versions) -> list[int]:
    """Version keys as a literal list (one small query when given a queryset).

    PostgreSQL plans ``version_id IN (1, 2)`` as one ordered, parallel
    index-only scan that groups as it reads; ``IN (SELECT ...)`` becomes a
    nested loop that must hash or sort a million rows, twice as slow.
    """
    if isinstance(versions, QuerySet):
        found = QuestionnaireVersion.objects.filter(pk__in=versions).order_by()
        return list(found.values_list("pk", flat=True))
    return [int(pk) for pk in versions]


def _answers(link_id: str, version_ids: list[int]) -> QuerySet[Answer]:
    return Answer.objects.filter(version_id__in=version_ids, link_id=link_id).order_by()


def _option_labels(definitions: Sequence[Definition], link_id: str) -> dict[tuple[str, str], str]:
    """(system, code) → label of the item's options, newest definition's order first.

    Options only an older version had follow, so answers to a retired option
    still get their label. Options without a Coding are keyed ("", value as
    text), which is how their answers come back from the database; a boolean
    question gets Yes and No, stored as the codes "true" and "false".
    """
    labels: dict[tuple[str, str], str] = {}
    for definition in definitions:
        item = definition.by_link_id.get(link_id)
        if item is None:
            continue
        if item.type == "boolean":
            labels.setdefault(("", "true"), _("Yes"))
            labels.setdefault(("", "false"), _("No"))
        for option in item.options:
            labels.setdefault((option.system, option.code), option.label)
    return labels


def _versions(versions: Versions) -> list[QuestionnaireVersion]:
    """The versions themselves, newest first, for their definitions."""
    found = QuestionnaireVersion.objects.filter(pk__in=versions).defer("original")
    return list(found.order_by("-number", "-pk"))


def _number_text(number: Decimal | float | None) -> str:
    """A stored number as an integer option's value reads: 3.00000000 → "3"."""
    if number is None:
        return ""
    value = Decimal(str(number)).normalize()
    return format(value, "f")


def _value_key(row: Mapping[str, Any]) -> tuple[str, str]:
    """The (system, code) an aggregated row stands for, comparable with option keys."""
    code = row["value_code"] or row["text"] or _number_text(row["number"])
    return str(row["value_system"] or ""), str(code)


def item_distribution(
    link_id: str,
    *,
    versions: Versions,
    definition: Definition | None = None,
) -> list[DistributionRow]:
    """How often each answer option of one question was chosen.

    One GROUP BY query over the answers (a UNION ALL of two branches, both
    served by the (version, link_id, value_code, value_system) index): coded
    answers (Coding, boolean, Reference) grouped by code and system without
    reading the table — on PostgreSQL an index-only scan — and uncoded
    answers (string, date and integer options, open-choice free text)
    grouped by text and number. See docs/performance.md for the timings.

    Rows come in the option order of the definition, with options nobody
    chose counted 0; answers that match no option (free text, codes a
    version no longer offers) follow, most frequent first, labelled with
    their code or text. Labels come from ``definition``; without one, the
    versions are read for their definitions (that query also yields the
    version keys, so it is two queries either way for a queryset of
    versions, one for a list plus a definition). Definitions are parsed once
    per process.
    """
    if definition is None:
        found = _versions(versions)
        version_ids = [version.pk for version in found]
        definitions = [definition_for(version) for version in found]
    else:
        version_ids = _version_ids(versions)
        definitions = [definition]
    answers = _answers(link_id, version_ids)
    # Grouped by version too, in the order of the index's columns, so the
    # database streams the index instead of hashing every row; the few
    # per-version rows are added up below.
    coded = (
        # "> ''" rather than "<> ''": a range the index serves on every backend.
        answers.filter(value_code__gt="")
        .values(
            "version_id",
            "value_code",
            "value_system",
            text=Value("", output_field=CharField()),
            number=Value(None, output_field=_number_field()),
        )
        .annotate(count=Count("*"))
    )
    uncoded = (
        answers.filter(value_code="")
        .values(
            "version_id",
            "value_code",
            "value_system",
            text=F("value_text"),
            number=F("value_number"),
        )
        .annotate(count=Count("*"))
    )
    counted = list(coded.union(uncoded, all=True))

    labels = _option_labels(definitions, link_id)
    counts: dict[tuple[str, str], int] = dict.fromkeys(labels, 0)
    others: dict[tuple[str, str], int] = {}
    for row in counted:  # one row per distinct value, not per answer
        key = _value_key(row)
        target = counts if key in counts else others
        target[key] = target.get(key, 0) + int(row["count"])
    ordered = list(counts.items()) + sorted(others.items(), key=lambda kv: (-kv[1], kv[0]))
    return [
        DistributionRow(
            code=code, system=system, label=labels.get((system, code), code), count=count
        )
        for (system, code), count in ordered
    ]


def _number_field() -> DecimalField[Any, Any]:
    """A field shaped like ``Answer.value_number``, for the NULL that stands in for it."""
    field = Answer._meta.get_field("value_number")
    assert isinstance(field, DecimalField)
    return DecimalField(max_digits=field.max_digits, decimal_places=field.decimal_places)


def item_summary(link_id: str, *, versions: Versions) -> Summary:
    """Count, mean, sample standard deviation, minimum and maximum of a numeric question.

    Works over ``value_number``: integers and decimals, and the ordinal value
    of a coded answer. The standard deviation is the *sample* one (divisor
    n − 1, as SPSS, R's ``sd`` and Excel's STDEV.S report it); it is None for
    fewer than two answers.

    The database counts each distinct value per version (streaming the
    (version, link_id, value_number) index) and sums over those few groups:
    n, Σx, Σx², min and max, in one query on every backend — SQLite has no
    standard deviation, and summing grouped counts is faster on PostgreSQL
    than ``stddev_samp`` over every row. Only the final arithmetic on those
    five numbers happens here: variance = (Σx² − (Σx)²/n) / (n − 1), exact
    on PostgreSQL, whose sums are numeric.
    """
    grouped = (
        _answers(link_id, _version_ids(versions))
        .filter(value_number__isnull=False)
        .values("version_id", "value_number")
        .annotate(times=Count("*"))
    )
    result = grouped.aggregate(
        n=Sum("times"),
        total=Sum(F("value_number") * F("times"), output_field=DecimalField()),
        squares=Sum(
            F("value_number") * F("value_number") * F("times"), output_field=DecimalField()
        ),
        min=Min("value_number"),
        max=Max("value_number"),
    )
    n = int(result["n"] or 0)
    if n == 0:
        return Summary(n=0, mean=None, sd=None, min=None, max=None)
    total, squares = Decimal(result["total"]), Decimal(result["squares"])
    return Summary(
        n=n,
        mean=float(total / n),
        sd=_sample_sd(n, total, squares),
        min=result["min"],
        max=result["max"],
    )


def _sample_sd(n: int, total: Decimal, squares: Decimal) -> float | None:
    """Sample standard deviation from n, Σx and Σx²."""
    if n < 2:
        return None
    # On SQLite the sums are floats; rounding can push a zero variance below zero.
    variance = max(Decimal(0), (squares - total * total / n) / (n - 1))
    return math.sqrt(variance)


__all__ = [
    "DistributionRow",
    "Summary",
    "item_distribution",
    "item_summary",
    "questionnaire_responses",
    "response_count",
    "versions_of",
]
