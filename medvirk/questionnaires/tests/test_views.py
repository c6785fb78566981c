"""The questionnaire pages: who may open what, import, versions, preview, answering,
receipts, responses and exports.

Fill pages post the fields ``rendering.QuestionnaireForm`` renders; the tests read
the field names from the rendered form rather than guessing them.
"""

from __future__ import annotations

import io
import json
import re
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from openpyxl import load_workbook

from medvirk.accesslog.models import AccessAction, AccessLogEntry
from medvirk.questionnaires import services
from medvirk.questionnaires.choices import ResponseStatus, VersionStatus
from medvirk.questionnaires.models import (
    AnswerFile,
    Questionnaire,
    QuestionnaireVersion,
    Response,
)
from medvirk.questionnaires.tests.factories import (
    import_sample,
    questionnaire_version,
    sample_path,
)

ORDINAL = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
SYSTEM = "urn:test:mood"

MOOD: dict[str, Any] = {
    "resourceType": "Questionnaire",
    "id": "mood",
    "url": "https://example.org/Questionnaire/mood",
    "version": "1.0",
    "status": "active",
    "language": "en",
    "title": "Mood check",
    "extension": [{"url": "https://example.org/unknown", "valueString": "keep me"}],
    "item": [
        {
            "linkId": "feel",
            "type": "choice",
            "text": "How do you feel?",
            "required": True,
            "answerOption": [
                {
                    "valueCoding": {"system": SYSTEM, "code": "good", "display": "Good"},
                    "extension": [{"url": ORDINAL, "valueDecimal": 0}],
                },
                {
                    "valueCoding": {"system": SYSTEM, "code": "bad", "display": "Bad"},
                    "extension": [{"url": ORDINAL, "valueDecimal": 2}],
                },
            ],
        },
        {"linkId": "why", "type": "string", "text": "Why?"},
    ],
}
# Queries of a whole page: session, user, MFA gate, membership, organisation, the main
# menu, then the page's own. They must not grow with the rows shown (tested apart);
# a change of the pinned numbers is worth a look.
QUERIES_LIST = 10
QUERIES_RESPONSES = 11

RULES = {
    "score": {"items": ["feel"]},
    "bands": [
        {"min": 0, "max": 1, "label": {"en": "Fine", "nb": "Fint"}},
        {"min": 2, "max": 2, "label": {"en": "Low", "nb": "Lavt"}},
    ],
}


def mood_items(code: str = "bad", why: str = "Rain") -> list[dict[str, Any]]:
    display = {"good": "Good", "bad": "Bad"}[code]
    items: list[dict[str, Any]] = [
        {
            "linkId": "feel",
            "text": "How do you feel?",
            "answer": [{"valueCoding": {"system": SYSTEM, "code": code, "display": display}}],
        }
    ]
    if why:
        items.append({"linkId": "why", "text": "Why?", "answer": [{"valueString": why}]})
    return items


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def mood(world) -> QuestionnaireVersion:
    version = questionnaire_version(world.a.org, json.loads(json.dumps(MOOD)))
    version.rules = RULES
    version.save()
    return version


def submitted(version: QuestionnaireVersion, user, items=None) -> Response:
    organization = version.questionnaire.organization
    response = services.start_response(version, organization=organization, respondent=user)
    return services.submit(response, items if items is not None else mood_items())


def url(name: str, *args: Any, slug: str = "org-a") -> str:
    return reverse(f"questionnaires:{name}", args=[slug, *args])


def english_client(client_for, user):
    client = client_for(user)
    client.cookies["medvirk_language"] = "en"
    return client


# --- Permissions ----------------------------------------------------------------------------------


STAFF_PAGES = ["detail", "version_resource", "preview"]


@pytest.mark.parametrize("role", ["user", "next_of_kin", "representative"])
def test_members_without_staff_rights_get_404_on_staff_pages(world, client_for, mood, role):
    client = client_for(world.a[role])
    q = mood.questionnaire.pk
    assert client.get(url("detail", q)).status_code == 404
    assert client.get(url("version_resource", q, 1)).status_code == 404
    assert client.get(url("preview", q)).status_code == 404
    assert client.get(url("import")).status_code == 404
    assert client.get(url("responses", q)).status_code == 404
    assert client.get(url("export", q, "csv")).status_code == 404
    # ... but the list (their forms to answer) and the answer page open.
    assert client.get(url("list")).status_code == 200
    assert client.get(url("answer", q)).status_code == 200


