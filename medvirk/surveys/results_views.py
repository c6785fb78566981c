"""Survey results pages: the list, the results, masked free text, downloads and the PDF summary.

Everyone with VIEW_SURVEY_RESULTS reads aggregates with small groups hidden
(``medvirk.surveys.results``); the raw FHIR export is for coordinators
(MANAGE_SURVEYS) and is logged. Surveys load through ``access_survey``, so a
survey of another organisation, or a role without the action, is 404; the
list checks the same action through ``org_context``. Readers are not limited
to their own unit: every page here shows the whole organisation's surveys.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from medvirk.accesslog.models import AccessAction
from medvirk.accesslog.services import log_access
from medvirk.core.privacy import mask_personal_data, minimum_group_size
from medvirk.organizations.access import OrgContext, org_context
from medvirk.organizations.models import Organization, Unit
from medvirk.organizations.permissions import Action
from medvirk.surveys import charts
from medvirk.surveys import results_export as exporting
from medvirk.surveys.access import access_survey
from medvirk.surveys.models import Survey, SurveyResponse
from medvirk.surveys.results import (
    Cell,
    Question,
    SurveyResults,
    free_text_answers,
    results_frame,
    round_label,
    survey_results,
)
from medvirk.surveys.selectors import STAGE_LABELS, Stage, survey_stage

FHIR_JSON = "application/fhir+json"
FREE_TEXT_PER_PAGE = 25
RESULTS_PER_PAGE = 25
# The statuses the results list filters by: a survey with results has opened.
LIST_STATUSES = (Stage.OPEN, Stage.CLOSED)


@dataclass(frozen=True)
class MeanRow:
    """One group's row in a table of means, its numbers already written out."""

    label: str
    suppressed: bool
    n: int | None = None
    mean: str = "–"
    interval: str = "–"


def _mean_rows(cells: list[Cell]) -> list[MeanRow]:
    rows = []
    for cell in cells:
        estimate = cell.estimate
        if cell.suppressed or estimate is None:
            rows.append(MeanRow(cell.label, cell.suppressed, None if cell.suppressed else 0))
            continue
        interval = "–"
        if estimate.low is not None and estimate.high is not None:
            interval = f"{charts.number(estimate.low, 2)}–{charts.number(estimate.high, 2)}"
        rows.append(
            MeanRow(cell.label, False, estimate.n, charts.number(estimate.mean, 2), interval)
        )
    return rows


@dataclass
class QuestionView:
    """One question with its charts and their one-sentence summaries."""

    question: Question
    anchor: str
    distribution_chart: SafeString | None = None
    distribution_text: str = ""
    units_chart: SafeString | None = None
    units_text: str = ""
    trend_chart: SafeString | None = None
    trend_text: str = ""
    unit_rows: list[MeanRow] = field(default_factory=list)
    round_rows: list[MeanRow] = field(default_factory=list)
    option_rows: list[tuple[str, int, str]] = field(default_factory=list)
    headline: MeanRow | None = None


def _int(request: HttpRequest, name: str) -> int | None:
    raw = request.GET.get(name, "")
    return int(raw) if raw.isdigit() else None


def _load(
    request: HttpRequest, org_slug: str, survey_id: int, action: Action
) -> tuple[OrgContext, Survey]:
    context, survey = access_survey(request.user, org_slug, survey_id, action)
    survey.organization = context.organization  # the same row: saves a query
    return context, survey


def _question_view(index: int, question: Question, results: SurveyResults) -> QuestionView:
    label = question.item.label
    view = QuestionView(question=question, anchor=f"q{index}")
    cell = question.cell
    if question.has_distribution and not cell.suppressed:
        view.option_rows = [(o.label, o.count, charts.percent(o.share)) for o in cell.options]
        view.distribution_text = charts.distribution_summary(cell)
        view.distribution_chart = charts.distribution_chart(
            cell.options,
            chart_id=f"q{index}-distribution",
            title=_("Answers to: %(question)s") % {"question": label},
            description=view.distribution_text,
        )
    if question.has_mean:
        rows = [question.organization, *question.units]
        view.unit_rows = _mean_rows(rows)
        view.headline = _mean_rows([cell])[0]
        view.units_text = charts.units_summary(question)
        view.units_chart = charts.means_chart(
            rows,
            scale=question.scale,
            chart_id=f"q{index}-units",
            title=_("Mean with 95%% confidence interval by unit: %(question)s")
            % {"question": label},
            description=view.units_text,
            reference=question.organization.estimate.mean
            if question.organization.estimate
            else None,
        )
        if results.has_trend:
            view.round_rows = _mean_rows(question.rounds)
            view.trend_text = charts.trend_summary(question.rounds)
            view.trend_chart = charts.trend_chart(
                question.rounds,
                scale=question.scale,
                chart_id=f"q{index}-trend",
                title=_("Mean by round: %(question)s") % {"question": label},
                description=view.trend_text,
            )
    return view


