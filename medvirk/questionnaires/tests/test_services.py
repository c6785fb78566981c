"""Responses: start, drafts, submit (idempotent, validated, scored), Answer rows, import, files."""

from __future__ import annotations

import uuid
from datetime import datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from medvirk.questionnaires import services
from medvirk.questionnaires.choices import EntryMode, ResponseStatus
from medvirk.questionnaires.definition import definition_for
from medvirk.questionnaires.models import Answer, AnswerFile, QuestionnaireVersion, Response
from medvirk.questionnaires.rendering import PendingFile
from medvirk.questionnaires.tests.factories import import_sample, load_sample, questionnaire_version

# linkIds of the helsenorge samples
CHOICE = "2.1"
BOOLEAN = "af3cff52-5879-4db0-c671-1fb2bec90309"
INTEGER = "1cdeacb1-4c4a-4cd3-9b46-7fb3435c3c4e"
DECIMAL = "74194510-ced6-408b-f951-640915978679"
DATE = "71d92d62-cad3-445b-848d-4efd281078d3"
STRING = "9f296680-528a-4496-daf8-89771bc1f19c"
OPEN_CHOICE = "3dec9e0d-7b78-424e-8a59-f0909510985d"
REPEAT_GROUP = "bb872176-bda2-44ee-879c-1600f745abd7"
REPEAT_INT = "a511b461-8271-4f11-fc6e-1e0d0247f48c"

MIXED: dict[str, Any] = {
    "resourceType": "Questionnaire",
    "id": "mixed",
    "url": "https://example.org/Questionnaire/mixed",
    "version": "2.0",
    "status": "active",
    "item": [
        {"linkId": "t", "text": "Time", "type": "time"},
        {"linkId": "u", "text": "Homepage", "type": "url"},
        {"linkId": "x", "text": "Story", "type": "text"},
        {"linkId": "a", "text": "Picture", "type": "attachment"},
        {
            "linkId": "q",
            "text": "Weight",
            "type": "quantity",
            "extension": [
                {
                    "url": "http://hl7.org/fhir/StructureDefinition/questionnaire-unit",
                    "valueCoding": {"system": "http://unitsofmeasure.org", "code": "kg"},
                }
            ],
        },
    ],
}


@pytest.fixture(autouse=True)
def _english():
    """Messages are checked in English (the UI defaults to bokmål)."""
    with translation.override("en"):
        yield


def version_of(world: Any, resource: dict[str, Any]) -> QuestionnaireVersion:
    return questionnaire_version(world.a.org, resource)


def sample(world: Any, name: str) -> QuestionnaireVersion:
    return version_of(world, load_sample(name))


def submitted(world: Any, version: QuestionnaireVersion, items: list[dict[str, Any]]) -> Response:
    response = services.start_response(
        version, organization=world.a.org, respondent=world.a["user"]
    )
    return services.submit(response, items)


def rows(response: Response, link_id: str) -> list[Answer]:
    return list(Answer.objects.filter(response=response, link_id=link_id).order_by("pk"))


def integers(count: int) -> dict[str, Any]:
    return {
        "resourceType": "Questionnaire",
        "status": "active",
        "item": [{"linkId": f"i{n}", "text": f"Q{n}", "type": "integer"} for n in range(count)],
    }


# --- Flow ---------------------------------------------------------------------------------------


def test_start_save_and_submit(world):
    version = sample(world, "integer")
    user = world.a["user"]
    response = services.start_response(version, organization=world.a.org, respondent=user)
    assert response.status == ResponseStatus.IN_PROGRESS
    assert response.resource["status"] == "in-progress"
    assert services.draft_for(version, user) == response
    assert services.draft_for(version, world.a["staff"]) is None

    items = [{"linkId": INTEGER, "answer": [{"valueInteger": 3}]}]
    services.save_draft(response, items, page=2)
    response.refresh_from_db()
    assert response.current_page == 2
    assert response.resource["item"] == items
    assert response.resource["status"] == "in-progress"
    assert not Answer.objects.exists()  # drafts are not reported on

    done = services.submit(response, [{"linkId": INTEGER, "answer": [{"valueInteger": 5}]}])
    assert done.status == ResponseStatus.COMPLETED
    assert response.status == ResponseStatus.COMPLETED  # the caller's instance sees it too
    assert done.submitted_at is not None
    assert done.resource["status"] == "completed"
    assert done.resource["id"] == str(done.pk)
    assert done.resource["subject"]["identifier"]["value"] == str(user.pk)
    QuestionnaireResponse.model_validate(done.resource)
    assert [a.value_number for a in rows(done, INTEGER)] == [Decimal(5)]
    assert services.draft_for(version, user) is None
    assert services.response_for_submission_key(done.submission_key) == done
    assert services.response_for_submission_key("not-a-key") is None