@pytest.mark.parametrize("role", ["staff", "leader", "experience_consultant"])
def test_staff_see_and_preview_but_neither_import_nor_read_responses(world, client_for, mood, role):
    client = client_for(world.a[role])
    q = mood.questionnaire.pk
    response = submitted(mood, world.a["user"])
    assert client.get(url("detail", q)).status_code == 200
    assert client.get(url("preview", q)).status_code == 200
    assert client.get(url("version_resource", q, 1)).status_code == 200
    assert client.get(url("import")).status_code == 404
    assert client.get(url("version_status", q, 1)).status_code == 404
    assert client.post(url("version_status", q, 1), {"status": "retired"}).status_code == 404
    assert client.get(url("responses", q)).status_code == 404
    assert client.get(url("response_detail", q, response.pk)).status_code == 404
    assert client.get(url("export", q, "csv")).status_code == 404
    mood.refresh_from_db()
    assert mood.status == VersionStatus.ACTIVE


@pytest.mark.parametrize("role", ["coordinator", "admin"])
def test_coordinators_and_admins_import_and_read_responses(world, client_for, mood, role):
    client = client_for(world.a[role])
    q = mood.questionnaire.pk
    response = submitted(mood, world.a["user"])
    for page in [
        url("import"),
        url("version_status", q, 1),
        url("responses", q),
        url("response_detail", q, response.pk),
        url("export", q, "csv"),
    ]:
        assert client.get(page).status_code == 200, page


def test_anonymous_visitor_is_sent_away(client, mood):
    response = client.get(url("list"))
    assert response.status_code in {302, 404}


def test_unknown_questionnaire_and_version_are_404(world, client_for, mood):
    client = client_for(world.a["coordinator"])
    assert client.get(url("detail", 99999)).status_code == 404
    assert client.get(url("version_resource", mood.questionnaire.pk, 7)).status_code == 404
    assert client.get(url("preview", mood.questionnaire.pk) + "?version=7").status_code == 404
    assert client.get(url("export", mood.questionnaire.pk, "pdf")).status_code == 404


# --- List ---------------------------------------------------------------------------------------


def test_list_shows_status_and_counts(world, client_for, mood):
    submitted(mood, world.a["user"])
    submitted(mood, world.a["staff"])
    draft = questionnaire_version(world.a.org, {**MOOD, "title": "Draft form"}, status="draft")
    page = english_client(client_for, world.a["coordinator"]).get(url("list"))
    html = page.content.decode()
    assert page.status_code == 200
    rows = {row.title: row for row in page.context["page"].object_list}
    assert rows["Mood check"].response_count == 2
    assert rows["Mood check"].active_number == 1
    assert rows["Draft form"].active_number is None
    assert rows["Draft form"].latest_status == VersionStatus.DRAFT
    assert reverse("questionnaires:import", args=["org-a"]) in html
    assert url("detail", draft.questionnaire.pk) in html


def test_empty_list_links_to_import(world, client_for):
    page = english_client(client_for, world.a["coordinator"]).get(url("list"))
    assert "No forms yet" in page.content.decode()
    assert url("import") in page.content.decode()


def test_staff_without_manage_see_no_import_button(world, client_for, mood):
    page = english_client(client_for, world.a["staff"]).get(url("list"))
    assert url("import") not in page.content.decode()


def test_members_see_only_active_forms_to_answer(world, client_for, mood):
    questionnaire_version(world.a.org, {**MOOD, "title": "Not yet"}, status="draft")
    questionnaire_version(world.b.org, {**MOOD, "title": "Other organisation"})
    page = english_client(client_for, world.a["user"]).get(url("list"))
    html = page.content.decode()
    assert page.context["page"] is None  # no staff table
    assert [q.title for q in page.context["answerable"]] == ["Mood check"]
    assert url("answer", mood.questionnaire.pk) in html
    assert f'href="{url("detail", mood.questionnaire.pk)}"' not in html
    assert "Not yet" not in html
    assert "Other organisation" not in html


def test_list_links_a_members_own_receipt(world, client_for, mood):
    mine = submitted(mood, world.a["user"])
    submitted(mood, world.a["staff"])
    html = english_client(client_for, world.a["user"]).get(url("list")).content.decode()
    assert url("my_response", mood.questionnaire.pk, mine.pk) in html


def _list_queries(client) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url("list")).status_code == 200
    return len(captured)


def test_list_query_count_does_not_grow_with_forms(world, client_for, mood):
    client = client_for(world.a["coordinator"])
    submitted(mood, world.a["user"])
    before = _list_queries(client)
    for number in range(5):
        version = questionnaire_version(world.a.org, {**MOOD, "title": f"Form {number}"})
        submitted(version, world.a["user"])
    assert _list_queries(client) == before