def results(request: HttpRequest, org_slug: str, survey_id: int) -> HttpResponse:
    """Per question: distribution, mean with interval, by unit and by round; filters."""
    context, survey = _load(request, org_slug, survey_id, Action.VIEW_SURVEY_RESULTS)
    found = survey_results(survey, unit_id=_int(request, "unit"), round_id=_int(request, "round"))
    questions = [
        _question_view(index, question, found)
        for index, question in enumerate(found.questions, start=1)
    ]
    return render(
        request,
        "surveys/results.html",
        {
            "org": context,
            "survey": survey,
            "results": found,
            "questions": questions,
            "filter_query": _filter_query(found, survey),
            "can_export_fhir": context.can(Action.MANAGE_SURVEYS)
            and not found.suppressed
            and found.survey.pk == survey.pk,
        },
    )


def _filter_query(found: SurveyResults, survey: Survey) -> str:
    """The filters as a query string, for links to the free text and the PDF."""
    parts = []
    if found.survey.pk != survey.pk:
        parts.append(f"round={found.survey.pk}")
    if found.unit is not None:
        parts.append(f"unit={found.unit.pk}")
    return "?" + "&".join(parts) if parts else ""


@dataclass
class FreeTextPage:
    """One page of free text, without counting them all (100,000 texts cost a count).

    Reads one row more than a page to know whether there is a next one.
    """

    number: int
    rows: list[tuple[str, str]]
    has_next: bool

    @classmethod
    def of(cls, results: SurveyResults, question: str, request: HttpRequest) -> FreeTextPage | None:
        raw = request.GET.get("page", "")
        number = max(1, min(int(raw), 10_000)) if raw.isdigit() else 1
        found = free_text_answers(
            results,
            question or None,
            offset=(number - 1) * FREE_TEXT_PER_PAGE,
            limit=FREE_TEXT_PER_PAGE + 1,
        )
        if found is None:
            return None
        return cls(number, found[:FREE_TEXT_PER_PAGE], len(found) > FREE_TEXT_PER_PAGE)

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def start_index(self) -> int:
        return (self.number - 1) * FREE_TEXT_PER_PAGE + 1


def free_text(request: HttpRequest, org_slug: str, survey_id: int) -> HttpResponse:
    """Free-text answers, personal data masked when shown, newest first, paginated.

    Each page read is written to the access log: these are parts of
    individual responses, even if anonymous and masked.
    """
    context, survey = _load(request, org_slug, survey_id, Action.VIEW_SURVEY_RESULTS)
    found = results_frame(survey, unit_id=_int(request, "unit"), round_id=_int(request, "round"))
    items = {item.link_id: item for item in found.free_text_items}
    question = request.GET.get("question", "")
    question = question if question in items else ""
    page = FreeTextPage.of(found, question, request)
    entries: list[dict[str, Any]] = []
    if page is not None:
        # Masked here, in memory, for this response only: no unmasked copy is kept anywhere.
        entries = [
            {"item": items.get(link_id), "text": mask_personal_data(text)}
            for link_id, text in page.rows
        ]
        log_access(
            actor=context.user,
            action=AccessAction.VIEW,
            organization=context.organization,
            obj=survey,
            object_label=_("Free-text answers to %(title)s") % {"title": survey.title},
        )
    return render(
        request,
        "surveys/results_free_text.html",
        {
            "org": context,
            "survey": survey,
            "results": found,
            "question": question,
            "page": page,
            "entries": entries,
            "filter_query": _filter_query(found, survey),
            "page_query": _page_query(found, survey, question),
        },
    )


def _page_query(found: SurveyResults, survey: Survey, question: str) -> str:
    """The filters for the pagination links (without "?"; the template adds the page)."""
    query = _filter_query(found, survey).removeprefix("?")
    if question:
        query = (
            f"{query}&{urlencode({'question': question})}"
            if query
            else urlencode({"question": question})
        )
    return query


