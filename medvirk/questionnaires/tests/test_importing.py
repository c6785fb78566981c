"""Importing FHIR Questionnaires: repairs, refusals that name the place, versions, command."""

from __future__ import annotations

import copy
import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError
from django.urls import reverse
from django.utils import translation

from medvirk.questionnaires.choices import Origin, VersionStatus
from medvirk.questionnaires.importing import (
    MAX_BYTES,
    MAX_DEPTH,
    MAX_ITEMS,
    ImportRefused,
    import_resources,
    read_json,
    repair,
    set_status,
)
from medvirk.questionnaires.models import Questionnaire, QuestionnaireVersion
from medvirk.questionnaires.tests.factories import (
    HELSENORGE,
    import_sample,
    load_sample,
    questionnaire_version,
    sample_path,
)

pytestmark = pytest.mark.django_db

SAMPLES = sorted(
    path.stem
    for path in HELSENORGE.glob("*.json")
    if json.loads(path.read_text(encoding="utf-8")).get("resourceType") == "Questionnaire"
)


@pytest.fixture(autouse=True)
def english() -> Any:
    with translation.override("en"):
        yield


def small_form(**extra: Any) -> dict[str, Any]:
    form: dict[str, Any] = {
        "resourceType": "Questionnaire",
        "id": "small",
        "url": "https://example.org/Questionnaire/small",
        "name": "Small",
        "title": "A small form",
        "status": "active",
        "language": "nb-NO",
        "item": [
            {"linkId": "1", "text": "Your name", "type": "string"},
            {
                "linkId": "2",
                "text": "Happy?",
                "type": "choice",
                "answerOption": [
                    {"valueCoding": {"code": "y", "display": "Yes"}},
                    {"valueCoding": {"code": "n", "display": "No"}},
                ],
            },
        ],
    }
    form.update(extra)
    return form


def refusal(organization: Any, raw: Any) -> list[str]:
    with pytest.raises(ImportRefused) as caught:
        import_resources(organization, raw)
    assert caught.value.errors
    return caught.value.errors


def helsenorge_extensions(value: Any) -> list[Any]:
    """Every extension with an ehelse/helsenorge URL, wherever it sits, in document order."""
    found: list[Any] = []
    if isinstance(value, dict):
        url = str(value.get("url") or "")
        if ("ehelse.no" in url or "helsenorge.no" in url) and (
            any(key.startswith("value") for key in value) or "extension" in value
        ):
            found.append(value)
        for child in value.values():
            found.extend(helsenorge_extensions(child))
    elif isinstance(value, list):
        for child in value:
            found.extend(helsenorge_extensions(child))
    return found


# --- Samples --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", SAMPLES)
def test_every_helsenorge_sample_imports(world: Any, name: str) -> None:
    forms = import_resources(world.a.org, sample_path(name).read_bytes())

    assert len(forms) == 1
    form = forms[0]
    assert form.created
    assert not form.unchanged
    assert form.version.number == 1
    assert form.version.status == VersionStatus.DRAFT
    assert form.version.original == load_sample(name)
    assert form.questionnaire.organization == world.a.org
    assert form.questionnaire.title


@pytest.mark.parametrize("name", SAMPLES)
def test_unknown_extensions_are_kept_unchanged(world: Any, name: str) -> None:
    version = import_sample(world.a.org, name)

    original = helsenorge_extensions(version.original)
    kept = helsenorge_extensions(version.resource)
    # Only the extension whose value was empty may go; every other one is byte-identical.
    dropped = [ext for ext in original if ext not in kept]
    assert all(ext.get("valueString", "x").strip() == "" for ext in dropped), (
        f"extensions lost: {dropped}"
    )
    assert [ext for ext in original if ext in kept] == kept


def test_visual_components_keeps_all_its_helsenorge_extensions(world: Any) -> None:
    version = import_sample(world.a.org, "visual-components-all")

    assert len(helsenorge_extensions(version.resource)) >= 19
    assert helsenorge_extensions(version.resource) == helsenorge_extensions(version.original)


