"""Survey results: distributions, means with confidence intervals, by unit and by round.

Everything is aggregated in the database. One query groups the answers of
every round of the survey's series by (round, unit, question, value) and,
from those groups, sums n, Σx and Σx² per (round, unit, question); a second
counts the responses per (round, unit) for the small-group rules. Python
only adds per-unit sums up to the organisation's (sums are additive, so
that is exact) and finishes the arithmetic: mean, sample standard deviation
and the confidence interval.

**Kept sums.** A round's sums are kept in the cache and, for rounds of
``STORE_FROM`` responses or more, in the database (``RoundSums``), with the
count and highest response id they cover; a request adds only the responses
stored since (``round_groups``). The worker keeps the stored sums current
(``results_tasks``), so after a restart a page reads them instead of
aggregating a whole large round.

**Confidence interval.** A 95 % *t*-interval for every n ≥ 2:
mean ± t(0.975, n − 1) · s / √n, with s the sample standard deviation
(divisor n − 1). The t quantile is computed exactly (Student's t
distribution through the regularised incomplete beta function), so small
units get the wider interval they need and large ones converge on the
normal interval (1.96).

**Small groups.** A group — a round, a unit in a round — with fewer
responses than ``minimum_group_size(organization)`` shows no numbers at all.
If the whole round is below the minimum, nothing but "fewer than N" is
shown. Suppression must survive subtraction: the organisation total minus
every unit shown equals what is hidden (the suppressed units plus answers
without a unit), so ``protect`` also hides the smallest shown units until
that remainder is either nothing or at least the minimum. With exactly two
units and one of them suppressed, the other is therefore suppressed too
(the organisation total stays, as it is the sum over a large enough group).
The rule is applied per round; the unit × round cells of a trend are the
cells of each round's own breakdown. Per question, the numbers of a shown
group are shown whatever the number of people who answered that question:
the group, not the question, is what protects a person.

Shares are of the answers given to the question in the group (for a
question allowing several answers, of all answers given).
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
from collections import defaultdict
from collections.abc import Hashable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import Any, TypeVar

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Count, Max
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from medvirk.core.privacy import minimum_group_size
from medvirk.organizations.models import Unit
from medvirk.questionnaires.definition import Definition, Item, definition_for
from medvirk.questionnaires.models import Answer
from medvirk.surveys.models import RoundSums, Survey, SurveyResponse

K = TypeVar("K", bound=Hashable)

CONFIDENCE = 0.95
# Item types with a distribution, a mean, or free text.
CHOICE_TYPES = frozenset({"choice", "open-choice"})
NUMERIC_TYPES = frozenset({"integer", "decimal"})
FREE_TEXT_TYPES = frozenset({"text", "string"})

ORGANIZATION = "organization"  # the key of the whole-survey group


# --- Statistics -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Estimate:
    """A mean with its 95 % confidence interval; None where n is too small for it."""

    n: int
    mean: float | None = None
    sd: float | None = None
    low: float | None = None
    high: float | None = None

    @property
    def half_width(self) -> float | None:
        if self.low is None or self.mean is None:
            return None
        return self.mean - self.low


def _betacf(a: float, b: float, x: float) -> float:
    """Continued fraction of the incomplete beta function (modified Lentz)."""
    tiny = 1e-300
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 300):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < 1e-15:
            break
    return h


def _incomplete_beta(a: float, b: float, x: float) -> float:
    """The regularised incomplete beta function I_x(a, b)."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    front = math.exp(
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    )
    if x < (a + 1.0) / (a + b + 2.0):
        return front * _betacf(a, b, x) / a
    return 1.0 - front * _betacf(b, a, 1.0 - x) / b


def t_cdf(t: float, df: int) -> float:
    """P(T ≤ t) for Student's t distribution with ``df`` degrees of freedom."""
    tail = 0.5 * _incomplete_beta(df / 2.0, 0.5, df / (df + t * t))
    return 1.0 - tail if t >= 0 else tail


@lru_cache(maxsize=4096)
def t_quantile(p: float, df: int) -> float:
    """The ``p`` quantile (p > 0.5) of Student's t, by bisection on the exact CDF.

    t(0.975, 4) = 2.7764, t(0.975, 29) = 2.0452, and → 1.9600 as df grows.
    """
    low, high = 0.0, 1.0
    while t_cdf(high, df) < p:
        high *= 2.0
    for _step in range(100):
        middle = (low + high) / 2.0
        if t_cdf(middle, df) < p:
            low = middle
        else:
            high = middle
        if high - low < 1e-10:
            break
    return (low + high) / 2.0


