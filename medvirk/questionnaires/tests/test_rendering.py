"""QuestionnaireForm: every sample renders, valid answers are accepted, bad ones named."""

from __future__ import annotations

import copy
import re
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import QueryDict
from django.utils import translation
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from medvirk.questionnaires.definition import Definition, parse_definition
from medvirk.questionnaires.enablewhen import prune_disabled
from medvirk.questionnaires.rendering import QuestionnaireForm, markdown_html
from medvirk.questionnaires.tests.factories import HELSENORGE, load_sample

QUESTIONNAIRES = sorted(
    path.stem for path in HELSENORGE.glob("*.json") if path.stem != "sync-response-qr"
)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" + b"0" * 64


@pytest.fixture(autouse=True)
def _english() -> Any:
    with translation.override("en"):
        yield


def definition_of(name_or_resource: str | dict[str, Any]) -> Definition:
    if isinstance(name_or_resource, str):
        return parse_definition(load_sample(name_or_resource))
    return parse_definition(name_or_resource)


def questionnaire(*items: dict[str, Any]) -> Definition:
    return parse_definition(
        {"resourceType": "Questionnaire", "status": "active", "item": list(items)}
    )


def post(data: dict[str, Any]) -> QueryDict:
    query = QueryDict(mutable=True)
    for key, value in data.items():
        query.setlist(key, value if isinstance(value, list) else [value])
    return query


def _sample_value(item: Any, widget: str) -> Any:
    if widget in {"checkbox", "boolean-radio"}:
        return "true"
    if widget in {"radio", "select"}:
        return item.options[0].key
    if widget == "checkbox-list":
        return [item.options[0].key]
    if widget == "slider":
        return "0"
    if widget in {"integer", "decimal", "quantity", "range"}:
        low = item.min_value if isinstance(item.min_value, Decimal) else Decimal(7)
        return str(low)
    if widget == "date":
        return "2024-05-17"
    if widget == "dateTime":
        return "2024-05-17T14:30"
    if widget == "time":
        return "14:30"
    if widget == "url":
        return "https://example.no"
    if widget == "attachment":
        return None
    return "ola@example.no"  # fits every text rule in the samples


def valid_data(form: QuestionnaireForm) -> QueryDict:
    data: dict[str, Any] = {}
    for name, item, widget in form.visible_fields():
        value = _sample_value(item, widget)
        if value is not None:
            data[name] = value
    for item_set_key in _counts(form):
        data[item_set_key[0]] = item_set_key[1]
    return post(data)


def _counts(form: QuestionnaireForm) -> list[tuple[str, str]]:
    html = str(form.render())
    import re

    return re.findall(r'<input type="hidden" name="([^"]+-n)" value="(\d+)">', html)


def assert_valid_response(items: list[dict[str, Any]]) -> None:
    QuestionnaireResponse.model_validate(
        {"resourceType": "QuestionnaireResponse", "status": "completed", "item": items}
    )


def fill(definition: Definition, **kwargs: Any) -> QuestionnaireForm:
    """A form posted with a valid answer in every field shown (then refreshed once).

    Follow-up questions appear after a post, so post until the chains are done.
    """
    form = QuestionnaireForm(definition, **kwargs)
    for _round in range(5):
        form = QuestionnaireForm(definition, data=valid_data(form), **kwargs)
    return form


# --- Every sample --------------------------------------------------------------------------


@pytest.mark.parametrize("name", QUESTIONNAIRES)
def test_every_sample_renders(name: str) -> None:
    form = QuestionnaireForm(definition_of(name))
    html = str(form.render())
    assert html.startswith('<div class="q-fields" id="q-fields">')
    assert "<script" not in html
    assert form.errors == [] or not form.is_bound


@pytest.mark.parametrize("name", QUESTIONNAIRES)
def test_every_sample_accepts_valid_answers(name: str) -> None:
    definition = definition_of(name)
    form = fill(definition)
    assert form.is_valid(), form.errors
    items = form.response_items()
    assert_valid_response(items)
    assert prune_disabled(definition, items) == items
    if form.visible_fields():
        assert items, "answers were posted but none came back"
    for entry in items:
        assert entry["text"] == definition.by_link_id[entry["linkId"]].text or not entry.get("text")