def test_resource_names_its_questionnaire_and_carries_no_names(world):
    version = version_of(world, MIXED)
    user = world.a["user"]
    done = submitted(world, version, [{"linkId": "t", "answer": [{"valueTime": "08:30:00"}]}])
    assert done.resource["questionnaire"] == "https://example.org/Questionnaire/mixed|2.0"
    text = str(done.resource)
    assert user.email not in text
    assert user.full_name not in text
    assert "meta" not in done.resource  # answered by the person: no entry-mode tag

    local = sample(world, "integer")
    other = submitted(world, local, [{"linkId": INTEGER, "answer": [{"valueInteger": 1}]}])
    assert other.resource["questionnaire"] == "Questionnaire/4171d6c9-43ee-4f2b-863b-2080beacd382"


def test_staff_entry_is_tagged(world):
    version = sample(world, "integer")
    response = services.start_response(
        version,
        organization=world.a.org,
        subject=world.a["user"],
        entered_by=world.a["staff"],
        mode=EntryMode.PAPER,
    )
    done = services.submit(response, [{"linkId": INTEGER, "answer": [{"valueInteger": 1}]}])
    tags = done.resource["meta"]["tag"]
    assert tags[0]["system"] == services.ENTRY_MODE_SYSTEM
    assert tags[0]["code"] == "paper"
    assert done.resource["subject"]["identifier"]["value"] == str(world.a["user"].pk)
    assert done.resource["author"]["identifier"]["value"] == str(world.a["staff"].pk)
    QuestionnaireResponse.model_validate(done.resource)


def test_version_of_another_organisation_is_refused(world):
    version = sample(world, "integer")
    with pytest.raises(ValueError, match="another organisation"):
        services.start_response(version, organization=world.b.org, respondent=world.b["user"])
    assert not Response.objects.exists()


def test_double_submit_stores_one_response_and_one_set_of_rows(world):
    version = sample(world, "integer")
    response = services.start_response(
        version, organization=world.a.org, respondent=world.a["user"]
    )
    stale = Response.objects.get(pk=response.pk)
    first = services.submit(response, [{"linkId": INTEGER, "answer": [{"valueInteger": 4}]}])
    second = services.submit(stale, [{"linkId": INTEGER, "answer": [{"valueInteger": 9}]}])
    assert second.pk == first.pk
    assert second.submitted_at == first.submitted_at
    assert stale.status == ResponseStatus.COMPLETED
    assert Response.objects.count() == 1
    assert [a.value_number for a in Answer.objects.all()] == [Decimal(4)]
    assert second.resource["item"][0]["answer"] == [{"valueInteger": 4}]


def test_submitted_response_refuses_a_draft_save(world):
    version = sample(world, "integer")
    done = submitted(world, version, [{"linkId": INTEGER, "answer": [{"valueInteger": 4}]}])
    with pytest.raises(services.ResponseLocked):
        services.save_draft(done, [{"linkId": INTEGER, "answer": [{"valueInteger": 7}]}])
    done.refresh_from_db()
    assert done.resource["item"][0]["answer"] == [{"valueInteger": 4}]


def test_stale_instance_cannot_overwrite_a_submitted_response(world):
    version = sample(world, "integer")
    response = services.start_response(
        version, organization=world.a.org, respondent=world.a["user"]
    )
    stale = Response.objects.get(pk=response.pk)
    services.submit(response, [{"linkId": INTEGER, "answer": [{"valueInteger": 4}]}])
    with pytest.raises(services.ResponseLocked):
        services.save_draft(stale, [])


