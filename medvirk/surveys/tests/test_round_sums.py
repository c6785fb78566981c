"""A round's result sums kept in the database (``RoundSums``) and the worker that keeps them.

Rounds are stored from ``STORE_FROM`` responses (500); the tests lower it to 1
so that the shared fixture survey (20 responses) is stored, and compare what
comes from stored sums with a fresh aggregate of the same responses.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django_tasks import default_task_backend

from medvirk.organizations.models import Unit
from medvirk.organizations.tests.factories import UnitFactory
from medvirk.questionnaires.definition import definition_for, parse_definition
from medvirk.questionnaires.tests.factories import questionnaire_version
from medvirk.surveys import results, results_tasks
from medvirk.surveys.models import RoundSums, Survey, SurveyResponse
from medvirk.surveys.results import (
    GroupSums,
    RoundAggregate,
    SurveyResults,
    aggregate_answers,
    groups_from_json,
    groups_to_json,
    item_plan,
    store_sums,
    stored_sums,
    sums_key,
    survey_results,
)
from medvirk.surveys.tests.factories import simple_resource, survey
from medvirk.surveys.tests.test_results import answer, filled, url

AGGREGATE = "WITH grouped"  # the answer aggregate's SQL starts so


@pytest.fixture(autouse=True)
def _store_small_rounds(monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setattr(results, "STORE_FROM", 1)
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def units(world) -> dict[str, Unit]:
    return {
        "a": world.a.unit,
        "b": UnitFactory.create(organization=world.a.org, name="Hjemmetjenesten"),
        "c": UnitFactory.create(organization=world.a.org, name="Rustjenesten"),
    }


def key_of(target: Survey) -> str:
    target = Survey.objects.select_related("version").get(pk=target.pk)
    return sums_key(target, item_plan([definition_for(target.version)]))


def numbers(found: SurveyResults) -> list[Any]:
    """Everything a page shows of the questions: per cell, suppression, counts and mean."""
    shown = []
    for question in found.questions:
        for cell in [question.organization, *question.units, *question.rounds]:
            shown.append(
                (
                    cell.key,
                    cell.suppressed,
                    cell.answers,
                    [(o.code, o.count) for o in cell.options],
                    cell.estimate,
                )
            )
    return shown


def aggregates(run: Any) -> int:
    """How many answer aggregates ``run`` queries."""
    with CaptureQueriesContext(connection) as captured:
        run()
    return sum(AGGREGATE in query["sql"] for query in captured.captured_queries)


def fresh(target: Survey, **options: Any) -> SurveyResults:
    """The results aggregated from the answers, nothing kept used (nor kept)."""
    cache.clear()
    RoundSums.objects.all().delete()
    return survey_results(target, **options)


# --- Stored exactly -------------------------------------------------------------------------


def test_sums_round_trip_exactly_through_json_and_the_database(world) -> None:
    made = survey(world.a.org, units=[world.a.unit])
    groups = {
        "q1": {
            world.a.unit.pk: GroupSums(
                n=3,
                total=Decimal("12345678901234567890.123456789"),
                squares=Decimal("0.1000000000000000055511151231257827"),
                options={("urn:a|b", "1"): 2, ("", "x|y"): 1, ("", ""): 4},
            ),
            None: GroupSums(n=1, total=Decimal("-2.50"), squares=Decimal("6.2500")),
        },
        "score": {},
    }
    assert groups_from_json(groups_to_json(groups)) == groups
    store_sums([(made.pk, "k", RoundAggregate(7, 99, groups))])
    back = stored_sums({made.pk: "k"})[made.pk]
    assert back.groups == groups
    assert (back.responses, back.last_response, back.stored) == (7, 99, 7)
    # The trailing zeros survive too: Decimal equality alone would not show it.
    assert str(back.groups["q1"][None].squares) == "6.2500"
    # Another key is not these sums; nor is a row that does not read back.
    assert stored_sums({made.pk: "other"}) == {}
    RoundSums.objects.filter(survey=made).update(groups={"q1": {"": {"n": 1}}})
    assert stored_sums({made.pk: "k"}) == {}
    with pytest.raises(ValueError, match="stored sums"):
        groups_from_json({"q1": {"": {"n": 1, "total": 1.5, "squares": "2", "options": []}}})


# --- Read after a restart -------------------------------------------------------------------


def test_after_a_restart_the_page_reads_the_stored_sums(world, units) -> None:
    made = filled(world, units, [1, 2, 3, 4, 5, 5, 4])
    first = survey_results(made)  # aggregated, cached and stored
    row = RoundSums.objects.get(survey=made)
    assert (row.key, row.responses) == (key_of(made), 22)
    assert row.last_response == SurveyResponse.objects.filter(survey=made).latest("pk").response_id

    cache.clear()  # a restart with the local-memory cache
    assert aggregates(lambda: survey_results(made)) == 0
    cache.clear()
    restarted = survey_results(made)
    assert numbers(restarted) == numbers(first) == numbers(fresh(made))
    for unit in units.values():
        cache.clear()
        assert numbers(survey_results(made, unit_id=unit.pk)) == numbers(
            fresh(made, unit_id=unit.pk)
        )


def test_new_responses_are_added_to_the_stored_sums_exactly(world, units, monkeypatch) -> None:
    made = filled(world, units, [1, 2, 3, 4, 5])
    survey_results(made)
    for value in [1, 1, 5]:
        answer(made, units["b"], value)
    answer(made, None, 2)
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        extended = survey_results(made)
    sql = [query["sql"] for query in captured.captured_queries if AGGREGATE in query["sql"]]
    assert len(sql) == 1
    assert "a.response_id IN (" in sql[0]  # the new responses only
    assert extended.responses == 24
    # Four responses behind is not worth a write: the row stays where it was.
    assert RoundSums.objects.get(survey=made).responses == 20
    assert numbers(extended) == numbers(fresh(made))

    # Far enough behind, the request writes the sums back.
    survey_results(made)
    monkeypatch.setattr(results, "STORE_EVERY", 2)
    answer(made, units["c"], 3)
    answer(made, units["c"], 4)
    cache.clear()
    again = survey_results(made)
    assert RoundSums.objects.get(survey=made).responses == 26
    assert numbers(again) == numbers(fresh(made))


def test_an_erasure_or_a_jump_beyond_the_delta_limit_aggregates_afresh(
    world, units, monkeypatch
) -> None:
    made = filled(world, units, [1, 2, 3, 4, 5])
    survey_results(made)
    SurveyResponse.objects.filter(survey=made, unit=units["b"]).first().delete()  # type: ignore[union-attr]
    cache.clear()
    assert aggregates(lambda: survey_results(made)) == 1
    assert RoundSums.objects.get(survey=made).responses == 19
    monkeypatch.setattr(results, "DELTA_LIMIT", 2)
    for value in [4, 4, 4]:
        answer(made, units["a"], value)
    cache.clear()
    found = survey_results(made)
    assert RoundSums.objects.get(survey=made).responses == 22
    assert numbers(found) == numbers(fresh(made))


def test_a_changed_key_never_reuses_old_sums(world, units, monkeypatch) -> None:
    made = filled(world, units, [1, 2, 3, 4, 5])
    right = numbers(survey_results(made))
    row = RoundSums.objects.get(survey=made)
    # Sums under another key, with the round's current count: they must not be read.
    bogus = groups_to_json({"q1": {units["a"].pk: GroupSums(n=20, options={("x", "1"): 20})}})
    RoundSums.objects.filter(pk=row.pk).update(key="surveys:results:1:old", groups=bogus)
    cache.clear()
    assert numbers(survey_results(made)) == right
    assert RoundSums.objects.get(survey=made).key == key_of(made)

    # A new shape (CACHE_VERSION), another plan, another form version: each a new key.
    plan = item_plan([definition_for(made.version)])
    before = sums_key(made, plan)
    assert before == key_of(made)
    monkeypatch.setattr(results, "CACHE_VERSION", results.CACHE_VERSION + 1)
    assert sums_key(made, plan) != before
    monkeypatch.setattr(results, "CACHE_VERSION", results.CACHE_VERSION - 1)
    numeric = simple_resource()
    numeric["item"][0]["type"] = "integer"
    del numeric["item"][0]["answerOption"]
    assert sums_key(made, item_plan([parse_definition(numeric)])) != before
    Survey.objects.filter(pk=made.pk).update(
        version=questionnaire_version(world.a.org, simple_resource())
    )
    moved = Survey.objects.get(pk=made.pk)
    assert key_of(moved) != before
    # The answers were to the old version: the page of the new one finds none of them,
    # whatever is stored for the round.
    cache.clear()
    assert survey_results(moved).questions[0].organization.answers == 0
    assert RoundSums.objects.get(survey=made).key == key_of(moved)


def test_suppression_is_the_same_with_stored_sums(world, units, client_for) -> None:
    made = filled(world, units, [1, 2, 3, 4])  # unit A has 4: hidden
    survey_results(made)
    cache.clear()
    found = survey_results(made, unit_id=units["a"].pk)
    assert [(c.label, c.suppressed) for c in found.questions[0].units] == [
        ("Hjemmetjenesten", False),
        (units["a"].name, True),
        ("Rustjenesten", False),
    ]
    assert found.unit_suppressed
    hidden = next(c for c in found.questions[0].units if c.suppressed)
    assert (hidden.answers, hidden.options, hidden.estimate) == (0, [], None)
    assert numbers(found) == numbers(fresh(made, unit_id=units["a"].pk))
    # A round below the minimum shows nothing, stored sums or not.
    small = survey(world.a.org, units=[units["a"]])
    for value in [1, 2]:
        answer(small, units["a"], value)
    assert survey_results(small).suppressed
    assert not RoundSums.objects.filter(survey=small).exists()


def test_the_full_aggregate_stops_at_the_highest_response_the_counts_saw(world, units) -> None:
    made = filled(world, units, [1, 2, 3, 4, 5])
    last = SurveyResponse.objects.filter(survey=made).latest("pk").response_id
    answer(made, units["a"], 5)  # stored after the counts were taken
    plan = item_plan([definition_for(made.version)])
    bounded = aggregate_answers([made.pk], [made.version_id], plan, up_to={made.pk: last})
    everything = aggregate_answers([made.pk], [made.version_id], plan)
    assert sum(g.n for g in bounded[made.pk]["q1"].values()) == 20
    assert sum(g.n for g in everything[made.pk]["q1"].values()) == 21


def test_small_rounds_are_not_stored(world, units, monkeypatch) -> None:
    monkeypatch.setattr(results, "STORE_FROM", 500)
    made = filled(world, units, [1, 2, 3, 4, 5])
    survey_results(made)
    assert not RoundSums.objects.exists()
    assert results_tasks.refresh_round_sums.enqueue(made.pk).return_value == 0
    assert not RoundSums.objects.exists()


# --- Query counts ---------------------------------------------------------------------------


def test_results_page_with_stored_sums_query_count_is_pinned(
    world, units, client_for, django_assert_num_queries
) -> None:
    made = filled(world, units, [3] * 12)
    results_tasks.refresh_round_sums.enqueue(made.pk)
    cache.clear()  # a restart
    client = client_for(world.a["staff"])
    # Session and user (2), MFA check (1), organisation context (2), survey (1), rounds (1),
    # response counts (1), targeted units (1), the round's units (1), the stored sums (1),
    # and the page layout's notification bell and menu (2). No aggregate, no write.
    with django_assert_num_queries(13):
        assert client.get(url("results", made)).status_code == 200
    # Then cached: not even the stored sums.
    with django_assert_num_queries(12):
        assert client.get(url("results", made)).status_code == 200


# --- The worker and the command -------------------------------------------------------------


def test_the_task_stores_a_round_and_then_adds_only_new_responses(world, units) -> None:
    made = filled(world, units, [1, 2, 3, 4, 5])
    task = results_tasks.refresh_round_sums
    assert task.enqueue(made.pk).return_value == 1
    row = RoundSums.objects.get(survey=made)
    assert (row.key, row.responses) == (key_of(made), 20)
    assert task.enqueue(made.pk).return_value == 0  # current: nothing written
    for value in [5, 5]:
        answer(made, units["c"], value)
    assert aggregates(lambda: task.call(made.pk)) == 1
    assert RoundSums.objects.get(survey=made).responses == 22
    # The task also filled the cache: the page neither reads the row nor aggregates.
    with CaptureQueriesContext(connection) as captured:
        from_task = survey_results(made)
    assert not any("surveys_roundsums" in q["sql"] for q in captured.captured_queries)
    assert numbers(from_task) == numbers(fresh(made))
    assert task.enqueue(10**9).return_value == 0  # a survey that has gone


def test_schedule_runs_at_once_without_defer_and_once_per_burst_with_it(
    world, units, django_capture_on_commit_callbacks
) -> None:
    made = filled(world, units, [1, 2, 3, 4, 5])
    results_tasks.schedule_sums_refresh(made.pk)  # the tests' ImmediateBackend
    assert RoundSums.objects.get(survey=made).responses == 20

    dummy = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    with override_settings(TASKS=dummy):
        before = datetime.datetime.now(tz=datetime.UTC)
        for _ in range(3):
            with django_capture_on_commit_callbacks(execute=True):
                results_tasks.schedule_sums_refresh(made.pk)
        queued = list(default_task_backend.results)  # type: ignore[attr-defined]
        assert len(queued) == 1
        assert queued[0].args == [made.pk]
        delay = datetime.timedelta(seconds=results_tasks.REFRESH_DELAY_SECONDS)
        assert queued[0].task.run_after >= before + delay
        other = survey(world.a.org, units=[units["a"]])
        with django_capture_on_commit_callbacks(execute=True):
            results_tasks.schedule_sums_refresh(other.pk)  # another survey: its own task
        cache.clear()  # the mark expired: the next answer queues again
        with django_capture_on_commit_callbacks(execute=True):
            results_tasks.schedule_sums_refresh(made.pk)
        assert len(default_task_backend.results) == 3  # type: ignore[attr-defined]


def test_command_refreshes_every_round_behind(world, units, monkeypatch) -> None:
    made = filled(world, units, [1, 2, 3, 4, 5])
    other = filled(world, units, [2, 2, 2, 2, 2])
    out = StringIO()
    call_command("refresh_survey_results", stdout=out)
    assert out.getvalue().strip() == "Refreshed the stored results of 2 survey rounds."
    assert RoundSums.objects.count() == 2

    call_command("refresh_survey_results", stdout=(out := StringIO()))
    assert "of 0 survey rounds" in out.getvalue()
    answer(made, units["a"], 4)
    call_command("refresh_survey_results", stdout=(out := StringIO()))
    assert "of 1 survey rounds" in out.getvalue()
    assert RoundSums.objects.get(survey=made).responses == 21
    assert RoundSums.objects.get(survey=other).responses == 20

    # After a deploy that changed what is stored, every round is refreshed.
    monkeypatch.setattr(results, "CACHE_VERSION", results.CACHE_VERSION + 1)
    call_command("refresh_survey_results", stdout=(out := StringIO()))
    assert "of 2 survey rounds" in out.getvalue()
    assert RoundSums.objects.get(survey=other).key == key_of(other)

    call_command("refresh_survey_results", "--enqueue", stdout=(out := StringIO()))
    assert out.getvalue().startswith("Queued the survey results refresh as task ")
