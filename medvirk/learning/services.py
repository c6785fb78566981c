"""Writes of the learning app: loading content, progress, requirements, reminders."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models, transaction
from django.db.models import Max, Value
from django.db.models.functions import Cast, Concat
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from medvirk.accesslog.services import log_access
from medvirk.learning.choices import ModuleSource
from medvirk.learning.content import ContentError, ContentProblem, ParsedModule, parse_file
from medvirk.learning.content.parser import ParsedLesson
from medvirk.learning.lessons import lesson_slots
from medvirk.learning.models import (
    ChecklistTick,
    LearningReminder,
    Lesson,
    LessonProgress,
    Module,
    ModuleProgress,
    QuizAnswer,
    QuizOption,
    QuizQuestion,
    ReflectionNote,
    RequiredModule,
)
from medvirk.learning.selectors import (
    language_preference,
    outstanding_required_modules,
    quiz_slots,
)
from medvirk.notifications.services import notify

if TYPE_CHECKING:
    from medvirk.accounts.models import User
    from medvirk.organizations.models import Organization

# A person is reminded of required modules at most this often.
REMINDER_INTERVAL = timedelta(days=7)


def content_root() -> Path:
    """The folder of shipped modules (content/learning/), read when needed, not at import."""
    return Path(getattr(settings, "LEARNING_CONTENT_DIR", settings.BASE_DIR / "content/learning"))


# --- Content -------------------------------------------------------------------------------


class Change:
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    WITHDRAWN = "withdrawn"


@dataclass(frozen=True)
class LoadedModule:
    change: str
    key: str
    language: str
    version: int
    path: str


class ContentLoadError(Exception):
    """One or more files are refused; nothing was loaded."""

    def __init__(self, errors: Sequence[ContentError]) -> None:
        self.errors = list(errors)
        super().__init__("\n".join(str(error) for error in self.errors))


def _sync_lessons(module: Module, lessons: Sequence[ParsedLesson]) -> None:
    """Update the module's lessons in place, by position, so that ids stay put."""
    existing = {lesson.position: lesson for lesson in module.lessons.all()}
    slots = lesson_slots([parsed.kind for parsed in lessons])
    # Slots are unique per module: clear them first so that lessons can swap slots.
    Lesson.objects.filter(module=module).update(
        slot=Concat(Value("~"), Cast("pk", output_field=models.CharField()))
    )
    for position, parsed in enumerate(lessons):
        lesson = existing.pop(position, None) or Lesson(module=module, position=position)
        lesson.kind = parsed.kind
        lesson.slot = slots[position]
        lesson.title = parsed.title[:200]
        lesson.html = parsed.html
        lesson.blocks = list(parsed.blocks)
        lesson.media_src = parsed.media_src
        lesson.media_captions = parsed.media_captions
        lesson.save()
        questions = {question.position: question for question in lesson.questions.all()}
        for question_position, parsed_question in enumerate(parsed.questions):
            question = questions.pop(question_position, None) or QuizQuestion(
                lesson=lesson, position=question_position
            )
            question.prompt_html = parsed_question.prompt_html
            question.is_multiple = parsed_question.is_multiple
            question.save()
            # Answers keep option positions, not rows, so options can simply be replaced.
            question.options.all().delete()
            QuizOption.objects.bulk_create(
                QuizOption(
                    question=question,
                    position=option_position,
                    label_html=option.label_html,
                    is_correct=option.is_correct,
                    feedback_html=option.feedback_html,
                )
                for option_position, option in enumerate(parsed_question.options)
            )
        QuizQuestion.objects.filter(pk__in=[q.pk for q in questions.values()]).delete()
    Lesson.objects.filter(pk__in=[lesson.pk for lesson in existing.values()]).delete()


def _apply(module: Module, parsed: ParsedModule) -> None:
    module.title = parsed.title
    module.summary = parsed.summary
    module.audience = list(parsed.audience)
    module.minutes = parsed.minutes
    module.order = parsed.order
    module.content_hash = parsed.content_hash
    module.source_text = parsed.source_text