def results_export(request: HttpRequest, org_slug: str, survey_id: int, fmt: str) -> HttpResponse:
    """Aggregated results as CSV or XLSX; the survey's responses as FHIR (coordinators)."""
    if fmt not in exporting.FORMATS:
        raise Http404
    action = Action.MANAGE_SURVEYS if fmt == "fhir" else Action.VIEW_SURVEY_RESULTS
    context, survey = _load(request, org_slug, survey_id, action)
    stem = f"survey-{survey.pk}-results-{timezone.localdate():%Y-%m-%d}"
    response: HttpResponse
    if fmt == "fhir":
        if results_frame(survey).suppressed:
            # Raw answers of fewer people than the minimum never leave Medvirk.
            raise Http404
        response = JsonResponse(
            exporting.fhir_bundle(survey, actor=context.user),
            content_type=FHIR_JSON,
            json_dumps_params={"ensure_ascii": False},
        )
        stem = f"survey-{survey.pk}-responses-{timezone.localdate():%Y-%m-%d}"
        filename = f"{stem}.json"
    elif fmt == "csv":
        response = HttpResponse(
            exporting.results_csv(survey), content_type="text/csv; charset=utf-8"
        )
        filename = f"{stem}.csv"
    else:
        response = HttpResponse(
            exporting.results_xlsx(survey),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        filename = f"{stem}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def results_pdf(request: HttpRequest, org_slug: str, survey_id: int) -> HttpResponse:
    """The one-page summary for the user council, of the selected round (organisation level)."""
    _context, survey = _load(request, org_slug, survey_id, Action.VIEW_SURVEY_RESULTS)
    found = survey_results(survey, round_id=_int(request, "round"))
    response = HttpResponse(exporting.results_pdf(found), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="survey-{survey.pk}-summary-{timezone.localdate():%Y-%m-%d}.pdf"'
    )
    return response


# --- The list of surveys with results ---------------------------------------------------------


def results_surveys(organization: Organization, today: date) -> QuerySet[Survey]:
    """The organisation's surveys whose results can be read: published and opened.

    A survey not yet published, or published but not yet open, has no answers to show.
    """
    return Survey.objects.filter(
        organization=organization, published_at__isnull=False, opens_on__lte=today
    )


def results_rows(surveys: QuerySet[Survey]) -> QuerySet[Survey]:
    """``surveys`` newest first, each with ``response_count``, in one query; units prefetched.

    The count is a correlated subquery on the responses' (survey, unit) index rather
    than a join grouped over every response of the organisation: the database counts
    the responses of the surveys on the page only, and the paginator's COUNT leaves
    it out.
    """
    counts = (
        SurveyResponse.objects.filter(survey=OuterRef("pk"))
        .order_by()
        .values("survey")
        .annotate(n=Count("*"))
        .values("n")
    )
    return (
        surveys.annotate(response_count=Coalesce(Subquery(counts, output_field=IntegerField()), 0))
        .prefetch_related("units")
        .order_by("-opens_on", "-pk")
    )


@dataclass(frozen=True)
class ResultsRow:
    """One survey in the results list, with what the reader may see of its size."""

    survey: Survey
    round: str
    stage: Stage
    responses: int
    suppressed: bool  # fewer responses than the minimum: the count is not shown


def results_list(request: HttpRequest, org_slug: str) -> HttpResponse:
    """The organisation's surveys with results, newest first; filter by unit and status."""
    context = org_context(request.user, org_slug, Action.VIEW_SURVEY_RESULTS)
    today = timezone.localdate()
    surveys = results_surveys(context.organization, today)
    units = list(
        Unit.objects.filter(
            pk__in=Survey.units.through.objects.filter(survey__in=surveys).values("unit_id")
        ).order_by("name", "pk")
    )
    unit_id = _int(request, "unit")
    unit = next((u for u in units if u.pk == unit_id), None)
    status = request.GET.get("status", "")
    status = status if status in LIST_STATUSES else ""
    if unit is not None:
        surveys = surveys.filter(
            pk__in=Survey.units.through.objects.filter(unit_id=unit.pk).values("survey_id")
        )
    if status == Stage.OPEN:
        surveys = surveys.filter(closes_on__gte=today)
    elif status == Stage.CLOSED:
        surveys = surveys.filter(closes_on__lt=today)
    page = Paginator(results_rows(surveys), RESULTS_PER_PAGE).get_page(request.GET.get("page"))
    minimum = minimum_group_size(context.organization)
    rows = [
        ResultsRow(
            survey=survey,
            round=round_label(survey),
            stage=survey_stage(survey, today),
            responses=survey.response_count,  # type: ignore[attr-defined]
            suppressed=survey.response_count < minimum,  # type: ignore[attr-defined]
        )
        for survey in page.object_list
    ]
    filters = {
        key: value
        for key, value in (("unit", str(unit.pk) if unit else ""), ("status", status))
        if value
    }
    return render(
        request,
        "surveys/results_list.html",
        {
            "org": context,
            "page": page,
            "rows": rows,
            "units": units,
            "unit": unit,
            "status": status,
            "statuses": [(stage.value, STAGE_LABELS[stage]) for stage in LIST_STATUSES],
            "filtered": bool(filters),
            "query": urlencode(filters),
            "minimum": minimum,
        },
    )
