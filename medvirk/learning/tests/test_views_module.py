"""The module page: lessons as steps, continuing, and completing the module."""

from __future__ import annotations

import pytest
from django.urls import reverse

from medvirk.learning import services
from medvirk.learning.models import ModuleProgress
from medvirk.learning.tests.factories import FULL_KEY, correct_answers, fixture_module

pytestmark = pytest.mark.usefixtures("content")

URL = reverse("learning:module_detail", args=["org-a", FULL_KEY])


def lesson_url(step: int) -> str:
    return reverse("learning:lesson_detail", args=["org-a", FULL_KEY, step])


def view_all(client, answer_quiz: bool = True) -> None:
    for step in range(1, 7):
        client.get(lesson_url(step))
    if answer_quiz:
        client.post(lesson_url(5), {"question_0": "0", "question_1": ["0", "1"], "question_2": "1"})


def test_module_page_lists_every_lesson_as_a_step(world, english_client_for):
    html = english_client_for(world.a["staff"]).get(URL).content.decode()
    assert '<ol class="learning-steps">' in html
    for step in range(1, 7):
        assert lesson_url(step) in html
    assert "Start the module" in html
    assert "Download your certificate" not in html


def test_continue_leads_to_the_first_lesson_not_opened(world, english_client_for):
    client = english_client_for(world.a["staff"])
    client.get(lesson_url(1))
    client.get(lesson_url(2))
    html = client.get(URL).content.decode()
    assert f'href="{lesson_url(3)}">Continue</a>' in html
    assert html.count(">Opened<") == 2


def test_completing_before_every_lesson_is_opened_is_refused(world, english_client_for):
    client = english_client_for(world.a["staff"])
    client.get(lesson_url(1))
    response = client.post(URL, follow=True)
    assert "Open every lesson and answer the quiz before" in response.content.decode()
    assert not ModuleProgress.objects.filter(completed_at__isnull=False).exists()


def test_completing_without_answering_the_quiz_is_refused(world, english_client_for):
    client = english_client_for(world.a["staff"])
    view_all(client, answer_quiz=False)
    assert "Complete the module</button>" not in client.get(URL).content.decode()
    client.post(URL)
    assert not ModuleProgress.objects.filter(completed_at__isnull=False).exists()


def test_completing_without_any_progress_is_refused(world, english_client_for):
    english_client_for(world.a["staff"]).post(URL)
    assert not ModuleProgress.objects.exists()


def test_complete_after_every_lesson_and_the_quiz(world, english_client_for):
    client = english_client_for(world.a["staff"])
    view_all(client)
    assert "Complete the module</button>" in client.get(URL).content.decode()
    response = client.post(URL)
    assert response.status_code == 302
    progress = ModuleProgress.objects.get(user=world.a["staff"])
    assert progress.completed_at is not None
    assert (progress.completed_version, progress.completed_language) == (1, "en")
    html = client.get(URL).content.decode()
    assert "You completed this module on" in html
    assert reverse("learning:certificate", args=["org-a", FULL_KEY]) in html


def test_a_wrong_quiz_still_counts_as_answered(world, english_client_for):
    """Completion asks that the quiz was answered, not that every answer was right."""
    client = english_client_for(world.a["staff"])
    view_all(client, answer_quiz=False)
    client.post(lesson_url(5), {"question_0": "1", "question_1": ["2"], "question_2": "0"})
    client.post(URL)
    assert ModuleProgress.objects.get().completed_at is not None


def test_completion_in_bokmal_counts_in_english(world, client_for):
    """Progress is kept per module, not per language."""
    user, org = world.a["staff"], world.a.org
    module = fixture_module(org, "nb")
    for lesson in module.lessons.all():
        services.lesson_viewed(user=user, organization=org, lesson=lesson)
    services.quiz_submit(
        user=user,
        organization=org,
        lesson=module.lessons.get(position=4),
        answers=correct_answers(module, 4),
    )
    services.module_complete(user=user, organization=org, module=module)
    client = client_for(user)
    client.cookies["medvirk_language"] = "en"
    html = client.get(URL).content.decode()
    assert "Participation in practice" in html
    assert "You completed this module on" in html


def test_completing_twice_keeps_the_first_date(world, english_client_for):
    client = english_client_for(world.a["staff"])
    view_all(client)
    client.post(URL)
    first = ModuleProgress.objects.get().completed_at
    client.post(URL)
    assert ModuleProgress.objects.get().completed_at == first