def test_list_query_count_is_pinned(world, client_for, mood, django_assert_num_queries):
    client = client_for(world.a["coordinator"])
    client.get(url("list"))  # warm the session
    with django_assert_num_queries(QUERIES_LIST):
        client.get(url("list"))


# --- Import -------------------------------------------------------------------------------------


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/json")


def test_import_a_helsenorge_form(world, client_for):
    client = english_client(client_for, world.a["coordinator"])
    raw = sample_path("enable-when-multiple").read_bytes()
    response = client.post(
        url("import"), {"file": upload("form.json", raw), "activate": "on"}, follow=True
    )
    questionnaire = Questionnaire.objects.get(organization=world.a.org)
    version = questionnaire.versions.get()
    assert response.redirect_chain[-1][0] == url("detail", questionnaire.pk)
    assert version.status == VersionStatus.ACTIVE
    assert version.imported_by == world.a["coordinator"]
    html = response.content.decode()
    assert "was imported as version 1" in html
    # The repaired defects are listed on the detail page.
    assert version.warnings
    assert f"{len(version.warnings)} small defects" in html
    for warning in version.warnings:
        assert escape(warning) in html


def test_import_as_draft_by_default(world, client_for):
    client = client_for(world.a["coordinator"])
    client.post(url("import"), {"file": upload("f.json", sample_path("boolean").read_bytes())})
    assert QuestionnaireVersion.objects.get().status == VersionStatus.DRAFT


def test_refused_import_lists_the_errors_and_stores_nothing(world, client_for):
    client = english_client(client_for, world.a["coordinator"])
    broken = {
        "resourceType": "Questionnaire",
        "status": "active",
        "item": [{"linkId": "q1", "type": "choice", "text": "Pick one"}],
    }
    response = client.post(url("import"), {"file": upload("bad.json", json.dumps(broken).encode())})
    assert response.status_code == 200
    html = response.content.decode()
    assert "data-error-summary" in html
    assert "q1" in html
    assert "needs answer options" in html
    assert 'href="#id_file"' in html
    assert not Questionnaire.objects.exists()
    assert not QuestionnaireVersion.objects.exists()


def test_import_of_something_that_is_not_json(world, client_for):
    client = english_client(client_for, world.a["coordinator"])
    response = client.post(url("import"), {"file": upload("x.json", b"{not json")})
    assert "not valid JSON" in response.content.decode()
    assert not Questionnaire.objects.exists()


def test_import_without_a_file_names_the_field(world, client_for):
    client = english_client(client_for, world.a["coordinator"])
    response = client.post(url("import"), {"activate": "on"})
    assert "Choose a file to import." in response.content.decode()


def test_import_again_makes_a_new_version_or_nothing(world, client_for):
    client = english_client(client_for, world.a["coordinator"])
    raw = sample_path("boolean").read_bytes()
    client.post(url("import"), {"file": upload("f.json", raw)})
    again = client.post(url("import"), {"file": upload("f.json", raw)}, follow=True)
    assert "nothing new was stored" in again.content.decode()
    assert QuestionnaireVersion.objects.count() == 1
    changed = json.loads(raw)
    changed["title"] = "Changed title"
    client.post(url("import"), {"file": upload("f.json", json.dumps(changed).encode())})
    assert QuestionnaireVersion.objects.count() == 2


# --- Detail and versions --------------------------------------------------------------------------


def test_detail_lists_versions_with_actions(world, client_for, mood):
    client = english_client(client_for, world.a["coordinator"])
    html = client.get(url("detail", mood.questionnaire.pk)).content.decode()
    assert "Mood check" in html
    assert url("version_resource", mood.questionnaire.pk, 1) in html
    assert url("preview", mood.questionnaire.pk) + "?version=1" in html
    assert url("version_status", mood.questionnaire.pk, 1) in html
    assert url("responses", mood.questionnaire.pk) in html


def test_staff_detail_has_no_status_buttons_nor_response_links(world, client_for, mood):
    html = client_for(world.a["staff"]).get(url("detail", mood.questionnaire.pk)).content.decode()
    assert url("version_status", mood.questionnaire.pk, 1) not in html
    assert url("responses", mood.questionnaire.pk) not in html
    assert url("export", mood.questionnaire.pk, "csv") not in html


