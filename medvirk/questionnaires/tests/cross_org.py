"""Organisation-scoped object URLs of this app, for tests/test_cross_organisation.py.

Each case builds a form (and where needed a submitted response with an
attached file) in the owning organisation; the same role in another
organisation must get 404 for every one of them.
"""

from __future__ import annotations

from typing import Any

from django.core.files.base import ContentFile

from medvirk.core.testing import ObjectViewCase
from medvirk.questionnaires import services
from medvirk.questionnaires.models import AnswerFile, QuestionnaireVersion, Response
from medvirk.questionnaires.tests.factories import questionnaire_version

FORM: dict[str, Any] = {
    "resourceType": "Questionnaire",
    "status": "active",
    "title": "Cross-organisation check",
    "item": [{"linkId": "1", "type": "string", "text": "Anything to add?"}],
}


def _version(world: Any) -> QuestionnaireVersion:
    return questionnaire_version(world.org, dict(FORM))


def _submitted(world: Any) -> Response:
    version = _version(world)
    response = services.start_response(version, organization=world.org, respondent=world["user"])
    return services.submit(response, [{"linkId": "1", "answer": [{"valueString": "No"}]}])


def _form(world: Any) -> dict[str, Any]:
    return {"questionnaire_id": _version(world).questionnaire_id}


def _numbered(world: Any) -> dict[str, Any]:
    return {"questionnaire_id": _version(world).questionnaire_id, "number": 1}


def _response(world: Any) -> dict[str, Any]:
    response = _submitted(world)
    return {"questionnaire_id": response.version.questionnaire_id, "response_id": response.pk}


def _file(world: Any) -> dict[str, Any]:
    response = _submitted(world)
    stored = AnswerFile(
        response=response,
        link_id="1",
        filename="note.txt",
        content_type="text/plain",
        size=2,
        sha1="0" * 40,
    )
    stored.file.save("note", ContentFile(b"ok"), save=False)
    stored.save()
    return {
        "questionnaire_id": response.version.questionnaire_id,
        "response_id": response.pk,
        "file_key": stored.key,
    }


def _export(world: Any) -> dict[str, Any]:
    return {"questionnaire_id": _submitted(world).version.questionnaire_id, "fmt": "csv"}


CASES = [
    ObjectViewCase("questionnaires:detail", _form, role="staff"),
    ObjectViewCase("questionnaires:version_status", _numbered, role="coordinator"),
    ObjectViewCase("questionnaires:version_resource", _numbered, role="staff"),
    ObjectViewCase("questionnaires:preview", _form, role="staff"),
    ObjectViewCase("questionnaires:answer", _form, role="user"),
    ObjectViewCase("questionnaires:my_response", _response, role="user"),
    ObjectViewCase("questionnaires:responses", _form, role="coordinator"),
    ObjectViewCase("questionnaires:response_detail", _response, role="coordinator"),
    ObjectViewCase("questionnaires:response_file", _file, role="coordinator"),
    ObjectViewCase("questionnaires:export", _export, role="coordinator"),
]