@transaction.atomic
def module_sync(
    *,
    parsed: ParsedModule,
    organization: Organization | None = None,
    source_path: str = "",
    is_published: bool = True,
) -> tuple[Module, str]:
    """Create or update the module ``parsed`` describes; return it and what changed.

    A module whose content hash is unchanged is left alone. A changed one is
    updated in place with its version counter raised: lessons keep their
    rows, and progress (which names lessons by slot) is untouched.
    """
    source = ModuleSource.FILE if organization is None else ModuleSource.ORGANIZATION
    module = (
        Module.objects.select_for_update()
        .filter(organization=organization, key=parsed.key, language=parsed.language)
        .first()
    )
    if module is None:
        module = Module(
            organization=organization,
            key=parsed.key,
            language=parsed.language,
            source=source,
            source_path=source_path,
            is_published=is_published,
        )
        _apply(module, parsed)
        module.save()
        _sync_lessons(module, parsed.lessons)
        return module, Change.CREATED
    if module.content_hash == parsed.content_hash and module.is_published == is_published:
        if module.source_path != source_path:
            module.source_path = source_path
            module.save(update_fields=["source_path", "updated_at"])
        return module, Change.UNCHANGED
    content_changed = module.content_hash != parsed.content_hash
    _apply(module, parsed)
    module.source_path = source_path
    module.is_published = is_published
    if content_changed:
        module.version += 1
    module.save()
    if content_changed:
        _sync_lessons(module, parsed.lessons)
    return module, Change.UPDATED


def _display_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path(settings.BASE_DIR).resolve()))
    except ValueError:
        return str(path)


def module_files(root: Path) -> list[Path]:
    """Every module file under ``root``, in a stable order (media files excluded)."""
    media = root / "media"
    return sorted(path for path in root.rglob("*.md") if media not in path.parents)


def content_parse(paths: Iterable[Path], *, root: Path) -> list[tuple[Path, ParsedModule]]:
    """Parse every file; raise ``ContentLoadError`` listing all problems in all files."""
    parsed: list[tuple[Path, ParsedModule]] = []
    errors: list[ContentError] = []
    seen: dict[tuple[str, str], str] = {}
    for path in paths:
        name = _display_path(path)
        try:
            module = parse_file(path, root=root, display_name=name)
        except ContentError as error:
            errors.append(error)
            continue
        first = seen.setdefault((module.language, module.key), name)
        if first != name:
            errors.append(
                ContentError(
                    name,
                    [
                        ContentProblem(
                            module.key_line,
                            _("The id “%(key)s” is already used by %(file)s.")
                            % {"key": module.key, "file": first},
                        )
                    ],
                )
            )
            continue
        parsed.append((path, module))
    if errors:
        raise ContentLoadError(errors)
    return parsed


@transaction.atomic
def content_load(*, path: Path | None = None) -> list[LoadedModule]:
    """Load the shipped modules under ``path`` (a folder or one file): all or nothing.

    Every file is parsed before anything is written; one bad file means
    nothing is loaded. Loading a whole folder also withdraws shipped modules
    whose file is gone (they are unpublished, never deleted: progress stays).
    """
    target = path or content_root()
    if target.is_file():
        root, files, whole_tree = target.parent.parent, [target], False
    else:
        root, files, whole_tree = target, module_files(target), True
    report: list[LoadedModule] = []
    loaded: set[tuple[str, str]] = set()
    for file_path, parsed in content_parse(files, root=root):
        display = _display_path(file_path)
        module, change = module_sync(parsed=parsed, source_path=display)
        loaded.add((module.key, module.language))
        report.append(LoadedModule(change, module.key, module.language, module.version, display))
    if whole_tree:
        for module in Module.objects.select_for_update().filter(
            organization__isnull=True, is_published=True
        ):
            if (module.key, module.language) not in loaded:
                module.is_published = False
                module.save(update_fields=["is_published", "updated_at"])
                report.append(
                    LoadedModule(
                        Change.WITHDRAWN,
                        module.key,
                        module.language,
                        module.version,
                        module.source_path,
                    )
                )
    return report


