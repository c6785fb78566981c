"""Loading module files: ``load_learning_content``, idempotence, edits that keep progress."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import translation

from medvirk.learning import services
from medvirk.learning.choices import LessonKind
from medvirk.learning.content import parse_file
from medvirk.learning.models import (
    ChecklistTick,
    Lesson,
    Module,
    ModuleProgress,
    QuizAnswer,
    ReflectionNote,
)
from medvirk.learning.tests.factories import (
    CONTENT,
    FIXTURES,
    FULL_KEY,
    complete_module,
    fixture_module,
)


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A copy of the fixture content that a test may edit."""
    root = tmp_path / "learning"
    shutil.copytree(CONTENT, root)
    return root


def run(*args: str) -> str:
    out = StringIO()
    call_command("load_learning_content", *args, stdout=out)
    return out.getvalue()


def test_command_loads_every_file_and_says_what_changed(db, tree: Path) -> None:
    output = run("--path", str(tree))
    assert Module.objects.filter(organization__isnull=True).count() == 3
    assert "Created: fixture-participation (nb) version 1" in output
    assert "Created: fixture-participation (en) version 1" in output
    assert "3 changed, 0 unchanged." in output
    module = Module.objects.get(key=FULL_KEY, language="nb")
    assert module.lessons.count() == 6
    assert module.source == "file"
    assert module.organization is None


def test_loading_twice_changes_nothing(db, tree: Path) -> None:
    run("--path", str(tree))
    before = {m.pk: (m.version, m.updated_at) for m in Module.objects.all()}
    lessons = set(Lesson.objects.values_list("pk", flat=True))
    output = run("--path", str(tree))
    assert output.strip() == "0 changed, 3 unchanged."
    assert {m.pk: (m.version, m.updated_at) for m in Module.objects.all()} == before
    assert set(Lesson.objects.values_list("pk", flat=True)) == lessons


def test_command_without_path_loads_content_learning(db, settings, tree: Path) -> None:
    settings.LEARNING_CONTENT_DIR = tree
    assert "3 changed" in run()


def test_command_loads_one_file(db, tree: Path) -> None:
    output = run("--path", str(tree / "nb" / "02-kort-modul.md"))
    assert "1 changed, 0 unchanged." in output
    assert Module.objects.get().key == "fixture-short"


@pytest.mark.parametrize(
    ("name", "line"),
    [
        ("missing-front-matter.md", 1),
        ("unknown-audience.md", 7),
        ("quiz-without-correct-answer.md", 12),
        ("video-without-transcript.md", 14),
    ],
)
def test_command_reports_each_bad_file_with_its_line(db, name: str, line: int) -> None:
    with pytest.raises(CommandError) as failure:
        run("--path", str(FIXTURES / "bad"))
    assert f"medvirk/learning/tests/fixtures/bad/nb/{name}:{line}: " in str(failure.value)
    assert not Module.objects.exists()


def test_one_bad_file_loads_nothing_at_all(db, tree: Path) -> None:
    """A bad file stops the whole load: not even the good files are loaded."""
    shutil.copy(FIXTURES / "bad" / "nb" / "unknown-audience.md", tree / "nb" / "03-bad.md")
    with pytest.raises(CommandError) as failure:
        run("--path", str(tree))
    assert "Nothing was loaded" in str(failure.value)
    assert "03-bad.md:7: Unknown audience “patients”" in str(failure.value)
    assert not Module.objects.exists()


def test_bad_edit_keeps_the_loaded_version(db, tree: Path) -> None:
    run("--path", str(tree))
    path = tree / "nb" / "02-kort-modul.md"
    path.write_text(path.read_text().replace("[leaders]", "[bosses]"))
    with pytest.raises(CommandError):
        run("--path", str(tree))
    module = Module.objects.get(key="fixture-short")
    assert module.audience == ["leaders"]
    assert module.version == 1


def test_same_id_twice_in_one_language_is_refused(db, tree: Path) -> None:
    shutil.copy(tree / "nb" / "02-kort-modul.md", tree / "nb" / "03-kopi.md")
    with pytest.raises(CommandError) as failure:
        run("--path", str(tree))
    assert "03-kopi.md:2: The id “fixture-short” is already used by" in str(failure.value)


def test_missing_path_is_an_error(db, tmp_path: Path) -> None:
    with pytest.raises(CommandError):
        run("--path", str(tmp_path / "nowhere"))


