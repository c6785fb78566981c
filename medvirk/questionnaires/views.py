"""Questionnaire pages: the staff side (list, import, versions, preview, responses, exports)
and the member's side (answer the active form, see one's own receipt).

Every page works without JavaScript: the fill pages are ordinary forms that
post back to their own address (see ``filling.run_fill``); htmx only swaps
the form in place. Texts from a questionnaire are untrusted and always
autoescaped. Each read of an individual response — its page, an attached
file, an export — is written to the access log.
"""

from __future__ import annotations

import copy
import json
import logging
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.contrib import messages
from django.core import signing
from django.core.paginator import Paginator
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    JsonResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from pydantic import ValidationError as PydanticValidationError

from medvirk.accesslog.models import AccessAction
from medvirk.accesslog.services import log_access
from medvirk.core.viewutils import query_without_page as _query_without_page
from medvirk.organizations.access import OrgContext, get_owned_or_404, org_context
from medvirk.organizations.permissions import Action
from medvirk.questionnaires import export as exporting
from medvirk.questionnaires import importing, scoring, selectors, services
from medvirk.questionnaires.access import access_questionnaire, access_response
from medvirk.questionnaires.choices import ResponseStatus, VersionStatus
from medvirk.questionnaires.definition import (
    Definition,
    DefinitionError,
    Item,
    definition_for,
    value_of,
)
from medvirk.questionnaires.filling import run_fill
from medvirk.questionnaires.forms import ImportForm, ResponseFilterForm, VersionStatusForm
from medvirk.questionnaires.models import (
    AnswerFile,
    Questionnaire,
    QuestionnaireVersion,
    Response,
)
from medvirk.questionnaires.rendering import QuestionnaireForm

logger = logging.getLogger(__name__)

PAGE_SIZE = 25
CHOICE_TYPES = frozenset({"choice", "open-choice"})
PREVIEW_SALT = "medvirk.questionnaires.preview"
PREVIEW_STATE_FIELD = "submission_key"  # the one hidden field of the fill form
FHIR_JSON = "application/fhir+json"


# --- Reading answers back ------------------------------------------------------------------------


@dataclass
class ShownItem:
    """One item of a stored QuestionnaireResponse as a person reads it back."""

    link_id: str
    text: str
    is_group: bool
    answers: list[str] = field(default_factory=list)
    children: list[ShownItem] = field(default_factory=list)


def _format_date(value: str) -> str:
    try:
        return formats.date_format(date.fromisoformat(value), "SHORT_DATE_FORMAT")
    except ValueError:
        return value


def _format_datetime(value: str) -> str:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return formats.date_format(moment, "SHORT_DATETIME_FORMAT")


def _option_label(item: Item | None, coding: dict[str, Any]) -> str:
    """The label the form showed for a coded answer, else what the answer itself says."""
    code, system = str(coding.get("code") or ""), str(coding.get("system") or "")
    if item is not None:
        for option in item.options:
            if option.code == code and (option.system == system or not system):
                return option.label
    return str(coding.get("display") or code)


def answer_text(item: Item | None, answer: dict[str, Any]) -> str:
    """One answer value as text (never HTML: the template escapes it)."""
    found = value_of(answer, "value")
    if found is None:
        return ""
    value_type, value = found
    if value_type == "Boolean":
        return _("Yes") if value else _("No")
    if value_type == "Coding" and isinstance(value, dict):
        return _option_label(item, value)
    if value_type == "Date":
        return _format_date(str(value))
    if value_type == "DateTime":
        return _format_datetime(str(value))
    if value_type == "Quantity" and isinstance(value, dict):
        unit = value.get("unit") or value.get("code") or ""
        return f"{value.get('value', '')} {unit}".strip()
    if value_type == "Attachment" and isinstance(value, dict):
        return str(value.get("title") or _("Attached file"))
    if value_type == "Reference" and isinstance(value, dict):
        return str(value.get("display") or value.get("reference") or "")
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def shown_items(definition: Definition, items: list[dict[str, Any]]) -> list[ShownItem]:
    """The answers of a QuestionnaireResponse with the questions' texts, in the stored order.

    Texts come from the definition (the version the response points at), so a
    changed wording in a later version never changes what was asked.
    """
    shown: list[ShownItem] = []
    for entry in items or []:
        if not isinstance(entry, dict):
            continue
        link_id = str(entry.get("linkId") or "")
        item = definition.by_link_id.get(link_id)
        text = item.label if item is not None else str(entry.get("text") or link_id)
        row = ShownItem(link_id=link_id, text=text, is_group=item is not None and item.is_group)
        for answer in entry.get("answer") or []:
            if not isinstance(answer, dict):
                continue
            shown_text = answer_text(item, answer)
            if shown_text:
                row.answers.append(shown_text)
            row.children.extend(shown_items(definition, answer.get("item") or []))
        row.children.extend(shown_items(definition, entry.get("item") or []))
        if row.answers or row.children:
            shown.append(row)
    return shown


