"""Test helpers: fixture content, organisation modules and a completed module."""

from __future__ import annotations

from pathlib import Path

from medvirk.accounts.models import User
from medvirk.learning import services
from medvirk.learning.content import parse_module
from medvirk.learning.models import Module
from medvirk.learning.selectors import module_for
from medvirk.organizations.models import Organization

FIXTURES = Path(__file__).parent / "fixtures"
CONTENT = FIXTURES / "content"
FULL_KEY = "fixture-participation"
SHORT_KEY = "fixture-short"

ORG_MODULE_TEXT = """---
id: {key}
title: {title}
summary: Hvordan vi tar imot nye brukerrepresentanter hos oss.
audience: [staff, leaders, representatives, users]
minutes: 5
order: 20
---

## Velkommen

Slik gjør vi det i **vår** kommune.

## Test deg selv {{quiz}}

? Hvem tar imot nye representanter?
- [x] Koordinatoren :: Riktig.
- [ ] Ingen :: Nei.

## Tenk over {{reflection}}

Hva trenger en ny representant?
"""


def load_fixture_content() -> list[services.LoadedModule]:
    return services.content_load(path=CONTENT)


def org_module(
    organization: Organization,
    *,
    key: str = "our-welcome",
    title: str = "Slik tar vi imot nye representanter",
    language: str = "nb",
    is_published: bool = True,
) -> Module:
    """A module written by ``organization`` in the app."""
    parsed = parse_module(
        ORG_MODULE_TEXT.format(key=key, title=title),
        filename="test",
        language=language,
        local_media=False,
    )
    module, _change = services.module_sync(
        parsed=parsed, organization=organization, is_published=is_published
    )
    return module


def correct_answers(module: Module, position: int) -> dict[int, list[int]]:
    lesson = module.lessons.get(position=position)
    return {
        question.position: [o.position for o in question.options.all() if o.is_correct]
        for question in lesson.questions.all()
    }


def complete_module(user: User, organization: Organization, module: Module) -> None:
    """View every lesson, answer every quiz correctly and complete the module."""
    for lesson in module.lessons.all():
        services.lesson_viewed(user=user, organization=organization, lesson=lesson)
        if lesson.kind == "quiz":
            services.quiz_submit(
                user=user,
                organization=organization,
                lesson=lesson,
                answers=correct_answers(module, lesson.position),
            )
    services.module_complete(user=user, organization=organization, module=module)


def fixture_module(organization: Organization, language: str = "nb") -> Module:
    module = module_for(organization, FULL_KEY, language)
    assert module is not None
    return module
