"""Consultation pages under /o/<org_slug>/consultations/: the list, the consultation, its
responses, documents and the decision record.

Every page works without JavaScript. Coordinators (MANAGE_CONSULTATIONS) create,
publish and close the loop; the audience reads and answers while it is open.
Form responses run the questionnaire engine (``filling.run_fill``) the way the
questionnaire answer page does, but without redirects between pages: a form
being changed after it was submitted is a new draft found only through the
key the page carries.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
)
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from pydantic import ValidationError as PydanticValidationError

from medvirk.accesslog.models import AccessAction
from medvirk.accesslog.services import log_access
from medvirk.consultations import selectors, services
from medvirk.consultations.access import access_consultation, access_document
from medvirk.consultations.choices import ResponseMode, Stage
from medvirk.consultations.forms import (
    BehalfForm,
    ConsultationForm,
    DecisionForm,
    DocumentForm,
    ListFilterForm,
    ResponseForm,
)
from medvirk.consultations.models import Consultation, ConsultationDocument, ConsultationResponse
from medvirk.core.viewutils import query_without_page as _query_without_page
from medvirk.organizations.access import OrgContext, org_context
from medvirk.organizations.permissions import Action
from medvirk.questionnaires import services as questionnaire_services
from medvirk.questionnaires.definition import Definition, DefinitionError, definition_for
from medvirk.questionnaires.filling import run_fill
from medvirk.questionnaires.models import Response
from medvirk.questionnaires.rendering import QuestionnaireForm
from medvirk.questionnaires.views import shown_items

logger = logging.getLogger(__name__)

PAGE_SIZE = 25


def _to_detail(consultation: Consultation) -> HttpResponse:
    return redirect("consultations:detail", consultation.organization.slug, consultation.pk)


def _is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


# --- List ---------------------------------------------------------------------------------------


def consultation_list(request: HttpRequest, org_slug: str) -> HttpResponse:
    """The consultations a person may see, newest close date first, filterable by stage."""
    context = org_context(request.user, org_slug, Action.VIEW_CONSULTATIONS)
    form = ListFilterForm(request.GET or None)
    stage = form.cleaned_data["stage"] if form.is_valid() else ""
    page = Paginator(selectors.list_rows(context, stage), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    today = timezone.localdate()
    rows = [{"consultation": c, "stage": c.stage(today)} for c in page.object_list]
    return render(
        request,
        "consultations/list.html",
        {
            "org": context,
            "form": form,
            "page": page,
            "rows": rows,
            "filtered": bool(stage),
            "query": _query_without_page(request),
        },
    )


# --- Create and edit ------------------------------------------------------------------------


def _save_form(request: HttpRequest, form: ConsultationForm) -> Consultation:
    consultation = form.save_instance()
    return services.consultation_save(
        consultation=consultation,
        audience_councils=form.cleaned_data.get("audience_councils") or [],
        audience_user_organizations=form.cleaned_data.get("audience_user_organizations") or [],
    )


def consultation_create(request: HttpRequest, org_slug: str) -> HttpResponse:
    context = org_context(request.user, org_slug, Action.MANAGE_CONSULTATIONS)
    instance = Consultation(organization=context.organization, coordinator=context.user)
    form = ConsultationForm(request.POST or None, instance=instance, context=context)
    if request.method == "POST" and form.is_valid():
        consultation = _save_form(request, form)
        messages.success(
            request,
            _("The consultation was saved as a draft. Add documents, then publish it."),
        )
        return _to_detail(consultation)
    return render(
        request, "consultations/form.html", {"org": context, "form": form, "consultation": None}
    )


def consultation_edit(request: HttpRequest, org_slug: str, consultation_id: int) -> HttpResponse:
    context, consultation = access_consultation(
        request.user, org_slug, consultation_id, Action.MANAGE_CONSULTATIONS
    )
    if consultation.decision_published_at is not None:
        messages.error(request, _("The decision is published; the consultation cannot change."))
        return _to_detail(consultation)
    form = ConsultationForm(request.POST or None, instance=consultation, context=context)
    if request.method == "POST" and form.is_valid():
        _save_form(request, form)
        messages.success(request, _("The consultation was saved."))
        return _to_detail(consultation)
    return render(
        request,
        "consultations/form.html",
        {"org": context, "form": form, "consultation": consultation},
    )


def consultation_publish(request: HttpRequest, org_slug: str, consultation_id: int) -> HttpResponse:
    """GET asks; POST makes the consultation visible to its audience and tells them."""
    context, consultation = access_consultation(
        request.user, org_slug, consultation_id, Action.MANAGE_CONSULTATIONS
    )
    if request.method == "POST":
        try:
            told = services.consultation_publish(consultation=consultation)
        except services.ConsultationError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("The consultation is published. %(count)s people were told.") % {"count": told},
            )
        return _to_detail(consultation)
    return render(
        request,
        "consultations/publish.html",
        {
            "org": context,
            "consultation": consultation,
            "audience_count": selectors.audience_users(consultation).count(),
            "has_audience": services.has_audience(consultation),
        },
    )


# --- Detail ---------------------------------------------------------------------------------


def answers_definition(consultation: Consultation) -> Definition | None:
    version = consultation.questionnaire_version
    if consultation.response_mode != ResponseMode.QUESTIONNAIRE or version is None:
        return None
    try:
        return definition_for(version)
    except DefinitionError:
        logger.exception("The form of consultation %s cannot be shown", consultation.pk)
        return None


def answers_shown(definition: Definition | None, response: ConsultationResponse) -> list[Any]:
    answers = response.questionnaire_response
    if definition is None or answers is None:
        return []
    return shown_items(definition, answers.resource.get("item") or [])


def consultation_detail(request: HttpRequest, org_slug: str, consultation_id: int) -> HttpResponse:
    context, consultation = access_consultation(request.user, org_slug, consultation_id)
    today = timezone.localdate()
    stage = consultation.stage(today)
    in_audience = selectors.is_in_audience(context.user, consultation)
    own = selectors.own_response(consultation, context.user)
    definition = answers_definition(consultation)
    own_given = own is not None and (
        own.questionnaire_response is None or own.questionnaire_response.is_locked
    )
    represented = selectors.represented_organizations(context.user)
    behalf_form = None
    if (
        own_given
        and own is not None
        and own.questionnaire_response is not None
        and stage == Stage.OPEN
        and represented.exists()
    ):
        behalf_form = BehalfForm(
            represented=represented, initial={"on_behalf_of": own.on_behalf_of_id}
        )
    return render(
        request,
        "consultations/detail.html",
        {
            "org": context,
            "consultation": consultation,
            "stage": stage,
            "can_manage": context.can(Action.MANAGE_CONSULTATIONS),
            "in_audience": in_audience,
            "can_respond": in_audience and stage == Stage.OPEN,
            "own": own if own_given else None,
            "own_draft": own is not None and not own_given,
            "own_shown": answers_shown(definition, own) if own_given and own else [],
            "behalf_form": behalf_form,
            "may_read_responses": selectors.may_read_responses(
                context, consultation, in_audience=in_audience
            ),
            "response_count": selectors.given_responses_of(consultation).count(),
            "documents": list(consultation.documents.all()),
            "councils": list(consultation.audience_councils.all()),
            "user_organizations": list(consultation.audience_user_organizations.all()),
            "meetings": list(consultation.meetings.select_related("council")),
        },
    )


# --- Documents ------------------------------------------------------------------------------


def document_list(request: HttpRequest, org_slug: str, consultation_id: int) -> HttpResponse:
    """The consultation's documents, and a form to add one."""
    context, consultation = access_consultation(
        request.user, org_slug, consultation_id, Action.MANAGE_CONSULTATIONS
    )
    form = DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        services.document_add(
            consultation=consultation,
            title=form.cleaned_data["title"],
            upload=form.cleaned_data["file"],
            content_type=form.content_type,
        )
        messages.success(request, _("The document was added."))
        return redirect("consultations:documents", org_slug, consultation.pk)
    return render(
        request,
        "consultations/documents.html",
        {
            "org": context,
            "consultation": consultation,
            "form": form,
            "documents": list(consultation.documents.all()),
        },
    )