# --- Anonymous ----------------------------------------------------------------------------------


def test_anonymous_response_cannot_name_a_person(world):
    version = sample(world, "integer")
    with pytest.raises(ValueError, match="anonymous"):
        services.start_response(
            version, organization=world.a.org, respondent=world.a["user"], anonymous=True
        )
    with pytest.raises(ValueError, match="anonymous"):
        services.start_response(
            version, organization=world.a.org, subject=world.a["user"], anonymous=True
        )
    assert not Response.objects.exists()


def test_anonymous_submit_is_coarsened_to_the_day(world):
    version = sample(world, "integer")
    response = services.start_response(version, organization=world.a.org, anonymous=True)
    done = services.submit(response, [{"linkId": INTEGER, "answer": [{"valueInteger": 2}]}])
    done.refresh_from_db()
    assert done.respondent is None
    assert done.anonymous
    assert done.submitted_at is not None
    local = timezone.localtime(done.submitted_at, ZoneInfo(settings.TIME_ZONE))
    assert local.time() == time(0, 0)
    assert local.date() == timezone.localdate()
    assert timezone.is_aware(done.submitted_at)
    for key in ("subject", "author", "source", "identifier"):
        assert key not in done.resource
    assert done.resource["authored"] == timezone.localdate().isoformat()
    QuestionnaireResponse.model_validate(done.resource)


def test_anonymous_midnight_is_local_time(world, settings):
    settings.TIME_ZONE = "Europe/Oslo"
    late = datetime(2026, 6, 30, 23, 30, tzinfo=ZoneInfo("UTC"))  # 01:30 on 1 July in Oslo
    start = services.day_start(late)
    assert start.isoformat() == "2026-07-01T00:00:00+02:00"


# --- Answer rows --------------------------------------------------------------------------------


def test_choice_row_has_code_display_and_ordinal(world):
    version = sample(world, "scoring-choice-radio")
    coding = {"code": "LA6570-1", "display": "Mer enn halvparten av dagene"}
    items = [{"linkId": "2", "item": [{"linkId": CHOICE, "answer": [{"valueCoding": coding}]}]}]
    done = submitted(world, version, items)
    (row,) = rows(done, CHOICE)
    assert (row.item_type, row.value_code, row.value_number) == ("choice", "LA6570-1", 2)
    assert row.value_text == "Mer enn halvparten av dagene"
    assert row.instance == "0.0"
    # The total-score quantity is calculated on submit, whatever the browser sent.
    (total,) = rows(done, "3.1")
    assert (total.item_type, total.value_number, total.value_code) == ("quantity", 2, "score")
    assert done.scores["total"] == 2


def test_ordinal_comes_from_the_definition_not_the_answer(world):
    version = sample(world, "scoring-choice-radio")
    forged = {
        "code": "LA6568-5",
        "extension": [
            {"url": "http://hl7.org/fhir/StructureDefinition/ordinalValue", "valueDecimal": 99}
        ],
    }
    items = [{"linkId": "2", "item": [{"linkId": CHOICE, "answer": [{"valueCoding": forged}]}]}]
    (row,) = rows(submitted(world, version, items), CHOICE)
    assert row.value_number == 0
    assert row.value_text == "Ikke i det hele tatt"  # the option's text when the answer has none


