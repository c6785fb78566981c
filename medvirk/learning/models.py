"""Learning modules, their lessons and quizzes, and each person's progress.

Content and progress are kept apart on purpose. Content rows (``Module``,
``Lesson``, ``QuizQuestion``, ``QuizOption``) are rewritten whenever a file
changes. Progress rows never point at them: they name the module by its
stable key (the ``id`` in the file, the same in every language), lessons by
their slot (kind and number among lessons of that kind, such as "quiz-0"),
and questions and options by position. So a person who completed the Bokmål
version has completed the module in English too, and editing a file keeps
everyone's progress.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from medvirk.core.models import TimeStampedModel
from medvirk.learning.choices import LessonKind, ModuleSource
from medvirk.organizations.roles import Role

if TYPE_CHECKING:
    from medvirk.organizations.models import Organization

KEY_MAX_LENGTH = 80


class ModuleQuerySet(models.QuerySet["Module"]):
    def visible_to(self, organization: Organization) -> ModuleQuerySet:
        """The shipped curriculum and the organisation's own modules."""
        return self.filter(Q(organization__isnull=True) | Q(organization=organization))

    def published(self) -> ModuleQuerySet:
        return self.filter(is_published=True)


class Module(TimeStampedModel):
    """One module in one language.

    Without an organisation it is part of the shipped curriculum, visible to
    every organisation; with one it was written by that organisation and only
    its members see it.
    """

    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="learning_modules",
        verbose_name=_("organisation"),
    )
    key = models.SlugField(_("module id"), max_length=KEY_MAX_LENGTH)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"))
    audience = models.JSONField(_("audience"), default=list)
    minutes = models.PositiveSmallIntegerField(_("estimated minutes"))
    order = models.IntegerField(_("position in the curriculum"), default=0)
    content_hash = models.CharField(_("content hash"), max_length=64)
    version = models.PositiveIntegerField(_("version"), default=1)
    source = models.CharField(_("source"), max_length=20, choices=ModuleSource.choices)
    source_path = models.CharField(_("file"), max_length=300, blank=True)
    # The module's text as written (front matter and Markdown), for editing in the app.
    source_text = models.TextField(_("text"), blank=True)
    is_published = models.BooleanField(_("published"), default=True)

    objects = ModuleQuerySet.as_manager()

    class Meta:
        ordering = ["order", "title"]
        verbose_name = _("learning module")
        verbose_name_plural = _("learning modules")
        constraints = [
            models.UniqueConstraint(
                fields=["key", "language"],
                condition=Q(organization__isnull=True),
                name="learning_module_shipped_unique",
            ),
            models.UniqueConstraint(
                fields=["organization", "key", "language"],
                condition=Q(organization__isnull=False),
                name="learning_module_org_unique",
            ),
            models.CheckConstraint(
                condition=Q(organization__isnull=True, source=ModuleSource.FILE)
                | Q(organization__isnull=False, source=ModuleSource.ORGANIZATION),
                name="learning_module_source_matches_owner",
            ),
        ]
        indexes = [models.Index(fields=["key", "language"], name="learning_module_key_idx")]

    def __str__(self) -> str:
        return f"{self.title} ({self.language})"