def test_editing_a_file_updates_in_place_and_keeps_progress(db, world, tree: Path) -> None:
    """A changed file raises the version and rewrites lessons in place; the learner's
    completion, quiz answers, notes and ticks are all still there."""
    services.content_load(path=tree)
    user, org = world.a["staff"], world.a.org
    module = fixture_module(org)
    complete_module(user, org, module)
    reflection = module.lessons.get(kind=LessonKind.REFLECTION)
    services.reflection_note_save(user=user, organization=org, lesson=reflection, text="Mitt")
    tips = module.lessons.get(kind=LessonKind.TIPS)
    services.checklist_update(user=user, organization=org, lesson=tips, shown={0, 1}, ticked={1})
    lesson_ids = list(module.lessons.values_list("pk", flat=True))

    path = tree / "nb" / "01-medvirkning-i-praksis.md"
    path.write_text(
        path.read_text().replace("Kari vil bli hørt", "Kari vil bli sett")
        + "\n\n## Ekstra\n\nEn ny leksjon på slutten.\n"
    )
    report = services.content_load(path=tree)

    changes = {(entry.key, entry.language): entry.change for entry in report}
    assert changes[(FULL_KEY, "nb")] == "updated"
    assert changes[(FULL_KEY, "en")] == "unchanged"
    module.refresh_from_db()
    assert module.version == 2
    assert list(module.lessons.values_list("pk", flat=True))[:6] == lesson_ids
    assert module.lessons.get(position=0).title == "Kari vil bli sett"
    assert module.lessons.count() == 7
    progress = ModuleProgress.objects.get(user=user, module_key=FULL_KEY)
    assert progress.is_completed
    assert progress.completed_version == 1
    assert QuizAnswer.objects.filter(progress=progress, question__isnull=False).count() == 3
    assert ReflectionNote.objects.get(progress=progress).text == "Mitt"
    assert ChecklistTick.objects.filter(progress=progress).count() == 1


def test_removing_a_question_keeps_the_answer(db, world, tree: Path) -> None:
    services.content_load(path=tree)
    user, org = world.a["staff"], world.a.org
    complete_module(user, org, fixture_module(org))
    path = tree / "nb" / "01-medvirkning-i-praksis.md"
    text = path.read_text()
    start = text.index("? Hva bør du gjøre")
    path.write_text(text[:start] + text[text.index("## Tips") :])
    services.content_load(path=tree)
    answers = QuizAnswer.objects.filter(progress__user=user)
    assert answers.count() == 3
    assert answers.filter(question__isnull=True).count() == 1


def test_deleted_file_withdraws_the_module_but_keeps_progress(db, world, tree: Path) -> None:
    services.content_load(path=tree)
    user, org = world.a["staff"], world.a.org
    complete_module(user, org, fixture_module(org))
    (tree / "nb" / "01-medvirkning-i-praksis.md").unlink()
    output = run("--path", str(tree))
    assert "Withdrawn: fixture-participation (nb)" in output
    assert not Module.objects.get(key=FULL_KEY, language="nb").is_published
    assert Module.objects.get(key=FULL_KEY, language="en").is_published
    assert ModuleProgress.objects.get(user=user).is_completed
    # Back again: published again, as an update.
    shutil.copy(CONTENT / "nb" / "01-medvirkning-i-praksis.md", tree / "nb")
    assert "Updated: fixture-participation (nb)" in run("--path", str(tree))
    assert Module.objects.get(key=FULL_KEY, language="nb").is_published


# --- The real curriculum ----------------------------------------------------------------------

REAL_CONTENT = Path(settings.BASE_DIR) / "content" / "learning"


@pytest.mark.skipif(not REAL_CONTENT.is_dir(), reason="content/learning/ is not there")
def test_starter_curriculum_loads_and_every_module_is_complete(db) -> None:
    """Every shipped module parses and has a story, a quiz with at least three questions,
    a reflection and tips; Bokmål and English have every module."""
    services.content_load(path=REAL_CONTENT)
    files = services.module_files(REAL_CONTENT)
    assert files, "content/learning/ has no modules"
    keys: dict[str, set[str]] = {}
    for path in files:
        module = parse_file(path, root=REAL_CONTENT)
        keys.setdefault(module.language, set()).add(module.key)
        kinds = [lesson.kind for lesson in module.lessons]
        assert "story" in kinds, f"{path}: no story"
        assert "reflection" in kinds, f"{path}: no reflection"
        assert "tips" in kinds, f"{path}: no tips"
        quizzes = [lesson for lesson in module.lessons if lesson.kind == "quiz"]
        assert quizzes, f"{path}: no quiz"
        assert max(len(q.questions) for q in quizzes) >= 3, f"{path}: fewer than 3 questions"
    every = set().union(*keys.values())
    assert keys.get("nb", set()) == every, f"missing in Bokmål: {every - keys.get('nb', set())}"
    assert keys.get("en", set()) == every, f"missing in English: {every - keys.get('en', set())}"