def score_summary(scores: dict[str, Any] | None) -> dict[str, Any] | None:
    """The total and band of stored or computed scores, in the reader's language."""
    if not scores or scores.get("total") is None:
        return None
    band = scores.get("band") or {}
    return {
        "total": scores.get("total"),
        "band": scoring.localized(band.get("labels"), str(band.get("label") or "")) if band else "",
        "severity": band.get("severity", "") if band else "",
        "above_cutoff": scores.get("above_cutoff"),
        "risks": scores.get("risks") or [],
        "groups": scores.get("groups") or {},
    }


# --- List ---------------------------------------------------------------------------------------


def _managed_questionnaires(context: OrgContext) -> QuerySet[Questionnaire]:
    """Every questionnaire of the organisation with its status and counts, in one query."""
    versions = QuestionnaireVersion.objects.filter(questionnaire=OuterRef("pk"))
    latest = versions.order_by("-number")
    completed = (
        Response.objects.filter(
            version__questionnaire=OuterRef("pk"), status=ResponseStatus.COMPLETED
        )
        .order_by()
        .values("version__questionnaire")
        .annotate(count=Count("*"))
        .values("count")
    )
    return Questionnaire.objects.filter(organization=context.organization).annotate(
        active_number=Subquery(versions.filter(status=VersionStatus.ACTIVE).values("number")[:1]),
        latest_number=Subquery(latest.values("number")[:1]),
        latest_status=Subquery(latest.values("status")[:1]),
        response_count=Coalesce(Subquery(completed), Value(0), output_field=IntegerField()),
    )


def _answerable_questionnaires(context: OrgContext) -> QuerySet[Questionnaire]:
    """The forms a member can answer now, with their own draft and latest receipt."""
    own = Response.objects.filter(
        version__questionnaire=OuterRef("pk"), respondent=context.user
    ).order_by("-submitted_at", "-pk")
    return Questionnaire.objects.filter(
        organization=context.organization, versions__status=VersionStatus.ACTIVE
    ).annotate(
        draft_id=Subquery(
            own.filter(
                status=ResponseStatus.IN_PROGRESS, version__status=VersionStatus.ACTIVE
            ).values("pk")[:1]
        ),
        receipt_id=Subquery(own.filter(status=ResponseStatus.COMPLETED).values("pk")[:1]),
        receipt_at=Subquery(own.filter(status=ResponseStatus.COMPLETED).values("submitted_at")[:1]),
    )