def estimate(n: int, total: Decimal | float | int, squares: Decimal | float | int) -> Estimate:
    """Mean, sample SD and 95 % t-interval from n, Σx and Σx² (as the database sums them).

    variance = (Σx² − (Σx)²/n) / (n − 1); half-width = t(0.975, n − 1) · √variance / √n.
    """
    if n <= 0:
        return Estimate(n=0)
    total_d, squares_d = Decimal(str(total)), Decimal(str(squares))
    mean = float(total_d / n)
    if n < 2:
        return Estimate(n=n, mean=mean)
    # SQLite sums in floats: rounding can push a zero variance just below zero.
    variance = max(Decimal(0), (squares_d - total_d * total_d / n) / (n - 1))
    sd = math.sqrt(variance)
    half = t_quantile(0.5 + CONFIDENCE / 2, n - 1) * sd / math.sqrt(n)
    return Estimate(n=n, mean=mean, sd=sd, low=mean - half, high=mean + half)


# --- Small groups -----------------------------------------------------------------------------


def protect(counts: Mapping[K, int], total: int, minimum: int) -> set[K]:
    """The groups to hide: those below ``minimum``, and enough others to stop subtraction.

    ``counts`` are the shown-or-hidden parts of ``total`` (units of a round);
    whatever of ``total`` is in no part (answers without a unit) is hidden
    anyway. After hiding the small groups, ``total`` minus the shown parts
    is what the hidden ones hold together; if that remainder is above zero
    but below ``minimum`` it would reveal a small group, so the smallest
    shown part is hidden as well, until the remainder is 0 or ≥ ``minimum``.
    """
    hidden = {key for key, count in counts.items() if count < minimum}
    while True:
        shown = [key for key in counts if key not in hidden]
        remainder = total - sum(counts[key] for key in shown)
        if remainder <= 0 or remainder >= minimum or not shown:
            return hidden
        hidden.add(min(shown, key=lambda key: (counts[key], str(key))))


# --- Results --------------------------------------------------------------------------------


@dataclass(frozen=True)
class OptionCount:
    code: str
    label: str
    count: int
    share: float  # 0..1 of the answers to the question in the group


@dataclass
class Cell:
    """One group's numbers for one question; ``suppressed`` cells carry none."""

    key: Any  # ORGANIZATION, a unit id or a round (survey) id
    label: str
    suppressed: bool
    answers: int = 0
    options: list[OptionCount] = field(default_factory=list)
    estimate: Estimate | None = None

    @property
    def has_mean(self) -> bool:
        return self.estimate is not None and self.estimate.mean is not None


@dataclass
class Question:
    item: Item
    kind: str  # "ordinal" (distribution and mean), "nominal" (distribution), "numeric" (mean)
    scale: tuple[float, float] | None  # the axis of the mean charts
    cell: Cell  # the selected group (unit or organisation) in the selected round
    organization: Cell  # the whole round
    units: list[Cell]  # every targeted unit of the selected round
    rounds: list[Cell]  # the selected group in every round, oldest first

    @property
    def link_id(self) -> str:
        return self.item.link_id

    @property
    def has_distribution(self) -> bool:
        return self.kind in {"ordinal", "nominal"}

    @property
    def has_mean(self) -> bool:
        return self.kind in {"ordinal", "numeric"}


@dataclass
class Round:
    survey: Survey
    label: str
    responses: int
    suppressed: bool  # the whole round is below the minimum
    unit_ids: set[int]  # the units it targeted
    hidden_units: set[int]  # targeted units whose numbers are not shown
    last_response: int = 0  # the highest response id, to tell whether cached sums are current


@dataclass
class SurveyResults:
    survey: Survey  # the selected round
    definition: Definition
    minimum: int
    rounds: list[Round]  # the series, oldest first
    round: Round  # the selected one
    units: list[Unit]  # targeted units of the selected round
    unit: Unit | None  # the unit filter
    questions: list[Question]
    free_text_items: list[Item]

    @property
    def suppressed(self) -> bool:
        """Nothing but the size bucket may be shown for the selected round."""
        return self.round.suppressed

    @property
    def unit_suppressed(self) -> bool:
        return self.unit is not None and self.unit.pk in self.round.hidden_units

    @property
    def responses(self) -> int:
        return self.round.responses

    @property
    def has_trend(self) -> bool:
        return len(self.rounds) > 1


def round_label(survey: Survey) -> str:
    """A round's name: its label, or the day it opened."""
    return survey.round_label or date_format(survey.opens_on, "SHORT_DATE_FORMAT")


def series_rounds(survey: Survey) -> list[Survey]:
    """Every round of the survey's series in its organisation, oldest first."""
    return list(
        Survey.objects.filter(organization_id=survey.organization_id, series=survey.series)
        .select_related("version")
        .defer("version__original")
        .order_by("opens_on", "pk")
    )


def _kind(item: Item) -> str | None:
    if item.type in CHOICE_TYPES:
        ordinal = any(option.ordinal is not None for option in item.options)
        return "ordinal" if ordinal and not item.multiple else "nominal"
    if item.type == "boolean":
        return "nominal"
    if item.type in NUMERIC_TYPES and not item.repeats:
        return "numeric"
    return None


def reported_items(definition: Definition) -> list[tuple[Item, str]]:
    """The questions results are shown for, with their kind, in form order."""
    found = []
    for item in definition.answerable_items():
        kind = _kind(item)
        if kind is not None:
            found.append((item, kind))
    return found


