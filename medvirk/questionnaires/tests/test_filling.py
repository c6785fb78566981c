"""run_fill: what each button does, whole-form validation on submit, and _form.html."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import translation

from medvirk.questionnaires.definition import Definition, parse_definition
from medvirk.questionnaires.filling import FillStep, parse_action, run_fill
from medvirk.questionnaires.rendering import QuestionnaireForm
from medvirk.questionnaires.tests.factories import load_sample

PAGE = {
    "url": "http://hl7.org/fhir/StructureDefinition/questionnaire-itemControl",
    "valueCodeableConcept": {"coding": [{"code": "page"}]},
}


@pytest.fixture(autouse=True)
def _english() -> Any:
    with translation.override("en"):
        yield


def paged() -> Definition:
    return parse_definition(
        {
            "resourceType": "Questionnaire",
            "status": "active",
            "item": [
                {
                    "linkId": "p1",
                    "type": "group",
                    "text": "About you",
                    "extension": [PAGE],
                    "item": [
                        {"linkId": "name", "type": "string", "text": "Name", "required": True},
                        {"linkId": "kids", "type": "boolean", "text": "Do you have children?"},
                    ],
                },
                {
                    "linkId": "p2",
                    "type": "group",
                    "text": "Children",
                    "extension": [PAGE],
                    "enableWhen": [{"question": "kids", "operator": "=", "answerBoolean": True}],
                    "item": [
                        {
                            "linkId": "count",
                            "type": "integer",
                            "text": "How many?",
                            "required": True,
                        },
                    ],
                },
                {
                    "linkId": "p3",
                    "type": "group",
                    "text": "Finally",
                    "extension": [PAGE],
                    "item": [
                        {
                            "linkId": "ok",
                            "type": "boolean",
                            "text": "All correct?",
                            "required": True,
                        },
                    ],
                },
            ],
        }
    )


def get() -> HttpRequest:
    return RequestFactory().get("/fill/")


def post(action: str, **data: Any) -> HttpRequest:
    return RequestFactory().post("/fill/", {"_action": action, **data})


def step(
    request: HttpRequest,
    definition: Definition,
    items: list[dict[str, Any]] | None = None,
    page: int = 0,
    can_save_draft: bool = True,
) -> FillStep:
    return run_fill(
        request, definition=definition, items=items or [], page=page, can_save_draft=can_save_draft
    )


def test_parse_action() -> None:
    assert parse_action("add:0_1-2") == ("add", "0_1-2")
    assert parse_action("remove:0_1") == ("remove", "0_1")
    assert parse_action("submit") == ("submit", "")
    assert parse_action("submit:x") == ("refresh", "")
    assert parse_action("delete-everything") == ("refresh", "")
    assert parse_action("add:") == ("refresh", "")


def test_get_shows_the_page() -> None:
    result = step(get(), paged(), page=0)
    assert result.action == "show"
    assert result.page == 0
    assert not result.complete
    assert result.items == []


def test_next_requires_a_valid_page() -> None:
    definition = paged()
    result = step(post("next"), definition)
    assert result.action == "next"
    assert result.page == 0
    assert not result.redirect
    assert result.form.errors == [("q-0_0-0_0", "Name", "Answer this question.")]
    assert "ds-error-summary" in str(result.form.render())


def test_next_moves_on_and_skips_disabled_pages() -> None:
    definition = paged()
    result = step(post("next", **{"q-0_0-0_0": "Kari"}), definition)
    assert result.redirect
    assert result.page == 2
    assert result.items == [
        {
            "linkId": "p1",
            "text": "About you",
            "item": [{"linkId": "name", "text": "Name", "answer": [{"valueString": "Kari"}]}],
        }
    ]
    with_kids = step(post("next", **{"q-0_0-0_0": "Kari", "q-0_0-1_0": "true"}), definition)
    assert with_kids.page == 1


def test_previous_and_save_do_not_require_answers() -> None:
    definition = paged()
    items = [{"linkId": "p1", "item": [{"linkId": "name", "answer": [{"valueString": "Kari"}]}]}]
    back = step(post("previous"), definition, items, page=2)
    assert back.redirect
    assert back.page == 0
    saved = step(post("save", **{"q-2_0-0_0": "true"}), definition, items, page=2)
    assert saved.redirect
    assert saved.page == 2
    assert not saved.complete
    assert saved.items[-1]["item"][0]["answer"] == [{"valueBoolean": True}]
    assert saved.items[0]["item"][0]["answer"] == [{"valueString": "Kari"}]


def test_save_keeps_what_cannot_be_stored_on_screen() -> None:
    definition = paged()
    items = [
        {
            "linkId": "p1",
            "item": [
                {"linkId": "name", "answer": [{"valueString": "Kari"}]},
                {"linkId": "kids", "answer": [{"valueBoolean": True}]},
            ],
        }
    ]
    result = step(post("save", **{"q-1_0-0_0": "three"}), definition, items, page=1)
    assert not result.redirect
    assert result.page == 1
    assert result.form.errors == [("q-1_0-0_0", "How many?", "Enter a whole number.")]
    assert 'value="three"' in str(result.form.render())


def test_save_is_refused_without_draft_permission() -> None:
    result = step(post("save", **{"q-0_0-0_0": "Kari"}), paged(), can_save_draft=False)
    assert result.action == "refresh"
    assert not result.redirect


def test_submit_validates_every_page() -> None:
    definition = paged()
    # Page 1's required name is missing, though the last page is fine.
    items = [
        {"linkId": "p1", "item": [{"linkId": "kids", "answer": [{"valueBoolean": True}]}]},
        {"linkId": "p2", "item": [{"linkId": "count", "answer": [{"valueInteger": 2}]}]},
    ]
    result = step(post("submit", **{"q-2_0-0_0": "true"}), definition, items, page=2)
    assert not result.complete
    assert result.page == 0
    assert result.form.page == 0
    assert result.form.errors == [("q-0_0-0_0", "Name", "Answer this question.")]
    assert "ds-error-summary" in str(result.form.render())
    # What was posted on the last page is kept in the items to store.
    assert result.items[-1]["item"][0]["answer"] == [{"valueBoolean": True}]


def test_submit_complete() -> None:
    definition = paged()
    items = [
        {
            "linkId": "p1",
            "item": [
                {"linkId": "name", "answer": [{"valueString": "Kari"}]},
                {"linkId": "kids", "answer": [{"valueBoolean": True}]},
            ],
        },
        {"linkId": "p2", "item": [{"linkId": "count", "answer": [{"valueInteger": 2}]}]},
    ]
    result = step(post("submit", **{"q-2_0-0_0": "true"}), definition, items, page=2)
    assert result.complete
    assert [entry["linkId"] for entry in result.items] == ["p1", "p2", "p3"]


def test_submit_ignores_required_questions_on_a_disabled_page() -> None:
    definition = paged()
    items: list[dict[str, Any]] = [
        {
            "linkId": "p1",
            "item": [
                {"linkId": "name", "answer": [{"valueString": "Kari"}]},
                {"linkId": "kids", "answer": [{"valueBoolean": True}]},
            ],
        }
    ]
    # Children's page is enabled and its required count is missing.
    blocked = step(post("submit", **{"q-2_0-0_0": "true"}), definition, items, page=2)
    assert not blocked.complete
    assert blocked.page == 1
    items[0]["item"][1]["answer"] = [{"valueBoolean": False}]
    done = step(post("submit", **{"q-2_0-0_0": "true"}), definition, items, page=2)
    assert done.complete


def test_submit_on_an_earlier_page_is_next() -> None:
    result = step(post("submit", **{"q-0_0-0_0": "Kari"}), paged())
    assert result.action == "next"
    assert not result.complete
    assert result.page == 2


def test_refresh_add_and_remove_keep_what_was_typed() -> None:
    definition = parse_definition(load_sample("string"))
    refreshed = step(post("refresh", **{"q-0-n": "1", "q-0_0": "første"}), definition)
    assert refreshed.action == "refresh"
    assert not refreshed.redirect
    assert 'value="første"' in str(refreshed.form.render())
    added = step(post("add:0", **{"q-0-n": "1", "q-0_0": "første"}), definition)
    assert added.action == "add"
    assert len(added.form.names_for(definition.items[0].link_id)) == 2
    assert added.items[0]["answer"] == [{"valueString": "første"}]
    removed = step(
        post("remove:0_0", **{"q-0-n": "2", "q-0_0": "første", "q-0_1": "andre"}), definition
    )
    assert removed.items[0]["answer"] == [{"valueString": "andre"}]


def test_attachment_upload_becomes_pending() -> None:
    definition = parse_definition(
        {
            "resourceType": "Questionnaire",
            "item": [{"linkId": "f", "type": "attachment", "text": "File"}],
        }
    )
    upload = SimpleUploadedFile("a.pdf", b"%PDF-1.4\n" + b"0" * 40, content_type="application/pdf")
    request = RequestFactory().post("/fill/", {"_action": "submit", "q-0_0": upload})
    result = step(request, definition)
    assert result.complete
    (pending,) = result.form.pending_files
    assert result.items[0]["answer"][0]["valueAttachment"]["url"] == f"urn:uuid:{pending.key}"


def _render(form: QuestionnaireForm, **context: Any) -> str:
    request = RequestFactory().get("/fill/")
    return render_to_string(
        "questionnaires/fill/_form.html",
        {
            "form": form,
            "action_url": "/fill/",
            "submission_key": uuid.UUID(int=7),
            "can_save_draft": True,
            **context,
        },
        request=request,
    )


def test_form_template_on_a_middle_page() -> None:
    definition = paged()
    items = [{"linkId": "p1", "item": [{"linkId": "kids", "answer": [{"valueBoolean": True}]}]}]
    html = _render(QuestionnaireForm(definition, items=items, page=1))
    assert 'enctype="multipart/form-data"' in html
    assert "csrfmiddlewaretoken" in html
    assert 'name="submission_key" value="00000000-0000-0000-0000-000000000007"' in html
    assert "Step 2 of 3" in html
    assert 'aria-current="step"' in html
    assert "Children" in html
    assert 'value="previous"' in html
    assert 'value="next"' in html
    assert 'value="save"' in html
    assert 'value="submit"' not in html
    assert "<noscript>" in html
    assert "Show follow-up questions" in html
    assert 'hx-post="/fill/"' in html
    assert "q-refresh" in html


def test_form_template_on_the_last_page() -> None:
    definition = parse_definition(load_sample("string"))
    html = _render(QuestionnaireForm(definition), can_save_draft=False, submit_label="Send in")
    assert ">Send in</button>" in html
    assert 'value="save"' not in html
    assert 'value="previous"' not in html
    assert "Step " not in html  # one page: no progress indicator
    assert "<noscript>" not in html
    assert "hx-post" not in html
    # Enter in a text field presses a harmless refresh first.
    assert html.index('value="refresh"') < html.index('value="submit"')