def questionnaire_list(request: HttpRequest, org_slug: str) -> HttpResponse:
    """Staff see every form with its status; every member sees the forms they can answer."""
    context = org_context(request.user, org_slug, Action.ANSWER_QUESTIONNAIRES)
    page = None
    if context.can(Action.VIEW_QUESTIONNAIRES):
        page = Paginator(_managed_questionnaires(context), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
    return render(
        request,
        "questionnaires/list.html",
        {
            "org": context,
            "page": page,
            "answerable": list(_answerable_questionnaires(context)),
            "query": _query_without_page(request),
        },
    )


# --- Import -------------------------------------------------------------------------------------


def _import_messages(request: HttpRequest, imported: list[importing.ImportedForm]) -> None:
    for form in imported:
        title, number = form.questionnaire.title, form.version.number
        if form.unchanged:
            messages.info(
                request,
                _("“%(title)s” is identical to version %(number)s: nothing new was stored.")
                % {"title": title, "number": number},
            )
        else:
            messages.success(
                request,
                _("“%(title)s” was imported as version %(number)s.")
                % {"title": title, "number": number},
            )
        if form.warnings:
            messages.warning(
                request,
                _(
                    "%(count)s small defects in “%(title)s” were repaired; "
                    "they are listed under the version."
                )
                % {"count": len(form.warnings), "title": title},
            )


def import_questionnaire(request: HttpRequest, org_slug: str) -> HttpResponse:
    """Upload a FHIR Questionnaire (or Bundle); all or nothing, errors naming where."""
    context = org_context(request.user, org_slug, Action.MANAGE_QUESTIONNAIRES)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            imported = importing.import_resources(
                context.organization,
                form.cleaned_data["file"],
                user=context.user,
                activate=form.cleaned_data["activate"],
            )
        except importing.ImportRefused as refused:
            for error in refused.errors:
                form.add_error("file", error)
        else:
            _import_messages(request, imported)
            if len(imported) == 1:
                return redirect("questionnaires:detail", org_slug, imported[0].questionnaire.pk)
            return redirect("questionnaires:list", org_slug)
    return render(request, "questionnaires/import.html", {"org": context, "form": form})


# --- Detail and versions --------------------------------------------------------------------------


def _active_version(questionnaire: Questionnaire) -> QuestionnaireVersion | None:
    return questionnaire.versions.filter(status=VersionStatus.ACTIVE).first()


def _item_summaries(version: QuestionnaireVersion, definition: Definition) -> list[dict[str, Any]]:
    """How the active version's choice questions were answered (one query per question)."""
    summaries = []
    for item in definition.walk():
        if item.type not in CHOICE_TYPES or not item.options:
            continue
        rows = selectors.item_distribution(
            item.link_id, versions=[version.pk], definition=definition
        )
        summaries.append({"item": item, "rows": rows, "total": sum(r["count"] for r in rows)})
    return summaries


def questionnaire_detail(
    request: HttpRequest, org_slug: str, questionnaire_id: int
) -> HttpResponse:
    """A form's versions, status changes, downloads and a summary of its answers."""
    context, questionnaire = access_questionnaire(request.user, org_slug, questionnaire_id)
    versions = list(
        questionnaire.versions.select_related("imported_by")
        .defer("original")
        .annotate(
            response_count=Count("responses", filter=Q(responses__status=ResponseStatus.COMPLETED))
        )
        .order_by("-number")
    )
    active = next((v for v in versions if v.status == VersionStatus.ACTIVE), None)
    total = sum(v.response_count for v in versions)
    summaries: list[dict[str, Any]] = []
    suppressed = False
    definition_error = ""
    if active is not None and context.can(Action.VIEW_QUESTIONNAIRES):
        active_count = active.response_count
        if active_count < context.organization.minimum_group_size:
            suppressed = active_count > 0
        else:
            try:
                summaries = _item_summaries(active, definition_for(active))
            except DefinitionError as error:
                definition_error = str(error)
    return render(
        request,
        "questionnaires/detail.html",
        {
            "org": context,
            "questionnaire": questionnaire,
            "versions": versions,
            "active": active,
            "response_total": total,
            "summaries": summaries,
            "suppressed": suppressed,
            "definition_error": definition_error,
            "minimum_group_size": context.organization.minimum_group_size,
        },
    )


def _version(questionnaire: Questionnaire, number: int) -> QuestionnaireVersion:
    version = questionnaire.versions.filter(number=number).first()
    if version is None:
        raise Http404
    return version


def version_status(
    request: HttpRequest, org_slug: str, questionnaire_id: int, number: int
) -> HttpResponse:
    """Activate, retire or return a version to draft; GET asks, POST does it."""
    context, questionnaire = access_questionnaire(
        request.user, org_slug, questionnaire_id, Action.MANAGE_QUESTIONNAIRES
    )
    version = _version(questionnaire, number)
    form = VersionStatusForm(request.POST or None, version=version, initial=request.GET)
    if request.method == "POST" and form.is_valid():
        status = form.cleaned_data["status"]
        importing.set_status(version, status)
        label = VersionStatus(status).label
        messages.success(
            request,
            _("Version %(number)s is now: %(status)s.") % {"number": number, "status": label},
        )
        return redirect("questionnaires:detail", org_slug, questionnaire.pk)
    active = _active_version(questionnaire)
    return render(
        request,
        "questionnaires/version_status.html",
        {
            "org": context,
            "questionnaire": questionnaire,
            "version": version,
            "active": active,
            "form": form,
        },
    )


def version_resource(
    request: HttpRequest, org_slug: str, questionnaire_id: int, number: int
) -> HttpResponse:
    """The version's FHIR resource as stored, unknown extensions intact."""
    _context, questionnaire = access_questionnaire(request.user, org_slug, questionnaire_id)
    version = _version(questionnaire, number)
    response = JsonResponse(
        version.resource,
        content_type=FHIR_JSON,
        json_dumps_params={"ensure_ascii": False, "indent": 2},
    )
    name = questionnaire.fhir_id or questionnaire.name or f"questionnaire-{questionnaire.pk}"
    safe = "".join(c if c.isalnum() or c in "-_." else "-" for c in name)[:80]
    response["Content-Disposition"] = f'attachment; filename="{safe}-v{number}.json"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- Filling: shared ------------------------------------------------------------------------------


def _is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def _fill_template(request: HttpRequest, page_template: str) -> str:
    """htmx swaps only the form; everyone else gets the whole page."""
    return "questionnaires/fill/_form.html" if _is_htmx(request) else page_template


def _definition_or_404(version: QuestionnaireVersion) -> Definition:
    try:
        return definition_for(version)
    except DefinitionError as error:
        raise Http404 from error


# --- Preview --------------------------------------------------------------------------------------


def _preview_version(questionnaire: Questionnaire, number: str | None) -> QuestionnaireVersion:
    """The version asked for, else the active one, else the newest."""
    if number:
        try:
            return _version(questionnaire, int(number))
        except ValueError as error:
            raise Http404 from error
    versions = questionnaire.versions.order_by("-number")
    version = versions.filter(status=VersionStatus.ACTIVE).first() or versions.first()
    if version is None:
        raise Http404
    return version


def _preview_state(request: HttpRequest, version: QuestionnaireVersion) -> tuple[list[Any], int]:
    """The answers so far and the page, from the signed state the form carried.

    A preview stores nothing, so the answers of the other pages travel with the
    form. They are signed: a tampered state is ignored and the preview starts over.
    """
    raw = request.POST.get(PREVIEW_STATE_FIELD, "")
    try:
        state = signing.loads(raw, salt=PREVIEW_SALT) if raw else None
    except signing.BadSignature:
        state = None
    if not isinstance(state, dict) or state.get("version") != version.pk:
        return [], 0
    items, page = state.get("items"), state.get("page")
    return (items if isinstance(items, list) else []), (page if isinstance(page, int) else 0)


def _sign_preview_state(version: QuestionnaireVersion, items: list[Any], page: int) -> str:
    return signing.dumps({"version": version.pk, "items": items, "page": page}, salt=PREVIEW_SALT)


def _preview_resource(version: QuestionnaireVersion, filled: list[Any]) -> dict[str, Any]:
    """The QuestionnaireResponse a submit would store, for nobody and without an id."""
    unsaved = Response(version=version, organization_id=version.questionnaire.organization_id)
    resource = services.build_resource(unsaved, filled, status=ResponseStatus.COMPLETED)
    resource.pop("id", None)
    return resource


def calculated_rows(definition: Definition, scores: dict[str, Any] | None) -> list[tuple[str, Any]]:
    """Values the form computes (helsenorge sums, FHIRPath), labelled with their questions."""
    rows = []
    for link_id, value in ((scores or {}).get("calculated") or {}).items():
        item = definition.by_link_id.get(link_id)
        rows.append((item.label if item is not None and item.label else link_id, value))
    return rows


def preview(request: HttpRequest, org_slug: str, questionnaire_id: int) -> HttpResponse:
    """Staff try a version as a respondent would, page by page; nothing is stored."""
    context, questionnaire = access_questionnaire(request.user, org_slug, questionnaire_id)
    version = _preview_version(questionnaire, request.GET.get("version"))
    definition = _definition_or_404(version)
    items, page = _preview_state(request, version) if request.method == "POST" else ([], 0)
    step = run_fill(request, definition=definition, items=items, page=page, can_save_draft=False)
    shared = {"org": context, "questionnaire": questionnaire, "version": version}
    action_url = f"{request.path}?{urlencode({'version': version.number})}"
    if step.complete:
        filled = scoring.fill_calculated(definition, copy.deepcopy(step.items), version.resource)
        scores = scoring.score(definition, filled, version.rules, version.resource).as_json()
        resource = _preview_resource(version, filled)
        return render(
            request,
            "questionnaires/preview_done.html",
            {
                **shared,
                "scores": score_summary(scores),
                "calculated": calculated_rows(definition, scores),
                "shown": shown_items(definition, resource.get("item") or []),
                "resource_json": json.dumps(resource, ensure_ascii=False, indent=2),
                "action_url": action_url,
            },
        )
    form = step.form
    if step.redirect:
        # Moving to another page: show it fresh, as a redirect would.
        form = QuestionnaireForm(definition, items=step.items, page=step.page)
    return render(
        request,
        _fill_template(request, "questionnaires/preview.html"),
        {
            **shared,
            "form": form,
            "action_url": action_url,
            # The fill form's one hidden field carries the signed state here: a
            # preview has no response for a submission key to find.
            "submission_key": _sign_preview_state(version, step.items, form.page),
            "can_save_draft": False,
            "submit_label": _("Check the answers"),
        },
    )


# --- Answer (members) -----------------------------------------------------------------------------


def _receipt(org_slug: str, response: Response) -> HttpResponse:
    return redirect(
        "questionnaires:my_response", org_slug, response.version.questionnaire_id, response.pk
    )


def _posted_key(request: HttpRequest) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(request.POST.get("submission_key") or ""))
    except ValueError:
        return None


