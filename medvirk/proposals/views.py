"""Proposal pages under /o/<org_slug>/proposals/: submitting, the members' view, triage, and
the coordinators' "you said — we did" changes.

The list and the detail page have two faces. Coordinators (MANAGE_PROPOSALS)
get triage: every proposal, hidden ones included, the submitter, the status
form and moderation. Everyone else gets the members' view: the visible
proposals with personal data masked from their texts, status, answers and
"me too". Every page works without JavaScript; each form posts to its own
address, which shows the same page on GET, and a form with errors is shown
again with what was typed.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from medvirk.accesslog.models import AccessAction
from medvirk.accesslog.services import log_access
from medvirk.core.viewutils import query_without_page as _query_without_page
from medvirk.organizations.access import OrgContext, org_context
from medvirk.organizations.models import Unit
from medvirk.organizations.permissions import Action
from medvirk.proposals import selectors, services
from medvirk.proposals.access import access_change, access_proposal
from medvirk.proposals.forms import (
    ChangeForm,
    HideForm,
    MemberFilterForm,
    ProposalForm,
    TriageFilterForm,
    TriageForm,
)
from medvirk.proposals.models import Change, Proposal

PAGE_SIZE = 25


def _to_detail(proposal: Proposal) -> HttpResponse:
    return redirect("proposals:detail", proposal.organization.slug, proposal.pk)


def preselected_unit(request: HttpRequest, organization_id: int) -> int | None:
    """The unit named by ``?unit=``, if it is one of the organisation's active units."""
    raw = request.GET.get("unit", "")
    if not raw.isdigit():
        return None
    unit = Unit.objects.filter(pk=int(raw), organization_id=organization_id, is_active=True).first()
    return unit.pk if unit is not None else None


# --- Lists ------------------------------------------------------------------------------------


def proposal_list(request: HttpRequest, org_slug: str) -> HttpResponse:
    """Triage for coordinators; the organisation's visible proposals for everyone else."""
    context = org_context(request.user, org_slug, Action.SUBMIT_PROPOSALS)
    if context.can(Action.MANAGE_PROPOSALS):
        return _triage_list(request, context)
    return _member_list(request, context)


def _triage_list(request: HttpRequest, context: OrgContext) -> HttpResponse:
    form = TriageFilterForm(request.GET or None, organization=context.organization)
    filters = form.filters()
    queryset = selectors.triage_proposals(context.organization.pk, filters)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "proposals/triage_list.html",
        {
            "org": context,
            "form": form,
            "page": page,
            "filtered": filters != selectors.TriageFilter(),
            "query": _query_without_page(request),
        },
    )


def _member_list(request: HttpRequest, context: OrgContext) -> HttpResponse:
    form = MemberFilterForm(request.GET or None, organization=context.organization)
    status, unit_id = "", None
    if form.is_valid():
        status = form.cleaned_data.get("status") or ""
        unit = form.cleaned_data.get("unit")
        unit_id = unit.pk if unit is not None else None
    queryset = selectors.member_proposals(
        context.organization.pk, context.user, status=status, unit_id=unit_id
    )
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "proposals/member_list.html",
        {
            "org": context,
            "form": form,
            "page": page,
            "filtered": bool(status or unit_id),
            "query": _query_without_page(request),
        },
    )


def own_list(request: HttpRequest, org_slug: str) -> HttpResponse:
    """The person's own proposals in the organisation and how each one's status moved."""
    context = org_context(request.user, org_slug, Action.SUBMIT_PROPOSALS)
    queryset = selectors.own_proposals(context.organization.pk, context.user)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "proposals/mine.html", {"org": context, "page": page, "query": ""})


# --- Submitting -------------------------------------------------------------------------------


