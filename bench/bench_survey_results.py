"""Time the survey results pages on a survey with many responses.

Builds a throw-away test database on whatever ``DATABASE_URL`` names (the
numbers that matter are PostgreSQL's, e.g.
``postgres://postgres@127.0.0.1:5432/medvirk_bench_results``) and fills it:

- the measured survey: ``--responses`` responses (default 100,000) to a form of
  10 questions — eight 1–5 choices with ordinal values, one integer 0–10 and
  one free-text question — so ten ``Answer`` rows per response, spread over
  ``--units`` units (one of them with 3 responses only, so it is suppressed);
- an earlier round of the same series with ``--earlier`` responses (the trend);
- another survey of the same organisation, on another form, with ``--noise``
  responses (the query has to pick the measured ones out).

On PostgreSQL rows are made server-side with ``INSERT … SELECT
generate_series`` with the tables' plain indexes dropped and rebuilt, then
``VACUUM ANALYZE``; on SQLite (a tenth of the rows by default) the same SQL
runs without the PostgreSQL-only parts being needed.

Then a coordinator requests each page through Django's test ``Client``
(no network, no browser): every figure is the median of ``--repeat``
(default 5) timed requests after one warm-up, with the query count.
Target: the results page < 300 ms on PostgreSQL. ``--explain`` prints the
plan of the answer aggregate. The test database is dropped at the end.

The results page is timed as a restarted server sees it (cache cleared, the
rounds' ``RoundSums`` stored — the normal case, as the worker keeps them),
with nothing kept at all (cache and ``RoundSums`` cleared: the fallback that
aggregates in the request), warm, after one new response, and restarted
with the stored sums ``--behind`` responses (default 1,000) behind. The
first computation of a round's sums now happens in the worker: the
``refresh_round_sums`` task is timed from nothing stored and from sums
``--behind`` responses behind.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")

import django

django.setup()

from allauth.mfa.models import Authenticator  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

POSTGRES = connection.vendor == "postgresql"
SCALE_SYSTEM = "urn:medvirk:bench:scale"
LABELS = ["Not at all", "To a small degree", "Somewhat", "To a large degree", "Fully"]
ORDINAL = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
CHOICES = 8  # choice questions q1..q8; then "score" (integer) and "comment" (text)


Timed = Callable[[], Any] | tuple[Callable[[], Any], Callable[[], Any]]


def median_ms(timed: Timed, repeat: int) -> tuple[float, float, int]:
    """Median and fastest wall time of ``run`` in ms after a warm-up, and its query count.

    ``timed`` is ``run``, or (``prepare``, ``run``) with ``prepare`` called
    untimed before each run (clearing the cache, resetting stored sums).
    """
    prepare, run = timed if isinstance(timed, tuple) else (lambda: None, timed)
    prepare()
    run()
    timings: list[float] = []
    queries = 0
    for _ in range(repeat):
        prepare()
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            run()
            timings.append(time.perf_counter() - start)
        queries = len(captured.captured_queries)
    return statistics.median(timings) * 1000, min(timings) * 1000, queries


def form() -> dict[str, Any]:
    """Ten questions: eight 1–5 choices, an integer 0–10 and a free-text question."""
    options = [
        {
            "valueCoding": {
                "system": SCALE_SYSTEM,
                "code": str(value),
                "display": label,
                "extension": [{"url": ORDINAL, "valueDecimal": value}],
            }
        }
        for value, label in enumerate(LABELS, start=1)
    ]
    items: list[dict[str, Any]] = [
        {"linkId": f"q{n}", "type": "choice", "text": f"Question {n}?", "answerOption": options}
        for n in range(1, CHOICES + 1)
    ]
    items.append(
        {
            "linkId": "score",
            "type": "integer",
            "text": "All in all, from 0 to 10?",
            "extension": [
                {"url": "http://hl7.org/fhir/StructureDefinition/minValue", "valueInteger": 0},
                {"url": "http://hl7.org/fhir/StructureDefinition/maxValue", "valueInteger": 10},
            ],
        }
    )
    items.append({"linkId": "comment", "type": "text", "text": "Anything else?"})
    return {"resourceType": "Questionnaire", "status": "active", "title": "Bench", "item": items}


def build(units: int) -> tuple[Any, Any, Any, Any, list[int]]:
    """The organisation, a coordinator, the measured survey, its earlier round and noise."""
    import datetime

    from medvirk.accounts.models import User
    from medvirk.organizations.models import Membership, Organization, Unit
    from medvirk.organizations.roles import Role
    from medvirk.questionnaires.models import Questionnaire, QuestionnaireVersion
    from medvirk.surveys.models import Survey

    org = Organization.objects.create(name="Stor kommune", slug="stor", kind="municipality")
    made = Unit.objects.bulk_create(
        [Unit(organization=org, name=f"Tjeneste {i:02d}") for i in range(units)]
    )
    coordinator = User.objects.create_user(email="coordinator@bench.test", password=None)
    Membership.objects.create(organization=org, user=coordinator, role=Role.COORDINATOR)
    Authenticator.objects.create(
        user=coordinator, type=Authenticator.Type.TOTP, data={"secret": "x"}
    )

    def version(title: str) -> QuestionnaireVersion:
        questionnaire = Questionnaire.objects.create(organization=org, title=title)
        resource = form()
        return QuestionnaireVersion.objects.create(
            questionnaire=questionnaire,
            number=1,
            status="active",
            original=resource,
            resource=resource,
        )

    shared = version("Brukerundersøkelse")
    today = datetime.date(2026, 11, 1)
    earlier = Survey.objects.create(
        organization=org,
        title="Brukerundersøkelse",
        version=shared,
        round_label="2025",
        opens_on=today - datetime.timedelta(days=365),
        closes_on=today - datetime.timedelta(days=330),
    )
    measured = Survey.objects.create(
        organization=org,
        title="Brukerundersøkelse",
        version=shared,
        round_label="2026",
        series=earlier.series,
        opens_on=today,
        closes_on=today + datetime.timedelta(days=30),
    )
    noise = Survey.objects.create(
        organization=org,
        title="Annen undersøkelse",
        version=version("Annen"),
        opens_on=today,
        closes_on=today + datetime.timedelta(days=30),
    )
    for survey in (earlier, measured, noise):
        survey.units.set(made)
    return coordinator, org, measured, (earlier, noise), [unit.pk for unit in made]


@contextmanager
def indexes_dropped(cursor: Any, tables: list[str]) -> Iterator[None]:
    """Drop the plain indexes of ``tables`` and rebuild them from their definitions after."""
    cursor.execute(
        """
        SELECT i.indexname, i.indexdef FROM pg_indexes i
        WHERE i.tablename = ANY(%s)
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
        """,
        [tables],
    )
    saved = cursor.fetchall()
    for name, _ in saved:
        cursor.execute(f'DROP INDEX "{name}"')
    try:
        yield
    finally:
        for _, definition in saved:
            cursor.execute(definition)


def fill(survey: Any, count: int, unit_ids: list[int], small_unit: bool) -> None:
    """``count`` responses to ``survey`` with ten answers each, server-side.

    Units take turns, except that with ``small_unit`` the last unit gets
    exactly 3 responses (a suppressed group). Answers lean towards the upper
    options, and are higher in later rounds (the trend).
    """
    from medvirk.questionnaires.models import Answer, Response
    from medvirk.surveys.models import SurveyResponse

    responses = Response._meta.db_table
    answers = Answer._meta.db_table
    links = SurveyResponse._meta.db_table
    regular = unit_ids[:-1] if small_unit else unit_ids
    small = unit_ids[-1]
    lift = 0.3 if survey.round_label == "2026" else 0.0
    random = "random()" if POSTGRES else "(abs(random()) / 9223372036854775807.0)"
    uuid = "gen_random_uuid()" if POSTGRES else "lower(hex(randomblob(16)))"
    empty = "'{}'::jsonb" if POSTGRES else "'{}'"
    now = "now()" if POSTGRES else "CURRENT_TIMESTAMP"
    with connection.cursor() as cursor:
        start = _max_id(cursor, responses)
        cursor.execute(
            f"""
            INSERT INTO {responses} (organization_id, version_id, status, anonymous, mode,
                resource, current_page, submission_key, submitted_at, scores,
                created_at, updated_at)
            SELECT %s, %s, 'completed', true, 'self', {empty}, 0, {uuid}, {now}, {empty},
                {now}, {now}
            FROM ({_series(count)}) AS g
            """,  # noqa: S608 - names from the models
            [survey.organization_id, survey.version_id],
        )
        unit_case = "CASE WHEN r.id - %s <= 3 THEN %s ELSE ({units})[(r.id %% %s) + 1] END"
        units_array = "ARRAY[" + ",".join(str(u) for u in regular) + "]"
        if not POSTGRES:
            unit_case = "CASE WHEN r.id - %s <= 3 THEN %s ELSE " + _sqlite_pick(regular) + " END"
        cursor.execute(
            f"""
            INSERT INTO {links} (survey_id, unit_id, response_id, submitted_on)
            SELECT %s, {unit_case.format(units=units_array)}, r.id, %s
            FROM {responses} r WHERE r.id > %s
            """,  # noqa: S608 - names from the models
            [
                survey.pk,
                start,
                small if small_unit else regular[0],
                *([len(regular)] if POSTGRES else []),
                survey.opens_on,
                start,
            ],
        )
        # Eight 1–5 choices: a skewed sum of randoms, lifted in the later round.
        level = f"least(5, greatest(1, 1 + floor(({random} + {random} + {random}) * 1.5 + {lift})))"
        if not POSTGRES:
            level = (
                f"min(5, max(1, 1 + cast(({random} + {random} + {random}) * 1.5 + {lift} "
                "as integer)))"
            )
        labels = "ARRAY['" + "','".join(LABELS) + "']"
        label = f"({labels})[k.v]" if POSTGRES else "'option ' || k.v"
        cursor.execute(
            f"""
            INSERT INTO {answers} (response_id, version_id, link_id, instance, position,
                item_type, value_number, value_code, value_system, value_text)
            SELECT k.id, %s, 'q' || k.q, '0', 0, 'choice', k.v, k.v || '', %s, {label}
            FROM (
                SELECT r.id, q.q, {level} AS v
                FROM {responses} r CROSS JOIN ({_series(CHOICES, "q")}) AS q
                WHERE r.id > %s
            ) AS k
            """,  # noqa: S608 - names from the models
            [survey.version_id, SCALE_SYSTEM, start],
        )
        score = "floor(random() * 11)" if POSTGRES else "abs(random()) % 11"
        cursor.execute(
            f"""
            INSERT INTO {answers} (response_id, version_id, link_id, instance, position,
                item_type, value_number, value_code, value_system, value_text)
            SELECT r.id, %s, 'score', '0', 0, 'integer', {score}, '', '', ''
            FROM {responses} r WHERE r.id > %s
            """,  # noqa: S608 - names from the models
            [survey.version_id, start],
        )
        cursor.execute(
            f"""
            INSERT INTO {answers} (response_id, version_id, link_id, instance, position,
                item_type, value_number, value_code, value_system, value_text)
            SELECT r.id, %s, 'comment', '0', 0, 'text', NULL, '', '',
                'Comment number ' || r.id || ': ring meg på 912 34 567'
            FROM {responses} r WHERE r.id > %s
            """,  # noqa: S608 - names from the models
            [survey.version_id, start],
        )


def _series(count: int, name: str = "g") -> str:
    if POSTGRES:
        return f"SELECT generate_series(1, {int(count)}) AS {name}"
    return (
        "WITH RECURSIVE s(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM s "  # noqa: S608
        f"WHERE x < {int(count)}) SELECT x AS {name} FROM s"
    )


def _sqlite_pick(unit_ids: list[int]) -> str:
    cases = " ".join(f"WHEN {i} THEN {unit}" for i, unit in enumerate(unit_ids))
    return f"CASE r.id % {len(unit_ids)} {cases} END"


def _max_id(cursor: Any, table: str) -> int:
    cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608
    return int(cursor.fetchone()[0])


def fill_all(measured: Any, others: tuple[Any, Any], unit_ids: list[int], args: Any) -> float:
    from medvirk.questionnaires.models import Answer, Response
    from medvirk.surveys.models import SurveyResponse

    earlier, noise = others
    tables = [Response._meta.db_table, Answer._meta.db_table, SurveyResponse._meta.db_table]
    start = time.perf_counter()
    if POSTGRES:
        with connection.cursor() as cursor, indexes_dropped(cursor, tables):
            cursor.execute("SELECT setseed(0.42)")
            fill(earlier, args.earlier, unit_ids, small_unit=False)
            fill(measured, args.responses, unit_ids, small_unit=True)
            fill(noise, args.noise, unit_ids, small_unit=False)
        with connection.cursor() as cursor:
            for table in tables:
                cursor.execute(f"VACUUM ANALYZE {table}")
    else:
        fill(earlier, args.earlier, unit_ids, small_unit=False)
        fill(measured, args.responses, unit_ids, small_unit=True)
        fill(noise, args.noise, unit_ids, small_unit=False)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return time.perf_counter() - start


def explain(run: Callable[[], Any], needle: str) -> None:
    """Print the plan of the queries of ``run`` whose SQL contains ``needle``."""
    with CaptureQueriesContext(connection) as captured:
        run()
    prefix = "EXPLAIN (ANALYZE, BUFFERS) " if POSTGRES else "EXPLAIN QUERY PLAN "
    for query in captured.captured_queries:
        if needle not in query["sql"]:
            continue
        with connection.cursor() as cursor:
            cursor.execute(prefix + query["sql"])
            for row in cursor.fetchall():
                print("    " + " | ".join(str(part) for part in row))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--responses", type=int, default=None, help="responses to the survey")
    parser.add_argument("--earlier", type=int, default=None, help="responses, earlier round")
    parser.add_argument("--noise", type=int, default=None, help="responses, another survey")
    parser.add_argument("--units", type=int, default=10, help="units the surveys target")
    parser.add_argument(
        "--behind", type=int, default=1000, help="new responses since the stored sums"
    )
    parser.add_argument("--repeat", type=int, default=5, help="timed requests per page")
    parser.add_argument("--explain", action="store_true", help="print the aggregate's plan")
    args = parser.parse_args()
    full = 100_000 if POSTGRES else 10_000
    args.responses = args.responses or full
    args.earlier = args.earlier if args.earlier is not None else args.responses // 2
    args.noise = args.noise if args.noise is not None else args.responses // 2

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        print(f"Database: {connection.vendor} {connection.settings_dict['NAME']}\n")
        run(args)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def run(args: Any) -> None:
    from django.core.cache import cache

    from medvirk.questionnaires.models import Answer
    from medvirk.surveys.models import RoundSums
    from medvirk.surveys.results import survey_results
    from medvirk.surveys.results_tasks import refresh_round_sums

    coordinator, org, measured, others, unit_ids = build(args.units)
    filled = fill_all(measured, others, unit_ids, args)
    print(
        f"{Answer.objects.count():,} answer rows ({args.responses:,} responses × 10 to the "
        f"measured survey, {args.earlier:,} to its earlier round, {args.noise:,} to another "
        f"survey) inserted in {filled:.1f} s\n"
    )
    client = Client()
    client.force_login(coordinator)
    results = reverse("surveys:results", args=[org.slug, measured.pk])

    def get(url: str) -> Callable[[], Any]:
        def request() -> None:
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)

        return request

    def restarted(*, nothing_kept: bool = False) -> None:
        cache.clear()  # a restarted server with the local-memory cache
        if nothing_kept:
            RoundSums.objects.all().delete()

    def worker(survey: Any, *, stored: dict[str, Any] | None = None) -> Timed:
        """The worker's refresh of one round: from nothing, or from the ``stored`` row."""

        def prepare() -> None:
            cache.clear()
            if stored is None:
                RoundSums.objects.filter(survey=survey).delete()
            else:
                RoundSums.objects.filter(survey=survey).update(**stored)

        def refresh() -> None:
            assert refresh_round_sums.call(survey.pk) == 1

        return prepare, refresh

    def one_more() -> None:
        """One new response to the measured survey, as a submit would add it."""
        fill(measured, 1, unit_ids, small_unit=False)

    cache.clear()
    first = survey_results(measured)
    assert first.responses == args.responses, first.responses
    assert first.questions[0].organization.answers == args.responses
    assert first.questions[0].units[-1].suppressed, "the 3-response unit must be suppressed"
    assert RoundSums.objects.count() == 2, "both rounds' sums are stored"

    pages: list[tuple[str, Timed]] = [
        (
            "results page, nothing kept (cache and stored sums cleared: both rounds "
            "aggregated in the request)",
            (partial(restarted, nothing_kept=True), get(results)),
        ),
        (
            "results page, restarted (cache cleared: both rounds' stored sums read)",
            (restarted, get(results)),
        ),
        ("results page", get(results)),
        ("results page, one unit", get(f"{results}?unit={unit_ids[0]}")),
        ("results page, earlier round", get(f"{results}?round={others[0].pk}")),
        (
            "free text, page 1",
            get(reverse("surveys:free_text", args=[org.slug, measured.pk])),
        ),
        (
            "export CSV (both rounds)",
            get(reverse("surveys:results_export", args=[org.slug, measured.pk, "csv"])),
        ),
        ("PDF summary", get(reverse("surveys:results_pdf", args=[org.slug, measured.pk]))),
        (
            f"worker: refresh_round_sums, nothing stored ({args.responses:,} responses)",
            worker(measured),
        ),
        (
            f"worker: refresh_round_sums, nothing stored ({args.earlier:,} responses, "
            "earlier round)",
            worker(others[0]),
        ),
    ]
    print(f"| page | {args.responses:,} responses × 10 items: median ms | fastest ms | queries |")
    print("|---|---|---|---|")
    for label, run_page in pages:
        ms, fastest, queries = median_ms(run_page, args.repeat)
        print(f"| {label} | {ms:.1f} | {fastest:.1f} | {queries} |")
    # After each new response: the cached sums plus that response.
    cache.clear()
    get(results)()
    timings: list[float] = []
    for _ in range(args.repeat):
        one_more()
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            get(results)()
            timings.append(time.perf_counter() - start)
    print(
        f"| results page, after one new response | {statistics.median(timings) * 1000:.1f} | "
        f"{min(timings) * 1000:.1f} | {len(captured.captured_queries)} |"
    )
    # Stored sums behind: a restart while the worker has not caught up with new answers.
    refresh_round_sums.call(measured.pk)
    behind = dict(
        RoundSums.objects.filter(survey=measured).values(
            "key", "responses", "last_response", "groups"
        )[0]
    )
    fill(measured, args.behind, unit_ids, small_unit=False)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    def restarted_behind() -> None:
        cache.clear()
        RoundSums.objects.filter(survey=measured).update(**behind)

    cases: list[tuple[str, Timed]] = [
        (
            f"results page, restarted, stored sums {args.behind:,} responses behind",
            (restarted_behind, get(results)),
        ),
        (
            f"worker: refresh_round_sums, {args.behind:,} new responses since the stored sums",
            worker(measured, stored=behind),
        ),
    ]
    for label, case in cases:
        ms, fastest, queries = median_ms(case, args.repeat)
        print(f"| {label} | {ms:.1f} | {fastest:.1f} | {queries} |")
    print()
    if args.explain:
        cache.clear()
        RoundSums.objects.all().delete()
        print("Plan of the answer aggregate:")
        explain(lambda: survey_results(measured), "WITH grouped")
        print("\nPlan of the free-text page's answers:")
        free = reverse("surveys:free_text", args=[org.slug, measured.pk])
        explain(get(free), "a.value_text <>")


if __name__ == "__main__":
    main()