def _own_response(
    context: OrgContext, version: QuestionnaireVersion, key: uuid.UUID | None
) -> Response | None:
    """The response the posted form belongs to, if it is this person's, to this form."""
    found = services.response_for_submission_key(key) if key else None
    if (
        found is None
        or found.organization_id != context.organization.pk
        or found.respondent_id != context.user.pk
        or found.version.questionnaire_id != version.questionnaire_id
    ):
        return None
    return found


def _new_response(
    context: OrgContext, version: QuestionnaireVersion, key: uuid.UUID | None
) -> Response:
    """A response made only now that there is something to keep, carrying the form's key."""
    return services.start_response(
        version, organization=context.organization, respondent=context.user, submission_key=key
    )


def _draft_message(request: HttpRequest, response: Response) -> None:
    when = formats.date_format(timezone.localtime(response.updated_at), "SHORT_DATETIME_FORMAT")
    messages.info(
        request,
        _("We kept your draft from %(when)s. You can go on where you left off.") % {"when": when},
    )


def answer(request: HttpRequest, org_slug: str, questionnaire_id: int) -> HttpResponse:
    """A member answers the active version: resume a draft, save, page through, submit."""
    if request.method not in {"GET", "HEAD", "POST"}:
        return HttpResponseNotAllowed(["GET", "POST"])
    context, questionnaire = access_questionnaire(
        request.user, org_slug, questionnaire_id, Action.ANSWER_QUESTIONNAIRES
    )
    version = _active_version(questionnaire)
    if version is None:
        raise Http404
    definition = _definition_or_404(version)
    posted = request.method == "POST"
    key = _posted_key(request) if posted else None

    response = _own_response(context, version, key) if posted else None
    if response is not None and response.is_locked:
        return _receipt(org_slug, response)  # a second press of "Submit"
    if response is not None and response.version_id != version.pk:
        response = None  # a draft of a version since retired: go on with the active one
    if response is None:
        response = services.draft_for(version, context.user)
        if response is not None and not posted and "continue" not in request.GET:
            _draft_message(request, response)

    items = list((response.resource.get("item") if response else None) or [])
    page = response.current_page if response else 0
    step = run_fill(request, definition=definition, items=items, page=page, can_save_draft=True)

    if posted and (response is not None or step.action not in {"show", "refresh"}):
        if response is None:
            response = _new_response(context, version, key)
        files = step.form.pending_files
        try:
            if step.complete:
                try:
                    done = services.submit(response, step.items, files=files)
                except PydanticValidationError:
                    # The engine built a response FHIR rejects: a bug in the form or
                    # in Medvirk. Keep the answers as a draft and say so.
                    logger.exception("Submitted answers failed FHIR validation")
                    services.save_draft(response, step.items, page=step.page, files=files)
                    messages.error(
                        request,
                        _(
                            "Your answers could not be submitted because of an error in "
                            "the form. They are kept as a draft; please tell the service."
                        ),
                    )
                    return redirect(
                        reverse("questionnaires:answer", args=[org_slug, questionnaire.pk])
                    )
                messages.success(request, _("Thank you! Your answers were submitted."))
                return _receipt(org_slug, done)
            services.save_draft(response, step.items, page=step.page, files=files)
        except services.ResponseLocked:
            return _receipt(org_slug, response)
        if step.action == "save" and step.redirect:
            messages.success(request, _("Your draft was saved. You can come back to it later."))
        if step.redirect and not _is_htmx(request):
            address = reverse("questionnaires:answer", args=[org_slug, questionnaire.pk])
            return redirect(f"{address}?continue=1")

    if response is not None:
        key = response.submission_key
    return render(
        request,
        _fill_template(request, "questionnaires/answer.html"),
        {
            "org": context,
            "questionnaire": questionnaire,
            "version": version,
            "form": step.form,
            "action_url": reverse("questionnaires:answer", args=[org_slug, questionnaire.pk]),
            "submission_key": str(key or uuid.uuid4()),
            "can_save_draft": True,
            "submit_label": _("Submit"),
            "resumed": response is not None,
        },
    )


