"""Survey results out of Medvirk: aggregated CSV/XLSX, raw FHIR for coordinators, a PDF.

**Aggregated tables** (CSV, XLSX) hold one row per round × question ×
group (the organisation, each targeted unit) × answer option, plus one
"mean" row per round × question × group. A suppressed group gets a single
row per question with every number blank and the suppressed flag set; a
suppressed round a single row. So a small group leaves no number behind.
Text cells are protected against formula injection.

**FHIR** is the survey's own QuestionnaireResponses as a Bundle, through
``medvirk.questionnaires.export.responses_bundle``. It is raw data, so it
is for coordinators only (MANAGE_SURVEYS), only when the survey has at least
the minimum number of responses, and every download is written to the
access log. Free-text answers (every ``valueString``) are masked with
``mask_personal_data`` on the way out: the export carries the same texts the
results pages show, and the stored responses are not changed.

**PDF**: one A4 page for the user council — headline numbers, each
question's mean with its interval and a small chart, small groups respected
(WeasyPrint, no network or file access).
"""

from __future__ import annotations

import copy
import csv
import io
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from openpyxl import Workbook
from weasyprint import HTML

from medvirk.accesslog.models import AccessAction
from medvirk.accesslog.services import log_access
from medvirk.core.privacy import mask_personal_data
from medvirk.questionnaires.choices import ResponseStatus
from medvirk.questionnaires.export import CHUNK_SIZE, escape_formula, responses_bundle
from medvirk.questionnaires.models import Response
from medvirk.surveys import charts
from medvirk.surveys.results import Cell, Question, SurveyResults, survey_results

if TYPE_CHECKING:
    from medvirk.accounts.models import User
    from medvirk.surveys.models import Survey

FORMATS = ("csv", "xlsx", "fhir")


# --- Aggregated tables ------------------------------------------------------------------------


def header() -> list[str]:
    return [
        _("round"),
        _("question id"),
        _("question"),
        _("group"),
        _("unit"),
        _("measure"),
        _("option code"),
        _("option"),
        _("count"),
        _("share"),
        _("answers"),
        _("mean"),
        _("95% CI low"),
        _("95% CI high"),
        _("suppressed"),
    ]


def _rounded(value: float | None, places: int = 4) -> float | None:
    return None if value is None else round(value, places)


def _cell_rows(round_label: str, question: Question, cell: Cell, group: str) -> Iterator[list[Any]]:
    unit = "" if group == "organisation" else cell.label
    lead = [round_label, question.link_id, question.item.label, group, unit]
    if cell.suppressed:
        yield [*lead, "", "", "", None, None, None, None, None, None, _("yes")]
        return
    if question.has_distribution:
        for option in cell.options:
            yield [
                *lead,
                "distribution",
                option.code,
                option.label,
                option.count,
                _rounded(option.share),
                cell.answers,
                None,
                None,
                None,
                _("no"),
            ]
    if question.has_mean and cell.estimate is not None:
        estimate = cell.estimate
        yield [
            *lead,
            "mean",
            "",
            "",
            None,
            None,
            estimate.n,
            _rounded(estimate.mean),
            _rounded(estimate.low),
            _rounded(estimate.high),
            _("no"),
        ]


def table_rows(survey: Survey) -> Iterator[list[Any]]:
    """Every round of the series, each question, the organisation and each unit."""
    frame = survey_results(survey)
    for round_ in frame.rounds:
        results = (
            frame
            if round_.survey.pk == frame.survey.pk
            else survey_results(survey, round_id=round_.survey.pk)
        )
        if results.suppressed:
            yield [
                round_.label,
                "",
                "",
                "organisation",
                "",
                "",
                "",
                "",
                None,
                None,
                None,
                None,
                None,
                None,
                _("yes"),
            ]
            continue
        for question in results.questions:
            yield from _cell_rows(round_.label, question, question.organization, "organisation")
            for cell in question.units:
                yield from _cell_rows(round_.label, question, cell, "unit")


def _text_safe(row: Iterable[Any]) -> list[Any]:
    return [escape_formula(value) if isinstance(value, str) else value for value in row]


def results_csv(survey: Survey) -> str:
    output = io.StringIO()
    writer = csv.writer(output)
    writer.writerow(header())
    for row in table_rows(survey):
        writer.writerow(["" if value is None else value for value in _text_safe(row)])
    return output.getvalue()


def results_xlsx(survey: Survey) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_("Results")[:31])
    sheet.append(header())
    for row in table_rows(survey):
        sheet.append(_text_safe(row))
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


# --- FHIR ---------------------------------------------------------------------------------------


def _mask_items(items: list[dict[str, Any]]) -> None:
    """Mask every ``valueString`` answer in a QuestionnaireResponse item tree, in place."""
    for item in items:
        for answer in item.get("answer") or []:
            if isinstance(answer.get("valueString"), str):
                answer["valueString"] = mask_personal_data(answer["valueString"])
            _mask_items(answer.get("item") or [])
        _mask_items(item.get("item") or [])


def masked_responses(survey: Survey) -> Iterator[Response]:
    """The survey's submitted responses, each with a masked copy of its resource (not saved)."""
    responses = (
        Response.objects.filter(
            organization_id=survey.organization_id,
            survey_response__survey=survey,
            status=ResponseStatus.COMPLETED,
        )
        .select_related("version")
        .order_by("submitted_at", "pk")
    )
    for response in responses.iterator(chunk_size=CHUNK_SIZE):
        resource = copy.deepcopy(response.resource)
        _mask_items(resource.get("item") or [])
        response.resource = resource
        yield response


def fhir_bundle(survey: Survey, *, actor: User) -> dict[str, Any]:
    """The survey's responses as a FHIR Bundle, free text masked; the export is logged."""
    log_access(
        actor=actor,
        action=AccessAction.EXPORT,
        organization=survey.organization,
        obj=survey,
        object_label=_("Responses to the survey %(title)s (FHIR)") % {"title": survey.title},
    )
    return responses_bundle(masked_responses(survey))


# --- PDF ------------------------------------------------------------------------------------


def results_pdf(results: SurveyResults) -> bytes:
    """One A4 page for the user council: headline numbers and each question's mean."""
    rows = [
        {
            "question": question,
            "strip": charts.interval_strip(
                question.organization.estimate,
                scale=question.scale,
                chart_id=f"pdf-q{index}",
                title=question.item.label,
            )
            if question.has_mean
            else None,
            "top": _top_option(question.organization) if question.has_distribution else None,
            "previous": _previous(question, results),
        }
        for index, question in enumerate(results.questions, start=1)
    ]
    html = render_to_string(
        "surveys/pdf/results.html",
        {
            "results": results,
            "survey": results.survey,
            "organization": results.survey.organization,
            "rows": rows,
        },
    )
    # No base_url: the summary loads nothing from the network or the disk.
    pdf: bytes = HTML(string=html).write_pdf()
    return pdf


def _previous(question: Question, results: SurveyResults) -> tuple[str, Any] | None:
    """The last earlier round with a mean shown: (round label, estimate), for comparison."""
    position = next(
        (i for i, r in enumerate(results.rounds) if r.survey.pk == results.survey.pk), 0
    )
    for cell in reversed(question.rounds[:position]):
        if not cell.suppressed and cell.has_mean:
            return cell.label, cell.estimate
    return None


def _top_option(cell: Cell) -> dict[str, str] | None:
    """The most chosen option's label and share, written out."""
    chosen = [option for option in cell.options if option.count]
    if not chosen:
        return None
    top = max(chosen, key=lambda option: option.count)
    return {"label": top.label, "share": charts.percent(top.share)}
