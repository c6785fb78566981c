"""Reads of the learning app: the catalogue, one person's progress, reports."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from medvirk.learning.choices import FALLBACK_LANGUAGES, LessonKind
from medvirk.learning.models import (
    ChecklistTick,
    Lesson,
    Module,
    ModuleProgress,
    QuizAnswer,
    ReflectionNote,
    RequiredModule,
)
from medvirk.organizations.models import Membership
from medvirk.organizations.roles import Role

if TYPE_CHECKING:
    from medvirk.accounts.models import User
    from medvirk.organizations.access import OrgContext
    from medvirk.organizations.models import Organization


class State:
    NOT_STARTED = "not_started"
    STARTED = "started"
    COMPLETED = "completed"


def language_preference(language: str | None) -> list[str]:
    """The languages to show a module in, best first: the reader's, then Bokmål, English."""
    preferred = (language or "").split("-")[0].lower()
    return list(
        dict.fromkeys([preferred, *FALLBACK_LANGUAGES]) if preferred else FALLBACK_LANGUAGES
    )


def best_versions(modules: Iterable[Module], language: str | None) -> list[Module]:
    """One version per module key, in the best language available, in curriculum order.

    A module in none of the preferred languages is still shown, in whichever
    language it has: better than hiding it.
    """
    preference = language_preference(language)

    def rank(module: Module) -> tuple[int, str]:
        if module.language in preference:
            return preference.index(module.language), module.language
        return len(preference), module.language

    best: dict[str, Module] = {}
    for module in modules:
        current = best.get(module.key)
        if current is None or rank(module) < rank(current):
            best[module.key] = module
    return sorted(best.values(), key=lambda module: (module.order, module.title))


def visible_modules(organization: Organization) -> QuerySet[Module]:
    return Module.objects.published().visible_to(organization)


def module_for(organization: Organization, key: str, language: str | None) -> Module | None:
    """The version of module ``key`` to show in ``organization``, or None."""
    versions = best_versions(visible_modules(organization).filter(key=key), language)
    return versions[0] if versions else None


def module_titles(organization: Organization, language: str | None) -> list[tuple[str, str]]:
    """(key, title) of every module visible in the organisation, in curriculum order."""
    modules = visible_modules(organization).only("key", "language", "title", "order")
    return [(module.key, module.title) for module in best_versions(modules, language)]


@dataclass(frozen=True)
class CatalogueEntry:
    module: Module
    state: str
    is_required: bool
    is_translated: bool


def catalogue(
    context: OrgContext,
    *,
    language: str | None,
    audience: str = "",
    required_only: bool = False,
) -> list[CatalogueEntry]:
    """The modules a person can take in the organisation, with their progress (3 queries)."""
    modules = visible_modules(context.organization).defer("source_text")
    progress = dict(
        ModuleProgress.objects.filter(
            organization=context.organization, user=context.user
        ).values_list("module_key", "completed_at")
    )
    required = set(
        RequiredModule.objects.filter(
            organization=context.organization, role__in=context.roles
        ).values_list("module_key", flat=True)
    )
    wanted = language_preference(language)[0]
    entries = []
    for module in best_versions(modules, language):
        if audience and audience not in module.audience:
            continue
        if required_only and module.key not in required:
            continue
        if module.key not in progress:
            state = State.NOT_STARTED
        elif progress[module.key] is None:
            state = State.STARTED
        else:
            state = State.COMPLETED
        entries.append(
            CatalogueEntry(
                module=module,
                state=state,
                is_required=module.key in required,
                is_translated=module.language == wanted,
            )
        )
    return entries


def progress_for(user: User, organization: Organization, key: str) -> ModuleProgress | None:
    return ModuleProgress.objects.filter(
        organization=organization, user=user, module_key=key
    ).first()


def quiz_slots(module: Module) -> set[str]:
    """The module's quiz lessons: each must be answered to complete it."""
    return set(module.lessons.filter(kind=LessonKind.QUIZ).values_list("slot", flat=True))


