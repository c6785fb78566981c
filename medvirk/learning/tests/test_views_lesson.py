"""Lesson pages: one address per lesson, progress saved on viewing, quiz, notes, checklist."""

from __future__ import annotations

import pytest
from django.urls import reverse

from medvirk.learning.models import ChecklistTick, LessonProgress, ModuleProgress, QuizAnswer
from medvirk.learning.tests.factories import FULL_KEY

pytestmark = pytest.mark.usefixtures("content")

STORY, VIDEO, AUDIO, REFLECTION, QUIZ, TIPS = 1, 2, 3, 4, 5, 6


def url(step: int, key: str = FULL_KEY) -> str:
    return reverse("learning:lesson_detail", args=["org-a", key, step])


def test_viewing_a_lesson_starts_the_module_and_records_the_lesson(world, english_client_for):
    user = world.a["staff"]
    response = english_client_for(user).get(url(STORY))
    assert response.status_code == 200
    progress = ModuleProgress.objects.get(user=user, organization=world.a.org)
    assert progress.module_key == FULL_KEY
    assert progress.completed_at is None
    assert list(
        LessonProgress.objects.filter(progress=progress).values_list("slot", flat=True)
    ) == ["story-0"]


def test_viewing_again_records_nothing_new(world, english_client_for):
    client = english_client_for(world.a["staff"])
    client.get(url(STORY))
    client.get(url(STORY))
    assert LessonProgress.objects.count() == 1


@pytest.mark.parametrize("step", [0, 7, 99])
def test_step_outside_the_module_is_404(world, english_client_for, step):
    assert english_client_for(world.a["staff"]).get(url(step)).status_code == 404


def test_unknown_module_is_404(world, english_client_for):
    assert english_client_for(world.a["staff"]).get(url(1, "no-such-module")).status_code == 404


def test_lesson_links_to_previous_and_next(world, english_client_for):
    html = english_client_for(world.a["staff"]).get(url(VIDEO)).content.decode()
    assert f'href="{url(STORY)}" rel="prev"' in html
    assert f'href="{url(AUDIO)}" rel="next"' in html
    assert "Lesson 2 of 6" in html


def test_last_lesson_leads_back_to_the_module(world, english_client_for):
    html = english_client_for(world.a["staff"]).get(url(TIPS)).content.decode()
    assert reverse("learning:module_detail", args=["org-a", FULL_KEY]) + "#complete" in html
    assert 'rel="next"' not in html


def test_story_is_shown_in_the_readers_language_with_image_and_alt(world, english_client_for):
    html = english_client_for(world.a["staff"]).get(url(STORY)).content.decode()
    assert "Kari wants to be heard" in html
    assert (
        '<img alt="Kari and the nurse at the kitchen table" src="/static/learning/media/kari.svg">'
        in html
    )
    assert '<html lang="en"' in html
    assert 'lang="en"' in html


def test_video_has_captions_and_transcript(world, english_client_for):
    html = english_client_for(world.a["staff"]).get(url(VIDEO)).content.decode()
    assert 'src="/static/learning/media/film.mp4"' in html
    assert '<track kind="captions" src="/static/learning/media/film.en.vtt" srclang="en"' in html
    assert "Transcript" in html
    assert "Kari talks about her mornings" in html


def test_audio_has_transcript(world, english_client_for):
    html = english_client_for(world.a["staff"]).get(url(AUDIO)).content.decode()
    assert '<audio controls preload="none" src="/static/learning/media/lyd.mp3">' in html
    assert "first user council meeting" in html


# --- Quiz -------------------------------------------------------------------------------------


def test_quiz_is_a_form_with_a_fieldset_per_question(world, english_client_for):
    html = english_client_for(world.a["staff"]).get(url(QUIZ)).content.decode()
    assert html.count('<fieldset class="ds-fieldset"') == 3
    assert "<legend" in html
    assert 'type="radio" name="question_0"' in html
    assert 'type="checkbox" name="question_1"' in html
    assert "Choose all that apply." in html
    assert "Your result" not in html