def my_response(
    request: HttpRequest, org_slug: str, questionnaire_id: int, response_id: int
) -> HttpResponse:
    """The respondent's own submitted answers; nobody else's, not even staff's."""
    context, questionnaire = access_questionnaire(
        request.user, org_slug, questionnaire_id, Action.ANSWER_QUESTIONNAIRES
    )
    response = get_owned_or_404(
        Response.objects.select_related("version"),
        context,
        pk=response_id,
        version__questionnaire=questionnaire,
        respondent=context.user,
        status=ResponseStatus.COMPLETED,
    )
    definition = _definition_or_404(response.version)
    return render(
        request,
        "questionnaires/my_response.html",
        {
            "org": context,
            "questionnaire": questionnaire,
            "response": response,
            "shown": shown_items(definition, response.resource.get("item") or []),
            "can_answer_again": _active_version(questionnaire) is not None,
        },
    )


# --- Responses (coordinators) ---------------------------------------------------------------------


def response_list(request: HttpRequest, org_slug: str, questionnaire_id: int) -> HttpResponse:
    """Submitted responses, newest first, without names (those are on each response's page)."""
    context, questionnaire = access_questionnaire(
        request.user, org_slug, questionnaire_id, Action.VIEW_RESPONSES
    )
    numbers = list(questionnaire.versions.order_by("-number").values_list("number", flat=True))
    form = ResponseFilterForm(request.GET or None, numbers=numbers)
    responses = selectors.questionnaire_responses(questionnaire).defer("resource")
    if form.is_valid():
        if form.cleaned_data["version"] is not None:
            responses = responses.filter(version__number=form.cleaned_data["version"])
        if form.cleaned_data["mode"]:
            responses = responses.filter(mode=form.cleaned_data["mode"])
    page = Paginator(responses, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {"response": response, "scores": score_summary(response.scores)}
        for response in page.object_list
    ]
    return render(
        request,
        "questionnaires/responses.html",
        {
            "org": context,
            "questionnaire": questionnaire,
            "form": form,
            "page": page,
            "rows": rows,
            "query": _query_without_page(request),
        },
    )