def test_activating_a_version_retires_the_active_one(world, client_for, mood):
    second = QuestionnaireVersion.objects.create(
        questionnaire=mood.questionnaire,
        number=2,
        status=VersionStatus.DRAFT,
        original=MOOD,
        resource=MOOD,
    )
    client = english_client(client_for, world.a["coordinator"])
    response = client.post(
        url("version_status", mood.questionnaire.pk, 2), {"status": "active"}, follow=True
    )
    assert "Version 2 is now: Active." in response.content.decode()
    mood.refresh_from_db()
    second.refresh_from_db()
    assert (mood.status, second.status) == (VersionStatus.RETIRED, VersionStatus.ACTIVE)


def test_status_change_back_to_draft_and_refusal_of_a_no_op(world, client_for, mood):
    client = english_client(client_for, world.a["coordinator"])
    q = mood.questionnaire.pk
    client.post(url("version_status", q, 1), {"status": "draft"})
    mood.refresh_from_db()
    assert mood.status == VersionStatus.DRAFT
    # Draft → draft is not offered: the form says so and nothing changes.
    response = client.post(url("version_status", q, 1), {"status": "draft"})
    assert response.status_code == 200
    assert "cannot be moved to that status" in response.content.decode()
    response = client.post(url("version_status", q, 1), {"status": "bogus"})
    assert "cannot be moved to that status" in response.content.decode()


def test_version_resource_is_the_stored_resource_with_unknown_extensions(world, client_for, mood):
    response = client_for(world.a["staff"]).get(url("version_resource", mood.questionnaire.pk, 1))
    assert response["Content-Type"].startswith("application/fhir+json")
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data == mood.resource
    assert data["extension"] == [{"url": "https://example.org/unknown", "valueString": "keep me"}]


def test_imported_resource_keeps_helsenorge_extensions(world, client_for):
    version = import_sample(world.a.org, "choice-radio")
    response = client_for(world.a["staff"]).get(
        url("version_resource", version.questionnaire.pk, 1)
    )
    assert "http://ehelse.no/fhir/StructureDefinition/repeatstext" in response.content.decode()


def test_detail_summary_is_suppressed_for_small_groups(world, client_for, mood):
    world.a.org.minimum_group_size = 3
    world.a.org.save()
    client = english_client(client_for, world.a["coordinator"])
    submitted(mood, world.a["user"], mood_items("bad"))
    submitted(mood, world.a["staff"], mood_items("good"))
    page = client.get(url("detail", mood.questionnaire.pk))
    assert page.context["suppressed"] is True
    assert page.context["summaries"] == []
    assert "Fewer than 3 people have answered" in page.content.decode()

    submitted(mood, world.a["leader"], mood_items("bad"))
    page = client.get(url("detail", mood.questionnaire.pk))
    (summary,) = page.context["summaries"]
    counts = {row["label"]: row["count"] for row in summary["rows"]}
    assert counts == {"Good": 1, "Bad": 2}
    assert page.context["suppressed"] is False


# --- Responses ------------------------------------------------------------------------------------


def test_response_list_shows_scores_but_no_names(world, client_for, mood):
    first = submitted(mood, world.a["user"], mood_items("bad"))
    submitted(mood, world.a["next_of_kin"], mood_items("good"))
    page = english_client(client_for, world.a["coordinator"]).get(
        url("responses", mood.questionnaire.pk)
    )
    html = page.content.decode()
    assert url("response_detail", mood.questionnaire.pk, first.pk) in html
    assert "Low" in html
    assert "Fine" in html
    assert world.a["user"].full_name not in html
    assert world.a["next_of_kin"].full_name not in html
    assert not AccessLogEntry.objects.exists()


def test_response_list_leaves_drafts_out_and_filters(world, client_for, mood):
    services.start_response(mood, organization=world.a.org, respondent=world.a["user"])
    submitted(mood, world.a["staff"])
    client = client_for(world.a["coordinator"])
    page = client.get(url("responses", mood.questionnaire.pk))
    assert page.context["page"].paginator.count == 1
    page = client.get(url("responses", mood.questionnaire.pk) + "?mode=paper")
    assert page.context["page"].paginator.count == 0


def _response_list_queries(client, q) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url("responses", q)).status_code == 200
    return len(captured)


def test_response_list_query_count_does_not_grow(world, client_for, mood):
    client = client_for(world.a["coordinator"])
    submitted(mood, world.a["user"])
    before = _response_list_queries(client, mood.questionnaire.pk)
    for role in ["staff", "leader", "admin", "representative"]:
        submitted(mood, world.a[role])
    assert _response_list_queries(client, mood.questionnaire.pk) == before


