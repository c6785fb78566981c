"""Recruitment pages: requests with ranked suggestions, invitations, onboarding, assignments.

Coordinators (``MANAGE_REPRESENTATIVES``) run requests and assignments; the
invited person (``ACT_AS_REPRESENTATIVE``) answers their own invitations,
completes onboarding and sees their assignments. Objects are loaded within the
person's organisation (``get_owned_or_404``), and a person's own things by
their account too, so someone else's invitation is 404 like a missing one.
Forms re-render with what was typed when a service refuses the change.
"""

from __future__ import annotations

import copy
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from medvirk.accesslog.models import AccessAction
from medvirk.accesslog.services import log_access
from medvirk.accounts.models import User
from medvirk.core.viewutils import add_errors as _add_errors
from medvirk.core.viewutils import query_without_page as _query_without_page
from medvirk.organizations.access import OrgContext, get_owned_or_404, org_context
from medvirk.organizations.models import Membership
from medvirk.organizations.permissions import Action
from medvirk.organizations.roles import Role
from medvirk.representatives import ranking
from medvirk.representatives import recruitment as services
from medvirk.representatives import recruitment_selectors as selectors
from medvirk.representatives.models import (
    Assignment,
    Invitation,
    InvitationStatus,
    Onboarding,
    Profile,
    ProfileKind,
    Request,
    RequestStatus,
)
from medvirk.representatives.recruitment_forms import (
    AgreementForm,
    Answer,
    AnswerForm,
    AssignmentEndForm,
    AssignmentFilterForm,
    AssignmentForm,
    DeclarationForm,
    InviteForm,
    RequestFilterForm,
    RequestForm,
)
from medvirk.representatives.registry_selectors import language_names

PAGE_SIZE = 25
TEMPLATES = "representatives/recruitment"


def _manager(request: HttpRequest, org_slug: str) -> OrgContext:
    return org_context(request.user, org_slug, Action.MANAGE_REPRESENTATIVES)


def _request(context: OrgContext, request_id: int) -> Request:
    return get_owned_or_404(
        Request.objects.select_related("council", "created_by"), context, pk=request_id
    )


# --- Requests ----------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD"])
def request_list(request: HttpRequest, org_slug: str) -> HttpResponse:
    """The organisation's recruitment requests, with how far each has come."""
    context = _manager(request, org_slug)
    form = RequestFilterForm(request.GET)
    status = form.cleaned_data["status"] if form.is_valid() else ""
    requests = selectors.request_list(context.organization, status=status)
    page = Paginator(requests, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        f"{TEMPLATES}/request_list.html",
        {
            "org": context,
            "form": form,
            "page": page,
            "filtered": bool(status),
            "query": _query_without_page(request),
        },
    )


def _request_fields(form: RequestForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "title": data["title"],
        "description": data["description"],
        "kind": data["kind"],
        "council": data["council"],
        "areas": list(data["areas"]),
        "language": data["language"],
        "region": data["region"],
        "needed": data["needed"],
        "starts_on": data["starts_on"],
        "ends_on": data["ends_on"],
        "hours": data["hours"],
    }


def request_create(request: HttpRequest, org_slug: str) -> HttpResponse:
    context = _manager(request, org_slug)
    form = RequestForm(
        request.POST or None,
        organization=context.organization,
        initial={"starts_on": timezone.localdate(), "needed": 1},
    )
    if request.method == "POST" and form.is_valid():
        try:
            req = services.request_create(
                organization=context.organization,
                created_by=context.user,
                **_request_fields(form),
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                _("The request “%(title)s” was created. Choose whom to invite below.")
                % {"title": req.title},
            )
            return redirect("representatives:request_detail", org_slug=org_slug, request_id=req.pk)
    return render(
        request, f"{TEMPLATES}/request_form.html", {"org": context, "form": form, "req": None}
    )