@dataclass(frozen=True)
class ModuleStatus:
    progress: ModuleProgress | None
    viewed: frozenset[str]
    answered: frozenset[str]
    lessons: list[Lesson]

    @property
    def is_completed(self) -> bool:
        return self.progress is not None and self.progress.completed_at is not None

    @property
    def can_complete(self) -> bool:
        slots = {lesson.slot for lesson in self.lessons}
        quizzes = {lesson.slot for lesson in self.lessons if lesson.kind == LessonKind.QUIZ}
        return (
            bool(slots)
            and not self.is_completed
            and slots <= self.viewed
            and quizzes <= self.answered
        )

    @property
    def next_lesson(self) -> Lesson | None:
        """The first lesson not opened yet (where "continue" leads)."""
        return next((lesson for lesson in self.lessons if lesson.slot not in self.viewed), None)


def module_status(user: User, organization: Organization, module: Module) -> ModuleStatus:
    progress = progress_for(user, organization, module.key)
    lessons = list(module.lessons.only("position", "kind", "slot", "title", "module_id"))
    if progress is None:
        return ModuleStatus(None, frozenset(), frozenset(), lessons)
    viewed = frozenset(progress.lessons_viewed.values_list("slot", flat=True))
    answered = frozenset(progress.quiz_answers.values_list("lesson_slot", flat=True))
    return ModuleStatus(progress, viewed, answered, lessons)


def own_note(progress: ModuleProgress | None, lesson: Lesson) -> str:
    """The learner's own notes on a reflection lesson. Only ever called with their progress."""
    if progress is None:
        return ""
    note = ReflectionNote.objects.filter(progress=progress, lesson_slot=lesson.slot).first()
    return note.text if note else ""


def ticked_items(progress: ModuleProgress | None, lesson: Lesson) -> set[int]:
    if progress is None:
        return set()
    return set(
        ChecklistTick.objects.filter(progress=progress, lesson_slot=lesson.slot).values_list(
            "item", flat=True
        )
    )


@dataclass(frozen=True)
class OptionResult:
    label_html: str
    feedback_html: str
    is_correct: bool
    was_chosen: bool


@dataclass(frozen=True)
class QuestionResult:
    position: int
    prompt_html: str
    is_multiple: bool
    is_correct: bool
    options: list[OptionResult]


@dataclass(frozen=True)
class QuizResult:
    attempt: int
    right: int
    total: int
    questions: list[QuestionResult] = field(default_factory=list)


def latest_quiz_result(progress: ModuleProgress | None, lesson: Lesson) -> QuizResult | None:
    """The person's latest attempt at the quiz, with feedback on every option.

    Shown only when it was given against this very version and language of the
    quiz: after an edit the positions might point at different options.
    """
    if progress is None:
        return None
    answers = list(
        QuizAnswer.objects.filter(progress=progress, lesson_slot=lesson.slot).order_by(
            "-attempt", "question_position"
        )
    )
    if not answers:
        return None
    attempt = answers[0].attempt
    latest = {a.question_position: a for a in answers if a.attempt == attempt}
    if any(
        a.module_version != lesson.module.version or a.language != lesson.module.language
        for a in latest.values()
    ):
        return None
    questions = []
    for question in lesson.questions.prefetch_related("options"):
        answer = latest.get(question.position)
        chosen = set(answer.chosen) if answer else set()
        questions.append(
            QuestionResult(
                position=question.position,
                prompt_html=question.prompt_html,
                is_multiple=question.is_multiple,
                is_correct=bool(answer and answer.is_correct),
                options=[
                    OptionResult(
                        label_html=option.label_html,
                        feedback_html=option.feedback_html,
                        is_correct=option.is_correct,
                        was_chosen=option.position in chosen,
                    )
                    for option in question.options.all()
                ],
            )
        )
    return QuizResult(
        attempt=attempt,
        right=sum(q.is_correct for q in questions),
        total=len(questions),
        questions=questions,
    )


# --- Requirements ----------------------------------------------------------------------------


def required_by_role(organization: Organization) -> dict[str, list[str]]:
    """Module keys required per role in the organisation."""
    result: dict[str, list[str]] = defaultdict(list)
    for role, key in RequiredModule.objects.filter(organization=organization).values_list(
        "role", "module_key"
    ):
        result[role].append(key)
    return dict(result)


