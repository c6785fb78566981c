"""Coordinators' survey pages under /o/<org_slug>/surveys/: set up, publish and follow.

Every page needs MANAGE_SURVEYS and loads the survey through ``access_survey``, so
another organisation's survey and a missing one both answer 404. Pages work
without JavaScript; the live response count is a plain number that htmx refreshes.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from medvirk.organizations.access import OrgContext, get_owned_or_404, org_context
from medvirk.organizations.permissions import Action
from medvirk.surveys import publishing, selectors, services
from medvirk.surveys.access import access_survey
from medvirk.surveys.forms import TEMPLATE_CHOICE, CodesForm, SurveyForm
from medvirk.surveys.models import Survey
from medvirk.surveys.templates import TEMPLATE_KEY

PAGE_SIZE = 25


def _to_detail(survey: Survey) -> HttpResponse:
    return redirect("surveys:detail", survey.organization.slug, survey.pk)


def _download(
    content: bytes, content_type: str, filename: str, *, inline: bool = False
) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _results_url(survey: Survey) -> str:
    """The results page, once the results pages exist."""
    try:
        return reverse("surveys:results", args=[survey.organization.slug, survey.pk])
    except NoReverseMatch:
        return ""


# --- List -------------------------------------------------------------------------------------


def survey_list(request: HttpRequest, org_slug: str) -> HttpResponse:
    """The organisation's surveys, newest first, with their response counts."""
    context = org_context(request.user, org_slug, Action.MANAGE_SURVEYS)
    page = Paginator(selectors.survey_rows(context.organization), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    today = timezone.localdate()
    rows = [{"survey": s, "stage": selectors.survey_stage(s, today)} for s in page.object_list]
    return render(request, "surveys/list.html", {"org": context, "page": page, "rows": rows})


# --- Create and edit --------------------------------------------------------------------------


def _next_round_initial(context: OrgContext, request: HttpRequest) -> dict[str, Any]:
    """What a next round copies from the earlier one (``?next_round_of=<id>``)."""
    raw = request.GET.get("next_round_of", "")
    if not raw.isdigit():
        return {}
    earlier = get_owned_or_404(
        Survey.objects.select_related("version__questionnaire"), context, pk=int(raw)
    )
    return {
        "title": earlier.title,
        "introduction": earlier.introduction,
        "source": str(earlier.version_id),
        "units": list(earlier.units.values_list("pk", flat=True)),
        "previous": earlier.pk,
        "anonymous": earlier.anonymous,
        "requires_code": earlier.requires_code,
        "reminder_after_days": earlier.reminder_after_days,
    }


def _save(request: HttpRequest, form: SurveyForm, context: OrgContext) -> Survey | None:
    try:
        return services.survey_save(
            survey=form.save_instance(),
            units=form.cleaned_data["units"],
            previous=form.cleaned_data.get("previous"),
            use_template=form.use_template,
            user=context.user,
        )
    except services.SurveyError as error:
        form.add_error(None, str(error))
        return None


def survey_create(request: HttpRequest, org_slug: str) -> HttpResponse:
    context = org_context(request.user, org_slug, Action.MANAGE_SURVEYS)
    instance = Survey(organization=context.organization)
    initial = _next_round_initial(context, request) if request.method == "GET" else {}
    form = SurveyForm(request.POST or None, instance=instance, initial=initial, context=context)
    if "source" in initial and initial["source"] not in form.versions:
        # The earlier round used the template, or a form that is no longer active.
        earlier_key = Survey.objects.get(pk=initial["previous"]).version.questionnaire.key
        if earlier_key == TEMPLATE_KEY:
            form.initial["source"] = TEMPLATE_CHOICE
        else:
            form.initial.pop("source")
    if request.method == "POST" and form.is_valid():
        survey = _save(request, form, context)
        if survey is not None:
            messages.success(
                request, _("The survey was saved as a draft. Check it, then publish it.")
            )
            return _to_detail(survey)
    return render(request, "surveys/form.html", {"org": context, "form": form, "survey": None})


def survey_edit(request: HttpRequest, org_slug: str, survey_id: int) -> HttpResponse:
    context, survey = access_survey(request.user, org_slug, survey_id, Action.MANAGE_SURVEYS)
    if survey.published_at is not None:
        messages.error(request, _("The survey is published and can no longer change."))
        return _to_detail(survey)
    form = SurveyForm(request.POST or None, instance=survey, context=context)
    if request.method == "POST" and form.is_valid():
        saved = _save(request, form, context)
        if saved is not None:
            messages.success(request, _("The survey was saved."))
            return _to_detail(saved)
    return render(request, "surveys/form.html", {"org": context, "form": form, "survey": survey})


def survey_publish(request: HttpRequest, org_slug: str, survey_id: int) -> HttpResponse:
    """GET asks; POST publishes (and invites, for an identified survey)."""
    context, survey = access_survey(request.user, org_slug, survey_id, Action.MANAGE_SURVEYS)
    if request.method == "POST":
        try:
            invited = services.survey_publish(survey=survey)
        except services.SurveyError as error:
            messages.error(request, str(error))
        else:
            if survey.anonymous:
                messages.success(request, _("The survey is published. Share the link or QR code."))
            else:
                messages.success(
                    request,
                    _("The survey is published. %(count)s people were invited.")
                    % {"count": invited},
                )
        return _to_detail(survey)
    return render(
        request,
        "surveys/publish.html",
        {
            "org": context,
            "survey": survey,
            "invite_count": 0 if survey.anonymous else selectors.target_users(survey).count(),
        },
    )


# --- Detail and live count --------------------------------------------------------------------


def survey_detail(request: HttpRequest, org_slug: str, survey_id: int) -> HttpResponse:
    context, survey = access_survey(request.user, org_slug, survey_id, Action.MANAGE_SURVEYS)
    stage = selectors.survey_stage(survey)
    return render(
        request,
        "surveys/detail.html",
        {
            "org": context,
            "survey": survey,
            "stage": stage,
            "live": stage == selectors.Stage.OPEN,
            "units": list(survey.units.all()),
            "rounds": list(selectors.rounds_of(survey)),
            "response_count": selectors.response_count(survey),
            "failed_answers": selectors.failed_answer_count(survey),
            "link": publishing.answer_url(survey),
            "codes": selectors.code_counts(survey) if survey.requires_code else None,
            "invitees": None if survey.anonymous else selectors.invitee_counts(survey),
            "results_url": _results_url(survey),
        },
    )


def survey_count(request: HttpRequest, org_slug: str, survey_id: int) -> HttpResponse:
    """The response count alone, for htmx to refresh on the detail page."""
    _context, survey = access_survey(request.user, org_slug, survey_id, Action.MANAGE_SURVEYS)
    response = render(
        request,
        "surveys/_count.html",
        {
            "survey": survey,
            "response_count": selectors.response_count(survey),
            # Stop polling once answers can no longer come in.
            "live": selectors.is_open(survey),
        },
    )
    response["Cache-Control"] = "no-store"
    return response


# --- QR codes and poster ----------------------------------------------------------------------


def survey_qr_png(request: HttpRequest, org_slug: str, survey_id: int) -> HttpResponse:
    _context, survey = access_survey(request.user, org_slug, survey_id, Action.MANAGE_SURVEYS)
    return _download(publishing.qr_png(survey), "image/png", f"survey-{survey.pk}-qr.png")


def survey_qr_svg(request: HttpRequest, org_slug: str, survey_id: int) -> HttpResponse:
    _context, survey = access_survey(request.user, org_slug, survey_id, Action.MANAGE_SURVEYS)
    return _download(publishing.qr_svg(survey), "image/svg+xml", f"survey-{survey.pk}-qr.svg")


def survey_poster(request: HttpRequest, org_slug: str, survey_id: int) -> HttpResponse:
    """The poster as a page to print from the browser."""
    context, survey = access_survey(request.user, org_slug, survey_id, Action.MANAGE_SURVEYS)
    return render(
        request, "surveys/poster.html", {"org": context, **publishing.poster_context(survey)}
    )


def survey_poster_pdf(request: HttpRequest, org_slug: str, survey_id: int) -> HttpResponse:
    _context, survey = access_survey(request.user, org_slug, survey_id, Action.MANAGE_SURVEYS)
    return _download(
        publishing.poster_pdf(survey),
        "application/pdf",
        f"survey-{survey.pk}-poster.pdf",
        inline=True,
    )


# --- One-time codes ---------------------------------------------------------------------------


def survey_codes(request: HttpRequest, org_slug: str, survey_id: int) -> HttpResponse:
    """How many codes are used and unused; POST makes more."""
    context, survey = access_survey(request.user, org_slug, survey_id, Action.MANAGE_SURVEYS)
    form = CodesForm(request.POST or None) if survey.requires_code else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            made = services.codes_generate(survey=survey, count=form.cleaned_data["count"])
        except services.SurveyError as error:
            form.add_error("count", str(error))
        else:
            messages.success(request, _("%(count)s new codes were made.") % {"count": len(made)})
            return redirect("surveys:codes", org_slug, survey.pk)
    return render(
        request,
        "surveys/codes.html",
        {
            "org": context,
            "survey": survey,
            "form": form,
            "counts": selectors.code_counts(survey),
        },
    )


def survey_codes_sheet(request: HttpRequest, org_slug: str, survey_id: int) -> HttpResponse:
    """The unused codes as slips to print and cut."""
    context, survey = access_survey(request.user, org_slug, survey_id, Action.MANAGE_SURVEYS)
    return render(
        request,
        "surveys/codes_sheet.html",
        {
            "org": context,
            "survey": survey,
            "link": publishing.answer_url(survey),
            "codes": list(selectors.unused_codes(survey)),
        },
    )


def survey_codes_sheet_pdf(request: HttpRequest, org_slug: str, survey_id: int) -> HttpResponse:
    _context, survey = access_survey(request.user, org_slug, survey_id, Action.MANAGE_SURVEYS)
    pdf = publishing.codes_pdf(survey, list(selectors.unused_codes(survey)))
    return _download(pdf, "application/pdf", f"survey-{survey.pk}-codes.pdf", inline=True)