def test_response_detail_shows_answers_and_name_and_logs(world, client_for, mood):
    response = submitted(mood, world.a["user"], mood_items("bad", "<b>Rain</b>"))
    coordinator = world.a["coordinator"]
    client = english_client(client_for, coordinator)
    html = client.get(url("response_detail", mood.questionnaire.pk, response.pk)).content.decode()
    assert "How do you feel?" in html
    assert "Bad" in html
    assert "&lt;b&gt;Rain&lt;/b&gt;" in html
    assert "<b>Rain</b>" not in html
    assert world.a["user"].full_name in html
    assert "Low" in html
    entry = AccessLogEntry.objects.get()
    assert (entry.actor, entry.subject, entry.action) == (
        coordinator,
        world.a["user"],
        AccessAction.VIEW,
    )
    assert entry.object_id == str(response.pk)
    client.get(url("response_detail", mood.questionnaire.pk, response.pk))
    assert AccessLogEntry.objects.count() == 2


def test_response_of_another_questionnaire_is_404(world, client_for, mood):
    other = questionnaire_version(world.a.org, {**MOOD, "title": "Other"})
    response = submitted(mood, world.a["user"])
    client = client_for(world.a["coordinator"])
    assert (
        client.get(url("response_detail", other.questionnaire.pk, response.pk)).status_code == 404
    )
    assert not AccessLogEntry.objects.exists()


def test_a_draft_is_not_shown_to_coordinators(world, client_for, mood):
    draft = services.start_response(mood, organization=world.a.org, respondent=world.a["user"])
    client = client_for(world.a["coordinator"])
    assert client.get(url("response_detail", mood.questionnaire.pk, draft.pk)).status_code == 404


def _with_file(world, mood) -> tuple[Response, AnswerFile]:
    response = submitted(mood, world.a["user"])
    stored = AnswerFile(
        response=response,
        link_id="why",
        filename="note.html",
        content_type="text/html",
        size=20,
        sha1="0" * 40,
    )
    from django.core.files.base import ContentFile

    stored.file.save("x", ContentFile(b"<script>alert(1)</script>"), save=False)
    stored.save()
    return response, stored


def test_response_file_is_an_attachment_that_never_renders_and_is_logged(world, client_for, mood):
    response, stored = _with_file(world, mood)
    client = client_for(world.a["coordinator"])
    served = client.get(url("response_file", mood.questionnaire.pk, response.pk, stored.key))
    assert served.status_code == 200
    assert served["Content-Disposition"].startswith("attachment")
    assert served["X-Content-Type-Options"] == "nosniff"
    assert b"".join(served.streaming_content) == b"<script>alert(1)</script>"
    entry = AccessLogEntry.objects.get()
    assert entry.subject == world.a["user"]
    assert entry.object_type == "questionnaires.answerfile"


def test_response_file_of_another_response_is_404(world, client_for, mood):
    _response, stored = _with_file(world, mood)
    other = submitted(mood, world.a["staff"])
    client = client_for(world.a["coordinator"])
    address = url("response_file", mood.questionnaire.pk, other.pk, stored.key)
    assert client.get(address).status_code == 404
    address = url("response_file", mood.questionnaire.pk, other.pk, uuid.uuid4())
    assert client.get(address).status_code == 404
    assert not AccessLogEntry.objects.exists()


# --- Exports --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "content_type"),
    [
        ("fhir", "application/fhir+json"),
        ("csv", "text/csv"),
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ],
)
def test_exports_have_their_type_and_are_logged(world, client_for, mood, fmt, content_type):
    submitted(mood, world.a["user"], mood_items("bad", "=cmd()"))
    services.start_response(mood, organization=world.a.org, respondent=world.a["staff"])
    client = client_for(world.a["coordinator"])
    response = client.get(url("export", mood.questionnaire.pk, fmt))
    assert response.status_code == 200
    assert response["Content-Type"].startswith(content_type)
    assert response["Content-Disposition"].startswith("attachment")
    entry = AccessLogEntry.objects.get()
    assert entry.action == AccessAction.EXPORT
    assert entry.actor == world.a["coordinator"]
    if fmt == "fhir":
        bundle = json.loads(response.content)
        assert bundle["resourceType"] == "Bundle"
        assert len(bundle["entry"]) == 1
    elif fmt == "csv":
        text = response.content.decode()
        assert "'=cmd()" in text
        assert world.a["user"].email not in text
    else:
        sheet = load_workbook(io.BytesIO(response.content)).active
        assert sheet.max_row == 2


# --- Cross-organisation ---------------------------------------------------------------------------


