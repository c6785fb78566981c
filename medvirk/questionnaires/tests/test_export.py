"""Exports: FHIR Bundle, CSV and XLSX of completed responses, and the export command."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone, translation
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from openpyxl import load_workbook

from medvirk.accesslog.models import AccessLogEntry
from medvirk.questionnaires import export, services
from medvirk.questionnaires.choices import EntryMode, VersionStatus
from medvirk.questionnaires.models import QuestionnaireVersion, Response
from medvirk.questionnaires.tests.factories import load_sample, questionnaire_version

CHOICE = "2.1"
TOTAL = "3.1"
RULES = {
    "bands": [
        {"min": 0, "max": 1, "label": {"nb": "Lav", "en": "Low"}, "severity": "none"},
        {"min": 2, "max": 3, "label": {"nb": "Høy", "en": "High"}, "severity": "moderate"},
    ]
}
NOTE = {"linkId": "note", "text": "Comment", "type": "string"}
AGE = {"linkId": "age", "text": "Age", "type": "integer", "repeats": True}


def form(world: Any) -> QuestionnaireVersion:
    """The helsenorge scoring sample plus a free-text and a repeating number question."""
    resource = load_sample("scoring-choice-radio")
    resource["item"].extend([NOTE, AGE])
    version = questionnaire_version(world.a.org, resource)
    version.rules = RULES
    version.save()
    return version


def answers(code: str, note: str | None = None, ages: tuple[int, ...] = ()) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = [
        {"linkId": "2", "item": [{"linkId": CHOICE, "answer": [{"valueCoding": {"code": code}}]}]}
    ]
    if note is not None:
        items.append({"linkId": "note", "answer": [{"valueString": note}]})
    if ages:
        items.append({"linkId": "age", "answer": [{"valueInteger": age} for age in ages]})
    return items


def answered(world: Any, version: QuestionnaireVersion, items: list[dict[str, Any]], **kw: Any):
    kw.setdefault("respondent", world.a["user"])
    response = services.start_response(version, organization=world.a.org, **kw)
    return services.submit(response, items)


@pytest.fixture
def filled(world):
    """Two completed responses (one anonymous, one on paper) and one draft."""
    version = form(world)
    first = answered(world, version, answers("LA6570-1", '=HYPERLINK("http://x")', (34, 35)))
    second = answered(
        world,
        version,
        answers("LA6568-5", "-1+2", (-3,)),
        respondent=None,
        anonymous=True,
        mode=EntryMode.PAPER,
    )
    draft = services.start_response(version, organization=world.a.org, respondent=world.a["staff"])
    services.save_draft(draft, answers("LA6571-9", "draft"))
    return version, first, second, draft


# --- FHIR ---------------------------------------------------------------------------------------


def test_bundle_holds_completed_responses_and_validates(world, filled):
    _version, first, second, _draft = filled
    bundle = export.responses_bundle(Response.objects.all())
    Bundle.model_validate(bundle)
    assert bundle["type"] == "collection"
    ids = [entry["resource"]["id"] for entry in bundle["entry"]]
    assert sorted(ids) == sorted([str(first.pk), str(second.pk)])
    for entry in bundle["entry"]:
        assert entry["fullUrl"].startswith("urn:uuid:")
        QuestionnaireResponse.model_validate(entry["resource"])
        assert entry["resource"]["status"] == "completed"
    assert len({entry["fullUrl"] for entry in bundle["entry"]}) == 2
    assert export.full_url(first) == export.full_url(Response.objects.get(pk=first.pk))
    assert str(first.submission_key) not in json.dumps(bundle)
    assert world.a["user"].email not in json.dumps(bundle)


def test_empty_bundle_validates(world):
    bundle = export.responses_bundle(Response.objects.none())
    Bundle.model_validate(bundle)
    assert "entry" not in bundle
    assert "total" not in bundle  # only search and history bundles may have one


# --- Tables -------------------------------------------------------------------------------------


def read_csv(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_csv_has_one_row_per_completed_response(world, filled):
    version, first, second, _draft = filled
    with translation.override("en"):
        table = read_csv(export.responses_csv(version, export.completed_responses(version)))
    header, *rows = table
    assert header[:6] == ["Response", "Submitted", "Version", "Answered how", "Total score", "Band"]
    assert header[6:] == [
        "2.1: Vansker med å sovne, sove uten avbrudd eller sovet for mye",
        "3.1: Sum",
        "note: Comment",
        "age: Age",
    ]
    assert len(rows) == 2
    by_id = {row[0]: row for row in rows}
    one = by_id[str(first.pk)]
    assert one[2:6] == ["1", "self", "2", "High"]
    assert one[6:] == ["Mer enn halvparten av dagene", "2", '\'=HYPERLINK("http://x")', "34; 35"]
    two = by_id[str(second.pk)]
    assert two[1] == timezone.localdate(second.submitted_at).isoformat()  # the day only
    assert one[1] == timezone.localtime(first.submitted_at).strftime("%Y-%m-%d %H:%M")
    assert two[3] == "paper"
    assert two[5] == "Low"
    assert two[8] == "'-1+2"  # a formula, neutralised
    assert two[9] == "-3"  # a plain negative number is not a formula


def test_csv_never_names_anyone(world, filled):
    version, *_ = filled
    text = export.responses_csv(version, Response.objects.all())
    for user in (world.a["user"], world.a["staff"]):
        assert user.email not in text
        assert user.full_name not in text
    assert "draft" not in text.split("\n", 1)[1]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+SUM(A1)", "'+SUM(A1)"),
        ("-cmd", "'-cmd"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("-3", "-3"),
        ("+4.5", "+4.5"),
        ("hello", "hello"),
        ("", ""),
    ],
)
def test_formula_escaping(value, expected):
    assert export.escape_formula(value) == expected


def test_questionnaire_export_covers_every_version(world, filled):
    version, first, second, _draft = filled
    newer_resource = load_sample("scoring-choice-radio")
    newer_resource["item"].append({"linkId": "extra", "text": "New", "type": "boolean"})
    version.status = VersionStatus.RETIRED
    version.save()
    newer = QuestionnaireVersion.objects.create(
        questionnaire=version.questionnaire,
        number=2,
        status=VersionStatus.ACTIVE,
        original=newer_resource,
        resource=newer_resource,
    )
    third = answered(world, newer, [{"linkId": "extra", "answer": [{"valueBoolean": True}]}])
    questionnaire = version.questionnaire
    _header, *rows = read_csv(
        export.responses_csv(questionnaire, export.completed_responses(questionnaire))
    )
    # Ordered by submit time: the anonymous one (midnight) first.
    assert [row[0] for row in rows] == [str(second.pk), str(first.pk), str(third.pk)]
    header = _header
    assert "extra: New" in header
    assert "note: Comment" in header  # only in the older version, still a column
    assert rows[2][header.index("extra: New")] == "true"
    assert rows[2][2] == "2"


def test_xlsx_opens_and_holds_the_rows(world, filled):
    version, first, second, _draft = filled
    data = export.responses_xlsx(version, export.completed_responses(version))
    workbook = load_workbook(io.BytesIO(data))
    sheet = workbook.worksheets[0]
    values = list(sheet.values)
    assert len(values) == 3
    header = values[0]
    by_id = {row[0]: row for row in values[1:]}
    one = by_id[first.pk]
    assert one[header.index("age: Age")] == "34; 35"
    assert one[header.index("3.1: Sum")] == 2  # numbers stay numbers
    assert one[header.index("note: Comment")] == '\'=HYPERLINK("http://x")'
    assert by_id[second.pk][header.index("age: Age")] == -3
    assert by_id[second.pk][header.index("note: Comment")] == "'-1+2"
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_export_streams_in_chunks(world, filled, monkeypatch):
    """The queryset is read with iterator(chunk_size=...), not loaded whole."""
    version, *_ = filled
    seen: list[int] = []
    original = Response.objects.all().__class__.iterator

    def spy(self: Any, chunk_size: int | None = None) -> Any:
        seen.append(chunk_size or 0)
        return original(self, chunk_size=chunk_size)

    monkeypatch.setattr(Response.objects.all().__class__, "iterator", spy)
    export.responses_csv(version, export.completed_responses(version))
    export.responses_bundle(export.completed_responses(version))
    assert seen == [export.CHUNK_SIZE, export.CHUNK_SIZE]


def test_unscored_form_has_no_score_columns(world):
    resource = {
        "resourceType": "Questionnaire",
        "status": "active",
        "item": [{"linkId": "s", "text": "Say", "type": "string"}],
    }
    version = questionnaire_version(world.a.org, resource)
    answered(world, version, [{"linkId": "s", "answer": [{"valueString": "hi"}]}])
    with translation.override("en"):
        header, row = read_csv(export.responses_csv(version, Response.objects.all()))
    assert header == ["Response", "Submitted", "Version", "Answered how", "s: Say"]
    assert row[-1] == "hi"


# --- Command ------------------------------------------------------------------------------------


def run(*args: Any) -> str:
    out = io.StringIO()
    call_command("export_responses", *[str(a) for a in args], stdout=out)
    return out.getvalue()


def test_command_exports_fhir_and_logs_it(world, filled):
    version, *_ = filled
    actor = world.a["coordinator"]
    questionnaire = version.questionnaire
    text = run(questionnaire.pk, "--format", "fhir", "--actor", actor.email)
    bundle = json.loads(text)
    Bundle.model_validate(bundle)
    assert len(bundle["entry"]) == 2
    (entry,) = AccessLogEntry.objects.filter(action="export")
    assert entry.actor == actor
    assert entry.organization == world.a.org
    assert entry.object_type == "questionnaires.questionnaire"
    assert entry.object_id == str(questionnaire.pk)
    assert "FHIR" in entry.object_label


def test_command_exports_csv_and_xlsx(world, filled, tmp_path):
    version, *_ = filled
    actor = world.a["admin"].email
    questionnaire = version.questionnaire
    rows = read_csv(run(questionnaire.pk, "--format", "csv", "--actor", actor))
    assert len(rows) == 3
    target = tmp_path / "out.xlsx"
    assert run(questionnaire.pk, "--format", "xlsx", "--output", target, "--actor", actor) == ""
    assert len(list(load_workbook(target).worksheets[0].values)) == 3
    assert AccessLogEntry.objects.filter(action="export").count() == 2


@pytest.mark.parametrize("role", ["staff", "leader", "user"])
def test_command_refuses_people_who_may_not_read_responses(world, filled, role):
    version, *_ = filled
    with pytest.raises(CommandError, match="may not read"):
        run(version.questionnaire.pk, "--actor", world.a[role].email)
    assert not AccessLogEntry.objects.filter(action="export").exists()


def test_command_refuses_another_organisations_coordinator(world, filled):
    version, *_ = filled
    with pytest.raises(CommandError, match="may not read"):
        run(version.questionnaire.pk, "--actor", world.b["coordinator"].email)
    with pytest.raises(CommandError, match="may not read"):
        run(version.questionnaire.pk, "--actor", "nobody@example.org")


def test_command_unknown_questionnaire(world):
    with pytest.raises(CommandError, match="no questionnaire"):
        run(999999, "--actor", world.a["coordinator"].email)


def test_command_xlsx_needs_a_file_when_stdout_is_text(world, filled):
    version, *_ = filled
    with pytest.raises(CommandError, match="--output"):
        run(version.questionnaire.pk, "--format", "xlsx", "--actor", world.a["admin"].email)
    assert not AccessLogEntry.objects.filter(action="export").exists()