def test_scoring_fhirpath_imports_with_a_warning_naming_the_empty_value(world: Any) -> None:
    form = import_resources(world.a.org, sample_path("scoring-fhirpath").read_bytes())[0]

    assert any(
        "question 4" in warning and "valueString" in warning and "empty" in warning
        for warning in form.warnings
    ), form.warnings
    assert form.version.warnings == form.warnings
    item_4 = next(i for i in form.version.resource["item"] if i["linkId"] == "4")
    urls = [ext["url"] for ext in item_4["extension"]]
    assert "http://ehelse.no/fhir/StructureDefinition/sdf-calculatedExpression" not in urls
    assert "http://hl7.org/fhir/StructureDefinition/questionnaire-unit" in urls
    # The original keeps the defect exactly as uploaded.
    assert form.version.original["item"][3]["extension"][0] == {
        "url": "http://ehelse.no/fhir/StructureDefinition/sdf-calculatedExpression",
        "valueString": "",
    }


def test_language_falls_back_to_the_meta_tag(world: Any) -> None:
    resource = small_form(
        meta={"tag": [{"system": "urn:ietf:bcp:47", "code": "sv-SE", "display": "Svenska"}]}
    )
    del resource["language"]

    form = import_resources(world.a.org, resource, user=world.a["coordinator"])[0]

    assert form.questionnaire.language == "sv-SE"
    assert form.version.imported_by == world.a["coordinator"]
    assert form.questionnaire.origin == Origin.IMPORTED


# --- Repairs --------------------------------------------------------------------------------


def test_repair_removes_empty_values_and_keeps_unknown_extensions() -> None:
    unknown = {"url": "http://example.org/unknown", "valueCode": "keep-me"}
    resource = small_form(status="", description="   ", extension=[unknown])
    resource["item"][0]["text"] = ""
    resource["item"][0]["extension"] = [
        {"url": "http://example.org/empty", "valueString": " "},
        {"url": "http://example.org/nested", "extension": [unknown]},
    ]

    repaired, warnings = repair(resource)

    assert repaired["status"] == "draft"
    assert "description" not in repaired
    assert "text" not in repaired["item"][0]
    assert repaired["extension"] == [unknown]
    assert repaired["item"][0]["extension"] == [
        {"url": "http://example.org/nested", "extension": [unknown]}
    ]
    assert any("question 1 › text" in w for w in warnings), warnings
    assert any("question 1 › extension 1 (empty)" in w for w in warnings), warnings
    assert any("status" in w and "draft" in w for w in warnings), warnings
    assert resource["item"][0]["text"] == ""  # the input is not changed


def test_repair_sets_unknown_status_to_draft_and_keeps_a_valid_one() -> None:
    repaired, warnings = repair(small_form(status="published"))
    assert repaired["status"] == "draft"
    assert any("published" in w for w in warnings)

    repaired, warnings = repair(small_form(status="retired"))
    assert repaired["status"] == "retired"
    assert warnings == []


def test_remaining_validation_errors_become_warnings_with_a_readable_place(world: Any) -> None:
    resource = small_form()
    resource["item"][1]["required"] = "perhaps"

    form = import_resources(world.a.org, resource)[0]

    assert any(w.startswith("question 2 › required") and "FHIR" in w for w in form.warnings), (
        form.warnings
    )


# --- Refusals -------------------------------------------------------------------------------


def test_bad_json_is_refused_with_line_and_column(world: Any) -> None:
    errors = refusal(world.a.org, b'{\n  "resourceType": "Questionnaire",\n  "item": [}\n')

    assert "line 3" in errors[0]
    assert "column" in errors[0]
    assert not Questionnaire.objects.exists()


