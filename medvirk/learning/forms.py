"""Forms of the learning app. Every one renders through the shared form templates."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from medvirk.learning.choices import CONTENT_LANGUAGES, Audience
from medvirk.learning.content import ContentError, ParsedModule, parse_module
from medvirk.learning.models import Lesson, Module
from medvirk.organizations.models import Organization
from medvirk.organizations.roles import Role

NOTE_MAX_LENGTH = 20_000
MODULE_TEXT_MAX_LENGTH = 200_000


class CatalogueFilterForm(forms.Form):
    audience = forms.ChoiceField(
        label=_("Written for"),
        choices=[("", _("Everyone")), *Audience.choices],
        required=False,
    )
    required = forms.BooleanField(label=_("Only modules required for my role"), required=False)


def _question_field_name(position: int) -> str:
    return f"question_{position}"


class QuizForm(forms.Form):
    """One field per question: radio buttons for one answer, checkboxes for several.

    Questions and options are sanitised HTML from the loader, so they are
    marked safe for the labels.
    """

    def __init__(self, *args: Any, lesson: Lesson, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lesson = lesson
        self.positions: dict[str, int] = {}
        for question in lesson.questions.prefetch_related("options"):
            name = _question_field_name(question.position)
            number = question.position + 1
            choices = [
                (str(option.position), mark_safe(option.label_html))  # noqa: S308 — sanitised
                for option in question.options.all()
            ]
            label = mark_safe(f"{number}. {question.prompt_html}")  # noqa: S308 — sanitised
            field: forms.Field
            if question.is_multiple:
                field = forms.MultipleChoiceField(
                    label=label,
                    choices=choices,
                    widget=forms.CheckboxSelectMultiple,
                    help_text=_("Choose all that apply."),
                    error_messages={"required": _("Choose at least one answer.")},
                )
            else:
                field = forms.ChoiceField(
                    label=label,
                    choices=choices,
                    widget=forms.RadioSelect,
                    help_text=_("Choose one answer."),
                    error_messages={"required": _("Choose an answer.")},
                )
            self.fields[name] = field
            self.positions[name] = question.position

    def answers(self) -> dict[int, list[int]]:
        """Question position → chosen option positions."""
        result = {}
        for name, position in self.positions.items():
            value = self.cleaned_data[name]
            values = value if isinstance(value, list) else [value]
            result[position] = [int(v) for v in values]
        return result


class ReflectionNoteForm(forms.Form):
    text = forms.CharField(
        label=_("Your notes"),
        help_text=_("Only you can read your notes. Not your leader, not the administrators."),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=NOTE_MAX_LENGTH,
        required=False,
        strip=False,
    )


class ChecklistForm(forms.Form):
    """The ticks of one checklist: ``shown`` are its items, ``ticked`` the ones ticked."""

    shown = forms.TypedMultipleChoiceField(coerce=int, required=False)
    ticked = forms.TypedMultipleChoiceField(coerce=int, required=False)

    def __init__(self, *args: Any, lesson: Lesson, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        items = [
            (str(item["index"]), str(item["index"]))
            for block in lesson.blocks
            for item in block.get("checklist", [])
        ]
        self.fields["shown"].choices = items  # type: ignore[attr-defined]
        self.fields["ticked"].choices = items  # type: ignore[attr-defined]


class RequiredRoleForm(forms.Form):
    """Which role's requirements to show (a GET form)."""

    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class RequiredModulesForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices, widget=forms.HiddenInput)
    modules = forms.MultipleChoiceField(
        label=_("Required modules"),
        help_text=_("Everyone with this role gets a weekly reminder until they complete them."),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args: Any, module_choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["modules"].choices = module_choices  # type: ignore[attr-defined]


class ReportForm(forms.Form):
    module = forms.ChoiceField(label=_("Module"))

    def __init__(self, *args: Any, module_choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["module"].choices = module_choices  # type: ignore[attr-defined]


LANGUAGE_LABELS = {
    "nb": _("Norwegian Bokmål"),
    "nn": _("Norwegian Nynorsk"),
    "sv": _("Swedish"),
    "en": _("English"),
}

MODULE_TEMPLATE = """---
id: our-module
title: {title}
summary: {summary}
audience: [staff, leaders, representatives]
minutes: 10
order: 100
---

## {story}

{story_text}

## {reflection} {{reflection}}

{reflection_text}

## {quiz} {{quiz}}

? {question}
- [x] {right} :: {right_feedback}
- [ ] {wrong} :: {wrong_feedback}

## {tips} {{tips}}

- [ ] {tip}
"""


def module_template() -> str:
    """A short example module to start from, in the writer's language."""
    return MODULE_TEMPLATE.format(
        title=gettext("The module's title"),
        summary=gettext("One or two sentences about what the module is about."),
        story=gettext("A story"),
        story_text=gettext("Tell a short story in plain language."),
        reflection=gettext("Think about it"),
        reflection_text=gettext("A question for the learner to think about."),
        quiz=gettext("Check yourself"),
        question=gettext("A question?"),
        right=gettext("A right answer"),
        right_feedback=gettext("Why it is right."),
        wrong=gettext("A wrong answer"),
        wrong_feedback=gettext("Why it is not right."),
        tips=gettext("Tips"),
        tip=gettext("Something to do after the module"),
    )


class OrganizationModuleForm(forms.Form):
    """A module written in the app: the same text format and parser as the shipped files."""

    language = forms.ChoiceField(
        label=_("Language"),
        choices=[(code, LANGUAGE_LABELS[code]) for code in CONTENT_LANGUAGES],
    )
    text = forms.CharField(
        label=_("Module text"),
        help_text=_(
            "Front matter between “---” lines, then one “## ” heading per lesson. "
            "The format is the one of the shipped modules (see docs/learning-content.md)."
        ),
        widget=forms.Textarea(attrs={"rows": 24, "spellcheck": "true"}),
        max_length=MODULE_TEXT_MAX_LENGTH,
        strip=False,
    )
    is_published = forms.BooleanField(
        label=_("Published: members of the organisation can take it"), required=False
    )

    def __init__(
        self,
        *args: Any,
        organization: Organization,
        module: Module | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.organization = organization
        self.module = module
        self.parsed: ParsedModule | None = None
        if module is not None:
            # A saved module keeps its language (its translations are separate modules).
            del self.fields["language"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        text = data.get("text")
        language = self.module.language if self.module is not None else data.get("language")
        if not text or not language:
            return data
        try:
            parsed = parse_module(
                text, filename=gettext("Module text"), language=language, local_media=False
            )
        except ContentError as error:
            for problem in error.problems:
                self.add_error(
                    "text",
                    gettext("Line %(line)s: %(message)s")
                    % {"line": problem.line, "message": problem.message},
                )
            return data
        self._check_key(parsed)
        if not self.errors:
            self.parsed = parsed
        return data

    def _check_key(self, parsed: ParsedModule) -> None:
        message = None
        if self.module is not None and parsed.key != self.module.key:
            message = gettext(
                "The id cannot change once the module is saved (progress is kept under it): "
                "use “%(key)s”."
            ) % {"key": self.module.key}
        elif Module.objects.filter(organization__isnull=True, key=parsed.key).exists():
            message = gettext(
                "The id “%(key)s” belongs to a module shipped with Medvirk: choose another."
            ) % {"key": parsed.key}
        elif (
            self.module is None
            and Module.objects.filter(
                organization=self.organization, key=parsed.key, language=parsed.language
            ).exists()
        ):
            message = gettext(
                "Your organisation already has a module with the id “%(key)s” in this "
                "language: edit that one instead."
            ) % {"key": parsed.key}
        if message:
            self.add_error(
                "text",
                gettext("Line %(line)s: %(message)s")
                % {"line": parsed.key_line, "message": message},
            )