def _invalid_value(item: Any, widget: str) -> Any:
    """A value this question must refuse, or None when it has none (free text, yes/no)."""
    if widget in {"integer", "decimal", "quantity", "range"}:
        return "not a number"
    if widget in {"date", "dateTime"}:
        return "31.02.2024x"
    if widget == "time":
        return "25:99"
    if widget in {"radio", "select"}:
        return "no-such-option"
    if widget == "checkbox-list":
        return ["no-such-option"]
    if widget == "slider":
        return "999"
    if widget == "url":
        return "not a web address"
    if item.max_length:
        return "x" * (item.max_length + 1)
    return None


def _plain(text: str) -> str:
    return re.sub(r"[*_#`]", "", text).strip()


@pytest.mark.parametrize("name", QUESTIONNAIRES)
def test_every_sample_refuses_an_invalid_answer_naming_the_question(name: str) -> None:
    definition = definition_of(name)
    valid = fill(definition)
    data = valid_data(valid)
    candidates = [
        (field_name, item, _invalid_value(item, widget))
        for field_name, item, widget in valid.visible_fields()
    ]
    candidates = [entry for entry in candidates if entry[2] is not None]
    required = [(n, i) for n, i, _w in valid.visible_fields() if i.required]
    if not candidates and not required:
        pytest.skip("nothing in this form can be answered wrongly")
    if candidates:
        field_name, item, bad = candidates[0]
        data.setlist(field_name, bad if isinstance(bad, list) else [bad])
    else:
        field_name, item = required[0]
        data.setlist(field_name, [])
    form = QuestionnaireForm(definition, data=data)
    assert not form.is_valid()
    labels = " ".join(_plain(label) for _id, label, _message in form.errors)
    assert _plain(item.text) in labels, (item.text, form.errors)
    html = str(form.render())
    assert f'href="#{form.errors[0][0]}"' in html  # the error summary links to the field


def test_answers_survive_a_round_trip() -> None:
    definition = definition_of("sync-response-q")
    form = fill(definition)
    items = form.response_items()
    again = QuestionnaireForm(definition, items=items)
    assert again.response_items() == items
    html = str(again.render())
    assert 'value="ola@example.no"' in html


# --- Invalid answers -----------------------------------------------------------------------


def _single(definition: Definition, value: Any, *, link_id: str | None = None) -> QuestionnaireForm:
    form = QuestionnaireForm(definition)
    name = form.names_for(link_id or definition.items[0].link_id)[0]
    return QuestionnaireForm(definition, data=post({name: value}))


def test_required_missing_names_the_question() -> None:
    form = QuestionnaireForm(definition_of("string-script-injection"), data=post({}))
    assert not form.is_valid()
    assert [(label, message) for _id, label, message in form.errors] == [
        ("String2 - Obligatorisk", "Answer this question.")
    ]
    anchor = form.errors[0][0]
    html = str(form.render())
    assert f'href="#{anchor}"' in html
    assert f'id="{anchor}"' in html
    assert 'aria-invalid="true"' in html
    assert "String2 - Obligatorisk: Answer this question." in html


@pytest.mark.parametrize(("value", "expected"), [("4", "at least 5"), ("11", "at most 10")])
def test_integer_out_of_range(value: str, expected: str) -> None:
    form = _single(definition_of("integer"), value)
    assert not form.is_valid()
    ((_anchor, label, message),) = form.errors
    assert label.startswith("Integer")
    assert expected in message
    assert f'value="{value}"' in str(form.render())  # what was typed is kept


def test_integer_not_a_number_is_kept() -> None:
    form = _single(definition_of("integer"), "seven")
    assert not form.is_valid()
    assert form.errors[0][2] == "Enter a whole number."
    assert 'value="seven"' in str(form.render())
    assert form.response_items() == []


@pytest.mark.parametrize("value", ["1e3", "9999999999", "--1", "1,2,3"])
def test_strange_numbers_are_refused(value: str) -> None:
    definition = questionnaire({"linkId": "n", "type": "integer", "text": "Number"})
    form = QuestionnaireForm(definition, data=post({"q-0_0": value}))
    assert not form.is_valid()
    assert form.errors[0][1] == "Number"


def test_decimal_with_too_many_decimals() -> None:
    form = _single(definition_of("decimal"), "5,123")
    assert not form.is_valid()
    assert "at most 2 decimals" in form.errors[0][2]
    accepted = _single(definition_of("decimal"), "5,12")
    assert accepted.is_valid()
    assert accepted.response_items()[0]["answer"] == [{"valueDecimal": 5.12}]


def test_validationtext_replaces_the_message() -> None:
    form = _single(definition_of("validation"), "11")
    assert not form.is_valid()
    assert form.errors[0][2] == "Custom error"