def proposal_create(request: HttpRequest, org_slug: str) -> HttpResponse:
    context = org_context(request.user, org_slug, Action.SUBMIT_PROPOSALS)
    form = ProposalForm(
        request.POST or None,
        organization=context.organization,
        initial={"unit": preselected_unit(request, context.organization.pk)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.proposal_submit(
                organization=context.organization,
                unit=form.cleaned_data["unit"],
                category=form.cleaned_data["category"],
                title=form.cleaned_data["title"],
                text=form.cleaned_data["text"],
                submitted_by=context.user,
            )
        except services.ProposalError as error:
            _add_errors(form, error)
        else:
            return redirect("proposals:submitted", context.organization.slug)
    return render(request, "proposals/form.html", {"org": context, "form": form})


def proposal_submitted(request: HttpRequest, org_slug: str) -> HttpResponse:
    """What happens next, after a member sent a proposal."""
    context = org_context(request.user, org_slug, Action.SUBMIT_PROPOSALS)
    return render(request, "proposals/submitted.html", {"org": context})


def _add_errors(form: Any, error: services.ProposalError) -> None:
    for field, message in error.errors.items():
        form.add_error(None if field == "__all__" or field not in form.fields else field, message)


# --- Detail: members' view and triage ---------------------------------------------------------


def proposal_detail(request: HttpRequest, org_slug: str, proposal_id: int) -> HttpResponse:
    """Members read a proposal; coordinators triage it here (the form posts to this page)."""
    context, proposal = access_proposal(request.user, org_slug, proposal_id)
    if not context.can(Action.MANAGE_PROPOSALS):
        if request.method == "POST":
            raise Http404  # only coordinators triage
        return _member_detail(request, context, proposal)
    form = TriageForm(request.POST or None, proposal=proposal)
    if request.method == "POST" and form.is_valid():
        try:
            result = services.proposal_triage(
                proposal=proposal,
                changed_by=context.user,
                status=form.cleaned_data["status"],
                decline_reason=form.cleaned_data["decline_reason"],
                answer=form.cleaned_data["answer"],
                responsible=form.cleaned_data["responsible"],
            )
        except services.ProposalError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _triage_message(proposal, result))
            return _to_detail(proposal)
    return _triage_detail(request, context, proposal, triage_form=form)


def _triage_message(proposal: Proposal, result: services.TriageResult) -> str:
    if not result.status_changed:
        return _("The proposal was saved.")
    if proposal.submitted_by_id is not None or proposal.contact_email:
        return _("The status was changed and the person who proposed it is told.")
    return _("The status was changed. The proposal was anonymous, so nobody could be told.")


def _member_detail(request: HttpRequest, context: OrgContext, proposal: Proposal) -> HttpResponse:
    is_own = proposal.submitted_by_id == context.user.pk
    return render(
        request,
        "proposals/detail.html",
        {
            "org": context,
            "proposal": proposal,
            "is_own": is_own,
            "history": selectors.history(proposal) if is_own else [],
            "support_count": selectors.support_count(proposal),
            "supported": selectors.has_supported(proposal, context.user),
        },
    )


def _triage_detail(
    request: HttpRequest,
    context: OrgContext,
    proposal: Proposal,
    *,
    triage_form: TriageForm | None = None,
    hide_form: HideForm | None = None,
) -> HttpResponse:
    # Who proposed what is personal data: the coordinators' reading is logged.
    log_access(
        actor=context.user,
        action=AccessAction.VIEW,
        organization=context.organization,
        obj=proposal,
        subject=proposal.submitted_by,
    )
    return render(
        request,
        "proposals/triage_detail.html",
        {
            "org": context,
            "proposal": proposal,
            "history": selectors.history(proposal),
            "support_count": selectors.support_count(proposal),
            "form": triage_form or TriageForm(proposal=proposal),
            "hide_form": hide_form or HideForm(),
        },
    )


def proposal_moderate(request: HttpRequest, org_slug: str, proposal_id: int) -> HttpResponse:
    """Hide a post (with a reason) from everyone outside triage, or show it again."""
    context, proposal = access_proposal(
        request.user, org_slug, proposal_id, Action.MANAGE_PROPOSALS
    )
    hide_form = HideForm(request.POST or None)
    if request.method == "POST":
        if request.POST.get("_action") == "unhide":
            services.proposal_unhide(proposal=proposal)
            messages.success(request, _("The proposal is shown again."))
            return _to_detail(proposal)
        if hide_form.is_valid():
            services.proposal_hide(
                proposal=proposal,
                hidden_by=context.user,
                reason=hide_form.cleaned_data["hidden_reason"],
            )
            messages.success(request, _("The proposal is hidden. Only coordinators see it now."))
            return _to_detail(proposal)
    else:
        hide_form = HideForm()
    return _triage_detail(request, context, proposal, hide_form=hide_form)


def proposal_support(request: HttpRequest, org_slug: str, proposal_id: int) -> HttpResponse:
    """A logged-in person's "me too", once per person, and its withdrawal."""
    context, proposal = access_proposal(request.user, org_slug, proposal_id)
    if request.method != "POST":
        return _member_detail(request, context, proposal)
    if proposal.hidden_at is not None:
        messages.error(request, _("This proposal cannot be supported."))
    elif request.POST.get("_action") == "withdraw":
        services.support_remove(proposal=proposal, user=context.user)
        messages.success(request, _("Your support was withdrawn."))
    else:
        if services.support_add(proposal=proposal, user=context.user):
            messages.success(request, _("Thank you! Your support is counted."))
        else:
            messages.info(request, _("You already support this proposal."))
    return _to_detail(proposal)


# --- "You said — we did" changes ---------------------------------------------------------------


def change_list(request: HttpRequest, org_slug: str) -> HttpResponse:
    context = org_context(request.user, org_slug, Action.MANAGE_PROPOSALS)
    page = Paginator(selectors.organization_changes(context.organization.pk), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "proposals/changes.html", {"org": context, "page": page, "query": ""})


def change_create(request: HttpRequest, org_slug: str) -> HttpResponse:
    context = org_context(request.user, org_slug, Action.MANAGE_PROPOSALS)
    instance = Change(organization=context.organization, created_by=context.user)
    return _change_form(request, context, instance)


def change_edit(request: HttpRequest, org_slug: str, change_id: int) -> HttpResponse:
    context, change = access_change(request.user, org_slug, change_id)
    return _change_form(request, context, change)


def _change_form(request: HttpRequest, context: OrgContext, change: Change) -> HttpResponse:
    is_new = change.pk is None
    form = ChangeForm(request.POST or None, instance=change, organization=context.organization)
    if request.method == "POST" and form.is_valid():
        action = request.POST.get("_action", "save")
        publish = {"publish": True, "unpublish": False}.get(action)
        try:
            saved = services.change_save(change=form.save(commit=False), publish=publish)
        except services.ProposalError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _change_message(saved, publish))
            return redirect("proposals:changes", context.organization.slug)
    return render(
        request,
        "proposals/change_form.html",
        {"org": context, "form": form, "change": None if is_new else change},
    )


def _change_message(change: Change, publish: bool | None) -> str:
    if publish is True:
        return _("The change is published on the page “You said — we did”.")
    if publish is False:
        return _("The change is no longer published.")
    return _("The change was saved.")