def test_quiz_with_an_unanswered_question_shows_errors_and_stores_nothing(
    world, english_client_for
):
    response = english_client_for(world.a["staff"]).post(
        url(QUIZ), {"question_0": "0", "question_2": "1"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "ds-error-summary" in html
    assert "Choose at least one answer." in html
    # The answers given are kept.
    assert (
        'name="question_0" value="0" required class="ds-input" id="id_question_0_0" checked' in html
    )
    assert not QuizAnswer.objects.exists()


def test_quiz_with_a_made_up_option_is_refused(world, english_client_for):
    response = english_client_for(world.a["staff"]).post(
        url(QUIZ), {"question_0": "7", "question_1": ["0"], "question_2": "1"}
    )
    assert response.status_code == 200
    assert not QuizAnswer.objects.exists()


def test_submitting_the_quiz_shows_score_and_feedback_on_every_option(world, english_client_for):
    client = english_client_for(world.a["staff"])
    # Q1 right, Q2 half right (wrong), Q3 right.
    response = client.post(url(QUIZ), {"question_0": "0", "question_1": ["0"], "question_2": "1"})
    assert response.status_code == 302
    assert response["Location"] == url(QUIZ) + "#result"
    answers = QuizAnswer.objects.order_by("question_position")
    assert [a.is_correct for a in answers] == [True, False, True]
    assert [a.chosen for a in answers] == [[0], [0], [1]]
    assert {a.attempt for a in answers} == {1}
    assert {(a.module_version, a.language) for a in answers} == {(1, "en")}

    html = client.get(url(QUIZ)).content.decode()
    assert "You answered 2 of 3 questions correctly." in html
    for feedback in [
        "Right. Only the user knows their own everyday life.",
        "The leader is responsible, but does not know the user&#x27;s everyday life.",
        "Right, it is about one person&#x27;s help.",
        "Right, it is about how the service is run.",
        "No, that is not one of the three levels.",
        "No. Then the user never hears what happened.",
        "Right, that closes the loop.",
    ]:
        assert feedback in html or feedback.replace("&#x27;", "'") in html
    assert html.count("Your answer") == 3
    assert "Try again" in html


def test_quiz_can_be_retried(world, english_client_for):
    client = english_client_for(world.a["staff"])
    client.post(url(QUIZ), {"question_0": "1", "question_1": ["2"], "question_2": "0"})
    client.post(url(QUIZ), {"question_0": "0", "question_1": ["0", "1"], "question_2": "1"})
    assert QuizAnswer.objects.filter(attempt=2, is_correct=True).count() == 3
    assert QuizAnswer.objects.filter(attempt=1, is_correct=False).count() == 3
    html = client.get(url(QUIZ)).content.decode()
    assert "You answered 3 of 3 questions correctly." in html


# --- Reflection --------------------------------------------------------------------------------


def test_reflection_notes_are_saved_and_shown_to_the_writer(world, english_client_for):
    client = english_client_for(world.a["staff"])
    response = client.post(url(REFLECTION), {"text": "Jeg spør for sjelden."})
    assert response.status_code == 302
    html = client.get(url(REFLECTION)).content.decode()
    assert "Jeg spør for sjelden." in html
    assert "Only you can read your notes." in html


def test_too_long_notes_are_refused_and_kept_in_the_form(world, english_client_for):
    text = "x" * 20_001
    response = english_client_for(world.a["staff"]).post(url(REFLECTION), {"text": text})
    assert response.status_code == 200
    assert "ds-error-summary" in response.content.decode()
    assert text in response.content.decode()
    assert not ModuleProgress.objects.filter(reflection_notes__isnull=False).exists()


# --- Tips and checklist ------------------------------------------------------------------------


def test_checklist_items_are_checkboxes_in_a_form(world, english_client_for):
    html = english_client_for(world.a["staff"]).get(url(TIPS)).content.decode()
    assert '<legend class="ds-label">Checklist</legend>' in html
    assert 'type="checkbox" name="ticked" value="0" id="tick-0"' in html
    assert "Save checklist" in html
    assert 'hx-trigger="change"' in html


def test_ticking_without_javascript_saves_and_redirects(world, english_client_for):
    client = english_client_for(world.a["staff"])
    response = client.post(url(TIPS), {"shown": ["0", "1"], "ticked": ["1"]})
    assert response.status_code == 302
    assert list(ChecklistTick.objects.values_list("item", flat=True)) == [1]
    html = client.get(url(TIPS)).content.decode()
    assert 'value="1" id="tick-1" checked' in html
    assert 'value="0" id="tick-0">' in html
    # Unticking.
    client.post(url(TIPS), {"shown": ["0", "1"]})
    assert not ChecklistTick.objects.exists()


def test_ticking_with_htmx_returns_the_checklist_and_a_status(world, english_client_for):
    response = english_client_for(world.a["staff"]).post(
        url(TIPS), {"shown": ["0", "1"], "ticked": ["0", "1"]}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert 'id="checklist-1"' in html
    assert 'hx-swap-oob="innerHTML"' in html
    assert "Checklist saved: 2 items ticked." in html


def test_ticks_of_items_not_in_the_lesson_are_ignored(world, english_client_for):
    english_client_for(world.a["staff"]).post(url(TIPS), {"shown": ["5"], "ticked": ["5"]})
    assert not ChecklistTick.objects.exists()


def test_posting_to_a_story_is_not_allowed(world, english_client_for):
    assert english_client_for(world.a["staff"]).post(url(STORY), {}).status_code == 405