def test_regex_mismatch_uses_validationtext() -> None:
    definition = definition_of("enable-when")
    first = QuestionnaireForm(definition)
    choice = first.names_for("9_1")[0]
    data = {choice: ["http://ehelse.no/sykdommer|18"]}
    shown = QuestionnaireForm(definition, data=post(data))
    other = shown.names_for("9_2")[0]
    form = QuestionnaireForm(definition, data=post({**data, other: "<b>nei</b>"}))
    assert not form.is_valid()
    assert form.errors == [
        (other, "Flere sykdommer", "Du må fylle ut dette feltet med kun tall og bokstaver")
    ]


def test_regex_without_validationtext() -> None:
    form = _single(definition_of("text"), "not an email")
    assert not form.is_valid()
    assert form.errors[0][2] == "The answer is not in the expected format."


@pytest.mark.parametrize(
    ("value", "expected"),
    [("a" * 21 + "@x.no", "at most 20 characters"), ("a@b.no", "at least 10 characters")],
)
def test_text_length(value: str, expected: str) -> None:
    form = _single(definition_of("text"), value)
    assert not form.is_valid()
    assert expected in form.errors[0][2]


def test_bad_date() -> None:
    form = _single(definition_of("date-day"), "2024-02-30")
    assert not form.is_valid()
    assert form.errors[0][1] == "Dato"
    assert "valid date" in form.errors[0][2]
    assert 'value="2024-02-30"' in str(form.render())
    assert _single(definition_of("date-day"), "17.05.2024").response_items()[0]["answer"] == [
        {"valueDate": "2024-05-17"}
    ]


def test_date_time_gets_a_time_zone() -> None:
    form = _single(definition_of("date-time"), "2024-05-17T14:30")
    assert form.is_valid(), form.errors
    value = form.response_items()[0]["answer"][0]["valueDateTime"]
    assert value.startswith("2024-05-17T14:30:00")
    assert value[-6] in "+-"
    again = QuestionnaireForm(definition_of("date-time"), items=form.response_items())
    assert 'value="2024-05-17T14:30"' in str(again.render())


def test_unknown_option_is_refused() -> None:
    form = _single(definition_of("choice-radio"), "made-up")
    assert not form.is_valid()
    assert form.errors[0][2] == "Choose one of the options."


def test_errors_are_not_shown_before_validation() -> None:
    form = QuestionnaireForm(definition_of("string-script-injection"), data=post({}))
    assert "ds-error-summary" not in str(form.render())
    assert form.is_valid(required=False)
    assert "ds-error-summary" not in str(form.render())


# --- Safety --------------------------------------------------------------------------------


def test_script_injection_is_escaped() -> None:
    definition = definition_of("string-script-injection")
    form = QuestionnaireForm(definition)
    names = [name for name, _item, _widget in form.visible_fields()]
    attack = '"><script>alert(1)</script><img src=x onerror=alert(1)>'
    form = QuestionnaireForm(definition, data=post(dict.fromkeys(names, attack)))
    assert form.is_valid()
    html = str(form.render())
    assert "<script" not in html
    assert "<img" not in html
    assert "&lt;script&gt;" in html
    assert form.response_items()[0]["answer"] == [{"valueString": attack}]
    stored = str(QuestionnaireForm(definition, items=form.response_items()).render())
    assert "<script" not in stored
    assert "<img" not in stored


def test_definition_texts_are_escaped_or_sanitised() -> None:
    definition = questionnaire(
        {
            "linkId": "a",
            "type": "string",
            "text": "<script>alert(1)</script>Plain",
            "prefix": "<b>1</b>",
            "_text": {
                "extension": [
                    {
                        "url": "http://hl7.org/fhir/StructureDefinition/rendering-markdown",
                        "valueMarkdown": "**Bold** <script>alert(1)</script>"
                        "[x](javascript:alert(1)) <img src=x onerror=alert(1)>",
                    }
                ]
            },
        },
        {"linkId": "b", "type": "display", "text": "<script>alert(2)</script>"},
        {
            "linkId": "c",
            "type": "choice",
            "text": "Pick",
            "answerOption": [{"valueCoding": {"code": "x", "display": "<script>x</script>"}}],
        },
    )
    html = str(QuestionnaireForm(definition).render())
    assert "<script" not in html
    assert "javascript:" not in html
    assert "onerror" not in html
    assert "<strong>Bold</strong>" in html
    assert "&lt;b&gt;1&lt;/b&gt;" in html
    assert "&lt;script&gt;alert(2)" in html