@transaction.atomic
def organization_module_save(
    *,
    actor: User,
    organization: Organization,
    parsed: ParsedModule,
    is_published: bool,
) -> Module:
    """Create or update a module the organisation wrote in the app, and log it."""
    module, change = module_sync(
        parsed=parsed, organization=organization, is_published=is_published
    )
    if change != Change.UNCHANGED:
        log_access(
            actor=actor,
            action="create" if change == Change.CREATED else "change",
            organization=organization,
            obj=module,
        )
    return module


# --- Progress ------------------------------------------------------------------------------


def _progress(*, user: User, organization: Organization, key: str) -> ModuleProgress:
    progress, _created = ModuleProgress.objects.get_or_create(
        organization=organization,
        user=user,
        module_key=key,
        defaults={"started_at": timezone.now()},
    )
    return progress


@transaction.atomic
def lesson_viewed(*, user: User, organization: Organization, lesson: Lesson) -> ModuleProgress:
    """Record that the person opened the lesson (starting the module if it is the first)."""
    progress = _progress(user=user, organization=organization, key=lesson.module.key)
    LessonProgress.objects.get_or_create(progress=progress, slot=lesson.slot)
    return progress


class QuizNotAnswered(ValueError):
    """An answer names a question or option the quiz does not have."""


@transaction.atomic
def quiz_submit(
    *,
    user: User,
    organization: Organization,
    lesson: Lesson,
    answers: dict[int, list[int]],
) -> tuple[int, int]:
    """Store one attempt at a quiz (question position → chosen option positions).

    A question is right when exactly the correct options were chosen. Return
    (number right, number of questions). Every question must be answered.
    """
    questions = list(lesson.questions.prefetch_related("options"))
    if set(answers) != {question.position for question in questions}:
        raise QuizNotAnswered("Every question needs an answer.")
    progress = _progress(user=user, organization=organization, key=lesson.module.key)
    # Serialise attempts of one person so two tabs cannot take the same attempt number.
    ModuleProgress.objects.select_for_update().filter(pk=progress.pk).first()
    last = QuizAnswer.objects.filter(progress=progress, lesson_slot=lesson.slot).aggregate(
        last=Max("attempt")
    )["last"]
    attempt = (last or 0) + 1
    rows = []
    for question in questions:
        options = {option.position: option for option in question.options.all()}
        chosen = sorted(set(answers[question.position]))
        if not chosen or not set(chosen) <= set(options):
            raise QuizNotAnswered("Not an option of this question.")
        correct = {position for position, option in options.items() if option.is_correct}
        rows.append(
            QuizAnswer(
                progress=progress,
                lesson_slot=lesson.slot,
                question_position=question.position,
                question=question,
                attempt=attempt,
                chosen=chosen,
                is_correct=set(chosen) == correct,
                module_version=lesson.module.version,
                language=lesson.module.language,
            )
        )
    QuizAnswer.objects.bulk_create(rows)
    LessonProgress.objects.get_or_create(progress=progress, slot=lesson.slot)
    return sum(row.is_correct for row in rows), len(rows)


@transaction.atomic
def reflection_note_save(
    *, user: User, organization: Organization, lesson: Lesson, text: str
) -> ReflectionNote:
    """Save the person's private notes on a reflection lesson (replacing earlier ones)."""
    progress = _progress(user=user, organization=organization, key=lesson.module.key)
    note, _created = ReflectionNote.objects.update_or_create(
        progress=progress, lesson_slot=lesson.slot, defaults={"text": text}
    )
    return note


@transaction.atomic
def checklist_update(
    *,
    user: User,
    organization: Organization,
    lesson: Lesson,
    shown: set[int],
    ticked: set[int],
) -> set[int]:
    """Set the ticks of the checklist items ``shown`` in one form to ``ticked``.

    Items of the lesson not in ``shown`` (another checklist on the page) are
    left as they were. Return every ticked item of the lesson.
    """
    items = {item["index"] for block in lesson.blocks for item in block.get("checklist", [])}
    shown &= items
    ticked &= shown
    progress = _progress(user=user, organization=organization, key=lesson.module.key)
    existing = ChecklistTick.objects.filter(progress=progress, lesson_slot=lesson.slot)
    existing.filter(item__in=shown - ticked).delete()
    have = set(existing.values_list("item", flat=True))
    ChecklistTick.objects.bulk_create(
        ChecklistTick(progress=progress, lesson_slot=lesson.slot, item=item)
        for item in sorted(ticked - have)
    )
    return set(existing.values_list("item", flat=True))