def request_edit(request: HttpRequest, org_slug: str, request_id: int) -> HttpResponse:
    context = _manager(request, org_slug)
    req = _request(context, request_id)
    # The form edits a copy, so a refused change does not show up in the page's headings.
    form = RequestForm(
        request.POST or None, instance=copy.copy(req), organization=context.organization
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.request_update(req=req, **_request_fields(form))
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The request was saved."))
            return redirect("representatives:request_detail", org_slug=org_slug, request_id=req.pk)
    return render(
        request, f"{TEMPLATES}/request_form.html", {"org": context, "form": form, "req": req}
    )


def _eligible_people(req: Request) -> Any:
    return User.objects.filter(
        pk__in=ranking.eligible(req, include_unavailable=True).values("user_id")
    )


def request_detail(request: HttpRequest, org_slug: str, request_id: int) -> HttpResponse:
    """The request, the people invited and their onboarding, and ranked suggestions to invite."""
    context = _manager(request, org_slug)
    req = _request(context, request_id)
    form = InviteForm(request.POST or None, people=_eligible_people(req))
    if request.method == "POST" and form.is_valid():
        try:
            sent = services.invitations_send(
                req=req,
                users=list(form.cleaned_data["people"]),
                message=form.cleaned_data["message"],
                invited_by=context.user,
            )
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                # The request is no longer open: the page shows why, without the form.
                for message in error.messages:
                    messages.error(request, message)
                return redirect(request.get_full_path())
            _add_errors(form, error)
        else:
            messages.success(
                request,
                _("Invitations were sent to %(people)s.")
                % {"people": ", ".join(str(i.user) for i in sent)},
            )
            return redirect(request.get_full_path())
    show_unavailable = request.GET.get("unavailable") == "1"
    page = None
    suggestions: list[ranking.Suggestion] = []
    if req.status == RequestStatus.OPEN:
        ranked = ranking.with_matched_areas(
            ranking.ranked(req, include_unavailable=show_unavailable), req
        )
        page = Paginator(ranked, PAGE_SIZE).get_page(request.GET.get("page"))
        suggestions = [ranking.suggestion(profile) for profile in page.object_list]
        log_access(
            actor=context.user,
            action=AccessAction.VIEW,
            organization=context.organization,
            obj=req,
            object_type="representatives.profile",
            object_label=_("Suggested people for “%(title)s”") % {"title": req.title},
        )
    rows = selectors.invitation_rows(req)
    accepted = sum(1 for row in rows if row.invitation.status == InvitationStatus.ACCEPTED)
    return render(
        request,
        f"{TEMPLATES}/request_detail.html",
        {
            "org": context,
            "req": req,
            "areas": list(req.areas.all()),
            "language": language_names([req.language])[0] if req.language else "",
            "rows": rows,
            "accepted": accepted,
            "assigned": sum(1 for row in rows if row.assignment is not None),
            "form": form,
            "chosen": form.chosen_ids(),
            "page": page,
            "suggestions": suggestions,
            "show_unavailable": show_unavailable,
            "query": _query_without_page(request),
        },
    )


def request_cancel(request: HttpRequest, org_slug: str, request_id: int) -> HttpResponse:
    """Confirm, then cancel the request and its unanswered invitations."""
    context = _manager(request, org_slug)
    req = _request(context, request_id)
    if request.method == "POST" and req.status != RequestStatus.CANCELLED:
        withdrawn = services.request_cancel(req=req)
        messages.success(
            request,
            _("The request was cancelled. %(count)s unanswered invitations were withdrawn.")
            % {"count": len(withdrawn)},
        )
        return redirect("representatives:request_detail", org_slug=org_slug, request_id=req.pk)
    waiting = req.invitations.filter(status=InvitationStatus.INVITED).count()
    return render(
        request,
        f"{TEMPLATES}/request_cancel.html",
        {"org": context, "req": req, "waiting": waiting},
    )


def request_status(request: HttpRequest, org_slug: str, request_id: int) -> HttpResponse:
    """Confirm, then mark an open request as filled, or reopen a filled one."""
    context = _manager(request, org_slug)
    req = _request(context, request_id)
    if request.method == "POST":
        filled = req.status == RequestStatus.OPEN
        try:
            services.request_set_filled(req=req, filled=filled)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(
                request,
                _("The request is marked as filled.")
                if filled
                else _("The request is open again."),
            )
        return redirect("representatives:request_detail", org_slug=org_slug, request_id=req.pk)
    return render(
        request,
        f"{TEMPLATES}/request_status.html",
        {"org": context, "req": req, "assigned": selectors.assigned_count(req)},
    )


# --- Invitations (coordinator) ----------------------------------------------------------------


def _invitation(context: OrgContext, invitation_id: int) -> Invitation:
    return get_owned_or_404(
        Invitation.objects.select_related("request", "request__council", "user"),
        context,
        pk=invitation_id,
    )


def invitation_cancel(request: HttpRequest, org_slug: str, invitation_id: int) -> HttpResponse:
    """Confirm, then withdraw an invitation; the person is told."""
    context = _manager(request, org_slug)
    invitation = _invitation(context, invitation_id)
    req = invitation.request
    if request.method == "POST":
        try:
            services.invitation_cancel(invitation=invitation)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(
                request,
                _("The invitation to %(person)s was withdrawn.") % {"person": invitation.user},
            )
        return redirect("representatives:request_detail", org_slug=org_slug, request_id=req.pk)
    return render(
        request,
        f"{TEMPLATES}/invitation_cancel.html",
        {"org": context, "req": req, "invitation": invitation},
    )


def onboarding_detail(request: HttpRequest, org_slug: str, onboarding_id: int) -> HttpResponse:
    """A person's onboarding, with the declaration as signed (reading it is logged)."""
    context = _manager(request, org_slug)
    onboarding = get_owned_or_404(
        Onboarding.objects.select_related("user"), context, pk=onboarding_id
    )
    person = onboarding.user
    if request.method == "POST":
        services.course_mark_done(onboarding=onboarding, by=context.user)
        messages.success(
            request,
            _("The introduction course is marked as completed for %(person)s.")
            % {"person": person},
        )
        return redirect(
            "representatives:onboarding_detail", org_slug=org_slug, onboarding_id=onboarding.pk
        )
    if onboarding.confidentiality_signed_at:
        log_access(
            actor=context.user,
            action=AccessAction.VIEW,
            organization=context.organization,
            obj=onboarding,
            subject=person,
            object_label=_("Signed confidentiality declaration: %(person)s") % {"person": person},
        )
    status = selectors.onboarding_status(onboarding, user=person, organization=context.organization)
    invitations = (
        Invitation.objects.filter(organization=context.organization, user=person)
        .filter(status=InvitationStatus.ACCEPTED)
        .select_related("request")
    )
    return render(
        request,
        f"{TEMPLATES}/onboarding_detail.html",
        {
            "org": context,
            "onboarding": onboarding,
            "person": person,
            "status": status,
            "invitations": invitations,
            "module_key": selectors.introduction_module(),
        },
    )


# --- Assignments (coordinator) ----------------------------------------------------------------


def _pays_honorarium(profile: Profile | None, invitation: Invitation) -> bool:
    """Experience consultants are employees: no honorarium by default."""
    if profile is not None:
        return profile.kind != ProfileKind.EXPERIENCE_CONSULTANT
    roles = set(
        Membership.objects.filter(
            organization=invitation.organization, user=invitation.user
        ).values_list("role", flat=True)
    )
    return not (Role.EXPERIENCE_CONSULTANT in roles and Role.REPRESENTATIVE not in roles)


def assignment_create(request: HttpRequest, org_slug: str, invitation_id: int) -> HttpResponse:
    """Assign the person of an accepted invitation (onboarding must be complete)."""
    context = _manager(request, org_slug)
    invitation = _invitation(context, invitation_id)
    req = invitation.request
    person = invitation.user
    profile = (
        Profile.objects.filter(organization=context.organization, user=person)
        .select_related("nominated_by")
        .first()
    )
    initial = {
        "kind": req.kind,
        "title": req.title,
        "starts_on": req.starts_on,
        "ends_on": req.ends_on,
        "hours": req.hours,
        "paid": _pays_honorarium(profile, invitation),
        "add_to_council": req.council is not None,
    }
    form = AssignmentForm(request.POST or None, council=req.council, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.assignment_create(
                invitation=invitation,
                kind=data["kind"],
                title=data["title"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                hours=data["hours"],
                paid=data["paid"],
                add_to_council=bool(data.get("add_to_council")),
                seat=data.get("seat"),
                represents=profile.nominated_by if profile else None,
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                _("%(person)s is assigned to “%(title)s”.")
                % {"person": person, "title": data["title"]},
            )
            return redirect("representatives:request_detail", org_slug=org_slug, request_id=req.pk)
    onboarding = selectors.onboarding_for(person, context.organization)
    status = selectors.onboarding_status(onboarding, user=person, organization=context.organization)
    return render(
        request,
        f"{TEMPLATES}/assignment_form.html",
        {
            "org": context,
            "req": req,
            "invitation": invitation,
            "person": person,
            "form": form,
            "onboarding": onboarding,
            "status": status,
        },
    )


@require_http_methods(["GET", "HEAD"])
def assignment_list(request: HttpRequest, org_slug: str) -> HttpResponse:
    context = _manager(request, org_slug)
    form = AssignmentFilterForm(request.GET)
    state = form.cleaned_data["state"] if form.is_valid() else ""
    assignments = selectors.assignment_list(context.organization, state=state)
    page = Paginator(assignments, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        f"{TEMPLATES}/assignment_list.html",
        {
            "org": context,
            "form": form,
            "page": page,
            "filtered": bool(state),
            "today": timezone.localdate(),
            "query": _query_without_page(request),
        },
    )


def assignment_end(request: HttpRequest, org_slug: str, assignment_id: int) -> HttpResponse:
    """Set the last day of an assignment, and optionally end the council membership with it."""
    context = _manager(request, org_slug)
    assignment = get_owned_or_404(
        Assignment.objects.select_related("user", "council"), context, pk=assignment_id
    )
    today = timezone.localdate()
    has_membership = services.current_council_membership(assignment, today) is not None
    form = AssignmentEndForm(
        request.POST or None, has_membership=has_membership, initial={"ends_on": today}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.assignment_end(
                assignment=assignment,
                on=form.cleaned_data["ends_on"],
                end_council_membership=bool(form.cleaned_data.get("end_council_membership")),
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                _("The assignment of %(person)s ends %(day)s.")
                % {"person": assignment.user, "day": form.cleaned_data["ends_on"].isoformat()},
            )
            return redirect("representatives:assignment_list", org_slug=org_slug)
    return render(
        request,
        f"{TEMPLATES}/assignment_end.html",
        {"org": context, "assignment": assignment, "form": form},
    )


# --- The person's own -------------------------------------------------------------------------


def _own(request: HttpRequest, org_slug: str) -> OrgContext:
    return org_context(request.user, org_slug, Action.ACT_AS_REPRESENTATIVE)


@require_http_methods(["GET", "HEAD"])
def my_invitations(request: HttpRequest, org_slug: str) -> HttpResponse:
    context = _own(request, org_slug)
    invitations = selectors.my_invitations(context.user, context.organization)
    page = Paginator(invitations, PAGE_SIZE).get_page(request.GET.get("page"))
    onboarding = selectors.onboarding_for(context.user, context.organization)
    return render(
        request,
        f"{TEMPLATES}/my_invitations.html",
        {
            "org": context,
            "mine": True,
            "page": page,
            "query": "",
            "onboarding_status": selectors.onboarding_status(
                onboarding, user=context.user, organization=context.organization
            )
            if onboarding
            else None,
        },
    )


def invitation_respond(request: HttpRequest, org_slug: str, invitation_id: int) -> HttpResponse:
    """The invitation with its request; the person accepts or declines (their own only)."""
    context = _own(request, org_slug)
    invitation = get_owned_or_404(
        Invitation.objects.select_related("request", "request__council", "invited_by"),
        context,
        pk=invitation_id,
        user=context.user,
    )
    req = invitation.request
    form = AnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["answer"] == Answer.ACCEPT:
                services.invitation_accept(invitation=invitation)
            else:
                services.invitation_decline(
                    invitation=invitation, reason=form.cleaned_data["reason"]
                )
        except ValidationError as error:
            # Answered already (perhaps in another tab): the page shows the answer.
            for message in error.messages:
                messages.error(request, message)
            return redirect(request.path)
        else:
            if invitation.status == InvitationStatus.ACCEPTED:
                messages.success(
                    request,
                    _("Thank you for saying yes. Complete the steps below before you start."),
                )
                return redirect("representatives:my_onboarding", org_slug=org_slug)
            messages.success(request, _("Thank you for your answer."))
            return redirect("representatives:my_invitations", org_slug=org_slug)
    return render(
        request,
        f"{TEMPLATES}/invitation_respond.html",
        {
            "org": context,
            "mine": True,
            "invitation": invitation,
            "req": req,
            "areas": list(req.areas.all()),
            "form": form,
        },
    )


class Step:
    AGREEMENT = "agreement"
    DECLARATION = "declaration"


def my_onboarding(request: HttpRequest, org_slug: str) -> HttpResponse:
    """The checklist: the agreement, the confidentiality declaration, the introduction course."""
    context = _own(request, org_slug)
    organization, person = context.organization, context.user
    text = services.declaration_text(organization, person)
    step = request.POST.get("step") if request.method == "POST" else None
    agreement_form = AgreementForm(request.POST if step == Step.AGREEMENT else None)
    declaration_form = DeclarationForm(
        request.POST if step == Step.DECLARATION else None, text=text
    )
    if step == Step.AGREEMENT and agreement_form.is_valid():
        services.agreement_accept(organization=organization, user=person)
        messages.success(request, _("You have accepted the agreement."))
        return redirect("representatives:my_onboarding", org_slug=org_slug)
    if step == Step.DECLARATION and declaration_form.is_valid():
        try:
            services.declaration_sign(
                organization=organization,
                user=person,
                signature=declaration_form.cleaned_data["signature"],
                text=text,
            )
        except ValidationError as error:
            _add_errors(declaration_form, error)
        else:
            messages.success(request, _("You have signed the confidentiality declaration."))
            return redirect("representatives:my_onboarding", org_slug=org_slug)
    onboarding = selectors.onboarding_for(person, organization)
    status = selectors.onboarding_status(onboarding, user=person, organization=organization)
    return render(
        request,
        f"{TEMPLATES}/my_onboarding.html",
        {
            "org": context,
            "mine": True,
            "onboarding": onboarding,
            "status": status,
            "agreement": services.agreement_paragraphs(organization),
            "declaration": services.declaration_paragraphs(organization, person),
            "agreement_form": agreement_form,
            "declaration_form": declaration_form,
            "module_key": selectors.introduction_module(),
        },
    )


@require_http_methods(["GET", "HEAD"])
def my_assignments(request: HttpRequest, org_slug: str) -> HttpResponse:
    context = _own(request, org_slug)
    assignments = selectors.my_assignments(context.user, context.organization)
    page = Paginator(assignments, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        f"{TEMPLATES}/my_assignments.html",
        {
            "org": context,
            "mine": True,
            "page": page,
            "query": "",
            "today": timezone.localdate(),
        },
    )