@pytest.mark.parametrize(
    ("name", "link_id", "answer", "expected"),
    [
        ("boolean", BOOLEAN, {"valueBoolean": True}, {"value_code": "true", "value_number": 1}),
        ("boolean", BOOLEAN, {"valueBoolean": False}, {"value_code": "false", "value_number": 0}),
        ("integer", INTEGER, {"valueInteger": -12}, {"value_number": Decimal(-12)}),
        ("decimal", DECIMAL, {"valueDecimal": 2.75}, {"value_number": Decimal("2.75")}),
        (
            "date-day",
            DATE,
            {"valueDate": "2024-05-17"},
            {"value_date": datetime(2024, 5, 17).date(), "value_text": "2024-05-17"},
        ),
        (
            "date-day",
            DATE,
            {"valueDate": "2024-05"},
            {"value_date": None, "value_text": "2024-05"},
        ),
        (
            "date-time",
            DATE,
            # 23:30 UTC is 01:30 the next day in Oslo: the row counts the local day.
            {"valueDateTime": "2024-05-17T23:30:00+00:00"},
            {
                "value_date": datetime(2024, 5, 18).date(),
                "value_text": "2024-05-17T23:30:00+00:00",
            },
        ),
        ("string", STRING, {"valueString": "Hei på deg"}, {"value_text": "Hei på deg"}),
        (
            "open-choice-radio",
            OPEN_CHOICE,
            {"valueString": "Noe annet"},
            {"value_text": "Noe annet", "value_code": "", "item_type": "open-choice"},
        ),
        (
            "open-choice-radio",
            OPEN_CHOICE,
            {
                "valueCoding": {
                    "system": "urn:uuid:791a62b0-6ca0-4cb9-8924-7d4f0a286228",
                    "code": "ja",
                    "display": "Ja",
                }
            },
            {
                "value_code": "ja",
                "value_system": "urn:uuid:791a62b0-6ca0-4cb9-8924-7d4f0a286228",
                "value_text": "Ja",
                "value_number": None,
            },
        ),
    ],
)
def test_answer_rows_are_typed(world, settings, name, link_id, answer, expected):
    settings.TIME_ZONE = "Europe/Oslo"
    version = sample(world, name)
    done = submitted(world, version, [{"linkId": link_id, "answer": [answer]}])
    (row,) = rows(done, link_id)
    for field, value in expected.items():
        assert getattr(row, field) == value, field


def test_other_types_rows(world):
    version = version_of(world, MIXED)
    attachment = {"contentType": "image/png", "title": "scan.png"}
    items = [
        {"linkId": "t", "answer": [{"valueTime": "08:30:00"}]},
        {"linkId": "u", "answer": [{"valueUri": "https://example.org"}]},
        {"linkId": "x", "answer": [{"valueString": "Lang\ntekst"}]},
        {"linkId": "a", "answer": [{"valueAttachment": attachment}]},
        {
            "linkId": "q",
            "answer": [
                {
                    "valueQuantity": {
                        "value": 72.5,
                        "unit": "kg",
                        "system": "http://unitsofmeasure.org",
                        "code": "kg",
                    }
                }
            ],
        },
    ]
    done = submitted(world, version, items)
    found = {row.link_id: row for row in Answer.objects.filter(response=done)}
    assert (found["t"].item_type, found["t"].value_text) == ("time", "08:30:00")
    assert found["u"].value_text == "https://example.org"
    assert found["x"].value_text == "Lang\ntekst"
    assert (found["a"].value_text, found["a"].value_code) == ("scan.png", "image/png")
    assert (found["q"].value_number, found["q"].value_code) == (Decimal("72.5"), "kg")
    assert all(row.version_id == version.pk for row in found.values())


def test_repeating_group_rows_have_instance_paths(world):
    version = sample(world, "group-repeat")
    items = [
        {"linkId": REPEAT_GROUP, "item": [{"linkId": REPEAT_INT, "answer": [{"valueInteger": 1}]}]},
        {
            "linkId": REPEAT_GROUP,
            "item": [
                {"linkId": REPEAT_INT, "answer": [{"valueInteger": 2}, {"valueInteger": 3}]},
            ],
        },
    ]
    done = submitted(world, version, items)
    found = [(r.instance, r.position, r.value_number) for r in rows(done, REPEAT_INT)]
    assert found == [("0.0", 0, 1), ("1.0", 0, 2), ("1.0", 1, 3)]


def test_children_of_answers_get_rows(world):
    version = sample(world, "sync-response-q")
    items = [
        {
            "linkId": "2",
            "answer": [
                {
                    "valueString": "top",
                    "item": [{"linkId": "2.1", "answer": [{"valueString": "under"}]}],
                }
            ],
        }
    ]
    submitted(world, version, items)
    assert [(r.link_id, r.instance, r.value_text) for r in Answer.objects.all()] == [
        ("2", "0", "top"),
        ("2.1", "0.0.0", "under"),
    ]