def serve_document(document: ConsultationDocument) -> FileResponse:
    """The file as a download that never renders in the browser."""
    try:
        handle = document.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    served = FileResponse(
        handle,
        as_attachment=True,
        filename=document.filename,
        content_type=document.content_type or "application/octet-stream",
    )
    served["X-Content-Type-Options"] = "nosniff"
    return served


def document_download(
    request: HttpRequest, org_slug: str, consultation_id: int, document_id: int
) -> FileResponse:
    _context, _consultation, document = access_document(
        request.user, org_slug, consultation_id, document_id
    )
    return serve_document(document)


def document_delete(
    request: HttpRequest, org_slug: str, consultation_id: int, document_id: int
) -> HttpResponse:
    """GET asks; POST removes the document."""
    context, consultation = access_consultation(
        request.user, org_slug, consultation_id, Action.MANAGE_CONSULTATIONS
    )
    document = consultation.documents.filter(pk=document_id).first()
    if document is None:
        raise Http404
    if request.method == "POST":
        services.document_delete(document=document)
        messages.success(request, _("The document was removed."))
        return redirect("consultations:documents", org_slug, consultation.pk)
    return render(
        request,
        "consultations/document_delete.html",
        {"org": context, "consultation": consultation, "document": document},
    )


# --- Responding -----------------------------------------------------------------------------