def test_markdown_links_open_safely() -> None:
    html = markdown_html("[Les mer](https://helsenorge.no)")
    assert 'href="https://helsenorge.no"' in html
    assert 'rel="noopener noreferrer"' in html
    assert 'target="_blank"' in html


# --- Item types ----------------------------------------------------------------------------


def test_slider_renders_a_native_range_with_output() -> None:
    form = QuestionnaireForm(definition_of("choice-slider"))
    html = str(form.render())
    assert 'type="range"' in html
    assert 'min="0"' in html
    assert 'max="2"' in html
    assert "<output" in html
    assert ">min</span>" in html
    assert ">max</span>" in html
    name = form.names_for(definition_of("choice-slider").items[0].link_id)[0]
    posted = QuestionnaireForm(definition_of("choice-slider"), data=post({name: "2"}))
    assert posted.is_valid()
    coding = posted.response_items()[0]["answer"][0]["valueCoding"]
    assert coding["code"] == "vet-ikke"
    assert "extension" not in coding


def test_numeric_slider() -> None:
    definition = questionnaire(
        {
            "linkId": "pain",
            "type": "integer",
            "text": "Pain",
            "extension": [
                {
                    "url": "http://hl7.org/fhir/StructureDefinition/questionnaire-itemControl",
                    "valueCodeableConcept": {"coding": [{"code": "slider"}]},
                },
                {"url": "http://hl7.org/fhir/StructureDefinition/minValue", "valueInteger": 0},
                {"url": "http://hl7.org/fhir/StructureDefinition/maxValue", "valueInteger": 10},
                {
                    "url": "http://hl7.org/fhir/StructureDefinition/questionnaire-sliderStepValue",
                    "valueInteger": 2,
                },
            ],
        }
    )
    html = str(QuestionnaireForm(definition).render())
    assert 'type="range"' in html
    assert 'max="10"' in html
    assert 'step="2"' in html
    assert "<output" in html


def test_required_boolean_is_yes_or_no() -> None:
    definition = definition_of("boolean")
    form = QuestionnaireForm(definition)
    html = str(form.render())
    assert html.count('type="radio"') == 2
    assert ">Yes</label>" in html
    assert ">No</label>" in html
    name = form.names_for(definition.items[0].link_id)[0]
    answered = QuestionnaireForm(definition, data=post({name: "false", f"{name[:-2]}-n": "1"}))
    assert answered.is_valid()
    assert answered.response_items()[0]["answer"] == [{"valueBoolean": False}]


def test_optional_boolean_is_a_checkbox_unless_no_matters() -> None:
    definition = definition_of("enable-when-multiple")
    html = str(QuestionnaireForm(definition).render())
    assert 'type="checkbox"' in html
    assert 'type="radio"' not in html
    compared = questionnaire(
        {"linkId": "a", "type": "boolean", "text": "A"},
        {
            "linkId": "b",
            "type": "string",
            "text": "B",
            "enableWhen": [{"question": "a", "operator": "=", "answerBoolean": False}],
        },
    )
    assert 'type="radio"' in str(QuestionnaireForm(compared).render())


def test_checkbox_choice_and_exclusive_option() -> None:
    definition = questionnaire(
        {
            "linkId": "c",
            "type": "choice",
            "text": "Which",
            "repeats": True,
            "answerOption": [
                {"valueCoding": {"code": "a", "display": "A"}},
                {"valueCoding": {"code": "b", "display": "B"}},
                {
                    "valueCoding": {"code": "none", "display": "None of these"},
                    "extension": [
                        {
                            "url": "http://hl7.org/fhir/StructureDefinition/questionnaire-optionExclusive",
                            "valueBoolean": True,
                        }
                    ],
                },
            ],
        }
    )
    ok = QuestionnaireForm(definition, data=post({"q-0_0": ["a", "b"]}))
    assert ok.is_valid()
    assert [a["valueCoding"]["code"] for a in ok.response_items()[0]["answer"]] == ["a", "b"]
    bad = QuestionnaireForm(definition, data=post({"q-0_0": ["a", "none"]}))
    assert not bad.is_valid()
    assert "None of these" in bad.errors[0][2]


def test_dropdown_is_a_select() -> None:
    html = str(QuestionnaireForm(definition_of("choice-dropdown")).render())
    assert "<select" in html
    assert "<option" in html


