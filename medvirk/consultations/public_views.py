"""Public consultation pages under /p/<org_slug>/consultations/, readable without logging in.

They show the organisation's public consultations and every consultation with
a published decision: the loop closed in the open. Responses appear only when
the consultation says everyone may read them, and never with names. Anonymous
visitors may answer an open public consultation; the answer stores nothing
about them. A per-client limit in the cache (keyed on a keyed hash of the
address, kept for an hour) and a field only robots fill keep spam out.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from medvirk.consultations import selectors, services
from medvirk.consultations.choices import ResponseMode, ResponsesVisibleTo, Stage
from medvirk.consultations.forms import PublicResponseForm
from medvirk.consultations.models import Consultation
from medvirk.consultations.views import (
    PAGE_SIZE,
    answers_definition,
    answers_shown,
    serve_document,
)
from medvirk.core import ratelimit
from medvirk.organizations.models import Organization

# At most this many public responses per client per window.
RATE_LIMIT = 5
RATE_WINDOW_SECONDS = 3600
RATE_SCOPE = "consultations:public-response"


def _organization(org_slug: str) -> Organization:
    return get_object_or_404(Organization, slug=org_slug)


def _consultation(organization: Organization, consultation_id: int) -> Consultation:
    consultation = (
        selectors.public_consultations(organization.pk)
        .select_related("organization")
        .filter(pk=consultation_id)
        .first()
    )
    if consultation is None:
        raise Http404
    return consultation


@login_not_required
def public_list(request: HttpRequest, org_slug: str) -> HttpResponse:
    organization = _organization(org_slug)
    rows_qs = selectors.with_response_count(
        selectors.public_consultations(organization.pk)
    ).prefetch_related("meetings")
    page = Paginator(rows_qs.order_by("-closes_on", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    today = timezone.localdate()
    rows = [{"consultation": c, "stage": c.stage(today)} for c in page.object_list]
    return render(
        request,
        "consultations/public/list.html",
        {"organization": organization, "page": page, "rows": rows, "query": ""},
    )


def _over_limit(request: HttpRequest) -> bool:
    """Count one public response from this client; True once it is over the limit."""
    return ratelimit.hit(
        RATE_SCOPE,
        ratelimit.client_address(request),
        limit=RATE_LIMIT,
        window=RATE_WINDOW_SECONDS,
    )


def _can_answer(consultation: Consultation) -> bool:
    return (
        consultation.audience_public
        and consultation.response_mode == ResponseMode.FREE_TEXT
        and consultation.stage() == Stage.OPEN
    )


@login_not_required
def public_detail(request: HttpRequest, org_slug: str, consultation_id: int) -> HttpResponse:
    """The question, background, documents and the published decision record."""
    organization = _organization(org_slug)
    consultation = _consultation(organization, consultation_id)
    can_answer = _can_answer(consultation)
    form = PublicResponseForm(request.POST or None) if can_answer else None
    if request.method == "POST":
        if form is None:
            messages.error(request, _("The consultation is not open for input."))
            return redirect("public_consultations:detail", org_slug, consultation.pk)
        if form.is_valid():
            if _over_limit(request):
                form.add_error(
                    None,
                    _("Too many answers from your connection. Please try again in an hour."),
                )
            else:
                if not form.is_robot:
                    try:
                        services.public_response_submit(
                            consultation=consultation,
                            text=form.cleaned_data["text"],
                            contact_email=form.cleaned_data["contact_email"],
                        )
                    except services.ConsultationError as error:
                        messages.error(request, str(error))
                        return redirect("public_consultations:detail", org_slug, consultation.pk)
                messages.success(request, _("Thank you! Your input was received."))
                return redirect("public_consultations:detail", org_slug, consultation.pk)
    show_responses = consultation.responses_visible_to == ResponsesVisibleTo.PUBLIC
    return render(
        request,
        "consultations/public/detail.html",
        {
            "organization": organization,
            "consultation": consultation,
            "stage": consultation.stage(),
            "form": form,
            "questionnaire_only": (
                consultation.audience_public
                and consultation.response_mode == ResponseMode.QUESTIONNAIRE
                and consultation.stage() == Stage.OPEN
            ),
            "documents": list(consultation.documents.all()) if consultation.audience_public else [],
            "meetings": list(consultation.meetings.all()),
            "rows": _response_rows(consultation) if show_responses else [],
            "show_responses": show_responses,
        },
    )


def _response_rows(consultation: Consultation) -> list[dict[str, object]]:
    definition = answers_definition(consultation)
    return [
        {"response": response, "shown": answers_shown(definition, response)}
        for response in selectors.given_responses_of(consultation)
    ]


@login_not_required
def public_document(
    request: HttpRequest, org_slug: str, consultation_id: int, document_id: int
) -> FileResponse:
    organization = _organization(org_slug)
    consultation = _consultation(organization, consultation_id)
    if not consultation.audience_public:
        raise Http404
    document = consultation.documents.filter(pk=document_id).first()
    if document is None:
        raise Http404
    return serve_document(document)