def test_a_response_of_another_organisation_is_404(world, client_for, mood):
    theirs = questionnaire_version(world.b.org, MOOD)
    response = submitted(theirs, world.b["user"])
    client = client_for(world.a["coordinator"])
    assert client.get(url("response_detail", mood.questionnaire.pk, response.pk)).status_code == 404
    assert (
        client.get(url("response_detail", theirs.questionnaire.pk, response.pk)).status_code == 404
    )


# --- Preview --------------------------------------------------------------------------------------

PAGE_CONTROL = {
    "url": "http://hl7.org/fhir/StructureDefinition/questionnaire-itemControl",
    "valueCodeableConcept": {"coding": [{"code": "page"}]},
}
PAGED: dict[str, Any] = {
    "resourceType": "Questionnaire",
    "status": "active",
    "title": "Two pages",
    "item": [
        {
            "linkId": "p1",
            "type": "group",
            "text": "First page",
            "extension": [PAGE_CONTROL],
            "item": [
                {"linkId": "name", "type": "string", "text": "Your nickname", "required": True}
            ],
        },
        {
            "linkId": "p2",
            "type": "group",
            "text": "Second page",
            "extension": [PAGE_CONTROL],
            "item": [{"linkId": "age", "type": "integer", "text": "Your age"}],
        },
    ],
}


def field_names(html: str) -> list[str]:
    return list(dict.fromkeys(re.findall(r'name="(q-[^"]+)"', html)))