def test_open_choice_other_answer() -> None:
    definition = definition_of("open-choice-radio")
    form = QuestionnaireForm(definition)
    name = form.names_for(definition.items[0].link_id)[0]
    assert f'name="{name}-other"' in str(form.render())
    other = QuestionnaireForm(definition, data=post({f"{name}-other": "Kanskje"}))
    assert other.is_valid()
    assert other.response_items()[0]["answer"] == [{"valueString": "Kanskje"}]
    both = QuestionnaireForm(
        definition, data=post({name: definition.items[0].options[0].key, f"{name}-other": "x"})
    )
    assert not both.is_valid()
    again = QuestionnaireForm(definition, items=other.response_items())
    assert 'value="Kanskje"' in str(again.render())


def test_quantity_has_its_unit() -> None:
    definition = definition_of("scoring-fhirpath")
    form = QuestionnaireForm(definition)
    assert ">kg</span>" in str(form.render())
    name = form.names_for("3")[0]
    posted = QuestionnaireForm(definition, data=post({name: "72,5"}))
    assert posted.is_valid()
    entry = next(e for e in posted.response_items() if e["linkId"] == "3")
    assert entry["answer"] == [{"valueQuantity": {"value": 72.5, "unit": "kg", "code": "kg"}}]


def test_calculated_items_are_read_only() -> None:
    definition = definition_of("scoring-fhirpath")
    form = QuestionnaireForm(definition)
    assert [item.link_id for _n, item, _w in form.visible_fields()] == ["1", "2", "3"]
    html = str(form.render())
    assert 'id="q-3_0" readonly' in html
    posted = QuestionnaireForm(definition, data=post({"q-3_0": "99"}))
    assert all(entry["linkId"] != "4" for entry in posted.response_items())


def test_read_only_is_never_taken_from_post() -> None:
    definition = questionnaire(
        {
            "linkId": "fixed",
            "type": "string",
            "text": "Fixed",
            "readOnly": True,
            "initial": [{"valueString": "from the form"}],
        },
        {"linkId": "free", "type": "string", "text": "Free"},
    )
    stored = [{"linkId": "fixed", "text": "Fixed", "answer": [{"valueString": "stored"}]}]
    form = QuestionnaireForm(
        definition, items=stored, data=post({"q-0_0": "forged", "q-1_0": "typed"})
    )
    assert form.is_valid()
    assert form.response_items() == [
        {"linkId": "fixed", "text": "Fixed", "answer": [{"valueString": "stored"}]},
        {"linkId": "free", "text": "Free", "answer": [{"valueString": "typed"}]},
    ]
    html = str(form.render())
    assert 'name="q-0_0"' not in html
    assert "readonly" in html


def test_initial_values_fill_an_untouched_form() -> None:
    definition = questionnaire(
        {"linkId": "s", "type": "string", "text": "S", "initial": [{"valueString": "Hei"}]},
        {
            "linkId": "c",
            "type": "choice",
            "text": "C",
            "answerOption": [
                {"valueCoding": {"code": "a", "display": "A"}},
                {"valueCoding": {"code": "b", "display": "B"}, "initialSelected": True},
            ],
        },
    )
    form = QuestionnaireForm(definition)
    html = str(form.render())
    assert 'value="Hei"' in html
    assert 'value="b" checked' in html
    assert [e["answer"] for e in form.response_items()] == [
        [{"valueString": "Hei"}],
        [{"valueCoding": {"code": "b", "display": "B"}}],
    ]
    answered = [{"linkId": "s", "answer": [{"valueString": "Annet"}]}]
    html = str(QuestionnaireForm(definition, items=answered).render())
    assert 'value="Annet"' in html
    assert "Hei" not in html


def test_help_and_sublabel_are_shown() -> None:
    html = str(QuestionnaireForm(definition_of("integer")).render())
    assert '<details class="ds-details q-help">' in html
    assert "Help text" in html
    assert "<strong>Custom err</strong>" in html
    assert 'aria-describedby="q-0_0_helptext"' in html


def test_display_item_markdown() -> None:
    html = str(QuestionnaireForm(definition_of("display")).render())
    assert "DISPLAY2" in html
    assert 'class="q-display' in html


# --- Attachments ---------------------------------------------------------------------------


def _attachment_form(**extra: Any) -> Definition:
    return questionnaire({"linkId": "file", "type": "attachment", "text": "Your file", **extra})