def test_empty_answers_are_left_out_of_the_completed_resource(world):
    version = sample(world, "string")
    items = [
        {"linkId": STRING, "text": "String markdown", "answer": [{"valueString": "  "}]},
    ]
    done = submitted(world, version, items)
    assert "item" not in done.resource
    assert not Answer.objects.exists()
    QuestionnaireResponse.model_validate(done.resource)


def test_submit_query_count_does_not_grow_with_items(world, django_assert_max_num_queries):
    small = version_of(world, integers(3))
    large = version_of(world, integers(60))
    counts = []
    for version, size in ((small, 3), (large, 60)):
        response = services.start_response(
            version, organization=world.a.org, respondent=world.a["user"]
        )
        items = [{"linkId": f"i{n}", "answer": [{"valueInteger": n}]} for n in range(size)]
        with django_assert_max_num_queries(6) as context:
            services.submit(response, items)
        counts.append(len(context.captured_queries))
    assert counts[0] == counts[1]
    assert Answer.objects.count() == 63


# --- Import -------------------------------------------------------------------------------------


def test_import_the_sync_sample(world):
    version = sample(world, "sync-response-q")
    source = load_sample("sync-response-qr")
    with_extra = load_sample("sync-response-qr")
    with_extra["item"].append({"linkId": "99", "answer": [{"valueString": "lost"}]})
    with_extra["item"][0]["item"][0]["answer"][0]["item"][0]["answer"] = [{"valueString": "nested"}]

    response, warnings = services.import_response(version, source, organization=world.a.org)
    assert response.status == ResponseStatus.COMPLETED
    assert len(warnings) == 1
    assert "3" in warnings[0]
    QuestionnaireResponse.model_validate(response.resource)
    (row,) = Answer.objects.filter(response=response)
    assert (row.link_id, row.value_number, row.item_type) == ("3", 42, "integer")
    assert response.resource["item"][-1]["text"] == "untouched field that should be copied"
    assert response.resource["id"] == str(response.pk)
    assert response.resource["status"] == "completed"

    other, warnings = services.import_response(
        version, with_extra, organization=world.a.org, respondent=world.a["user"]
    )
    assert len(warnings) == 2
    assert any("99" in warning for warning in warnings)
    found = {(r.link_id, r.instance) for r in Answer.objects.filter(response=other)}
    assert found == {("3", "0"), ("1.1.1", "0.0.0.0")}  # noqa: S104 (a path, not an address)
    assert other.respondent == world.a["user"]


def test_import_refuses_wrong_types_and_other_resources(world):
    version = sample(world, "sync-response-q")
    source = load_sample("sync-response-qr")
    source["item"][2]["answer"] = [{"valueString": "forty-two"}]
    response, warnings = services.import_response(version, source, organization=world.a.org)
    assert any("wrong type" in warning for warning in warnings)
    assert not Answer.objects.filter(response=response).exists()

    with pytest.raises(services.ResponseImportError):
        services.import_response(version, load_sample("string"), organization=world.a.org)
    assert Response.objects.count() == 1


def test_import_keeps_the_authored_time(world):
    version = sample(world, "sync-response-q")
    source = load_sample("sync-response-qr")
    source["authored"] = "2025-03-04T10:15:00+01:00"
    response, _warnings = services.import_response(version, source, organization=world.a.org)
    assert response.submitted_at == datetime(2025, 3, 4, 9, 15, tzinfo=ZoneInfo("UTC"))


def test_invalid_import_stores_nothing(world):
    version = sample(world, "sync-response-q")
    source = load_sample("sync-response-qr")
    source["item"][2]["answer"] = [{"valueInteger": "abc"}]
    with pytest.raises(services.ResponseImportError):
        services.import_response(version, source, organization=world.a.org)
    assert not Response.objects.exists()
    assert not Answer.objects.exists()


# --- Files --------------------------------------------------------------------------------------


def pending(name: str, content: bytes = b"\x89PNG data") -> PendingFile:
    return PendingFile(
        key=uuid.uuid4(),
        link_id="a",
        upload=SimpleUploadedFile(name, content, content_type="image/png"),
        content_type="image/png",
        size=len(content),
        sha1="0" * 40,
    )