def free_text_items(definition: Definition) -> list[Item]:
    return [item for item in definition.answerable_items() if item.type in FREE_TEXT_TYPES]


def _scale(item: Item, kind: str) -> tuple[float, float] | None:
    if kind == "ordinal":
        ordinals = [float(o.ordinal) for o in item.options if o.ordinal is not None]
        return (min(ordinals), max(ordinals)) if ordinals else None
    if kind == "numeric" and item.min_value is not None and item.max_value is not None:
        try:
            return float(item.min_value), float(item.max_value)
        except (TypeError, ValueError):
            return None
    return None


# --- Database -------------------------------------------------------------------------------

# Bump when what is cached or stored changes shape: it is part of every key.
CACHE_VERSION = 2
# Up to this many new responses since a round's sums were cached or stored are added to
# those sums; more, and the round is aggregated afresh.
DELTA_LIMIT = 5000
CACHE_SECONDS = 7 * 24 * 3600
# Rounds with at least this many responses also keep their sums in the database
# (``RoundSums``), so that a restart does not aggregate them again. Below it the
# aggregate takes a few milliseconds, about what reading and writing the row would.
STORE_FROM = 500
# A request that added new responses to a round's sums writes them back to the database
# only when the stored row is this far behind: the worker keeps it current
# (``results_tasks.schedule_sums_refresh``), and a page view should not be a write.
STORE_EVERY = 1000
OTHER = ("", "")  # the value key every unknown uncoded answer is counted under

logger = logging.getLogger(__name__)


@dataclass
class GroupSums:
    """One (round, unit, question) group: n, Σx, Σx² and the count of each value."""

    n: int = 0
    total: Decimal = Decimal(0)
    squares: Decimal = Decimal(0)
    options: dict[tuple[str, str], int] = field(default_factory=dict)


# link_id → unit id (None: answered without a unit) → sums
RoundGroups = dict[str, dict[int | None, GroupSums]]


@dataclass
class RoundAggregate:
    """A round's sums and the responses they cover, as cached and as stored."""

    responses: int
    last_response: int  # the highest response id included
    groups: RoundGroups
    stored: int | None = None  # the responses the stored row covers, as far as known

    def covers(self, responses: int, last_response: int) -> bool:
        return self.responses == responses and self.last_response == last_response


def groups_to_json(groups: RoundGroups) -> dict[str, Any]:
    """``groups`` as JSON, exactly: Σx and Σx² as decimal strings, values as [system, code, n].

    ``{link_id: {unit id or "": {"n", "total", "squares", "options"}}}``.
    """
    return {
        link_id: {
            "" if unit_id is None else str(unit_id): {
                "n": sums.n,
                "total": str(sums.total),
                "squares": str(sums.squares),
                "options": [[system, code, n] for (system, code), n in sums.options.items()],
            }
            for unit_id, sums in by_unit.items()
        }
        for link_id, by_unit in groups.items()
    }


def _exact(value: Any) -> Decimal:
    if not isinstance(value, str):
        raise TypeError("sums are stored as decimal strings")
    return Decimal(value)


def groups_from_json(data: Any) -> RoundGroups:
    """The sums ``groups_to_json`` wrote; ValueError for anything else."""
    try:
        return {
            str(link_id): {
                (int(unit) if unit else None): GroupSums(
                    n=int(sums["n"]),
                    total=_exact(sums["total"]),
                    squares=_exact(sums["squares"]),
                    options={(str(s), str(c)): int(n) for s, c, n in sums["options"]},
                )
                for unit, sums in by_unit.items()
            }
            for link_id, by_unit in data.items()
        }
    except (AttributeError, KeyError, TypeError, ValueError, ArithmeticError) as error:
        raise ValueError("not a round's stored sums") from error


def response_counts(round_ids: Sequence[int]) -> dict[tuple[int, int | None], tuple[int, int]]:
    """(responses, highest response id) per (round, unit), in one GROUP BY."""
    rows = (
        SurveyResponse.objects.filter(survey_id__in=round_ids)
        .order_by()
        .values_list("survey_id", "unit_id")
        .annotate(count=Count("*"), last=Max("response_id"))
    )
    return {(survey_id, unit_id): (count, last) for survey_id, unit_id, count, last in rows}


def _number_text(value: Any) -> str:
    if value is None:
        return ""
    return format(Decimal(str(value)).normalize(), "f")


@dataclass(frozen=True)
class ItemPlan:
    """Which questions of a set of rounds are aggregated, and how."""

    distribution: tuple[str, ...]  # value counts
    means: tuple[str, ...]  # n, Σx, Σx²
    by_text: tuple[str, ...]  # uncoded options (string, date, time): counted by their text
    keys: Mapping[str, frozenset[tuple[str, str]]]  # the option keys of each question

    @property
    def link_ids(self) -> list[str]:
        return sorted(set(self.distribution) | set(self.means))

    @property
    def digest(self) -> str:
        """A short fingerprint of the plan: sums made by another plan are not these."""
        shape = [
            self.distribution,
            self.means,
            self.by_text,
            sorted((link_id, sorted(keys)) for link_id, keys in self.keys.items()),
        ]
        return hashlib.sha256(json.dumps(shape).encode()).hexdigest()[:12]