class ModuleNotFinished(Exception):
    """Some lessons are not viewed yet or a quiz is not answered."""


@transaction.atomic
def module_complete(*, user: User, organization: Organization, module: Module) -> ModuleProgress:
    """Mark the module completed once every lesson is viewed and every quiz answered.

    The first completion counts: completing again (after an edit, say) keeps
    the date of the first.
    """
    progress = (
        ModuleProgress.objects.select_for_update()
        .filter(organization=organization, user=user, module_key=module.key)
        .first()
    )
    if progress is None:
        raise ModuleNotFinished
    if progress.completed_at is not None:
        return progress
    slots = set(module.lessons.values_list("slot", flat=True))
    viewed = set(progress.lessons_viewed.values_list("slot", flat=True))
    answered = set(progress.quiz_answers.values_list("lesson_slot", flat=True))
    if not slots or slots - viewed or quiz_slots(module) - answered:
        raise ModuleNotFinished
    progress.completed_at = timezone.now()
    progress.completed_version = module.version
    progress.completed_language = module.language
    progress.save(
        update_fields=["completed_at", "completed_version", "completed_language", "updated_at"]
    )
    return progress


# --- Requirements and reminders --------------------------------------------------------------


@transaction.atomic
def required_modules_set(
    *, actor: User, organization: Organization, role: str, module_keys: Iterable[str]
) -> None:
    """Make exactly ``module_keys`` required for everyone with ``role`` in the organisation."""
    wanted = set(module_keys)
    current = RequiredModule.objects.filter(organization=organization, role=role)
    current.exclude(module_key__in=wanted).delete()
    have = set(current.values_list("module_key", flat=True))
    RequiredModule.objects.bulk_create(
        RequiredModule(organization=organization, role=role, module_key=key)
        for key in sorted(wanted - have)
    )
    log_access(
        actor=actor,
        action="change",
        organization=organization,
        object_type="learning.requiredmodule",
        object_label=role,
    )


def _titles(keys: set[str], organization: Organization, language: str) -> list[str]:
    rows = (
        Module.objects.published()
        .visible_to(organization)
        .filter(key__in=keys)
        .values_list("key", "language", "title", "order")
    )
    best: dict[str, tuple[int, str, int]] = {}
    preference = language_preference(language)
    for key, module_language, title, order in rows:
        rank = preference.index(module_language) if module_language in preference else 99
        if key not in best or rank < best[key][0]:
            best[key] = (rank, title, order)
    return [title for _rank, title, _order in sorted(best.values(), key=lambda v: (v[2], v[1]))]


def learning_reminders_send(*, now: datetime | None = None) -> int:
    """Remind each person of required modules they have not completed; return how many.

    One reminder per person lists what is outstanding in each of their
    organisations, and nobody is reminded more than once a week.
    """
    now = now or timezone.now()
    outstanding = outstanding_required_modules()
    recently = set(
        LearningReminder.objects.filter(
            user__in=outstanding.keys(), sent_at__gt=now - REMINDER_INTERVAL
        ).values_list("user", flat=True)
    )
    sent = 0
    for user, per_org in outstanding.items():
        if user.pk in recently:
            continue
        _remind(user=user, per_org=per_org)
        sent += 1
    return sent


@transaction.atomic
def _remind(*, user: User, per_org: dict[Organization, set[str]]) -> None:
    organizations = sorted(per_org, key=lambda org: org.name)
    groups = [
        {"organization": org, "titles": _titles(per_org[org], org, user.preferred_language)}
        for org in organizations
    ]
    first = organizations[0]
    notify(
        recipient=user,
        message="learning_reminder",
        context={"groups": groups},
        url=reverse("learning:catalogue", args=[first.slug]) + "?required=1",
        organization=first if len(organizations) == 1 else None,
    )
    LearningReminder.objects.create(
        user=user, module_keys={org.slug: sorted(keys) for org, keys in per_org.items()}
    )
