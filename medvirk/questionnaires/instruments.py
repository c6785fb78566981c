"""The instruments Medvirk ships under ``content/questionnaires/``.

Each instrument is a FHIR R4 Questionnaire JSON file plus its scoring rules
(``<key>.rules.json``); ``LICENCE.md`` in the same folder names the source
and the terms of each. They go through the same importer as any uploaded
form, so a shipped instrument is stored, versioned and scored exactly like
an imported one. Installing is idempotent: an unchanged file makes no new
version, a changed file makes the next version and activates it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings

from medvirk.organizations.models import Organization
from medvirk.questionnaires.choices import Origin
from medvirk.questionnaires.models import QuestionnaireVersion


def content_root() -> Path:
    """The folder of the shipped instruments (overridable for tests)."""
    return Path(
        getattr(
            settings,
            "QUESTIONNAIRE_CONTENT_DIR",
            settings.BASE_DIR / "content" / "questionnaires",
        )
    )


@dataclass(frozen=True)
class Instrument:
    """One shipped form: its key, and file names relative to ``content_root()``.

    The English versions share the rules of their bokmål original so the two
    can never score differently.
    """

    key: str
    path: str
    rules_path: str

    def resource_file(self) -> Path:
        return content_root() / self.path

    def rules_file(self) -> Path:
        return content_root() / self.rules_path


def _pair(key: str) -> list[Instrument]:
    rules = f"{key}.rules.json"
    return [
        Instrument(key, f"{key}.json", rules),
        Instrument(f"{key}-en", f"{key}-en.json", rules),
    ]


SHIPPED: list[Instrument] = [
    *_pair("phq-9"),
    *_pair("gad-7"),
    *_pair("who-5"),
    *_pair("medvirk-status"),
    *_pair("medvirk-session"),
]
BY_KEY: dict[str, Instrument] = {instrument.key: instrument for instrument in SHIPPED}


def get_instrument(key: str) -> Instrument:
    """The shipped instrument with this key; ``KeyError`` for an unknown key."""
    return BY_KEY[key]


def load_instrument(key: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The Questionnaire resource and rules of a shipped instrument, freshly read."""
    instrument = get_instrument(key)
    resource = json.loads(instrument.resource_file().read_text(encoding="utf-8"))
    rules = json.loads(instrument.rules_file().read_text(encoding="utf-8"))
    return resource, rules


def install_instruments(
    organization: Organization,
    *,
    user: Any = None,
    keys: Iterable[str] | None = None,
) -> list[QuestionnaireVersion]:
    """Import every shipped instrument (or those in ``keys``) into an organisation.

    Returns the current version of each, active. Running it again changes
    nothing unless a file changed, in which case the new content becomes the
    next, active version (the old one is retired; its responses keep it).
    Raises ``importing.ImportRefused`` if a shipped file is broken, which the
    tests guarantee against.
    """
    from medvirk.questionnaires.importing import import_resources

    wanted = list(keys) if keys is not None else [instrument.key for instrument in SHIPPED]
    versions: list[QuestionnaireVersion] = []
    for key in wanted:
        resource, rules = load_instrument(key)
        imported = import_resources(
            organization,
            resource,
            user=user,
            origin=Origin.SHIPPED,
            key=key,
            rules=rules,
            activate=True,
        )
        versions.append(imported[0].version)
    return versions