def attached(file: PendingFile) -> dict[str, Any]:
    return {
        "linkId": "a",
        "answer": [
            {
                "valueAttachment": {
                    "contentType": "image/png",
                    "title": file.upload.name,
                    "url": f"urn:uuid:{file.key}",
                }
            }
        ],
    }


def test_answer_files_are_stored_privately_and_dropped_when_no_longer_used(
    world, django_capture_on_commit_callbacks
):
    version = version_of(world, MIXED)
    response = services.start_response(
        version, organization=world.a.org, respondent=world.a["user"]
    )
    first, second, unused = pending("first.png"), pending("second.png"), pending("unused.png")

    services.save_draft(response, [attached(first)], files=[first, unused])
    (stored,) = AnswerFile.objects.filter(response=response)
    assert stored.key == first.key
    assert stored.filename == "first.png"
    storage = stored.file.storage
    path = str(stored.file.name)
    assert "first" not in path  # a random name, never the uploaded one
    assert storage.exists(path)
    assert storage is storages["private"]
    assert not storage.path(path).startswith(str(settings.MEDIA_ROOT))

    # Resaving with the same reference keeps the file; replacing it removes the old one.
    services.save_draft(response, [attached(first)], files=[])
    assert AnswerFile.objects.filter(response=response).count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        services.submit(response, [attached(second)], files=[second])
    assert [str(f.key) for f in AnswerFile.objects.filter(response=response)] == [str(second.key)]
    assert not storage.exists(path)


# --- Every sample, through the real import ------------------------------------------------------

SAMPLE_VALUES: dict[str, dict[str, Any]] = {
    "boolean": {"valueBoolean": True},
    "decimal": {"valueDecimal": 1.5},
    "integer": {"valueInteger": 2},
    "date": {"valueDate": "2024-01-31"},
    "dateTime": {"valueDateTime": "2024-01-31T10:00:00+01:00"},
    "time": {"valueTime": "10:00:00"},
    "string": {"valueString": "svar"},
    "text": {"valueString": "lengre svar"},
    "url": {"valueUri": "https://example.org"},
    "quantity": {"valueQuantity": {"value": 3}},
}


def typical_items(items: list[Any]) -> list[dict[str, Any]]:
    """One plausible answer for every question of a definition."""
    result: list[dict[str, Any]] = []
    for item in items:
        entry: dict[str, Any] = {"linkId": item.link_id, "text": item.text}
        if item.is_group:
            entry["item"] = typical_items(item.children)
        elif item.options:
            entry["answer"] = [dict(item.options[0].answer)]
        elif item.type in SAMPLE_VALUES:
            entry["answer"] = [dict(SAMPLE_VALUES[item.type])]
        else:
            continue
        if item.children and not item.is_group:
            entry["answer"][0]["item"] = typical_items(item.children)
        result.append(entry)
    return result


SAMPLES = sorted(
    path.stem
    for path in (Path(__file__).parent / "fixtures" / "helsenorge").glob("*.json")
    if path.stem != "sync-response-qr"
)


@pytest.mark.parametrize("name", SAMPLES)
def test_every_sample_submits_a_valid_response(world, name):
    version = import_sample(world.a.org, name)
    definition = definition_for(version)
    done = submitted(world, version, typical_items(definition.items))
    QuestionnaireResponse.model_validate(done.resource)
    answered = {row.link_id for row in Answer.objects.filter(response=done)}
    expected = {
        item.link_id
        for item in definition.answerable_items()
        if item.options or item.type in SAMPLE_VALUES
    }
    assert expected <= answered


def test_start_takes_the_form_key_unless_it_is_taken(world):
    version = sample(world, "integer")
    key = uuid.uuid4()
    first = services.start_response(
        version, organization=world.a.org, respondent=world.a["user"], submission_key=key
    )
    assert first.submission_key == key
    assert services.response_for_submission_key(str(key)) == first
    second = services.start_response(
        version, organization=world.a.org, respondent=world.a["user"], submission_key=key
    )
    assert second.submission_key != key