def item_plan(definitions: Iterable[Definition]) -> ItemPlan:
    distribution: set[str] = set()
    means: set[str] = set()
    by_text: set[str] = set()
    keys: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for definition in definitions:
        for item, kind in reported_items(definition):
            if kind != "numeric":
                distribution.add(item.link_id)
            if kind != "nominal":
                means.add(item.link_id)
            if any(o.value_type in {"String", "Date", "Time"} for o in item.options):
                by_text.add(item.link_id)
            keys[item.link_id].update(_option_labels([definition], item.link_id))
    return ItemPlan(
        distribution=tuple(sorted(distribution)),
        means=tuple(sorted(means)),
        by_text=tuple(sorted(by_text)),
        keys={link_id: frozenset(found) for link_id, found in keys.items()},
    )


def _marks(values: Sequence[Any]) -> str:
    return ", ".join(["%s"] * len(values))


def aggregate_answers(
    round_ids: Sequence[int],
    version_ids: Sequence[int],
    plan: ItemPlan,
    *,
    response_ids: Sequence[int] | None = None,
    up_to: Mapping[int, int] | None = None,
) -> dict[int, RoundGroups]:
    """Counts per value and n, Σx, Σx² per (round, unit, question), in one query.

    The answers are joined to their ``SurveyResponse`` (for round and unit),
    grouped by value once (the ``grouped`` CTE), and that small table is
    read twice: the value counts of the questions with a distribution, and
    the sums of the questions with a mean. Uncoded answers without a number
    are grouped by their text only for questions whose options are texts
    (``plan.by_text``); any text that is not an option — open-choice free
    text — is counted as "other" here, so no free text leaves this function.
    ``response_ids`` limits the query to those responses (new ones since
    the cached sums), read through the response indexes. ``up_to`` gives
    each round the highest response id to include — the one its counts
    saw — so that a response stored meanwhile is not in the sums twice
    once it is added as new.
    """
    link_ids = plan.link_ids
    if not round_ids or not version_ids or not link_ids:
        return {}
    answers = Answer._meta.db_table
    responses = SurveyResponse._meta.db_table
    distribution = list(plan.distribution) or [""]
    means = list(plan.means) or [""]
    text_key = "''"
    params: list[int | str] = []
    if plan.by_text:
        text_key = (
            f"CASE WHEN a.link_id IN ({_marks(plan.by_text)}) AND a.value_code = '' "
            "AND a.value_number IS NULL THEN a.value_text ELSE '' END"
        )
    group_text = f", {text_key}" if plan.by_text else ""
    only = ""
    limits: list[int] = []
    if response_ids is not None:
        only = (
            f"AND a.response_id IN ({_marks(response_ids)}) "
            f"AND sr.response_id IN ({_marks(response_ids)})"
        )
        limits = [*response_ids, *response_ids]
    elif up_to is not None:
        cases = " ".join(["WHEN %s THEN %s"] * len(round_ids))
        only = f"AND sr.response_id <= CASE sr.survey_id {cases} END"
        for round_id in round_ids:
            limits += [round_id, up_to.get(round_id, 0)]
    sql = f"""
        WITH grouped AS (
            SELECT sr.survey_id, sr.unit_id, a.link_id, a.value_code, a.value_system,
                a.value_number, {text_key} AS value_text, COUNT(*) AS answers
            FROM {answers} a
            INNER JOIN {responses} sr ON sr.response_id = a.response_id
            WHERE a.version_id IN ({_marks(version_ids)})
              AND a.link_id IN ({_marks(link_ids)})
              AND sr.survey_id IN ({_marks(round_ids)})
              {only}
            GROUP BY sr.survey_id, sr.unit_id, a.link_id, a.value_code, a.value_system,
                a.value_number{group_text}
        )
        SELECT 0, survey_id, unit_id, link_id, value_code, value_system, value_number,
            value_text, answers, NULL, NULL
        FROM grouped WHERE link_id IN ({_marks(distribution)})
        UNION ALL
        SELECT 1, survey_id, unit_id, link_id, '', '', NULL, '', SUM(answers),
            SUM(answers * value_number), SUM(answers * value_number * value_number)
        FROM grouped WHERE link_id IN ({_marks(means)}) AND value_number IS NOT NULL
        GROUP BY survey_id, unit_id, link_id
    """  # noqa: S608 - table names come from the models, values are parameters
    params += [*plan.by_text, *version_ids, *link_ids, *round_ids, *limits]
    params += [*plan.by_text, *distribution, *means]
    found: dict[int, RoundGroups] = {}
    postgres = connection.vendor == "postgresql"
    with transaction.atomic() if postgres else nullcontext(), connection.cursor() as cursor:
        if postgres:
            # JIT-compiling this short aggregate costs more (~150 ms) than it saves.
            cursor.execute("SET LOCAL jit = off")
        cursor.execute(sql, params)
        for kind, survey_id, unit_id, link_id, code, system, number, text, n, s1, s2 in cursor:
            by_unit = found.setdefault(survey_id, {}).setdefault(link_id, {})
            group = by_unit.setdefault(unit_id, GroupSums())
            if kind == 0:
                value = (str(system or ""), str(code or text or _number_text(number)))
                if not code and number is None and value not in plan.keys.get(link_id, ()):
                    value = OTHER
                group.options[value] = group.options.get(value, 0) + int(n)
            else:
                group.n = int(n)
                group.total = Decimal(str(s1))
                group.squares = Decimal(str(s2))
    return found