def response_detail(
    request: HttpRequest, org_slug: str, questionnaire_id: int, response_id: int
) -> HttpResponse:
    """One submitted response with its scores and who gave it; every view is logged."""
    context, questionnaire, response = access_response(
        request.user, org_slug, questionnaire_id, response_id
    )
    if not response.is_locked:
        raise Http404  # drafts are the respondent's own
    person = response.subject or response.respondent
    log_access(
        actor=context.user,
        action=AccessAction.VIEW,
        organization=context.organization,
        obj=response,
        subject=person,
    )
    definition = _definition_or_404(response.version)
    return render(
        request,
        "questionnaires/response_detail.html",
        {
            "org": context,
            "questionnaire": questionnaire,
            "response": response,
            "person": person,
            "scores": score_summary(response.scores),
            "calculated": calculated_rows(definition, response.scores),
            "shown": shown_items(definition, response.resource.get("item") or []),
            "files": list(response.files.all()),
        },
    )


def response_file(
    request: HttpRequest,
    org_slug: str,
    questionnaire_id: int,
    response_id: int,
    file_key: uuid.UUID,
) -> FileResponse:
    """An attached file, as a download that never renders in the browser; logged."""
    context, _questionnaire, response = access_response(
        request.user, org_slug, questionnaire_id, response_id
    )
    stored = AnswerFile.objects.filter(response=response, key=file_key).first()
    if stored is None or not response.is_locked:
        raise Http404
    log_access(
        actor=context.user,
        action=AccessAction.VIEW,
        organization=context.organization,
        obj=stored,
        subject=response.subject or response.respondent,
        object_label=_("Attachment “%(name)s” of response %(id)s")
        % {"name": stored.filename, "id": response.pk},
    )
    try:
        handle = stored.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    served = FileResponse(
        handle,
        as_attachment=True,
        filename=stored.filename,
        content_type=stored.content_type or "application/octet-stream",
    )
    served["X-Content-Type-Options"] = "nosniff"
    return served