def hidden(html: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert match, f"no hidden {name}"
    return match.group(1)


def test_preview_shows_the_active_version_and_stores_nothing(world, client_for, mood):
    client = english_client(client_for, world.a["staff"])
    address = url("preview", mood.questionnaire.pk)
    page = client.get(address)
    assert page.status_code == 200
    assert field_names(page.content.decode()) == ["q-0_0", "q-1_0"]
    done = client.post(
        address + "?version=1",
        {
            "submission_key": hidden(page.content.decode(), "submission_key"),
            "_action": "submit",
            "q-0_0": f"{SYSTEM}|bad",
            "q-1_0": "<script>alert(1)</script>",
        },
    )
    html = done.content.decode()
    assert "The answers are valid — nothing was stored." in html
    assert "Low" in html  # the band of the computed score
    assert '"QuestionnaireResponse"' in html.replace("&quot;", '"')
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert not Response.objects.exists()


def test_preview_of_an_invalid_answer_shows_the_error_summary(world, client_for, mood):
    client = english_client(client_for, world.a["staff"])
    page = client.post(url("preview", mood.questionnaire.pk), {"_action": "submit"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "data-error-summary" in html or "ds-error-summary" in html
    assert 'href="#q-0_0' in html
    assert not Response.objects.exists()


def test_preview_pages_keep_their_answers_in_signed_state(world, client_for):
    version = questionnaire_version(world.a.org, PAGED)
    client = english_client(client_for, world.a["staff"])
    address = url("preview", version.questionnaire.pk)
    first = client.get(address).content.decode()
    assert field_names(first) == ["q-0_0-0_0"]
    second = client.post(
        address,
        {
            "submission_key": hidden(first, "submission_key"),
            "_action": "next",
            "q-0_0-0_0": "Kari",
        },
    ).content.decode()
    assert "Your age" in second
    state = hidden(second, "submission_key")
    done = client.post(
        address, {"submission_key": state, "_action": "submit", "q-1_0-0_0": "40"}
    ).content.decode()
    assert "nothing was stored" in done
    assert "Kari" in done
    assert "40" in done
    # A tampered state is not trusted: the preview starts over on the first page.
    tampered = client.post(
        address, {"submission_key": state[:-2] + "xx", "_action": "submit", "q-1_0-0_0": "40"}
    ).content.decode()
    assert "nothing was stored" not in tampered
    assert not Response.objects.exists()


def test_preview_add_a_repeat_keeps_the_answers(world, client_for):
    version = import_sample(world.a.org, "group-repeat", activate=True)
    client = client_for(world.a["staff"])
    address = url("preview", version.questionnaire.pk)
    first = client.get(address).content.decode()
    assert field_names(first) == ["q-0-n", "q-0_0-0-n", "q-0_0-0_0"]
    added = client.post(
        address,
        {
            "submission_key": hidden(first, "submission_key"),
            "_action": "add:0_0-0",
            "q-0-n": "1",
            "q-0_0-0-n": "1",
            "q-0_0-0_0": "7",
        },
    ).content.decode()
    assert "q-0_0-0_1" in field_names(added)
    assert 'value="7"' in added
    assert not Response.objects.exists()


def test_preview_of_a_chosen_version(world, client_for, mood):
    QuestionnaireVersion.objects.create(
        questionnaire=mood.questionnaire,
        number=2,
        status=VersionStatus.DRAFT,
        original={**MOOD, "item": [{"linkId": "x", "type": "string", "text": "Newer question"}]},
        resource={**MOOD, "item": [{"linkId": "x", "type": "string", "text": "Newer question"}]},
    )
    client = client_for(world.a["staff"])
    assert (
        "Newer question" not in client.get(url("preview", mood.questionnaire.pk)).content.decode()
    )
    html = client.get(url("preview", mood.questionnaire.pk) + "?version=2").content.decode()
    assert "Newer question" in html


def test_preview_htmx_refresh_gets_only_the_form(world, client_for, mood):
    client = client_for(world.a["staff"])
    response = client.post(
        url("preview", mood.questionnaire.pk),
        {"_action": "refresh", "q-0_0": f"{SYSTEM}|good"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert 'class="q-form"' in html
    assert "<html" not in html
    assert "site-header" not in html


# --- Answering ------------------------------------------------------------------------------------


def test_answer_needs_an_active_version(world, client_for, mood):
    mood.status = VersionStatus.DRAFT
    mood.save()
    assert client_for(world.a["user"]).get(url("answer", mood.questionnaire.pk)).status_code == 404


def test_a_fresh_form_stores_nothing_until_something_is_saved(world, client_for, mood):
    client = client_for(world.a["user"])
    client.get(url("answer", mood.questionnaire.pk))
    client.post(url("answer", mood.questionnaire.pk), {"_action": "refresh"})
    assert not Response.objects.exists()


def test_save_draft_and_resume_it(world, client_for, mood):
    user = world.a["user"]
    client = english_client(client_for, user)
    address = url("answer", mood.questionnaire.pk)
    key = hidden(client.get(address).content.decode(), "submission_key")
    saved = client.post(
        address, {"submission_key": key, "_action": "save", "q-0_0": f"{SYSTEM}|bad"}
    )
    assert saved.status_code == 302
    draft = Response.objects.get()
    assert (draft.respondent, draft.status) == (user, ResponseStatus.IN_PROGRESS)
    assert str(draft.submission_key) == key
    assert draft.resource["item"][0]["answer"][0]["valueCoding"]["code"] == "bad"
    assert "Your draft was saved" in client.get(saved["Location"]).content.decode()

    resumed = client.get(address).content.decode()
    assert "We kept your draft from" in resumed
    assert re.search(
        r'value="urn:test:mood\|bad"\s+checked|checked[^>]*value="urn:test:mood\|bad"', resumed
    )
    assert hidden(resumed, "submission_key") == key


def test_submit_then_receipt_and_a_second_submit_finds_the_same(world, client_for, mood):
    user = world.a["user"]
    client = english_client(client_for, user)
    address = url("answer", mood.questionnaire.pk)
    key = hidden(client.get(address).content.decode(), "submission_key")
    data = {"submission_key": key, "_action": "submit", "q-0_0": f"{SYSTEM}|bad", "q-1_0": "Rain"}
    first = client.post(address, data)
    response = Response.objects.get()
    receipt = url("my_response", mood.questionnaire.pk, response.pk)
    assert first["Location"] == receipt
    assert response.status == ResponseStatus.COMPLETED
    assert response.scores["total"] == 2
    again = client.post(address, data)
    assert again["Location"] == receipt
    assert Response.objects.count() == 1
    html = client.get(receipt).content.decode()
    assert "How do you feel?" in html
    assert "Bad" in html
    assert "Rain" in html


def test_a_submitted_response_is_locked(world, client_for, mood):
    user = world.a["user"]
    done = submitted(mood, user, mood_items("good", "Sun"))
    client = client_for(user)
    posted = client.post(
        url("answer", mood.questionnaire.pk),
        {"submission_key": str(done.submission_key), "_action": "save", "q-0_0": f"{SYSTEM}|bad"},
    )
    assert posted["Location"] == url("my_response", mood.questionnaire.pk, done.pk)
    done.refresh_from_db()
    assert done.resource["item"][0]["answer"][0]["valueCoding"]["code"] == "good"
    assert Response.objects.count() == 1


def test_submit_with_a_missing_answer_shows_errors_and_submits_nothing(world, client_for, mood):
    client = english_client(client_for, world.a["user"])
    address = url("answer", mood.questionnaire.pk)
    key = hidden(client.get(address).content.decode(), "submission_key")
    page = client.post(address, {"submission_key": key, "_action": "submit", "q-1_0": "Rain"})
    html = page.content.decode()
    assert page.status_code == 200
    assert 'href="#q-0_0' in html
    assert 'value="Rain"' in html  # what was typed is kept
    assert not Response.objects.filter(status=ResponseStatus.COMPLETED).exists()


def test_someone_elses_submission_key_is_not_theirs(world, client_for, mood):
    theirs = services.start_response(mood, organization=world.a.org, respondent=world.a["staff"])
    client = client_for(world.a["user"])
    client.post(
        url("answer", mood.questionnaire.pk),
        {"submission_key": str(theirs.submission_key), "_action": "save", "q-1_0": "Mine"},
    )
    theirs.refresh_from_db()
    assert "item" not in theirs.resource
    mine = Response.objects.get(respondent=world.a["user"])
    assert mine.submission_key != theirs.submission_key


def test_answer_htmx_refresh_gets_only_the_form(world, client_for, mood):
    client = client_for(world.a["user"])
    response = client.post(
        url("answer", mood.questionnaire.pk), {"_action": "refresh"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert 'class="q-form"' in html
    assert "<html" not in html


def test_paged_answer_moves_on_and_back(world, client_for):
    version = questionnaire_version(world.a.org, PAGED)
    client = english_client(client_for, world.a["user"])
    address = url("answer", version.questionnaire.pk)
    key = hidden(client.get(address).content.decode(), "submission_key")
    moved = client.post(address, {"submission_key": key, "_action": "next", "q-0_0-0_0": "Kari"})
    assert moved.status_code == 302
    second = client.get(moved["Location"]).content.decode()
    assert "Your age" in second
    assert "We kept your draft" not in second
    assert Response.objects.get().current_page == 1
    done = client.post(address, {"submission_key": key, "_action": "submit", "q-1_0-0_0": "40"})
    response = Response.objects.get()
    assert done["Location"] == url("my_response", version.questionnaire.pk, response.pk)
    assert response.status == ResponseStatus.COMPLETED


# --- Receipts -------------------------------------------------------------------------------------


def test_my_response_is_only_for_its_respondent(world, client_for, mood):
    response = submitted(mood, world.a["user"])
    address = url("my_response", mood.questionnaire.pk, response.pk)
    assert client_for(world.a["user"]).get(address).status_code == 200
    for role in ["staff", "coordinator", "admin", "next_of_kin"]:
        assert client_for(world.a[role]).get(address).status_code == 404, role
    assert not AccessLogEntry.objects.exists()


def test_my_response_of_a_draft_is_404(world, client_for, mood):
    draft = services.start_response(mood, organization=world.a.org, respondent=world.a["user"])
    address = url("my_response", mood.questionnaire.pk, draft.pk)
    assert client_for(world.a["user"]).get(address).status_code == 404


def test_response_list_query_count_is_pinned(world, client_for, mood, django_assert_num_queries):
    for role in ["user", "staff", "leader"]:
        submitted(mood, world.a[role])
    client = client_for(world.a["coordinator"])
    client.get(url("responses", mood.questionnaire.pk))
    with django_assert_num_queries(QUERIES_RESPONSES):
        client.get(url("responses", mood.questionnaire.pk))


def test_a_submit_that_fails_fhir_validation_keeps_a_draft_and_says_so(
    world, client_for, mood, monkeypatch
):
    from pydantic import ValidationError

    from medvirk.questionnaires import services

    def broken(resource):
        raise ValidationError.from_exception_data("QuestionnaireResponse", [])

    monkeypatch.setattr(services, "validate_resource", broken)
    client = english_client(client_for, world.a["user"])
    address = url("answer", mood.questionnaire.pk)
    key = hidden(client.get(address).content.decode(), "submission_key")
    data = {"submission_key": key, "_action": "submit", "q-0_0": f"{SYSTEM}|bad", "q-1_0": "Rain"}
    posted = client.post(address, data)
    assert posted.status_code == 302
    draft = Response.objects.get()
    assert draft.status == ResponseStatus.IN_PROGRESS
    assert not draft.answers.exists()
    assert "could not be submitted" in client.get(posted["Location"]).content.decode()


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("nb-NO", "norsk (bokmål)"),
        ("sv", "svenska"),
        ("en", "English"),
        ("en-GB", "British English"),
        ("xx-YY", "xx-YY"),
    ],
)
def test_a_form_language_is_shown_by_its_own_name(code, name):
    assert Questionnaire(language=code).language_name == name
