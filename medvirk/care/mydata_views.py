"""My data: the person's own stored data, its downloads, and deletion requests.

Any member sees their own data in the organisation (the person is always the
one logged in; no person id in the URLs). Downloads are written to the access
log as exports. Coordinators (``ORGANISE_CARE_TEAMS``) list the deletion
requests and record how each was handled; the deletion itself is done by
other means.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from weasyprint import HTML

from medvirk.accesslog.models import AccessAction
from medvirk.accesslog.services import log_access
from medvirk.care import mydata as services
from medvirk.care.models import DeletionRequest, DeletionStatus
from medvirk.care.mydata_forms import DeletionRequestForm, HandleForm
from medvirk.core.viewutils import add_errors
from medvirk.organizations.access import OrgContext, get_owned_or_404, org_context
from medvirk.organizations.permissions import Action

PAGE_SIZE = 25
# Rows shown per section on the page; the downloads have them all.
RECENT = 3


def _posted(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


@require_http_methods(["GET", "HEAD"])
def my_data(request: HttpRequest, org_slug: str) -> HttpResponse:
    """What is stored about the person here: a count and the latest rows per section."""
    context = org_context(request.user, org_slug)
    data = services.collect(context.user, context.organization)
    return render(
        request,
        "care/mydata/my_data.html",
        {
            "org": context,
            "sections": services.readable(data, RECENT),
            "open_request": services.open_request(context.user, context.organization),
        },
    )


def _export(context: OrgContext, kind: str) -> dict[str, Any]:
    """Log the download, then collect (so the export lists itself)."""
    log_access(
        actor=context.user,
        action=AccessAction.EXPORT,
        organization=context.organization,
        obj=context.user,
        subject=context.user,
        object_label=f"my data ({kind})",
    )
    return services.collect(context.user, context.organization)


def _filename(context: OrgContext, extension: str) -> str:
    day = timezone.localdate().isoformat()
    return f"my-data-{slugify(context.organization.slug)}-{day}.{extension}"


@require_http_methods(["GET", "HEAD"])
def my_data_json(request: HttpRequest, org_slug: str) -> HttpResponse:
    context = org_context(request.user, org_slug)
    data = _export(context, "JSON")
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json"
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(context, "json")}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "HEAD"])
def my_data_pdf(request: HttpRequest, org_slug: str) -> HttpResponse:
    context = org_context(request.user, org_slug)
    data = _export(context, "PDF")
    html = render_to_string(
        "care/mydata/pdf.html",
        {
            "person": context.user,
            "organization": context.organization,
            "exported_at": timezone.now(),
            "sections": services.readable(data),
        },
    )
    pdf: bytes = HTML(string=html).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_filename(context, "pdf")}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "HEAD", "POST"])
def deletion_request(request: HttpRequest, org_slug: str) -> HttpResponse:
    """Ask to have one's data deleted (one open request at a time) and see earlier requests."""
    context = org_context(request.user, org_slug)
    open_request = services.open_request(context.user, context.organization)
    form = DeletionRequestForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.request_deletion(
                person=context.user,
                organization=context.organization,
                message=form.cleaned_data["message"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                _(
                    "Your request has been sent. A coordinator handles it and you will be told "
                    "what was deleted and what was kept."
                ),
            )
            return redirect("care:deletion_request", org_slug=org_slug)
    history = DeletionRequest.objects.filter(
        organization=context.organization, person=context.user
    ).select_related("handled_by")
    return render(
        request,
        "care/mydata/deletion_request.html",
        {"org": context, "form": form, "open_request": open_request, "history": history},
    )


def _coordinator(request: HttpRequest, org_slug: str) -> OrgContext:
    return org_context(request.user, org_slug, Action.ORGANISE_CARE_TEAMS)


@require_http_methods(["GET", "HEAD"])
def deletion_requests(request: HttpRequest, org_slug: str) -> HttpResponse:
    """The coordinators' list: open requests first, then the handled ones, newest first."""
    context = _coordinator(request, org_slug)
    rows = (
        DeletionRequest.objects.filter(organization=context.organization)
        .select_related("person", "handled_by")
        .annotate(
            handled_order=Case(
                When(status=DeletionStatus.RECEIVED, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("handled_order", "-created_at", "-pk")
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "care/mydata/deletion_requests.html",
        {"org": context, "page": page, "coordinator": True},
    )


@require_http_methods(["GET", "HEAD", "POST"])
def deletion_request_handle(request: HttpRequest, org_slug: str, request_id: int) -> HttpResponse:
    """One request: what the person asked, and the form to record the outcome while open."""
    context = _coordinator(request, org_slug)
    item = get_owned_or_404(
        DeletionRequest.objects.select_related("person", "handled_by", "organization"),
        context,
        pk=request_id,
    )
    is_open = item.status == DeletionStatus.RECEIVED
    if request.method == "POST" and not is_open:
        messages.info(request, _("This request has already been handled."))
        return redirect("care:deletion_request_handle", org_slug=org_slug, request_id=item.pk)
    form = HandleForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.handle_deletion(
                request=item,
                actor=context.user,
                status=form.cleaned_data["status"],
                outcome=form.cleaned_data["outcome"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                _("The outcome is recorded and %(name)s has been told.")
                % {"name": item.person.full_name or item.person.email},
            )
            return redirect("care:deletion_requests", org_slug=org_slug)
    if request.method != "POST":
        log_access(
            actor=context.user,
            action=AccessAction.VIEW,
            organization=context.organization,
            obj=item,
            subject=item.person,
        )
    return render(
        request,
        "care/mydata/deletion_request_handle.html",
        {"org": context, "item": item, "is_open": is_open, "form": form, "coordinator": True},
    )