def test_read_json_refuses_large_files_non_objects_and_non_utf8() -> None:
    with pytest.raises(ImportRefused, match="MB"):
        read_json(b" " * (MAX_BYTES + 1))
    with pytest.raises(ImportRefused, match="FHIR resource"):
        read_json("[1, 2]")
    with pytest.raises(ImportRefused, match="UTF-8"):
        read_json(b'{"a": "\xff"}')
    with pytest.raises(ImportRefused, match="empty"):
        read_json(b"  ")
    assert read_json('\ufeff{"resourceType": "Questionnaire"}') == {"resourceType": "Questionnaire"}


def test_other_resource_types_are_refused(world: Any) -> None:
    errors = refusal(world.a.org, sample_path("sync-response-qr").read_bytes())
    assert "QuestionnaireResponse" in errors[0]


def test_missing_link_id_is_refused_naming_the_item(world: Any) -> None:
    resource = small_form()
    del resource["item"][0]["linkId"]

    errors = refusal(world.a.org, resource)

    assert "Your name" in errors[0]
    assert "linkId" in errors[0]


def test_duplicate_link_id_is_refused(world: Any) -> None:
    resource = small_form()
    resource["item"][1]["linkId"] = "1"

    errors = refusal(world.a.org, resource)

    assert "question 1" in errors[0]
    assert "more than one item" in errors[0]


def test_unknown_item_type_is_refused(world: Any) -> None:
    resource = small_form()
    resource["item"][0]["type"] = "slider"

    errors = refusal(world.a.org, resource)

    assert "question 1" in errors[0]
    assert "slider" in errors[0]


def test_choice_without_options_is_refused(world: Any) -> None:
    resource = small_form()
    del resource["item"][1]["answerOption"]

    errors = refusal(world.a.org, resource)

    assert "question 2" in errors[0]
    assert "answer options" in errors[0]


def test_enable_when_to_an_unknown_question_is_refused(world: Any) -> None:
    resource = small_form()
    resource["item"][0]["enableWhen"] = [
        {"question": "99", "operator": "exists", "answerBoolean": True}
    ]

    errors = refusal(world.a.org, resource)

    assert "question 1" in errors[0]
    assert "99" in errors[0]


def test_too_many_items_and_too_deep_nesting_are_refused(world: Any) -> None:
    many = small_form(item=[{"linkId": str(n), "type": "string"} for n in range(MAX_ITEMS + 1)])
    assert str(MAX_ITEMS) in refusal(world.a.org, many)[0]

    innermost: dict[str, Any] = {"linkId": "leaf", "type": "string"}
    for level in range(MAX_DEPTH):
        innermost = {"linkId": f"g{level}", "type": "group", "item": [innermost]}
    errors = refusal(world.a.org, small_form(item=[innermost]))
    assert "nested" in errors[0]
    assert str(MAX_DEPTH) in errors[0]


def test_malformed_structure_is_refused_not_crashing(world: Any) -> None:
    assert "list" in refusal(world.a.org, small_form(item={"linkId": "1"}))[0]
    assert "JSON object" in refusal(world.a.org, small_form(item=["1"]))[0]
    assert "no questions" in refusal(world.a.org, small_form(item=[]))[0]


def bundle(*resources: dict[str, Any], kind: str = "collection") -> dict[str, Any]:
    return {
        "resourceType": "Bundle",
        "type": kind,
        "entry": [{"resource": resource} for resource in resources],
    }


def test_bundle_with_one_bad_form_stores_nothing_and_names_the_form(world: Any) -> None:
    bad = small_form(id="bad", url="", title="Broken form")
    bad["item"][1]["linkId"] = "1"

    errors = refusal(world.a.org, bundle(load_sample("boolean"), bad))

    assert len(errors) == 1
    assert "Form 2 (Broken form)" in errors[0]
    assert "question 1" in errors[0]
    assert not Questionnaire.objects.exists()
    assert not QuestionnaireVersion.objects.exists()