def _merge(into: RoundGroups, new: RoundGroups) -> RoundGroups:
    for link_id, by_unit in new.items():
        target = into.setdefault(link_id, {})
        for unit_id, group in by_unit.items():
            target[unit_id] = _add_up([target.get(unit_id, GroupSums()), group])
    return into


def sums_key(survey: Survey, plan: ItemPlan) -> str:
    """What a round's cached and stored sums are valid for.

    The shape (``CACHE_VERSION``), the round (its id and random token: a
    reused id never finds old sums), its form version and what is aggregated
    of that form (the plan's digest): if any of them changes, the old sums
    are not used.
    """
    return (
        f"surveys:results:{CACHE_VERSION}:{survey.pk}:{survey.token}:"
        f"{survey.version_id}:{plan.digest}"
    )


def round_groups(
    rounds: Sequence[Round], definitions: Mapping[int, Definition]
) -> dict[int, RoundGroups]:
    """Every shown round's sums: cached, stored, or aggregated now.

    ``definitions`` maps each round's form version id to its definition.
    Each round is aggregated for the questions of its own form, so its sums
    are the same whichever page asks and can be kept. Submitted responses
    never change, so a round's sums only grow; the counts query (which the
    small-group rules need anyway) tells by count and highest response id
    whether kept sums are current. In order:

    1. the cache, when current;
    2. the cache plus the responses added since (up to ``DELTA_LIMIT``):
       only those are aggregated and added — exact, as counts and sums are
       additive;
    3. for rounds of ``STORE_FROM`` responses or more that the cache could
       not serve, the stored ``RoundSums`` (one query for all of them), as
       they are or plus the responses added since — the normal way after a
       restart, as the worker keeps them current;
    4. otherwise (nothing kept, fewer responses than kept — an erasure —,
       or more than ``DELTA_LIMIT`` new) a fresh aggregate, one query per
       form version for all such rounds.

    Everything goes back to the cache; to the database a fresh aggregate,
    sums never stored, and sums ``STORE_EVERY`` responses ahead of the
    stored row. Kept sums hold counts and sums only, never an answer's text.
    """
    wanted = [r for r in rounds if not r.suppressed]
    plans = {r.survey.version_id: item_plan([definitions[r.survey.version_id]]) for r in wanted}
    keys = {r.survey.pk: sums_key(r.survey, plans[r.survey.version_id]) for r in wanted}
    cached: dict[str, RoundAggregate] = cache.get_many(list(keys.values())) if keys else {}
    result: dict[int, RoundGroups] = {}
    done: dict[int, RoundAggregate] = {}
    missing: list[Round] = []
    for round_ in wanted:
        found = cached.get(keys[round_.survey.pk])
        if found is not None and found.covers(round_.responses, round_.last_response):
            result[round_.survey.pk] = found.groups
            continue
        extended = _extended(round_, found, plans[round_.survey.version_id])
        if extended is None:
            missing.append(round_)
        else:
            done[round_.survey.pk] = extended
    large = {r.survey.pk: keys[r.survey.pk] for r in missing if r.responses >= STORE_FROM}
    stored = stored_sums(large)
    fresh: dict[int, list[Round]] = {}
    for round_ in missing:
        found = stored.get(round_.survey.pk)
        if found is not None and found.covers(round_.responses, round_.last_response):
            done[round_.survey.pk] = found
            continue
        extended = _extended(round_, found, plans[round_.survey.version_id])
        if extended is None:
            fresh.setdefault(round_.survey.version_id, []).append(round_)
        else:
            done[round_.survey.pk] = extended
    for version_id, group in fresh.items():
        computed = aggregate_answers(
            [r.survey.pk for r in group],
            [version_id],
            plans[version_id],
            up_to={r.survey.pk: r.last_response for r in group},
        )
        for round_ in group:
            done[round_.survey.pk] = RoundAggregate(
                round_.responses, round_.last_response, computed.get(round_.survey.pk, {})
            )
    by_id = {r.survey.pk: r for r in wanted}
    behind = [
        (pk, keys[pk], found)
        for pk, found in done.items()
        if by_id[pk].responses >= STORE_FROM
        and (found.stored is None or abs(found.responses - found.stored) >= STORE_EVERY)
    ]
    store_sums(behind)
    for pk, found in done.items():
        result[pk] = found.groups
    if done:
        cache.set_many({keys[pk]: found for pk, found in done.items()}, CACHE_SECONDS)
    return result


