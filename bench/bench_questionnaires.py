"""Time the questionnaire engine: rendering a large form and aggregating many answers.

Builds a throw-away test database on whatever ``DATABASE_URL`` names (SQLite
by default; the numbers that matter are PostgreSQL's) and prints two
Markdown tables:

- render: a generated ``--items`` question form (groups of 10 mixing radio
  choices with 5 options, integer, string, text, boolean and date) parsed
  by ``parse_definition`` and rendered server-side, empty, by
  ``QuestionnaireForm(definition, items=[]).render()``. Target < 100 ms.
- aggregate: ``--answers`` answer rows for one question spread over two
  versions, plus half as many again for other questions and for the same
  question in another organisation's form (so the index has to pick them
  out), then ``item_distribution`` and ``item_summary``. Target < 200 ms on
  PostgreSQL.

Every figure is the median of ``--repeat`` (aggregates, default 5) or
``--render-repeat`` (render, default 20) timed runs after one warm-up.
``--explain`` prints the database's plan of each aggregate query. The test
database is dropped at the end, also when a step fails.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

SYSTEM = "urn:medvirk:bench:often"
OPTIONS = [
    ("never", "Never"),
    ("some", "Sometimes"),
    ("half", "Half the time"),
    ("often", "Often"),
    ("always", "Always"),
]
ORDINAL = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
ITEM_CONTROL = "http://hl7.org/fhir/StructureDefinition/questionnaire-itemControl"
TARGET = "often"  # the linkId the aggregate benchmark reports on
POSTGRES = connection.vendor == "postgresql"


# --- Timing ---------------------------------------------------------------------------------


def median_ms(run: Callable[[], Any], repeat: int) -> tuple[float, float, int]:
    """Median and fastest wall time of ``run`` in ms after a warm-up, and its query count.

    The fastest run shows what the code costs when nothing else wants the CPU.
    """
    run()
    timings: list[float] = []
    queries = 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            run()
            timings.append(time.perf_counter() - start)
        queries = len(captured.captured_queries)
    return statistics.median(timings) * 1000, min(timings) * 1000, queries


# --- Render ---------------------------------------------------------------------------------


def _control(code: str) -> list[dict[str, Any]]:
    return [
        {
            "url": ITEM_CONTROL,
            "valueCodeableConcept": {
                "coding": [
                    {
                        "system": "http://hl7.org/fhir/questionnaire-item-control",
                        "code": code,
                    }
                ]
            },
        }
    ]


def _question(n: int) -> dict[str, Any]:
    """Question ``n``: the types cycle so every group holds a mix."""
    kind = ["choice", "integer", "string", "text", "boolean", "date"][n % 6]
    item: dict[str, Any] = {"linkId": f"q{n}", "type": kind, "text": f"Question {n}?"}
    if kind == "choice":
        item["extension"] = _control("radio-button")
        item["required"] = True
        item["answerOption"] = [
            {
                "valueCoding": {
                    "system": SYSTEM,
                    "code": code,
                    "display": label,
                    "extension": [{"url": ORDINAL, "valueDecimal": i}],
                }
            }
            for i, (code, label) in enumerate(OPTIONS)
        ]
    elif kind == "string":
        item["maxLength"] = 200
    return item


def generated_form(items: int) -> dict[str, Any]:
    """A FHIR Questionnaire with ``items`` questions in groups of 10."""
    groups = [
        {
            "linkId": f"g{start // 10}",
            "type": "group",
            "text": f"Part {start // 10 + 1}",
            "item": [_question(n) for n in range(start, min(start + 10, items))],
        }
        for start in range(0, items, 10)
    ]
    return {
        "resourceType": "Questionnaire",
        "status": "active",
        "title": f"Benchmark form with {items} questions",
        "language": "en",
        "item": groups,
    }


def bench_render(items: int, repeat: int) -> None:
    from medvirk.questionnaires.definition import parse_definition
    from medvirk.questionnaires.rendering import QuestionnaireForm

    resource = generated_form(items)
    definition = parse_definition(resource)
    html = str(QuestionnaireForm(definition, items=[]).render())
    fields = len(set(re.findall(r'name="([^"]+)"', html)))
    assert fields == items, f"{fields} fields rendered for {items} questions"
    parse_ms, parse_min, _ = median_ms(lambda: parse_definition(resource), repeat)
    render_ms, render_min, queries = median_ms(
        lambda: QuestionnaireForm(definition, items=[]).render(), repeat
    )
    print(f"| step | {items} questions: median ms | fastest ms | queries |")
    print("|---|---|---|---|")
    print(f"| parse_definition | {parse_ms:.1f} | {parse_min:.1f} | 0 |")
    print(f"| QuestionnaireForm(...).render() | {render_ms:.1f} | {render_min:.1f} | {queries} |")
    print(f"| both | {parse_ms + render_ms:.1f} | {parse_min + render_min:.1f} | {queries} |")
    print(f"\nrendered HTML: {len(html) / 1024:.0f} KiB\n")


# --- Aggregate ------------------------------------------------------------------------------


def _often_form() -> dict[str, Any]:
    return {
        "resourceType": "Questionnaire",
        "status": "active",
        "title": "How often",
        "item": [
            {
                **_question(0),
                "linkId": TARGET,
            },
            {"linkId": "age", "type": "integer", "text": "Age"},
            {"linkId": "note", "type": "string", "text": "Anything else?"},
        ],
    }


def build_forms() -> tuple[Any, Any, Any, Any]:
    """Two versions of the reported form, and a form of another organisation."""
    from medvirk.organizations.models import Organization
    from medvirk.questionnaires.models import Questionnaire, QuestionnaireVersion

    def version(questionnaire: Questionnaire, number: int, status: str) -> Any:
        resource = _often_form()
        return QuestionnaireVersion.objects.create(
            questionnaire=questionnaire,
            number=number,
            status=status,
            original=resource,
            resource=resource,
        )

    org = Organization.objects.create(name="Stor kommune", slug="stor", kind="municipality")
    other = Organization.objects.create(name="Nabo kommune", slug="nabo", kind="municipality")
    questionnaire = Questionnaire.objects.create(organization=org, title="How often")
    v1 = version(questionnaire, 1, "retired")
    v2 = version(questionnaire, 2, "active")
    theirs = Questionnaire.objects.create(organization=other, title="How often")
    elsewhere = version(theirs, 1, "active")
    return questionnaire, v1, v2, elsewhere


@contextmanager
def indexes_dropped(cursor: Any, tables: list[str]) -> Iterator[None]:
    """Drop the plain indexes of ``tables`` and build them again afterwards.

    Building an index once over a million rows is several times faster than
    updating it row by row. Indexes behind constraints (primary keys, unique)
    stay; every index is recreated from its own definition, so the measured
    database has exactly the migrations' indexes.
    """
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


def fill_postgres(answers: int, v1: Any, v2: Any, elsewhere: Any) -> None:
    """Insert the rows server-side with generate_series: seconds, not minutes."""
    from medvirk.questionnaires.models import Answer, Response

    responses = Response._meta.db_table
    rows = Answer._meta.db_table
    with connection.cursor() as cursor, indexes_dropped(cursor, [responses, rows]):
        _insert_postgres(cursor, answers, v1, v2, elsewhere)
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {responses}")
        cursor.execute(f"VACUUM ANALYZE {rows}")


def _insert_postgres(cursor: Any, answers: int, v1: Any, v2: Any, elsewhere: Any) -> None:
    from medvirk.questionnaires.models import Answer, Response

    responses = Response._meta.db_table
    rows = Answer._meta.db_table
    codes = [code for code, _ in OPTIONS]
    labels = [label for _, label in OPTIONS]
    noise = max(1, answers // 2)
    cursor.execute("SELECT setseed(0.42)")
    # One response per answer to the reported question; 30 % to version 1.
    cursor.execute(
        f"""
        INSERT INTO {responses} (organization_id, version_id, status, anonymous, mode,
            resource, current_page, submission_key, submitted_at, scores,
            created_at, updated_at)
        SELECT %(org)s, CASE WHEN g %% 10 < 3 THEN %(v1)s ELSE %(v2)s END, 'completed',
            true, 'self', '{{}}'::jsonb, 0, gen_random_uuid(),
            now() - g * interval '1 minute', '{{}}'::jsonb, now(), now()
        FROM generate_series(1, %(n)s) AS g
        """,  # noqa: S608 - table names come from the models
        {"org": v1.questionnaire.organization_id, "v1": v1.pk, "v2": v2.pk, "n": answers},
    )
    # The answers to the reported question: skewed towards the middle options.
    cursor.execute(
        f"""
        INSERT INTO {rows} (response_id, version_id, link_id, instance, position,
            item_type, value_number, value_code, value_system, value_text)
        SELECT r.id, r.version_id, %(link)s, '0', 0, 'choice', k, (%(codes)s::text[])[k + 1],
            %(system)s, (%(labels)s::text[])[k + 1]
        FROM (
            SELECT id, version_id,
                least(4, floor((random() + random() + random()) * 5 / 3))::int AS k
            FROM {responses} WHERE version_id IN (%(v1)s, %(v2)s)
        ) AS r
        """,  # noqa: S608 - table names come from the models
        {
            "link": TARGET,
            "system": SYSTEM,
            "codes": codes,
            "labels": labels,
            "v1": v1.pk,
            "v2": v2.pk,
        },
    )
    # Other questions of the same responses: numbers and free text.
    cursor.execute(
        f"""
        INSERT INTO {rows} (response_id, version_id, link_id, instance, position,
            item_type, value_number, value_code, value_system, value_text)
        SELECT id, version_id,
            CASE WHEN id %% 2 = 0 THEN 'age' ELSE 'note' END, '0', 0,
            CASE WHEN id %% 2 = 0 THEN 'integer' ELSE 'string' END,
            CASE WHEN id %% 2 = 0 THEN 18 + id %% 70 END, '', '',
            CASE WHEN id %% 2 = 0 THEN '' ELSE 'Free text answer number ' || id END
        FROM {responses} WHERE version_id IN (%(v1)s, %(v2)s)
        ORDER BY id LIMIT %(n)s
        """,  # noqa: S608 - table names come from the models
        {"v1": v1.pk, "v2": v2.pk, "n": noise // 2},
    )
    # The same linkId in another organisation's form, answered as often.
    cursor.execute(
        f"""
        WITH made AS (
            INSERT INTO {responses} (organization_id, version_id, status, anonymous, mode,
                resource, current_page, submission_key, submitted_at, scores,
                created_at, updated_at)
            SELECT %(org)s, %(v)s, 'completed', true, 'self', '{{}}'::jsonb, 0,
                gen_random_uuid(), now(), '{{}}'::jsonb, now(), now()
            FROM generate_series(1, %(n)s)
            RETURNING id
        )
        INSERT INTO {rows} (response_id, version_id, link_id, instance, position,
            item_type, value_number, value_code, value_system, value_text)
        SELECT id, %(v)s, %(link)s, '0', 0, 'choice', 4, 'always', %(system)s, 'Always'
        FROM made
        """,  # noqa: S608 - table names come from the models
        {
            "org": elsewhere.questionnaire.organization_id,
            "v": elsewhere.pk,
            "n": noise - noise // 2,
            "link": TARGET,
            "system": SYSTEM,
        },
    )


def fill_sqlite(answers: int, v1: Any, v2: Any, elsewhere: Any) -> None:
    """bulk_create in batches: slower, so the SQLite default is a tenth of the rows."""
    import random

    from medvirk.questionnaires.models import Answer, Response

    chance = random.Random(42)
    batch = 5000
    noise = max(1, answers // 2)

    def responses(version: Any, count: int) -> list[Response]:
        made = Response.objects.bulk_create(
            [
                Response(
                    organization_id=version.questionnaire.organization_id,
                    version=version,
                    status="completed",
                    anonymous=True,
                )
                for _ in range(count)
            ],
            batch_size=batch,
        )
        return made

    def coded(response: Response, k: int) -> Answer:
        code, label = OPTIONS[k]
        return Answer(
            response=response,
            version_id=response.version_id,
            link_id=TARGET,
            item_type="choice",
            value_number=Decimal(k),
            value_code=code,
            value_system=SYSTEM,
            value_text=label,
        )

    ours = responses(v1, answers * 3 // 10) + responses(v2, answers - answers * 3 // 10)
    for start in range(0, len(ours), batch):
        Answer.objects.bulk_create(
            [
                coded(r, min(4, int(sum(chance.random() for _ in range(3)) * 5 / 3)))
                for r in ours[start : start + batch]
            ]
        )
    others = [
        Answer(
            response=r,
            version_id=r.version_id,
            link_id="age",
            item_type="integer",
            value_number=Decimal(18 + i % 70),
        )
        for i, r in enumerate(ours[: noise // 2])
    ]
    Answer.objects.bulk_create(others, batch_size=batch)
    theirs = responses(elsewhere, noise - noise // 2)
    Answer.objects.bulk_create([coded(r, 4) for r in theirs], batch_size=batch)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def explain(run: Callable[[], Any]) -> None:
    """Print the plan of every query ``run`` makes (ANALYZE on PostgreSQL)."""
    with CaptureQueriesContext(connection) as captured:
        run()
    prefix = "EXPLAIN (ANALYZE, BUFFERS) " if POSTGRES else "EXPLAIN QUERY PLAN "
    for query in captured.captured_queries:
        print(f"\n    {query['sql'][:300]}{'…' if len(query['sql']) > 300 else ''}")
        with connection.cursor() as cursor:
            cursor.execute(prefix + query["sql"])
            for row in cursor.fetchall():
                print("    " + " | ".join(str(part) for part in row))


def bench_aggregate(answers: int, repeat: int, show_plans: bool) -> None:
    from medvirk.questionnaires.definition import definition_for
    from medvirk.questionnaires.models import Answer
    from medvirk.questionnaires.selectors import item_distribution, item_summary, versions_of

    questionnaire, v1, v2, elsewhere = build_forms()
    start = time.perf_counter()
    (fill_postgres if POSTGRES else fill_sqlite)(answers, v1, v2, elsewhere)
    filled = time.perf_counter() - start
    total = Answer.objects.count()
    print(
        f"{total:,} answer rows ({answers:,} to the reported question) inserted in {filled:.1f} s\n"
    )

    if POSTGRES:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT indexname, pg_size_pretty(pg_relation_size(indexname::regclass))"
                " FROM pg_indexes WHERE tablename = %s ORDER BY indexname",
                [Answer._meta.db_table],
            )
            sizes = ", ".join(f"{name} {size}" for name, size in cursor.fetchall())
        print(f"Answer indexes: {sizes}\n")

    versions = versions_of(questionnaire)
    definition = definition_for(v2)
    cases: list[tuple[str, Callable[[], Any]]] = [
        ("item_distribution", lambda: item_distribution(TARGET, versions=versions)),
        (
            "item_distribution, definition given",
            lambda: item_distribution(TARGET, versions=versions, definition=definition),
        ),
        ("item_summary", lambda: item_summary(TARGET, versions=versions)),
    ]
    distribution = cases[0][1]()
    summary = cases[2][1]()
    assert sum(row["count"] for row in distribution) == answers, distribution
    assert summary["n"] == answers, summary

    print(f"| call | {answers:,} answers: median ms | fastest ms | queries |")
    print("|---|---|---|---|")
    for label, run in cases:
        ms, fastest, queries = median_ms(run, repeat)
        print(f"| {label} | {ms:.1f} | {fastest:.1f} | {queries} |")
    print(
        "\n"
        + ", ".join(f"{row['code']} {row['count']:,}" for row in distribution)
        + f"; mean {summary['mean']:.3f}, sd {summary['sd']:.3f}\n"
    )
    if show_plans:
        for label, run in cases[1:]:
            print(f"Plan of {label}:")
            explain(run)
            print()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--answers",
        type=int,
        default=None,
        help="answers to the reported question (default 1,000,000 on PostgreSQL, "
        "100,000 on SQLite)",
    )
    parser.add_argument("--items", type=int, default=200, help="questions in the rendered form")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per aggregate figure")
    parser.add_argument(
        "--render-repeat", type=int, default=20, help="timed runs per render figure"
    )
    parser.add_argument("--explain", action="store_true", help="print the aggregate plans")
    parser.add_argument(
        "--only", choices=["render", "aggregate"], help="run one of the two benchmarks"
    )
    args = parser.parse_args()
    answers = args.answers or (1_000_000 if POSTGRES else 100_000)

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        print(f"Database: {connection.vendor} {connection.settings_dict['NAME']}\n")
        if args.only != "aggregate":
            bench_render(args.items, args.render_repeat)
        if args.only != "render":
            bench_aggregate(answers, args.repeat, args.explain)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