def respond(request: HttpRequest, org_slug: str, consultation_id: int) -> HttpResponse:
    """The person's one response: written, or changed, while the consultation is open."""
    if request.method not in {"GET", "HEAD", "POST"}:
        return HttpResponseNotAllowed(["GET", "POST"])
    context, consultation = access_consultation(request.user, org_slug, consultation_id)
    if not selectors.is_in_audience(context.user, consultation):
        raise Http404
    if consultation.stage() != Stage.OPEN:
        messages.error(request, _("The consultation is not open for input."))
        return _to_detail(consultation)
    if request.method == "POST" and "_behalf" in request.POST:
        return _behalf_post(request, context, consultation)
    if consultation.response_mode == ResponseMode.QUESTIONNAIRE:
        return _respond_with_form(request, context, consultation)
    return _respond_with_text(request, context, consultation)


def _respond_with_text(
    request: HttpRequest, context: OrgContext, consultation: Consultation
) -> HttpResponse:
    own = selectors.own_response(consultation, context.user)
    represented = selectors.represented_organizations(context.user)
    initial = {"text": own.text, "on_behalf_of": own.on_behalf_of_id} if own else {}
    form = ResponseForm(request.POST or None, represented=represented, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.response_save(
                consultation=consultation,
                respondent=context.user,
                text=form.cleaned_data["text"],
                on_behalf_of=form.cleaned_data.get("on_behalf_of"),
            )
        except services.ConsultationError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _(
                    "Thank you! Your input was saved. You can change it until the consultation "
                    "closes."
                ),
            )
        return _to_detail(consultation)
    return render(
        request,
        "consultations/respond.html",
        {"org": context, "consultation": consultation, "form": form, "own": own},
    )


def _behalf_post(
    request: HttpRequest, context: OrgContext, consultation: Consultation
) -> HttpResponse:
    """Change whom a submitted form response speaks for."""
    own = selectors.own_response(consultation, context.user)
    form = BehalfForm(request.POST, represented=selectors.represented_organizations(context.user))
    if own is None or own.questionnaire_response is None or not form.is_valid():
        messages.error(request, _("Choose one of the organisations you represent."))
        return _to_detail(consultation)
    try:
        services.form_response_link(
            consultation=consultation,
            respondent=context.user,
            questionnaire_response=own.questionnaire_response,
            on_behalf_of=form.cleaned_data["on_behalf_of"],
        )
    except services.ConsultationError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Your response was saved."))
    return _to_detail(consultation)


def _posted_draft(
    request: HttpRequest, context: OrgContext, consultation: Consultation
) -> Response | None:
    """The person's unfinished answers the posted page belongs to, if any."""
    found = questionnaire_services.response_for_submission_key(request.POST.get("submission_key"))
    if (
        found is None
        or found.respondent_id != context.user.pk
        or found.version_id != consultation.questionnaire_version_id
        or found.is_locked
    ):
        return None
    return found


def _posted_key(request: HttpRequest) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(request.POST.get("submission_key") or ""))
    except ValueError:
        return None


def _respond_with_form(
    request: HttpRequest, context: OrgContext, consultation: Consultation
) -> HttpResponse:
    version = consultation.questionnaire_version
    definition = answers_definition(consultation)
    if version is None or definition is None:
        raise Http404
    posted = request.method == "POST"
    own = selectors.own_response(consultation, context.user)
    current = own.questionnaire_response if own else None
    draft = _posted_draft(request, context, consultation) if posted else None
    if draft is None and current is not None and not current.is_locked:
        draft = current  # the first answers, saved as a draft earlier
    source = draft or current
    items = list((source.resource.get("item") if source else None) or [])
    page = draft.current_page if draft else 0
    step = run_fill(request, definition=definition, items=items, page=page, can_save_draft=True)
    form = step.form
    if posted and (draft is not None or step.action not in {"show", "refresh"}):
        if draft is None:
            draft = questionnaire_services.start_response(
                version,
                organization=context.organization,
                respondent=context.user,
                submission_key=_posted_key(request),
            )
        files = step.form.pending_files
        try:
            if step.complete:
                return _submit_form(request, context, consultation, draft, step.items, files)
            questionnaire_services.save_draft(draft, step.items, page=step.page, files=files)
        except questionnaire_services.ResponseLocked:
            return _to_detail(consultation)
        if current is None:
            # Keep the first draft with the consultation so the person can come back to it.
            services.form_response_link(
                consultation=consultation, respondent=context.user, questionnaire_response=draft
            )
        if step.action == "save" and step.redirect:
            messages.success(request, _("Your draft was saved."))
        if step.redirect:
            form = QuestionnaireForm(definition, items=step.items, page=step.page)
    key = draft.submission_key if draft is not None else uuid.uuid4()
    template = (
        "questionnaires/fill/_form.html" if _is_htmx(request) else "consultations/respond.html"
    )
    return render(
        request,
        template,
        {
            "org": context,
            "consultation": consultation,
            "form": form,
            "fill": True,
            "own": own if current is not None and current.is_locked else None,
            "action_url": request.path,
            "submission_key": str(key),
            "can_save_draft": True,
            "submit_label": _("Submit"),
        },
    )


