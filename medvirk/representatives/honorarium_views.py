"""Honorarium pages under /o/<org_slug>/representatives/.

Representatives (ACT_AS_REPRESENTATIVE) see and work on their own claims
only: "My claims", entering a claim by hand, checking a draft (drafted by
hand or from a meeting they attended) with the amounts the rules give, and
submitting it. Another person's claim is 404. People without a paid
assignment — experience consultants, whose work is salaried — get a page
that says so instead of claim forms.

Coordinators (MANAGE_HONORARIUM) keep the rates, go through the submitted
claims (approve, or reject with a reason), open receipts and documents
through a view that writes the access log, and send approved claims to
payroll. A claim, rate or export of another organisation is 404.

Every form posts to its own address and works without JavaScript; a form
with errors is shown again with what was typed (files must be chosen again:
browsers never send them twice).
"""

from __future__ import annotations

from typing import Any

import filetype
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from medvirk.accesslog.models import AccessAction
from medvirk.accesslog.services import log_access
from medvirk.core.viewutils import query_without_page as _query_without_page
from medvirk.organizations.access import OrgContext, get_owned_or_404, org_context
from medvirk.organizations.permissions import Action
from medvirk.organizations.roles import Role
from medvirk.representatives import claims, payroll
from medvirk.representatives import claims_selectors as selectors
from medvirk.representatives.honorarium_forms import (
    ClaimForm,
    QueueFilterForm,
    RateForm,
    RejectForm,
)
from medvirk.representatives.models import Claim, ClaimStatus, PayrollExport, Rate

PAGE_SIZE = 25
RECENT_EXPORTS = 5
FILE_KINDS = {"receipt": "ticket_receipt", "lost-earnings": "lost_earnings_document"}
EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}