def test_attachment_is_accepted_and_pending() -> None:
    definition = _attachment_form()
    upload = SimpleUploadedFile("scan.png", PNG, content_type="image/png")
    form = QuestionnaireForm(definition, data=post({}), files=_files(q_0_0=upload))
    assert form.is_valid(), form.errors
    (pending,) = form.pending_files
    assert pending.content_type == "image/png"
    assert pending.size == len(PNG)
    assert pending.link_id == "file"
    assert len(pending.sha1) == 40
    attachment = form.response_items()[0]["answer"][0]["valueAttachment"]
    assert attachment["url"] == f"urn:uuid:{pending.key}"
    assert attachment["title"] == "scan.png"
    assert attachment["contentType"] == "image/png"
    assert_valid_response(form.response_items())
    # The stored file is kept when no new file is chosen.
    items = form.response_items()
    kept = QuestionnaireForm(definition, items=items, data=post({"q-0_0-keep": attachment["url"]}))
    assert kept.response_items() == items
    assert kept.pending_files == []
    assert "Keep the file “scan.png”" in str(QuestionnaireForm(definition, items=items).render())
    # A URL that is not one of this response's files is ignored.
    forged = QuestionnaireForm(definition, items=items, data=post({"q-0_0-keep": "urn:uuid:x"}))
    assert forged.response_items() == []


def _files(**files: Any) -> Any:
    from django.utils.datastructures import MultiValueDict

    return MultiValueDict({key.replace("_", "-", 1): [value] for key, value in files.items()})


def test_attachment_of_the_wrong_type_is_refused() -> None:
    definition = _attachment_form()
    upload = SimpleUploadedFile(
        "evil.pdf", b"MZ\x90\x00" + b"\x00" * 64, content_type="application/pdf"
    )
    form = QuestionnaireForm(definition, data=post({}), files=_files(q_0_0=upload))
    assert not form.is_valid()
    assert form.errors[0][1] == "Your file"
    assert "Allowed: PDF, PNG, JPEG" in form.errors[0][2]
    assert form.pending_files == []


def test_attachment_too_large_is_refused() -> None:
    definition = _attachment_form(
        extension=[{"url": "http://hl7.org/fhir/StructureDefinition/maxSize", "valueDecimal": 50}]
    )
    upload = SimpleUploadedFile("big.pdf", PDF, content_type="application/pdf")
    form = QuestionnaireForm(definition, data=post({}), files=_files(q_0_0=upload))
    assert not form.is_valid()
    assert "too large" in form.errors[0][2]
    assert "50" in form.errors[0][2]


def test_attachment_mime_type_from_the_form() -> None:
    definition = _attachment_form(
        extension=[
            {"url": "http://hl7.org/fhir/StructureDefinition/mimeType", "valueCode": "image/png"}
        ]
    )
    pdf = SimpleUploadedFile("a.pdf", PDF, content_type="application/pdf")
    form = QuestionnaireForm(definition, data=post({}), files=_files(q_0_0=pdf))
    assert not form.is_valid()
    assert "Allowed: PNG." in form.errors[0][2]


# --- Repeats -------------------------------------------------------------------------------


def test_repeating_question_add_and_remove() -> None:
    definition = definition_of("string")  # minOccurs 1, maxOccurs 4, "Legg til"
    form = QuestionnaireForm(definition, data=post({"q-0-n": "1", "q-0_0": "første"}))
    html = str(form.render())
    assert 'value="add:0">Legg til</button>' in html
    assert "remove:" not in html  # not below minOccurs
    more = form.with_added("0")
    assert more.names_for(definition.items[0].link_id) == ["q-0_0", "q-0_1"]
    assert 'value="første"' in str(more.render())
    data = more.data.copy()  # type: ignore[union-attr]
    data["q-0_1"] = "andre"
    full = QuestionnaireForm(definition, data=data).with_added("0").with_added("0")
    assert len(full.names_for(definition.items[0].link_id)) == 4
    assert "add:0" not in str(full.render())  # maxOccurs reached
    assert full.with_added("0") is full
    fewer = full.with_removed("0_0")
    assert fewer.response_items()[0]["answer"] == [{"valueString": "andre"}]
    assert len(fewer.names_for(definition.items[0].link_id)) == 3