def _extended(round_: Round, found: RoundAggregate | None, plan: ItemPlan) -> RoundAggregate | None:
    """``found`` plus the round's responses added since, or None if a full run is needed."""
    survey = round_.survey
    added = _new_since(survey.pk, round_.responses, round_.last_response, found)
    if found is None or added is None:
        return None
    new = aggregate_answers([survey.pk], [survey.version_id], plan, response_ids=added)
    groups = _merge(found.groups, new.get(survey.pk, {}))
    return RoundAggregate(round_.responses, round_.last_response, groups, stored=found.stored)


def _new_since(
    survey_id: int, responses: int, last_response: int, found: RoundAggregate | None
) -> list[int] | None:
    """The ids of the responses added since ``found``, or None if a full run is needed."""
    if found is None:
        return None
    added = responses - found.responses
    if added <= 0 or added > DELTA_LIMIT or last_response <= found.last_response:
        return None
    ids = list(
        SurveyResponse.objects.filter(
            survey_id=survey_id, response_id__gt=found.last_response
        ).values_list("response_id", flat=True)[: DELTA_LIMIT + 1]
    )
    # Anything else changed too (a response removed and another added): start over.
    return ids if len(ids) == added else None


def stored_sums(keys: Mapping[int, str]) -> dict[int, RoundAggregate]:
    """The stored sums of these rounds (round id → its key), in one query.

    A row stored under another key (another shape, form version or plan) is
    not these rounds' sums and is left out, as is one that does not read back.
    """
    if not keys:
        return {}
    rows = RoundSums.objects.filter(survey_id__in=list(keys)).values_list(
        "survey_id", "key", "responses", "last_response", "groups"
    )
    found: dict[int, RoundAggregate] = {}
    for survey_id, key, responses, last_response, groups in rows:
        if key != keys[survey_id]:
            continue
        try:
            parsed = groups_from_json(groups)
        except ValueError:
            logger.warning("The stored sums of survey %s do not read back; recomputing", survey_id)
            continue
        found[survey_id] = RoundAggregate(responses, last_response, parsed, stored=responses)
    return found


def store_sums(rounds: Sequence[tuple[int, str, RoundAggregate]]) -> None:
    """Write (round id, key, sums) to ``RoundSums`` in one upsert; mark them stored."""
    if not rounds:
        return
    RoundSums.objects.bulk_create(
        [
            RoundSums(
                survey_id=survey_id,
                key=key,
                responses=found.responses,
                last_response=found.last_response,
                groups=groups_to_json(found.groups),
            )
            for survey_id, key, found in rounds
        ],
        update_conflicts=True,
        unique_fields=["survey"],
        update_fields=["key", "responses", "last_response", "groups", "updated_at"],
    )
    for _survey_id, _key, found in rounds:
        found.stored = found.responses


@contextmanager
def _snapshot() -> Iterator[None]:
    """A transaction whose reads all see one moment (PostgreSQL: repeatable read).

    Then a round's count, highest response id and sums describe the same
    responses, however many are stored meanwhile. Nested in another
    transaction, it is only a savepoint of that one.
    """
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        yield


def _round_plan(survey: Survey) -> ItemPlan:
    return item_plan([definition_for(survey.version)])


def refresh_stored_sums(survey_id: int) -> bool:
    """Bring one round's stored sums (and cached ones) up to date; whether it wrote them.

    For the worker (``results_tasks.refresh_round_sums``): the responses
    added since the stored sums when there are at most ``DELTA_LIMIT``,
    otherwise the whole round. Rounds below ``STORE_FROM`` responses are
    not stored (readers aggregate them quickly), nor is a round that has
    gone.
    """
    survey = (
        Survey.objects.select_related("version")
        .defer("version__original")
        .filter(pk=survey_id)
        .first()
    )
    if survey is None:
        return False
    plan = _round_plan(survey)
    if not plan.link_ids:
        return False
    key = sums_key(survey, plan)
    with _snapshot():
        counted = SurveyResponse.objects.filter(survey_id=survey_id).aggregate(
            responses=Count("*"), last=Max("response_id")
        )
        responses, last = int(counted["responses"]), int(counted["last"] or 0)
        if responses < STORE_FROM:
            return False
        found = stored_sums({survey_id: key}).get(survey_id)
        if found is not None and found.covers(responses, last):
            return False
        added = _new_since(survey_id, responses, last, found)
        if found is not None and added is not None:
            new = aggregate_answers([survey_id], [survey.version_id], plan, response_ids=added)
            groups = _merge(found.groups, new.get(survey_id, {}))
        else:
            computed = aggregate_answers(
                [survey_id], [survey.version_id], plan, up_to={survey_id: last}
            )
            groups = computed.get(survey_id, {})
    aggregate = RoundAggregate(responses, last, groups)
    store_sums([(survey_id, key, aggregate)])
    cache.set(key, aggregate, CACHE_SECONDS)
    return True