def _submit_form(
    request: HttpRequest,
    context: OrgContext,
    consultation: Consultation,
    draft: Response,
    items: list[dict[str, Any]],
    files: Any,
) -> HttpResponse:
    try:
        done = questionnaire_services.submit(draft, items, files=files)
    except PydanticValidationError:
        logger.exception("Submitted consultation answers failed FHIR validation")
        questionnaire_services.save_draft(draft, items, files=files)
        messages.error(
            request,
            _(
                "Your answers could not be submitted because of an error in the form. They are "
                "kept as a draft; please tell the coordinator."
            ),
        )
        return _to_detail(consultation)
    own = selectors.own_response(consultation, context.user)
    try:
        services.form_response_link(
            consultation=consultation,
            respondent=context.user,
            questionnaire_response=done,
            on_behalf_of=own.on_behalf_of if own else None,
        )
    except services.ConsultationError as error:
        messages.error(request, str(error))
        return _to_detail(consultation)
    messages.success(
        request,
        _(
            "Thank you! Your answers were submitted. You can change them until the consultation "
            "closes."
        ),
    )
    return _to_detail(consultation)


# --- Responses ------------------------------------------------------------------------------


def response_list(request: HttpRequest, org_slug: str, consultation_id: int) -> HttpResponse:
    """The responses, for those the consultation's setting lets read them; each view logged."""
    context, consultation = access_consultation(request.user, org_slug, consultation_id)
    in_audience = selectors.is_in_audience(context.user, consultation)
    if not selectors.may_read_responses(context, consultation, in_audience=in_audience):
        raise Http404
    can_manage = context.can(Action.MANAGE_CONSULTATIONS)
    page = Paginator(selectors.given_responses_of(consultation), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    definition = answers_definition(consultation)
    rows = [
        {"response": response, "shown": answers_shown(definition, response)}
        for response in page.object_list
    ]
    log_access(
        actor=context.user,
        action=AccessAction.VIEW,
        organization=context.organization,
        obj=consultation,
        object_label=_("Responses to “%(title)s”, page %(page)s")
        % {"title": consultation.title, "page": page.number},
    )
    return render(
        request,
        "consultations/responses.html",
        {
            "org": context,
            "consultation": consultation,
            "page": page,
            "rows": rows,
            "show_names": can_manage,
            "query": _query_without_page(request),
        },
    )


# --- The decision record ------------------------------------------------------------------


def decision(request: HttpRequest, org_slug: str, consultation_id: int) -> HttpResponse:
    """What we heard and the decision: saved as a draft, then published once."""
    context, consultation = access_consultation(
        request.user, org_slug, consultation_id, Action.MANAGE_CONSULTATIONS
    )
    published = consultation.decision_published_at is not None
    if published and request.method == "POST":
        messages.error(request, _("The decision is already published and cannot be changed."))
        return _to_detail(consultation)
    form = DecisionForm(request.POST or None, instance=consultation, context=context)
    if request.method == "POST" and form.is_valid():
        publish = request.POST.get("_action") == "publish"
        values = {name: form.cleaned_data.get(name) for name in form.Meta.fields}
        try:
            told = services.decision_save(
                consultation=consultation,
                values=values,
                meetings=form.chosen_meetings(),
                publish=publish,
            )
        except services.DecisionRefused as refused:
            for field, message in refused.errors.items():
                form.add_error(None if field == "__all__" else field, message)
        except services.ConsultationError as error:
            messages.error(request, str(error))
            return _to_detail(consultation)
        else:
            if publish:
                messages.success(
                    request,
                    _("The decision is published. %(count)s people were told.") % {"count": told},
                )
                return _to_detail(consultation)
            messages.success(request, _("The draft was saved. Only coordinators can see it."))
            return redirect("consultations:decision", org_slug, consultation.pk)
    stage = consultation.stage()
    return render(
        request,
        "consultations/decision.html",
        {
            "org": context,
            "consultation": consultation,
            "form": form,
            "stage": stage,
            "published": published,
            "can_publish": stage in {Stage.CLOSED, Stage.OVERDUE},
            "response_count": selectors.given_responses_of(consultation).count(),
        },
    )