class Lesson(models.Model):
    module = models.ForeignKey(
        Module, on_delete=models.CASCADE, related_name="lessons", verbose_name=_("module")
    )
    position = models.PositiveSmallIntegerField(_("position"))
    kind = models.CharField(_("kind"), max_length=20, choices=LessonKind.choices)
    # The lesson's kind and number among lessons of that kind ("quiz-0"): what
    # progress is kept under. It stays the same across languages even when one
    # has more stories than another, and when a story is added before the quiz.
    slot = models.CharField(_("slot"), max_length=30)
    title = models.CharField(_("title"), max_length=200)
    # Sanitised when the module is loaded (medvirk.learning.content.rendering).
    html = models.TextField(_("text as HTML"), blank=True)
    # Tips: text and checklists in order, see ParsedLesson.blocks.
    blocks = models.JSONField(_("blocks"), default=list, blank=True)
    media_src = models.CharField(_("media file"), max_length=500, blank=True)
    media_captions = models.CharField(_("captions file"), max_length=500, blank=True)

    class Meta:
        ordering = ["module", "position"]
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")
        constraints = [
            models.UniqueConstraint(
                fields=["module", "position"], name="learning_lesson_position_unique"
            ),
            models.UniqueConstraint(fields=["module", "slot"], name="learning_lesson_slot_unique"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def step(self) -> int:
        """The lesson's number as shown to people and used in addresses (from 1)."""
        return self.position + 1


class QuizQuestion(models.Model):
    lesson = models.ForeignKey(
        Lesson, on_delete=models.CASCADE, related_name="questions", verbose_name=_("lesson")
    )
    position = models.PositiveSmallIntegerField(_("position"))
    prompt_html = models.TextField(_("question"))
    is_multiple = models.BooleanField(_("several answers are correct"), default=False)

    class Meta:
        ordering = ["lesson", "position"]
        verbose_name = _("quiz question")
        verbose_name_plural = _("quiz questions")
        constraints = [
            models.UniqueConstraint(
                fields=["lesson", "position"], name="learning_question_position_unique"
            )
        ]

    def __str__(self) -> str:
        return self.prompt_html[:80]


class QuizOption(models.Model):
    question = models.ForeignKey(
        QuizQuestion, on_delete=models.CASCADE, related_name="options", verbose_name=_("question")
    )
    position = models.PositiveSmallIntegerField(_("position"))
    label_html = models.TextField(_("option"))
    is_correct = models.BooleanField(_("correct"), default=False)
    feedback_html = models.TextField(_("feedback"))

    class Meta:
        ordering = ["question", "position"]
        verbose_name = _("quiz option")
        verbose_name_plural = _("quiz options")
        constraints = [
            models.UniqueConstraint(
                fields=["question", "position"], name="learning_option_position_unique"
            )
        ]

    def __str__(self) -> str:
        return self.label_html[:80]


# --- Progress --------------------------------------------------------------------------


class ModuleProgress(TimeStampedModel):
    """One person's progress through one module, in one organisation.

    Progress belongs to the organisation the person learned in: a leader's
    report never counts what someone did elsewhere.
    """

    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("organisation"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="learning_progress",
        verbose_name=_("person"),
    )
    module_key = models.SlugField(_("module id"), max_length=KEY_MAX_LENGTH)
    started_at = models.DateTimeField(_("started"))
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    completed_version = models.PositiveIntegerField(_("version completed"), null=True, blank=True)
    completed_language = models.CharField(_("language completed in"), max_length=8, blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("module progress")
        verbose_name_plural = _("module progress")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "user", "module_key"],
                name="learning_progress_unique",
            )
        ]
        indexes = [
            # The leader's report: who completed a module in the organisation.
            models.Index(
                fields=["organization", "module_key", "user"],
                condition=Q(completed_at__isnull=False),
                name="learning_progress_done_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.module_key}"

    @property
    def is_completed(self) -> bool:
        return self.completed_at is not None


class LessonProgress(models.Model):
    """A lesson (by slot) the person has opened."""

    progress = models.ForeignKey(
        ModuleProgress, on_delete=models.CASCADE, related_name="lessons_viewed"
    )
    slot = models.CharField(_("lesson"), max_length=30)
    viewed_at = models.DateTimeField(_("viewed"), auto_now_add=True)

    class Meta:
        ordering = ["progress", "slot"]
        verbose_name = _("lesson viewed")
        verbose_name_plural = _("lessons viewed")
        constraints = [
            models.UniqueConstraint(
                fields=["progress", "slot"], name="learning_lesson_progress_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.progress} {self.slot}"


class QuizAnswer(models.Model):
    """The answer to one question in one attempt at a quiz.

    Choices are kept as option positions and the result as it was judged
    then, together with the module version and language they were given
    against, so that a later edit of the quiz does not change past results.
    """

    progress = models.ForeignKey(
        ModuleProgress, on_delete=models.CASCADE, related_name="quiz_answers"
    )
    lesson_slot = models.CharField(_("lesson"), max_length=30)
    question_position = models.PositiveSmallIntegerField(_("question position"))
    question = models.ForeignKey(
        QuizQuestion,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("question"),
    )
    attempt = models.PositiveIntegerField(_("attempt"))
    chosen = models.JSONField(_("chosen options"), default=list)
    is_correct = models.BooleanField(_("correct"))
    module_version = models.PositiveIntegerField(_("module version"))
    language = models.CharField(_("language"), max_length=8)
    created_at = models.DateTimeField(_("answered"), auto_now_add=True)

    class Meta:
        ordering = ["progress", "lesson_slot", "-attempt", "question_position"]
        verbose_name = _("quiz answer")
        verbose_name_plural = _("quiz answers")
        constraints = [
            models.UniqueConstraint(
                fields=["progress", "lesson_slot", "attempt", "question_position"],
                name="learning_quiz_answer_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.progress} quiz {self.lesson_slot} #{self.attempt}"


class ReflectionNote(TimeStampedModel):
    """The learner's own notes on a reflection lesson.

    Private: only the person who wrote them ever reads them. No view, report,
    admin page or export shows them to anyone else (tests/test_reflection_privacy.py).
    """

    progress = models.ForeignKey(
        ModuleProgress, on_delete=models.CASCADE, related_name="reflection_notes"
    )
    lesson_slot = models.CharField(_("lesson"), max_length=30)
    text = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["progress", "lesson_slot"]
        verbose_name = _("reflection note")
        verbose_name_plural = _("reflection notes")
        constraints = [
            models.UniqueConstraint(fields=["progress", "lesson_slot"], name="learning_note_unique")
        ]

    def __str__(self) -> str:
        return f"{self.progress} note {self.lesson_slot}"


class ChecklistTick(models.Model):
    """A checklist item (by its number in a tips lesson) the learner has ticked."""

    progress = models.ForeignKey(ModuleProgress, on_delete=models.CASCADE, related_name="ticks")
    lesson_slot = models.CharField(_("lesson"), max_length=30)
    item = models.PositiveSmallIntegerField(_("item"))
    ticked_at = models.DateTimeField(_("ticked"), auto_now_add=True)

    class Meta:
        ordering = ["progress", "lesson_slot", "item"]
        verbose_name = _("checklist tick")
        verbose_name_plural = _("checklist ticks")
        constraints = [
            models.UniqueConstraint(
                fields=["progress", "lesson_slot", "item"], name="learning_tick_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.progress} tick {self.lesson_slot}.{self.item}"


# --- Requirements and reminders ----------------------------------------------------------


class RequiredModule(TimeStampedModel):
    """A module everyone with ``role`` in the organisation is expected to complete."""

    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    module_key = models.SlugField(_("module id"), max_length=KEY_MAX_LENGTH)

    class Meta:
        ordering = ["organization", "role", "module_key"]
        verbose_name = _("required module")
        verbose_name_plural = _("required modules")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "role", "module_key"], name="learning_required_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.module_key}"


class LearningReminder(models.Model):
    """That a person was reminded of required modules, so they are not reminded too often."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("person"),
    )
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)
    module_keys = models.JSONField(_("modules by organisation"), default=dict)

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("learning reminder")
        verbose_name_plural = _("learning reminders")
        indexes = [models.Index(fields=["user", "-sent_at"], name="learning_reminder_user_idx")]

    def __str__(self) -> str:
        return f"{self.user} {self.sent_at:%Y-%m-%d}"