def refresh_behind_sums() -> int:
    """Refresh every round whose stored sums are missing or behind; return how many.

    Rounds of ``STORE_FROM`` responses or more whose row is missing, covers
    other responses than the round has, or was stored under another key (a
    new ``CACHE_VERSION`` or plan after a deploy). For cron and deploys.
    """
    counts = {
        survey_id: (responses, last)
        for survey_id, responses, last in SurveyResponse.objects.order_by()
        .values_list("survey_id")
        .annotate(responses=Count("*"), last=Max("response_id"))
        .filter(responses__gte=STORE_FROM)
    }
    if not counts:
        return 0
    stored = {
        survey_id: (key, responses, last)
        for survey_id, key, responses, last in RoundSums.objects.filter(
            survey_id__in=list(counts)
        ).values_list("survey_id", "key", "responses", "last_response")
    }
    surveys = (
        Survey.objects.filter(pk__in=list(counts))
        .select_related("version")
        .defer("version__original")
        .order_by("pk")
    )
    refreshed = 0
    for survey in surveys:
        key = sums_key(survey, _round_plan(survey))
        if stored.get(survey.pk) == (key, *counts[survey.pk]):
            continue
        refreshed += refresh_stored_sums(survey.pk)
    return refreshed


# --- Assembly -------------------------------------------------------------------------------


def _option_labels(definitions: Iterable[Definition], link_id: str) -> dict[tuple[str, str], str]:
    """(system, code) → label of a question's options, the first definition's first.

    Keys are how answers come back from the database: a Coding by system and
    code, any other option ("", its value as text); a boolean question gets
    Yes and No, stored as the codes "true" and "false".
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


def _add_up(groups: Iterable[GroupSums]) -> GroupSums:
    """Several units' sums as one group: exact, since counts and sums are additive."""
    added = GroupSums()
    for group in groups:
        added.n += group.n
        added.total += group.total
        added.squares += group.squares
        for key, count in group.options.items():
            added.options[key] = added.options.get(key, 0) + count
    return added


def _cell(
    key: Any,
    label: str,
    sums: GroupSums,
    kind: str,
    labels: Mapping[tuple[str, str], str],
) -> Cell:
    """A shown group's numbers: value counts in option order, and the mean."""
    cell = Cell(key=key, label=label, suppressed=False)
    if kind in {"ordinal", "nominal"}:
        answers = sum(sums.options.values())
        cell.answers = answers
        for value, option_label in labels.items():
            count = sums.options.get(value, 0)
            cell.options.append(_option(value[1], option_label, count, answers))
        other = sum(count for value, count in sums.options.items() if value not in labels)
        if other:
            # Open-choice free text is counted here, never quoted.
            cell.options.append(_option("", _("Other answer"), other, answers))
    if kind in {"ordinal", "numeric"}:
        cell.estimate = estimate(sums.n, sums.total, sums.squares)
        cell.answers = cell.answers or sums.n
    return cell


def _option(code: str, label: str, count: int, answers: int) -> OptionCount:
    return OptionCount(code=code, label=label, count=count, share=count / answers if answers else 0)


def _hidden(label: str, key: Any) -> Cell:
    return Cell(key=key, label=label, suppressed=True)


def _round_units(round_ids: Sequence[int]) -> dict[int, set[int]]:
    """The targeted unit ids of each round (one query on the M2M table)."""
    through = Survey.units.through
    found: dict[int, set[int]] = {round_id: set() for round_id in round_ids}
    rows = through.objects.filter(survey_id__in=round_ids).values_list("survey_id", "unit_id")
    for survey_id, unit_id in rows:
        found[survey_id].add(unit_id)
    return found


def build_rounds(surveys: Sequence[Survey], minimum: int) -> list[Round]:
    """Rounds with their totals and hidden units (small groups and their complements)."""
    ids = [survey.pk for survey in surveys]
    counts = response_counts(ids)
    targeted = _round_units(ids)
    rounds: list[Round] = []
    for survey in surveys:
        mine = {unit: value for (sid, unit), value in counts.items() if sid == survey.pk}
        total = sum(count for count, _last in mine.values())
        unit_counts = {unit: mine.get(unit, (0, 0))[0] for unit in targeted[survey.pk]}
        suppressed = total < minimum
        hidden = set(unit_counts) if suppressed else protect(unit_counts, total, minimum)
        rounds.append(
            Round(
                survey=survey,
                label=round_label(survey),
                responses=total,
                suppressed=suppressed,
                unit_ids=targeted[survey.pk],
                hidden_units=hidden,
                last_response=max((last for _count, last in mine.values()), default=0),
            )
        )
    return rounds


def results_frame(
    survey: Survey, *, unit_id: int | None = None, round_id: int | None = None
) -> SurveyResults:
    """The rounds, units and small-group decisions, without any answer aggregated.

    ``survey`` names the series; ``round_id`` picks another round of it
    (default: ``survey`` itself) and ``unit_id`` one of that round's targeted
    units (anything else means no unit filter). Four queries: the rounds,
    their targeted units, the response counts and the selected round's units.
    """
    minimum = minimum_group_size(survey.organization)
    rounds = build_rounds(series_rounds(survey), minimum)
    selected = next((r for r in rounds if r.survey.pk == round_id), None)
    selected = selected or next(r for r in rounds if r.survey.pk == survey.pk)
    units = list(Unit.objects.filter(pk__in=selected.unit_ids).order_by("name"))
    definition = definition_for(selected.survey.version)
    return SurveyResults(
        survey=selected.survey,
        definition=definition,
        minimum=minimum,
        rounds=rounds,
        round=selected,
        units=units,
        unit=next((u for u in units if u.pk == unit_id), None),
        questions=[],
        free_text_items=free_text_items(definition),
    )