def test_remove_renumbers_later_instances_and_their_children() -> None:
    definition = questionnaire(
        {
            "linkId": "g",
            "type": "group",
            "text": "Medicine",
            "repeats": True,
            "item": [
                {"linkId": "name", "type": "string", "text": "Name"},
                {"linkId": "dose", "type": "string", "text": "Dose", "repeats": True},
            ],
        }
    )
    data = post(
        {
            "q-0-n": "3",
            "q-0_0-0_0": "A",
            "q-0_1-0_0": "B",
            "q-0_1-1-n": "2",
            "q-0_1-1_0": "1 mg",
            "q-0_1-1_1": "2 mg",
            "q-0_2-0_0": "C",
        }
    )
    form = QuestionnaireForm(definition, data=data)
    assert [e["item"][0]["answer"][0]["valueString"] for e in form.response_items()] == [
        "A",
        "B",
        "C",
    ]
    removed = form.with_removed("0_0")
    items = removed.response_items()
    assert [e["item"][0]["answer"][0]["valueString"] for e in items] == ["B", "C"]
    assert items[0]["item"][1]["answer"] == [{"valueString": "1 mg"}, {"valueString": "2 mg"}]
    assert_valid_response(items)
    html = str(removed.render())
    assert 'name="q-0_0-1-n" value="2"' in html
    assert "Medicine (1)" in html
    assert "Medicine (2)" in html


def test_group_repeat_sample() -> None:
    definition = definition_of("group-repeat")
    form = QuestionnaireForm(
        definition, data=post({"q-0-n": "1", "q-0_0-0-n": "1", "q-0_0-0_0": "3"})
    )
    grown = form.with_added("0")
    data = grown.data.copy()  # type: ignore[union-attr]
    data["q-0_1-0_0"] = "11"
    second = QuestionnaireForm(definition, data=data)
    assert not second.is_valid()
    assert second.errors == [("q-0_1-0_0", "REPEATABLE INT", "Custom error")]
    data["q-0_1-0_0"] = "4"
    ok = QuestionnaireForm(definition, data=data)
    assert ok.is_valid()
    assert [e["item"][0]["answer"] for e in ok.response_items()] == [
        [{"valueInteger": 3}],
        [{"valueInteger": 4}],
    ]


def test_min_occurs_needs_that_many_answers() -> None:
    definition = questionnaire(
        {
            "linkId": "s",
            "type": "string",
            "text": "Names",
            "repeats": True,
            "extension": [
                {
                    "url": "http://hl7.org/fhir/StructureDefinition/questionnaire-minOccurs",
                    "valueInteger": 2,
                }
            ],
        }
    )
    form = QuestionnaireForm(definition)
    assert form.names_for("s") == ["q-0_0", "q-0_1"]
    one = QuestionnaireForm(definition, data=post({"q-0-n": "2", "q-0_0": "Ola"}))
    assert not one.is_valid()
    assert one.errors[0][0] == "q-0_1"
    assert "at least 2" in one.errors[0][2]
    assert one.with_removed("0_1") is one  # not below minOccurs


def test_forged_keys_do_nothing() -> None:
    form = QuestionnaireForm(definition_of("string"), data=post({"q-0-n": "1"}))
    for key in ("9", "0_0-../x", "", "0_0"):
        assert form.with_added(key) is form
    assert form.with_removed("0_7") is form


def test_posted_count_is_capped_by_max_occurs() -> None:
    form = QuestionnaireForm(definition_of("string"), data=post({"q-0-n": "1000"}))
    assert len(form.names_for(definition_of("string").items[0].link_id)) == 4


# --- enableWhen in the form ----------------------------------------------------------------


def test_follow_up_appears_and_disabled_answers_are_pruned() -> None:
    definition = definition_of("enable-when")
    form = QuestionnaireForm(definition)
    assert form.names_for("9_2") == ["q-0_0-1_0"]
    assert 'name="q-0_0-1_0"' not in str(form.render())
    assert form.has_enable_when
    assert "data-q-trigger" in str(form.render())
    chosen = QuestionnaireForm(
        definition, data=post({"q-0_0-0_0": ["http://ehelse.no/sykdommer|18"]})
    )
    assert 'name="q-0_0-1_0"' in str(chosen.render())
    # An answer to the follow-up is dropped when its condition no longer holds.
    dropped = QuestionnaireForm(
        definition, data=post({"q-0_0-0_0": ["http://ehelse.no/sykdommer|2"], "q-0_0-1_0": "x"})
    )
    assert [e["linkId"] for e in dropped.response_items()[0]["item"]] == ["9_1"]


