"""Progress rules: quiz scoring, attempts, completion, checklist ticks."""

from __future__ import annotations

import pytest

from medvirk.learning import services
from medvirk.learning.choices import LessonKind
from medvirk.learning.models import ChecklistTick, ModuleProgress, QuizAnswer
from medvirk.learning.tests.factories import fixture_module

pytestmark = pytest.mark.usefixtures("content")


@pytest.fixture
def quiz(world):
    return fixture_module(world.a.org).lessons.get(kind=LessonKind.QUIZ)


def submit(world, quiz, answers):
    return services.quiz_submit(
        user=world.a["staff"], organization=world.a.org, lesson=quiz, answers=answers
    )


def test_all_right(world, quiz):
    assert submit(world, quiz, {0: [0], 1: [0, 1], 2: [1]}) == (3, 3)


def test_multiple_choice_is_right_only_with_exactly_the_correct_options(world, quiz):
    """Missing one correct option, or adding a wrong one, makes the answer wrong."""
    assert submit(world, quiz, {0: [0], 1: [0], 2: [1]}) == (2, 3)
    assert submit(world, quiz, {0: [0], 1: [0, 1, 2], 2: [1]}) == (2, 3)
    assert submit(world, quiz, {0: [0], 1: [1, 0, 1], 2: [1]}) == (3, 3)


def test_single_choice_wrong(world, quiz):
    assert submit(world, quiz, {0: [1], 1: [0, 1], 2: [0]}) == (1, 3)


def test_every_attempt_is_kept_with_its_number(world, quiz):
    submit(world, quiz, {0: [1], 1: [2], 2: [0]})
    submit(world, quiz, {0: [0], 1: [0, 1], 2: [1]})
    assert sorted(set(QuizAnswer.objects.values_list("attempt", flat=True))) == [1, 2]
    assert QuizAnswer.objects.count() == 6


@pytest.mark.parametrize(
    "answers",
    [
        {0: [0], 1: [0]},
        {0: [0], 1: [0], 2: [5]},
        {0: [], 1: [0], 2: [1]},
        {0: [0], 1: [0], 2: [1], 3: [0]},
    ],
)
def test_incomplete_or_made_up_answers_are_refused_and_nothing_stored(world, quiz, answers):
    with pytest.raises(services.QuizNotAnswered):
        submit(world, quiz, answers)
    assert not QuizAnswer.objects.exists()


def test_complete_needs_every_lesson_and_the_quiz(world):
    user, org = world.a["staff"], world.a.org
    module = fixture_module(org)
    lessons = list(module.lessons.all())
    for lesson in lessons[:-1]:
        services.lesson_viewed(user=user, organization=org, lesson=lesson)
    with pytest.raises(services.ModuleNotFinished):
        services.module_complete(user=user, organization=org, module=module)
    services.lesson_viewed(user=user, organization=org, lesson=lessons[-1])
    with pytest.raises(services.ModuleNotFinished):
        services.module_complete(user=user, organization=org, module=module)
    services.quiz_submit(
        user=user, organization=org, lesson=lessons[4], answers={0: [1], 1: [2], 2: [0]}
    )
    progress = services.module_complete(user=user, organization=org, module=module)
    assert progress.completed_at is not None
    assert ModuleProgress.objects.get().completed_version == 1


def test_checklist_update_leaves_other_checklists_alone(world):
    user, org = world.a["staff"], world.a.org
    tips = fixture_module(org).lessons.get(kind=LessonKind.TIPS)
    tips.blocks = [
        {"checklist": [{"index": 0, "html": "a"}, {"index": 1, "html": "b"}]},
        {"checklist": [{"index": 2, "html": "c"}]},
    ]
    tips.save()
    services.checklist_update(user=user, organization=org, lesson=tips, shown={2}, ticked={2})
    ticked = services.checklist_update(
        user=user, organization=org, lesson=tips, shown={0, 1}, ticked={0}
    )
    assert ticked == {0, 2}
    ticked = services.checklist_update(
        user=user, organization=org, lesson=tips, shown={0, 1}, ticked=set()
    )
    assert ticked == {2}
    assert ChecklistTick.objects.count() == 1


def test_progress_follows_the_lesson_across_languages_with_different_lessons(world):
    """English has one story more than Bokmål: the quiz, notes and ticks made in Bokmål
    still belong to the English quiz, reflection and tips (lessons are kept by slot)."""
    from medvirk.learning.content import parse_module
    from medvirk.learning.selectors import module_status, own_note

    front = "---\nid: slots\ntitle: T\nsummary: S\naudience: [staff]\nminutes: 5\norder: 9\n---\n"
    quiz = "## Q {quiz}\n\n? Q?\n- [x] A :: a\n- [ ] B :: b\n\n"
    rest = "## R {reflection}\n\nThink.\n\n## T {tips}\n\n- [ ] Do it\n"
    user, org = world.a["staff"], world.a.org
    nb, _ = services.module_sync(
        parsed=parse_module(front + "## S\n\nOne.\n\n" + quiz + rest, filename="nb", language="nb")
    )
    en, _ = services.module_sync(
        parsed=parse_module(
            front + "## S\n\nOne.\n\n## S2\n\nTwo.\n\n" + quiz + rest, filename="en", language="en"
        )
    )
    for lesson in nb.lessons.all():
        services.lesson_viewed(user=user, organization=org, lesson=lesson)
    services.quiz_submit(
        user=user, organization=org, lesson=nb.lessons.get(kind="quiz"), answers={0: [0]}
    )
    services.reflection_note_save(
        user=user, organization=org, lesson=nb.lessons.get(kind="reflection"), text="Mitt"
    )
    status = module_status(user, org, en)
    assert [lesson.slot for lesson in status.lessons] == [
        "story-0",
        "story-1",
        "quiz-0",
        "reflection-0",
        "tips-0",
    ]
    assert status.answered == {"quiz-0"}
    assert status.next_lesson is not None
    assert status.next_lesson.slot == "story-1"
    assert own_note(status.progress, en.lessons.get(kind="reflection")) == "Mitt"
    services.lesson_viewed(user=user, organization=org, lesson=en.lessons.get(slot="story-1"))
    assert services.module_complete(user=user, organization=org, module=en).is_completed


def test_reloading_with_a_lesson_inserted_moves_slots_without_clashes(world):
    from medvirk.learning.content import parse_module

    front = "---\nid: moving\ntitle: T\nsummary: S\naudience: [staff]\nminutes: 5\norder: 9\n---\n"
    first = front + "## Q {quiz}\n\n? Q?\n- [x] A :: a\n- [ ] B :: b\n\n## S\n\nOne.\n"
    module, _ = services.module_sync(parsed=parse_module(first, filename="x", language="nb"))
    second = (
        front
        + "## S0\n\nZero.\n\n## Q2 {quiz}\n\n? Q?\n- [x] A :: a\n- [ ] B :: b\n\n"
        + ("## Q {quiz}\n\n? Q?\n- [x] A :: a\n- [ ] B :: b\n\n## S\n\nOne.\n")
    )
    services.module_sync(parsed=parse_module(second, filename="x", language="nb"))
    assert list(module.lessons.values_list("slot", flat=True)) == [
        "story-0",
        "quiz-0",
        "quiz-1",
        "story-1",
    ]
