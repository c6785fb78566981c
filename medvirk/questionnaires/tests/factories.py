"""Test helpers that make questionnaires, shared by every questionnaire test module.

``import_sample`` goes through the real import (repairs, validation, versioning), so a
test that uses it sees the resource exactly as production would store it.
``questionnaire_version`` skips the import and stores a dict as it is, for tests that
need a small hand-written form or a form the import would refuse.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from medvirk.organizations.models import Organization
from medvirk.questionnaires.choices import Origin, VersionStatus
from medvirk.questionnaires.models import Questionnaire, QuestionnaireVersion

FIXTURES = Path(__file__).resolve().parent / "fixtures"
HELSENORGE = FIXTURES / "helsenorge"


def sample_path(name: str) -> Path:
    """The path of ``tests/fixtures/helsenorge/<name>.json`` (``name`` without ``.json``)."""
    return HELSENORGE / f"{name.removesuffix('.json')}.json"


def load_sample(name: str) -> dict[str, Any]:
    """The parsed JSON of a helsenorge sample, a fresh dict each call."""
    with sample_path(name).open(encoding="utf-8") as handle:
        data: dict[str, Any] = json.load(handle)
    return data


def import_sample(
    organization: Organization, name: str, *, activate: bool = False
) -> QuestionnaireVersion:
    """Import a helsenorge sample through ``import_resources``; return its (first) version.

    Several samples share one FHIR id, which the import would treat as versions of one
    form; the key ``helsenorge-<name>`` keeps each sample its own Questionnaire.
    Importing the same sample again returns the same (unchanged) version.
    """
    from medvirk.questionnaires.importing import import_resources

    name = name.removesuffix(".json")
    forms = import_resources(
        organization,
        sample_path(name).read_bytes(),
        key=f"helsenorge-{name}"[:64],
        activate=activate,
    )
    version = forms[0].version
    version.refresh_from_db()
    return version


def questionnaire_version(
    organization: Organization,
    resource: dict[str, Any],
    *,
    status: str = VersionStatus.ACTIVE,
) -> QuestionnaireVersion:
    """A new Questionnaire with version 1 holding ``resource`` as given (no repair, no checks)."""
    title = str(resource.get("title") or resource.get("name") or "Questionnaire")
    questionnaire = Questionnaire.objects.create(
        organization=organization,
        title=title[:300],
        name=str(resource.get("name") or "")[:200],
        url=str(resource.get("url") or "")[:500],
        fhir_id=str(resource.get("id") or "")[:64],
        language=str(resource.get("language") or "")[:20],
        origin=Origin.IMPORTED,
    )
    return QuestionnaireVersion.objects.create(
        questionnaire=questionnaire,
        number=1,
        status=status,
        original=resource,
        resource=resource,
        fhir_version=str(resource.get("version") or "")[:64],
    )