def test_required_disabled_item_does_not_block() -> None:
    definition = definition_of("enable-when-multiple")
    form = QuestionnaireForm(definition, data=post({}))
    assert form.is_valid()
    chain = post({"q-0_0-0_0": "true", "q-1_0-0_0": "true", "q-2_0-0_0": "true"})
    enabled = QuestionnaireForm(definition, data=chain)
    assert not enabled.is_valid()
    assert enabled.errors[0][1].startswith("Opplever du")


# --- Pages and speed -----------------------------------------------------------------------


def paged() -> Definition:
    def page(n: int, *items: dict[str, Any], **extra: Any) -> dict[str, Any]:
        return {
            "linkId": f"p{n}",
            "type": "group",
            "text": f"Part {n}",
            "extension": [
                {
                    "url": "http://hl7.org/fhir/StructureDefinition/questionnaire-itemControl",
                    "valueCodeableConcept": {"coding": [{"code": "page"}]},
                }
            ],
            "item": list(items),
            **extra,
        }

    return questionnaire(
        page(
            1,
            {"linkId": "name", "type": "string", "text": "Name", "required": True},
            {"linkId": "skip", "type": "boolean", "text": "Skip part 2?"},
        ),
        page(
            2,
            {"linkId": "age", "type": "integer", "text": "Age", "required": True},
            enableWhen=[{"question": "skip", "operator": "!=", "answerBoolean": True}],
        ),
        page(3, {"linkId": "note", "type": "text", "text": "Note"}),
    )


def test_pages_and_progress() -> None:
    definition = paged()
    form = QuestionnaireForm(definition, page=1)
    assert form.page == 1
    assert form.page_count == 3
    assert form.step_number == 2
    assert [(p.title, p.current) for p in form.pages] == [
        ("Part 1", False),
        ("Part 2", True),
        ("Part 3", False),
    ]
    assert 'name="q-1_0-0_0"' in str(form.render())
    assert "Name" not in str(form.render())
    skipped = QuestionnaireForm(
        definition,
        items=[{"linkId": "p1", "item": [{"linkId": "skip", "answer": [{"valueBoolean": True}]}]}],
    )
    assert skipped.page_count == 2
    assert skipped.next_page() == 2


def test_other_pages_are_kept_when_one_is_posted() -> None:
    definition = paged()
    items = [
        {
            "linkId": "p1",
            "text": "Part 1",
            "item": [{"linkId": "name", "text": "Name", "answer": [{"valueString": "Kari"}]}],
        }
    ]
    form = QuestionnaireForm(definition, items=items, page=1, data=post({"q-1_0-0_0": "40"}))
    assert form.response_items() == [
        items[0],
        {
            "linkId": "p2",
            "text": "Part 2",
            "item": [{"linkId": "age", "text": "Age", "answer": [{"valueInteger": 40}]}],
        },
    ]


def test_two_hundred_questions_render_every_enabled_question() -> None:
    # Speed is measured by bench/bench_questionnaires.py, not here.
    items = []
    for n in range(200):
        kind = ("string", "integer", "choice", "boolean", "date")[n % 5]
        item: dict[str, Any] = {
            "linkId": f"q{n}",
            "type": kind,
            "text": f"Question {n}",
            "required": n % 3 == 0,
        }
        if kind == "choice":
            item["answerOption"] = [
                {"valueCoding": {"code": str(i), "display": f"Option {i}"}} for i in range(5)
            ]
        if n % 7 == 0 and n:
            item["enableWhen"] = [
                {"question": f"q{n - 1}", "operator": "exists", "answerBoolean": True}
            ]
        items.append(item)
    definition = questionnaire(*items)
    html = str(QuestionnaireForm(definition).render())
    # Every seventh question waits for the one before it, which is unanswered.
    shown = [n for n in range(200) if not (n % 7 == 0 and n)]
    assert all(re.search(rf">Question {n}(?!\d)", html) for n in shown)
    assert not re.search(r">Question 7(?!\d)", html)


def test_read_only_form_has_no_inputs_to_post() -> None:
    definition = definition_of("sync-response-q")
    items = fill(definition).response_items()
    html = str(QuestionnaireForm(definition, items=items, read_only=True).render())
    assert " name=" not in html
    assert 'readonly value="ola@example.no"' in html


def test_deep_copy_of_items_is_not_modified() -> None:
    definition = definition_of("sync-response-q")
    items = fill(definition).response_items()
    before = copy.deepcopy(items)
    QuestionnaireForm(definition, items=items, data=post({})).response_items()
    assert items == before