def outstanding_required_modules() -> dict[User, dict[Organization, set[str]]]:
    """For every active person: per organisation, the required modules not completed there.

    Only modules that are published and visible in that organisation count:
    nobody is reminded of a module they cannot open. Four queries.
    """
    required: dict[tuple[int, str], set[str]] = defaultdict(set)
    for org_id, role, key in RequiredModule.objects.values_list(
        "organization_id", "role", "module_key"
    ):
        required[(org_id, role)].add(key)
    if not required:
        return {}
    org_ids = {org_id for org_id, _role in required}
    shipped: set[str] = set()
    own: set[tuple[int, str]] = set()
    for org_id, key in Module.objects.published().values_list("organization_id", "key"):
        if org_id is None:
            shipped.add(key)
        else:
            own.add((org_id, key))
    completed = set(
        ModuleProgress.objects.filter(
            organization_id__in=org_ids, completed_at__isnull=False
        ).values_list("organization_id", "user_id", "module_key")
    )
    result: dict[User, dict[Organization, set[str]]] = {}
    memberships = Membership.objects.filter(
        organization_id__in=org_ids, user__is_active=True
    ).select_related("user", "organization")
    for membership in memberships:
        org_id = membership.organization_id
        for key in required.get((org_id, membership.role), ()):
            if key not in shipped and (org_id, key) not in own:
                continue
            if (org_id, membership.user_id, key) in completed:
                continue
            per_org = result.setdefault(membership.user, {})
            per_org.setdefault(membership.organization, set()).add(key)
    return result


# --- Reports -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportRow:
    label: str
    people: int
    started: int
    completed: int
    suppressed: bool

    @property
    def percent_completed(self) -> int:
        return round(100 * self.completed / self.people) if self.people else 0


@dataclass(frozen=True)
class CompletionReport:
    module_key: str
    minimum_group_size: int
    by_role: list[ReportRow]
    by_unit: list[ReportRow]


def _rows(groups: list[tuple[str, dict[str, Any]]], minimum: int) -> list[ReportRow]:
    rows = []
    for label, counts in groups:
        suppressed = counts["people"] < minimum
        rows.append(
            ReportRow(
                label=label,
                # A suppressed group shows no numbers at all, not even its size.
                people=0 if suppressed else counts["people"],
                started=0 if suppressed else counts["started"],
                completed=0 if suppressed else counts["completed"],
                suppressed=suppressed,
            )
        )
    return rows


def completion_report(organization: Organization, module_key: str) -> CompletionReport:
    """Completion of one module per role and per unit, counted in the database (2 queries).

    Each person counts once per role and once per unit they hold. Groups
    smaller than the organisation's minimum group size are suppressed.
    """
    progress = ModuleProgress.objects.filter(
        organization=organization, user=OuterRef("user"), module_key=module_key
    )
    members = Membership.objects.filter(organization=organization, user__is_active=True).annotate(
        has_started=Exists(progress),
        has_completed=Exists(progress.filter(completed_at__isnull=False)),
    )
    counts = {
        "people": Count("user", distinct=True),
        "started": Count("user", distinct=True, filter=Q(has_started=True)),
        "completed": Count("user", distinct=True, filter=Q(has_completed=True)),
    }
    # order_by() clears the model's default ordering, which would split the groups.
    per_role: dict[str, dict[str, Any]] = {
        row["role"]: dict(row) for row in members.values("role").annotate(**counts).order_by()
    }
    per_unit: list[dict[str, Any]] = [
        dict(row) for row in members.values("unit__name").annotate(**counts).order_by()
    ]
    per_unit.sort(key=lambda row: (row["unit__name"] is None, row["unit__name"] or ""))
    minimum = organization.minimum_group_size
    return CompletionReport(
        module_key=module_key,
        minimum_group_size=minimum,
        by_role=_rows(
            [(str(label), per_role[value]) for value, label in Role.choices if value in per_role],
            minimum,
        ),
        by_unit=_rows(
            [(row["unit__name"] or _("No unit"), row) for row in per_unit],
            minimum,
        ),
    )
