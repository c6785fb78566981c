"""The survey template the project writes: a short bokmål user-experience survey.

It lives as a plain FHIR Questionnaire under ``content/questionnaires/`` and is
installed into an organisation through the ordinary importer the first time a
coordinator builds a survey from it, so it is stored, versioned and answered
exactly like any other form. Installing again changes nothing unless the file
changed, in which case the new content becomes the next active version.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from medvirk.organizations.models import Organization
from medvirk.questionnaires.choices import Origin
from medvirk.questionnaires.instruments import content_root
from medvirk.questionnaires.models import QuestionnaireVersion

TEMPLATE_KEY = "brukererfaring"


def template_file() -> Path:
    return content_root() / f"{TEMPLATE_KEY}.json"


def load_template() -> dict[str, Any]:
    """The template's Questionnaire resource, freshly read."""
    data: dict[str, Any] = json.loads(template_file().read_text(encoding="utf-8"))
    return data


def template_title() -> str:
    """The template's title as written in the file (bokmål), for the create form."""
    return str(load_template().get("title") or TEMPLATE_KEY)


def install_template(organization: Organization, *, user: Any = None) -> QuestionnaireVersion:
    """The organisation's active version of the template, importing it on first use.

    Idempotent: an unchanged file makes no new version.
    """
    from medvirk.questionnaires.importing import import_resources

    imported = import_resources(
        organization,
        load_template(),
        user=user,
        origin=Origin.SHIPPED,
        key=TEMPLATE_KEY,
        activate=True,
    )
    return imported[0].version
