"""Test helpers that make surveys, shared by every survey test module.

``survey`` stores a survey directly (no form, no service), with a small hand-written
questionnaire version when none is given, so that answering, results and management
tests all start from the same kind of survey.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from medvirk.organizations.models import Organization, Unit
from medvirk.questionnaires.models import QuestionnaireVersion
from medvirk.questionnaires.tests.factories import questionnaire_version
from medvirk.surveys.models import Survey

SCALE_SYSTEM = "urn:medvirk:test:scale"


def scale_options() -> list[dict[str, Any]]:
    """Five options 1–5 with ordinal values, as the user-experience template has."""
    return [
        {
            "valueCoding": {
                "system": SCALE_SYSTEM,
                "code": str(value),
                "display": label,
                "extension": [
                    {
                        "url": "http://hl7.org/fhir/StructureDefinition/ordinalValue",
                        "valueDecimal": value,
                    }
                ],
            }
        }
        for value, label in enumerate(
            ["Not at all", "To a small degree", "Somewhat", "To a large degree", "Fully"],
            start=1,
        )
    ]


def simple_resource(title: str = "Survey form") -> dict[str, Any]:
    """A two-question form: one 1–5 choice item ("q1") and one free-text item ("comment")."""
    return {
        "resourceType": "Questionnaire",
        "status": "active",
        "title": title,
        "language": "nb",
        "item": [
            {
                "linkId": "q1",
                "text": "Did you get the information you needed?",
                "type": "choice",
                "answerOption": scale_options(),
            },
            {"linkId": "comment", "text": "Anything else?", "type": "text"},
        ],
    }


def simple_version(organization: Organization, title: str = "Survey form") -> QuestionnaireVersion:
    """An active version of ``simple_resource`` in ``organization``."""
    return questionnaire_version(organization, simple_resource(title))


def survey(
    organization: Organization,
    *,
    version: QuestionnaireVersion | None = None,
    units: Iterable[Unit] = (),
    anonymous: bool = True,
    opens_on: datetime.date | None = None,
    closes_on: datetime.date | None = None,
    published: bool = True,
    title: str = "User survey",
    requires_code: bool = False,
    **fields: Any,
) -> Survey:
    """A survey of ``organization``, open from a week ago to in three weeks by default."""
    today = timezone.localdate()
    created = Survey.objects.create(
        organization=organization,
        title=title,
        version=version or simple_version(organization),
        opens_on=opens_on or today - datetime.timedelta(days=7),
        closes_on=closes_on or today + datetime.timedelta(days=21),
        anonymous=anonymous,
        requires_code=requires_code,
        published_at=timezone.now() if published else None,
        **fields,
    )
    created.units.set(list(units))
    return created