def test_bundle_imports_every_questionnaire_and_ignores_other_resources(world: Any) -> None:
    raw = bundle(
        load_sample("boolean"),
        load_sample("sync-response-qr"),
        load_sample("date-day"),
        kind="transaction",
    )

    forms = import_resources(world.a.org, json.dumps(raw))

    assert [f.questionnaire.fhir_id for f in forms] == [
        "75dc5309-00ee-4e65-bc07-0e9f87f3311c",
        "4171d6c9-43ee-4f2b-863b-2080beacd382",
    ]
    assert any("entry 2" in w and "QuestionnaireResponse" in w for w in forms[0].warnings)


def test_bundle_without_questionnaire_or_of_unknown_type_is_refused(world: Any) -> None:
    assert "no Questionnaire" in refusal(world.a.org, bundle(load_sample("sync-response-qr")))[0]
    assert "message" in refusal(world.a.org, bundle(small_form(), kind="message"))[0]


# --- Versions -------------------------------------------------------------------------------


def test_reimporting_the_same_form_makes_no_new_version(world: Any) -> None:
    first = import_resources(world.a.org, small_form())[0]
    again = import_resources(world.a.org, small_form())[0]

    assert again.unchanged
    assert not again.created
    assert again.version == first.version
    assert first.questionnaire.versions.count() == 1


def test_a_changed_form_becomes_version_2_and_version_1_stays(world: Any) -> None:
    first = import_resources(world.a.org, small_form(), rules={"cutoff": 1})[0]
    stored_before = copy.deepcopy(first.version.resource)
    changed = small_form(title="A renamed form")
    changed["item"][0]["text"] = "Your full name"

    second = import_resources(world.a.org, changed)[0]

    assert not second.created
    assert not second.unchanged
    assert second.questionnaire == first.questionnaire
    assert second.version.number == 2
    assert second.version.status == VersionStatus.DRAFT
    assert second.version.rules == {"cutoff": 1}  # carried over
    first.version.refresh_from_db()
    assert first.version.resource == stored_before
    second.questionnaire.refresh_from_db()
    assert second.questionnaire.title == "A renamed form"


@pytest.mark.parametrize(
    ("change", "same"),
    [
        ({"url": "https://example.org/Questionnaire/other"}, False),
        ({"url": "", "id": "small"}, True),
        ({"url": "", "id": "other"}, False),
    ],
)
def test_forms_are_matched_by_url_then_id(world: Any, change: dict[str, Any], same: bool) -> None:
    first = import_resources(world.a.org, small_form())[0]
    changed = small_form(title="Changed", **change)
    if not changed["url"]:
        del changed["url"]

    second = import_resources(world.a.org, changed)[0]

    assert (second.questionnaire == first.questionnaire) is same


def test_key_matches_before_anything_else_and_other_orgs_never_match(world: Any) -> None:
    first = import_resources(world.a.org, small_form(), key="phq-9", origin=Origin.SHIPPED)[0]
    other = small_form(url="https://elsewhere.example/q", id="x", title="PHQ-9 v2")

    second = import_resources(world.a.org, other, key="phq-9")[0]
    in_b = import_resources(world.b.org, small_form())[0]

    assert second.questionnaire == first.questionnaire
    assert second.questionnaire.origin == Origin.SHIPPED
    assert second.version.number == 2
    assert in_b.created
    assert in_b.questionnaire.organization == world.b.org


def test_activate_on_import_retires_the_previous_active_version(world: Any) -> None:
    first = import_resources(world.a.org, small_form(), activate=True)[0]
    second = import_resources(world.a.org, small_form(title="New"), activate=True)[0]

    first.version.refresh_from_db()
    assert first.version.status == VersionStatus.RETIRED
    assert second.version.status == VersionStatus.ACTIVE