def survey_results(
    survey: Survey,
    *,
    unit_id: int | None = None,
    round_id: int | None = None,
) -> SurveyResults:
    """Everything the results page, the exports and the PDF show, small groups hidden.

    ``results_frame``'s four queries, plus, for rounds whose cached sums are
    missing or behind, the stored sums and the answer aggregate of what
    they lack (see ``round_groups``); nothing grows with the number of
    responses.
    """
    results = results_frame(survey, unit_id=unit_id, round_id=round_id)
    items = reported_items(results.definition)
    if results.suppressed or not items:
        return results
    selected = results.round
    shown = [r for r in results.rounds if not r.suppressed]
    definitions = {r.survey.version_id: definition_for(r.survey.version) for r in shown}
    groups = round_groups(shown, definitions)
    ordered = [
        results.definition,
        *(d for v, d in definitions.items() if v != selected.survey.version_id),
    ]
    for item, kind in items:
        labels = _option_labels(ordered, item.link_id)
        results.questions.append(
            _question(
                item, kind, labels, groups, results.rounds, selected, results.units, results.unit
            )
        )
    return results


def free_text_answers(
    results: SurveyResults, link_id: str | None = None, *, offset: int = 0, limit: int = 25
) -> list[tuple[str, str]] | None:
    """A page of free-text answers (link id, text) of the selected round and unit; None if hidden.

    Hidden when the round, or the filtered unit, is a suppressed group.
    Newest first is by response id: a survey response is stored when it is
    submitted, so ids follow submission order (the stored date is only the
    day). Ordering by the survey response's id lets the database walk that
    table's response index from the newest end and fetch each response's
    few answers, stopping after a page — no count, no sort of every text.
    The texts are returned as stored: callers mask them with
    ``mask_personal_data`` when showing them, and keep no copy.
    """
    if results.suppressed or results.unit_suppressed:
        return None
    link_ids = [item.link_id for item in results.free_text_items]
    if link_id is not None:
        link_ids = [candidate for candidate in link_ids if candidate == link_id]
    if not link_ids:
        return []
    params: list[int | str] = [results.survey.pk]
    unit_filter = ""
    if results.unit is not None:
        unit_filter = "AND sr.unit_id = %s"
        params.append(results.unit.pk)
    params += [results.survey.version_id, *link_ids, limit, offset]
    sql = f"""
        SELECT a.link_id, a.value_text
        FROM {Answer._meta.db_table} a
        INNER JOIN {SurveyResponse._meta.db_table} sr ON sr.response_id = a.response_id
        WHERE sr.survey_id = %s {unit_filter}
          AND a.version_id = %s AND a.link_id IN ({_marks(link_ids)}) AND a.value_text <> ''
        ORDER BY sr.response_id DESC, a.id
        LIMIT %s OFFSET %s
    """  # noqa: S608 - table names come from the models, values are parameters
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(str(found_link), str(text)) for found_link, text in cursor.fetchall()]


def _question(
    item: Item,
    kind: str,
    labels: Mapping[tuple[str, str], str],
    groups: Mapping[int, RoundGroups],
    rounds: Sequence[Round],
    selected: Round,
    units: Sequence[Unit],
    unit: Unit | None,
) -> Question:
    link_id = item.link_id
    here = groups.get(selected.survey.pk, {}).get(link_id, {})
    whole = _cell(ORGANIZATION, _("The organisation"), _add_up(here.values()), kind, labels)
    unit_cells = [
        _hidden(u.name, u.pk)
        if u.pk in selected.hidden_units
        else _cell(u.pk, u.name, here.get(u.pk, GroupSums()), kind, labels)
        for u in units
    ]
    cell = whole if unit is None else next(c for c in unit_cells if c.key == unit.pk)
    trend: list[Cell] = []
    for round_ in rounds:
        in_round = groups.get(round_.survey.pk, {}).get(link_id, {})
        if unit is None:
            hidden = round_.suppressed
            sums = _add_up(in_round.values())
        else:
            # A unit the round did not target has no cell of its own there.
            hidden = round_.suppressed or unit.pk not in round_.unit_ids
            hidden = hidden or unit.pk in round_.hidden_units
            sums = in_round.get(unit.pk, GroupSums())
        if hidden:
            trend.append(_hidden(round_.label, round_.survey.pk))
        else:
            trend.append(_cell(round_.survey.pk, round_.label, sums, kind, labels))
    return Question(
        item=item,
        kind=kind,
        scale=_scale(item, kind),
        cell=cell,
        organization=whole,
        units=unit_cells,
        rounds=trend,
    )
