"""Anonymous answers accepted in one insert and stored by the worker."""

from __future__ import annotations

import datetime
import logging
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.utils import timezone

from medvirk.questionnaires.definition import definition_for
from medvirk.questionnaires.models import Answer, Response
from medvirk.questionnaires.tests.factories import questionnaire_version
from medvirk.surveys import answering, selectors
from medvirk.surveys.models import PendingAnswer, SurveyResponse
from medvirk.surveys.tests.factories import SCALE_SYSTEM, survey
from medvirk.surveys.tests.test_answering import answers, hidden, thanks_url, url

ITEMS = [
    {"linkId": "q1", "answer": [{"valueCoding": {"system": SCALE_SYSTEM, "code": "4"}}]},
    {"linkId": "comment", "answer": [{"valueString": "Kind staff"}]},
]


@pytest.fixture(autouse=True)
def fresh_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def held(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Keep accepted answers waiting: count schedule calls instead of running the worker."""
    calls: list[int] = []
    monkeypatch.setattr(answering, "schedule_storing", lambda: calls.append(1))
    return calls


def test_an_anonymous_form_is_accepted_in_one_row_with_the_day_only(world, client, held):
    found = survey(world.a.org, units=[world.a.unit])
    key = hidden(client.get(url(found)).content.decode(), "submission_key")
    done = client.post(url(found), answers(key))
    assert done["Location"] == thanks_url(found)

    pending = PendingAnswer.objects.get()
    assert (pending.survey, pending.unit) == (found, world.a.unit)
    assert str(pending.submission_key) == key
    assert pending.submitted_on == timezone.localdate()
    assert {item["linkId"] for item in pending.items} == {"q1", "comment"}
    assert not pending.failed
    assert held == [1]
    assert not Response.objects.exists()  # the worker stores it
    # The live count already includes it.
    assert selectors.response_count(found) == 1


def test_the_worker_stores_waiting_answers_and_removes_them(world, held):
    found = survey(world.a.org, units=[world.a.unit])
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    for _ in range(3):
        answering.accept_answer(found, items=ITEMS, unit=world.a.unit, submission_key=uuid.uuid4())
    PendingAnswer.objects.update(submitted_on=yesterday)  # given yesterday, stored today

    assert answering.store_pending(batch=2) == 3
    assert not PendingAnswer.objects.exists()
    stored = list(SurveyResponse.objects.select_related("response"))
    assert len(stored) == 3
    for row in stored:
        assert row.submitted_on == yesterday
        assert row.response.anonymous
        assert row.response.respondent_id is None
        assert timezone.localtime(row.response.submitted_at).date() == yesterday
        assert timezone.localtime(row.response.submitted_at).time() == datetime.time(0, 0)
    assert Answer.objects.filter(link_id="q1", value_code="4").count() == 3


def test_the_same_form_sent_twice_is_stored_once(world, held):
    found = survey(world.a.org, units=[world.a.unit])
    key = uuid.uuid4()
    answering.accept_answer(found, items=ITEMS, unit=world.a.unit, submission_key=key)
    answering.accept_answer(found, items=ITEMS, unit=world.a.unit, submission_key=key)
    assert PendingAnswer.objects.count() == 1
    assert answering.store_pending() == 1
    # Sent again after it was stored: kept for a moment, then dropped by the worker.
    answering.accept_answer(found, items=ITEMS, unit=world.a.unit, submission_key=key)
    assert answering.store_pending() == 0
    assert not PendingAnswer.objects.exists()
    assert SurveyResponse.objects.count() == 1


def test_a_second_press_counts_as_sent_for_the_rate_limit(world, held):
    found = survey(world.a.org, units=[world.a.unit])
    key = uuid.uuid4()
    assert not answering.submitted_with_key(found, key)
    answering.accept_answer(found, items=ITEMS, unit=world.a.unit, submission_key=key)
    assert answering.submitted_with_key(found, key)


def test_a_unit_the_survey_does_not_ask_about_is_refused(world, held):
    found = survey(world.a.org, units=[world.a.unit])
    with pytest.raises(answering.UnitRejected):
        answering.accept_answer(found, items=ITEMS, unit=world.b.unit, submission_key=uuid.uuid4())
    assert not PendingAnswer.objects.exists()
    assert held == []


def test_an_answer_that_cannot_be_stored_is_kept_and_logged(world, held, caplog):
    found = survey(world.a.org, units=[world.a.unit])
    good = uuid.uuid4()
    answering.accept_answer(found, items=ITEMS, unit=world.a.unit, submission_key=uuid.uuid4())
    PendingAnswer.objects.update(items="not a list of items")
    answering.accept_answer(found, items=ITEMS, unit=world.a.unit, submission_key=good)
    with caplog.at_level(logging.ERROR, logger="medvirk.surveys.answering"):
        assert answering.store_pending() == 1
    assert "could not be stored" in caplog.text
    kept = PendingAnswer.objects.get()
    assert kept.failed
    assert SurveyResponse.objects.get().response.submission_key == good
    assert answering.store_pending() == 0  # a failed row is not retried in a loop


def test_only_anonymous_surveys_without_codes_or_files_wait_for_the_worker(world):
    plain = survey(world.a.org, units=[world.a.unit])
    assert answering.can_accept_for_later(plain, definition_for(plain.version))
    identified = survey(world.a.org, units=[world.a.unit], anonymous=False)
    assert not answering.can_accept_for_later(identified, definition_for(identified.version))
    coded = survey(world.a.org, units=[world.a.unit], requires_code=True)
    assert not answering.can_accept_for_later(coded, definition_for(coded.version))
    resource: dict[str, Any] = {
        "resourceType": "Questionnaire",
        "status": "active",
        "title": "With a file",
        "item": [{"linkId": "file", "type": "attachment", "text": "A photo"}],
    }
    with_file = survey(
        world.a.org, units=[world.a.unit], version=questionnaire_version(world.a.org, resource)
    )
    assert not answering.can_accept_for_later(with_file, definition_for(with_file.version))


def test_a_burst_of_answers_queues_the_worker_once(
    world, monkeypatch, django_capture_on_commit_callbacks
):
    from medvirk.surveys import tasks

    queued: list[datetime.datetime] = []

    class Deferred:
        def __init__(self, run_after: datetime.datetime) -> None:
            self.run_after = run_after

        def enqueue(self) -> None:
            queued.append(self.run_after)

    class DeferringTask:
        """Stands for the task on a backend that can run it later (the database's)."""

        def get_backend(self) -> Any:
            return type("Backend", (), {"supports_defer": True})()

        def using(self, run_after: datetime.datetime) -> Deferred:
            return Deferred(run_after)

    monkeypatch.setattr(tasks, "store_pending_answers", DeferringTask())
    found = survey(world.a.org, units=[world.a.unit])
    before = timezone.now()
    for _ in range(5):
        with django_capture_on_commit_callbacks(execute=True):  # as if committed
            answering.accept_answer(
                found, items=ITEMS, unit=world.a.unit, submission_key=uuid.uuid4()
            )
    assert len(queued) == 1
    assert queued[0] >= before + datetime.timedelta(seconds=answering.STORE_DELAY_SECONDS)
    assert PendingAnswer.objects.count() == 5
    cache.clear()  # the mark expired: the next answer queues the worker again
    with django_capture_on_commit_callbacks(execute=True):
        answering.accept_answer(found, items=ITEMS, unit=world.a.unit, submission_key=uuid.uuid4())
    assert len(queued) == 2


def test_with_the_immediate_backend_the_answer_is_stored_at_once(world, client):
    found = survey(world.a.org, units=[world.a.unit])
    key = hidden(client.get(url(found)).content.decode(), "submission_key")
    client.post(url(found), answers(key))
    assert not PendingAnswer.objects.exists()
    assert SurveyResponse.objects.get().response.submission_key == uuid.UUID(key)


def test_the_coordinator_is_told_about_answers_that_could_not_be_stored(world, client_for, held):
    from django.urls import reverse

    found = survey(world.a.org, units=[world.a.unit])
    answering.accept_answer(found, items=ITEMS, unit=world.a.unit, submission_key=uuid.uuid4())
    detail = reverse("surveys:detail", args=[world.a.org.slug, found.pk])
    client = client_for(world.a["coordinator"])
    assert (
        "could not be stored" not in client.get(detail, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    )
    PendingAnswer.objects.update(failed=True)
    html = client.get(detail, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "1 answer could not be stored because of an error." in html