def test_set_status_activation_retires_the_other_active_version(world: Any) -> None:
    version_1 = import_resources(world.a.org, small_form())[0].version
    version_2 = import_resources(world.a.org, small_form(title="Two"))[0].version
    other = questionnaire_version(world.a.org, small_form(id="other", url=""))

    set_status(version_1, VersionStatus.ACTIVE)
    set_status(version_2, VersionStatus.ACTIVE)

    version_1.refresh_from_db()
    version_2.refresh_from_db()
    other.refresh_from_db()
    assert version_1.status == VersionStatus.RETIRED
    assert version_2.status == VersionStatus.ACTIVE
    assert other.status == VersionStatus.ACTIVE  # another questionnaire is untouched

    set_status(version_2, VersionStatus.RETIRED)
    version_2.refresh_from_db()
    assert version_2.status == VersionStatus.RETIRED
    with pytest.raises(ValueError, match="published"):
        set_status(version_2, "published")


def test_database_allows_only_one_active_version(world: Any) -> None:
    version = questionnaire_version(world.a.org, small_form())
    with pytest.raises(IntegrityError):
        QuestionnaireVersion.objects.create(
            questionnaire=version.questionnaire,
            number=2,
            status=VersionStatus.ACTIVE,
            original={},
            resource={},
        )


def test_import_sample_gives_each_sample_its_own_questionnaire(world: Any) -> None:
    boolean = import_sample(world.a.org, "boolean", activate=True)
    radio = import_sample(world.a.org, "choice-radio", activate=True)  # same FHIR id
    again = import_sample(world.a.org, "boolean")

    assert boolean.questionnaire != radio.questionnaire
    assert again == boolean
    assert boolean.status == radio.status == VersionStatus.ACTIVE


# --- Command --------------------------------------------------------------------------------


def run_command(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_questionnaire", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_command_prints_one_line_per_form_and_warnings_on_stderr(world: Any) -> None:
    out, err = run_command(
        str(sample_path("scoring-fhirpath")), "--organization", world.a.org.slug, "--activate"
    )

    questionnaire = Questionnaire.objects.get(organization=world.a.org)
    preview = reverse("questionnaires:preview", args=[world.a.org.slug, questionnaire.pk])
    assert out == (
        f"id={questionnaire.pk} version=1 preview={preview} "
        f'title="Testskjema for kalkulering av fhirpath"\n'
    )
    lines = err.splitlines()
    assert lines
    assert all(line.startswith("  warning: ") for line in lines)
    assert any("question 4" in line for line in lines)
    assert questionnaire.versions.get().status == VersionStatus.ACTIVE


def test_command_with_a_bundle_prints_two_lines(world: Any, tmp_path: Path) -> None:
    path = tmp_path / "forms.json"
    path.write_text(json.dumps(bundle(load_sample("boolean"), load_sample("date-day"))))

    out, err = run_command(str(path), "--organization", world.a.org.slug)

    lines = out.splitlines()
    assert len(lines) == 2
    for line, title in zip(lines, ["Title", "Tittel"], strict=True):
        assert line.startswith("id=")
        assert " version=1 preview=/o/org-a/questionnaires/" in line
        assert line.endswith(f'title="{title}"')
    assert err == ""


def test_command_refusal_stores_nothing_and_fails(world: Any, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"resourceType": "Questionnaire",\n "item": [,]}')

    with pytest.raises(CommandError) as caught:
        run_command(str(sample_path("boolean")), str(bad), "--organization", world.a.org.slug)

    assert "bad.json" in str(caught.value)
    assert "line 2" in str(caught.value)
    assert not Questionnaire.objects.exists()


def test_command_unknown_organisation_or_missing_file_fails(world: Any, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="nowhere"):
        run_command(str(sample_path("boolean")), "--organization", "nowhere")
    with pytest.raises(CommandError, match="cannot be read"):
        run_command(str(tmp_path / "missing.json"), "--organization", world.a.org.slug)


def test_command_exit_code_is_non_zero_on_refusal(world: Any, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("not json")
    command = __import__(
        "medvirk.questionnaires.management.commands.import_questionnaire", fromlist=["Command"]
    ).Command(stdout=StringIO(), stderr=StringIO())

    with pytest.raises(SystemExit) as exited:
        command.run_from_argv(
            ["manage.py", "import_questionnaire", str(bad), "--organization", world.a.org.slug]
        )

    assert exited.value.code != 0