def export(request: HttpRequest, org_slug: str, questionnaire_id: int, fmt: str) -> HttpResponse:
    """All submitted responses as a FHIR Bundle, CSV or XLSX; the download is logged."""
    if fmt not in exporting.FORMATS:
        raise Http404
    context, questionnaire = access_questionnaire(
        request.user, org_slug, questionnaire_id, Action.VIEW_RESPONSES
    )
    responses = exporting.completed_responses(questionnaire).filter(
        organization=context.organization
    )
    exporting.log_export(actor=context.user, source=questionnaire, fmt=fmt)
    stem = f"responses-{questionnaire.pk}-{timezone.localdate():%Y-%m-%d}"
    result: HttpResponse
    if fmt == "fhir":
        result = JsonResponse(
            exporting.responses_bundle(responses),
            content_type=FHIR_JSON,
            json_dumps_params={"ensure_ascii": False},
        )
        filename = f"{stem}.json"
    elif fmt == "csv":
        result = HttpResponse(
            exporting.responses_csv(questionnaire, responses),
            content_type="text/csv; charset=utf-8",
        )
        filename = f"{stem}.csv"
    else:
        result = HttpResponse(
            exporting.responses_xlsx(questionnaire, responses),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        filename = f"{stem}.xlsx"
    result["Content-Disposition"] = f'attachment; filename="{filename}"'
    result["X-Content-Type-Options"] = "nosniff"
    return result