def _apply_errors(form: Any, error: ValidationError) -> None:
    """Show a service's refusal on the form, on the field it names when there is one."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            for item in errors:
                form.add_error(field if field in form.fields else None, item)
    else:
        for message in error.messages:
            form.add_error(None, message)


def _serve(claim: Claim, kind: str) -> FileResponse:
    field_name = FILE_KINDS.get(kind)
    if field_name is None:
        raise Http404
    field = getattr(claim, field_name)
    if not field:
        raise Http404
    try:
        handle = field.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    guess = filetype.guess(handle.read(8192))
    handle.seek(0)
    content_type = guess.mime if guess is not None else "application/octet-stream"
    extension = EXTENSIONS.get(content_type, "bin")
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"{kind}-{claim.worked_on:%Y-%m-%d}-{claim.pk}.{extension}",
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- The representative's claims ------------------------------------------------------------------


def _representative(request: HttpRequest, org_slug: str) -> OrgContext:
    return org_context(request.user, org_slug, Action.ACT_AS_REPRESENTATIVE)


def _own_claim(request: HttpRequest, org_slug: str, claim_id: int) -> tuple[OrgContext, Claim]:
    """The person's own claim; another person's claim is 404, like a missing one."""
    context = _representative(request, org_slug)
    claim = get_owned_or_404(
        Claim.objects.select_related("organization", "assignment", "meeting", "rate"),
        context,
        pk=claim_id,
        user=context.user,
    )
    return context, claim


def _no_claims(request: HttpRequest, context: OrgContext) -> HttpResponse:
    """For people without a paid assignment: why there is nothing to claim."""
    consultant = (
        Role.EXPERIENCE_CONSULTANT in context.roles and Role.REPRESENTATIVE not in context.roles
    )
    return render(
        request,
        "representatives/honorarium/no_claims.html",
        {"org": context, "consultant": consultant},
    )


def claims_mine(request: HttpRequest, org_slug: str) -> HttpResponse:
    """The person's own claims, newest first, with status and totals."""
    context = _representative(request, org_slug)
    organization, user = context.organization, context.user
    eligible = selectors.can_claim(organization, user)
    page = Paginator(selectors.own_claims(organization, user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    if not eligible and page.paginator.count == 0:
        return _no_claims(request, context)
    rates = selectors.rates_of(organization)
    rows = [(claim, selectors.shown_total(claim, rates)) for claim in page.object_list]
    return render(
        request,
        "representatives/honorarium/claims_mine.html",
        {
            "org": context,
            "page": page,
            "rows": rows,
            "eligible": eligible,
            "totals": selectors.own_totals(organization, user),
            "query": "",
        },
    )


def claim_create(request: HttpRequest, org_slug: str) -> HttpResponse:
    context = _representative(request, org_slug)
    organization, user = context.organization, context.user
    if not selectors.can_claim(organization, user):
        return _no_claims(request, context)
    initial: dict[str, Any] = {"in_person": True}
    today_rate = selectors.rate_on(organization, claims._today())
    if today_rate is not None:
        initial["preparation_minutes"] = today_rate.preparation_minutes
    form = ClaimForm(
        request.POST or None,
        request.FILES or None,
        organization=organization,
        user=user,
        initial=initial,
    )
    preview = None
    if request.method == "POST" and form.is_valid():
        if request.POST.get("_action") == "preview":
            preview = selectors.claim_amounts(form.preview_claim(organization, user))
        else:
            try:
                claim = claims.claim_create(
                    organization=organization,
                    user=user,
                    values=form.values(),
                    files=form.files_given(),
                )
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                messages.success(
                    request, _("The claim is saved as a draft. Check it, then submit it.")
                )
                return redirect("representatives:claim_detail", org_slug, claim.pk)
    return render(
        request,
        "representatives/honorarium/claim_form.html",
        {"org": context, "form": form, "claim": None, "preview": preview},
    )


def claim_detail(request: HttpRequest, org_slug: str, claim_id: int) -> HttpResponse:
    context, claim = _own_claim(request, org_slug, claim_id)
    return _claim_page(request, context, claim)


def _claim_page(
    request: HttpRequest, context: OrgContext, claim: Claim, *, errors: list[str] | None = None
) -> HttpResponse:
    return render(
        request,
        "representatives/honorarium/claim_detail.html",
        {
            "org": context,
            "claim": claim,
            "amounts": selectors.claim_amounts(claim),
            "errors": errors or [],
        },
    )


def claim_edit(request: HttpRequest, org_slug: str, claim_id: int) -> HttpResponse:
    """Change a draft, or correct a rejected claim (it becomes a draft again)."""
    context, claim = _own_claim(request, org_slug, claim_id)
    if claim.status not in (ClaimStatus.DRAFT, ClaimStatus.REJECTED):
        messages.error(request, _("A submitted claim cannot be changed."))
        return redirect("representatives:claim_detail", org_slug, claim.pk)
    form = ClaimForm(
        request.POST or None,
        request.FILES or None,
        organization=context.organization,
        user=context.user,
        claim=claim,
    )
    preview = None
    if request.method == "POST" and form.is_valid():
        if request.POST.get("_action") == "preview":
            preview = selectors.claim_amounts(
                form.preview_claim(context.organization, context.user)
            )
        else:
            try:
                claims.claim_update(claim=claim, values=form.values(), files=form.files_given())
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                messages.success(request, _("The claim is saved. Check it, then submit it."))
                return redirect("representatives:claim_detail", org_slug, claim.pk)
    return render(
        request,
        "representatives/honorarium/claim_form.html",
        {"org": context, "form": form, "claim": claim, "preview": preview},
    )


def claim_delete(request: HttpRequest, org_slug: str, claim_id: int) -> HttpResponse:
    context, claim = _own_claim(request, org_slug, claim_id)
    if claim.status != ClaimStatus.DRAFT:
        messages.error(request, _("Only a draft can be deleted."))
        return redirect("representatives:claim_detail", org_slug, claim.pk)
    if request.method == "POST":
        claims.claim_delete(claim=claim)
        messages.success(request, _("The draft was deleted."))
        return redirect("representatives:claims_mine", org_slug)
    return render(
        request, "representatives/honorarium/claim_delete.html", {"org": context, "claim": claim}
    )


def claim_submit(request: HttpRequest, org_slug: str, claim_id: int) -> HttpResponse:
    """Submit a checked draft; the amounts are fixed now (GET shows the claim)."""
    context, claim = _own_claim(request, org_slug, claim_id)
    if request.method != "POST":
        return _claim_page(request, context, claim)
    try:
        claims.claim_submit(claim=claim)
    except ValidationError as error:
        claim.refresh_from_db()
        return _claim_page(request, context, claim, errors=error.messages)
    messages.success(
        request, _("The claim is submitted. You are told when a coordinator has decided.")
    )
    return redirect("representatives:claim_detail", org_slug, claim.pk)


def claim_file(request: HttpRequest, org_slug: str, claim_id: int, kind: str) -> FileResponse:
    """The person's own receipt or documentation."""
    _context, claim = _own_claim(request, org_slug, claim_id)
    return _serve(claim, kind)


# --- Rates ----------------------------------------------------------------------------------------


def _coordinator(request: HttpRequest, org_slug: str) -> OrgContext:
    return org_context(request.user, org_slug, Action.MANAGE_HONORARIUM)


def rates(request: HttpRequest, org_slug: str) -> HttpResponse:
    """Every rate, newest first, the one that applies today marked."""
    context = _coordinator(request, org_slug)
    organization = context.organization
    today = claims._today()
    current = selectors.rate_on(organization, today)
    page = Paginator(selectors.rate_history(organization), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = [
        (rate, selectors.rate_can_change(rate, used=rate.used, today=today))  # type: ignore[attr-defined]
        for rate in page.object_list
    ]
    return render(
        request,
        "representatives/honorarium/rates.html",
        {
            "org": context,
            "page": page,
            "rows": rows,
            "current_id": current.pk if current is not None else None,
            "today": today,
            "query": "",
        },
    )


def _rate(request: HttpRequest, org_slug: str, rate_id: int) -> tuple[OrgContext, Rate]:
    context = _coordinator(request, org_slug)
    return context, get_owned_or_404(Rate.objects.all(), context, pk=rate_id)


def rate_create(request: HttpRequest, org_slug: str) -> HttpResponse:
    context = _coordinator(request, org_slug)
    rate = Rate(organization=context.organization, created_by=context.user)
    return _rate_form(request, context, rate)


def rate_edit(request: HttpRequest, org_slug: str, rate_id: int) -> HttpResponse:
    context, rate = _rate(request, org_slug, rate_id)
    if not selectors.rate_can_change(rate, used=selectors.rate_is_used(rate)):
        messages.error(
            request,
            _(
                "This rate has been used or has already applied, so it cannot be changed. "
                "Add a new rate from the date the change applies."
            ),
        )
        return redirect("representatives:honorarium_rates", org_slug)
    return _rate_form(request, context, rate)


def _rate_form(request: HttpRequest, context: OrgContext, rate: Rate) -> HttpResponse:
    is_new = rate.pk is None
    form = RateForm(request.POST or None, instance=rate)
    if request.method == "POST" and form.is_valid():
        try:
            claims.rate_save(rate=form.save(commit=False))
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(
                request, _("The rate was added.") if is_new else _("The rate was changed.")
            )
            return redirect("representatives:honorarium_rates", context.organization.slug)
    return render(
        request,
        "representatives/honorarium/rate_form.html",
        {"org": context, "form": form, "rate": None if is_new else rate},
    )


def rate_delete(request: HttpRequest, org_slug: str, rate_id: int) -> HttpResponse:
    context, rate = _rate(request, org_slug, rate_id)
    if not selectors.rate_can_change(rate, used=selectors.rate_is_used(rate)):
        messages.error(
            request, _("This rate has been used or has already applied, so it is kept as history.")
        )
        return redirect("representatives:honorarium_rates", org_slug)
    if request.method == "POST":
        try:
            claims.rate_delete(rate=rate)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The rate was deleted."))
        return redirect("representatives:honorarium_rates", org_slug)
    return render(
        request, "representatives/honorarium/rate_delete.html", {"org": context, "rate": rate}
    )


# --- The coordinators' queue ----------------------------------------------------------------------


def queue(request: HttpRequest, org_slug: str) -> HttpResponse:
    """Submitted claims (or decided ones, by the filter), oldest submission first."""
    context = _coordinator(request, org_slug)
    form = QueueFilterForm(request.GET or None, organization=context.organization)
    filters = form.filters()
    found = selectors.queue(context.organization, filters)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "representatives/honorarium/queue.html",
        {
            "org": context,
            "form": form,
            "page": page,
            "total": selectors.queue_total(found),
            "filtered": filters != selectors.QueueFilter(),
            "query": _query_without_page(request),
        },
    )


def _queued(request: HttpRequest, org_slug: str, claim_id: int) -> tuple[OrgContext, Claim]:
    context = _coordinator(request, org_slug)
    claim = get_owned_or_404(selectors.queue_claim(context.organization), context, pk=claim_id)
    return context, claim


def _queue_page(
    request: HttpRequest,
    context: OrgContext,
    claim: Claim,
    *,
    reject_form: RejectForm | None = None,
    errors: list[str] | None = None,
) -> HttpResponse:
    # The claim holds a person's payments and perhaps their lost earnings: the read is logged.
    log_access(
        actor=context.user,
        action=AccessAction.VIEW,
        organization=context.organization,
        obj=claim,
        subject=claim.user,
    )
    return render(
        request,
        "representatives/honorarium/queue_detail.html",
        {
            "org": context,
            "claim": claim,
            "amounts": selectors.claim_amounts(claim),
            "reject_form": reject_form or RejectForm(),
            "own": claim.user_id == context.user.pk,
            "errors": errors or [],
        },
    )


def queue_claim(request: HttpRequest, org_slug: str, claim_id: int) -> HttpResponse:
    context, claim = _queued(request, org_slug, claim_id)
    return _queue_page(request, context, claim)


def queue_approve(request: HttpRequest, org_slug: str, claim_id: int) -> HttpResponse:
    context, claim = _queued(request, org_slug, claim_id)
    if request.method != "POST":
        return _queue_page(request, context, claim)
    try:
        claims.claim_approve(claim=claim, decided_by=context.user)
    except ValidationError as error:
        return _queue_page(request, context, claim, errors=error.messages)
    messages.success(request, _("The claim is approved and the person is told."))
    return redirect("representatives:honorarium_queue", org_slug)


def queue_reject(request: HttpRequest, org_slug: str, claim_id: int) -> HttpResponse:
    context, claim = _queued(request, org_slug, claim_id)
    if request.method != "POST":
        return _queue_page(request, context, claim)
    form = RejectForm(request.POST)
    if form.is_valid():
        try:
            claims.claim_reject(
                claim=claim, decided_by=context.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                _apply_errors(form, error)
            else:
                return _queue_page(request, context, claim, reject_form=form, errors=error.messages)
        else:
            messages.success(request, _("The claim is rejected and the person is told why."))
            return redirect("representatives:honorarium_queue", org_slug)
    return _queue_page(request, context, claim, reject_form=form)


def queue_file(request: HttpRequest, org_slug: str, claim_id: int, kind: str) -> FileResponse:
    """A receipt or lost-earnings document, opened by a coordinator: the read is logged."""
    context, claim = _queued(request, org_slug, claim_id)
    response = _serve(claim, kind)
    log_access(
        actor=context.user,
        action=AccessAction.VIEW,
        organization=context.organization,
        obj=claim,
        subject=claim.user,
        object_type="representatives.claim." + FILE_KINDS[kind],
        object_label=(
            _("Receipt for claim %(claim)s")
            if kind == "receipt"
            else _("Lost-earnings documentation for claim %(claim)s")
        )
        % {"claim": claim.pk},
    )
    return response


# --- Payroll --------------------------------------------------------------------------------------


def payroll_page(request: HttpRequest, org_slug: str) -> HttpResponse:
    """Approved claims waiting for payroll, "Create export", and the earlier exports."""
    context = _coordinator(request, org_slug)
    organization = context.organization
    if request.method == "POST":
        export = payroll.payroll_export_create(organization=organization, created_by=context.user)
        if export is None:
            messages.info(request, _("There are no approved claims that have not been exported."))
            return redirect("representatives:honorarium_payroll", org_slug)
        messages.success(
            request,
            _("The export is made with %(count)s claims. Download it below.")
            % {"count": export.claim_count},
        )
        return redirect("representatives:honorarium_payroll_export", org_slug, export.pk)
    waiting = selectors.awaiting_export(organization)
    page = Paginator(waiting, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "representatives/honorarium/payroll.html",
        {
            "org": context,
            "page": page,
            "waiting_sums": selectors.sums(waiting),
            "recent": list(selectors.exports(organization)[:RECENT_EXPORTS]),
            "query": "",
        },
    )


def payroll_exports(request: HttpRequest, org_slug: str) -> HttpResponse:
    """Every earlier export, newest first, each to open and download again."""
    context = _coordinator(request, org_slug)
    page = Paginator(selectors.exports(context.organization), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "representatives/honorarium/payroll_exports.html",
        {"org": context, "page": page, "query": ""},
    )


def _export(
    request: HttpRequest, org_slug: str, export_id: int
) -> tuple[OrgContext, PayrollExport]:
    context = _coordinator(request, org_slug)
    return context, get_owned_or_404(
        PayrollExport.objects.select_related("created_by", "organization"), context, pk=export_id
    )


def payroll_export(request: HttpRequest, org_slug: str, export_id: int) -> HttpResponse:
    """One export: its claims (always the same ones) and the downloads."""
    context, export = _export(request, org_slug, export_id)
    page = Paginator(selectors.export_claims(export), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "representatives/honorarium/payroll_export.html",
        {"org": context, "export": export, "page": page, "query": ""},
    )


def payroll_download(request: HttpRequest, org_slug: str, export_id: int, fmt: str) -> HttpResponse:
    context, export = _export(request, org_slug, export_id)
    response: HttpResponse
    if fmt == "csv":
        response = HttpResponse(
            payroll.export_csv(export, actor=context.user), content_type="text/csv; charset=utf-8"
        )
    elif fmt == "xlsx":
        response = HttpResponse(
            payroll.export_xlsx(export, actor=context.user), content_type=payroll.XLSX_TYPE
        )
    else:
        raise Http404
    response["Content-Disposition"] = (
        f'attachment; filename="{payroll.export_filename(export, fmt)}"'
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
