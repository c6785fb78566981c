"""Next-of-kin pages: the person's "who can see my data" and grants, the next of kin's side.

The person (``HAVE_OWN_CARE``) sees everyone who can open their data — the
current care teams and every next-of-kin grant with its history — invites a
next of kin, changes what a grant allows and withdraws it. A grant URL of
someone else's grant is 404.

A next of kin (the next-of-kin role) lists the people who share with them
and opens a person's page only through ``person_access`` as next of kin:
the person themself, their care team and everybody else get 404 there, and
every opening is logged. A withdrawn grant is 404 on the next request.

Accepting an invitation (``accept``) is outside any organisation, since the
next of kin may not be a member yet; the login the middleware demands comes
first, and the account must have the invited address, verified.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from medvirk.accounts.models import User
from medvirk.care import kin as services
from medvirk.care.access import Via, log_read, person_access
from medvirk.care.kin_forms import InviteForm, ScopesForm
from medvirk.care.kin_selectors import (
    GrantStatus,
    grant_status,
    person_care_teams,
    person_grants,
    scope_labels,
    shared_with,
)
from medvirk.care.models import NextOfKinGrant
from medvirk.core.viewutils import add_errors as _add_errors
from medvirk.organizations.access import OrgContext, get_owned_or_404, org_context
from medvirk.organizations.permissions import Action

OPEN_STATUSES = (GrantStatus.PENDING, GrantStatus.ACTIVE)


def _posted(request: HttpRequest) -> Any:
    """The form data of a POST, even an empty one (no box ticked), else ``None``."""
    return request.POST if request.method == "POST" else None


# --- The person's side ------------------------------------------------------------------------


def _own(request: HttpRequest, org_slug: str) -> OrgContext:
    return org_context(request.user, org_slug, Action.HAVE_OWN_CARE)


def _own_grant(
    request: HttpRequest, org_slug: str, grant_id: int
) -> tuple[OrgContext, NextOfKinGrant]:
    """One of the person's own grants; anyone else's is 404."""
    context = _own(request, org_slug)
    grant = get_owned_or_404(
        NextOfKinGrant.objects.select_related("next_of_kin"),
        context,
        pk=grant_id,
        person=context.user,
    )
    return context, grant


def _grant_row(grant: NextOfKinGrant, now: Any) -> dict[str, Any]:
    status = grant_status(grant, now)
    return {
        "grant": grant,
        "status": status,
        "is_open": status in OPEN_STATUSES,
        "scopes": scope_labels(grant.scopes()),
        "history": [
            {"event": event, "scopes": scope_labels(event.scopes)} for event in grant.events.all()
        ],
    }


@require_http_methods(["GET", "HEAD"])
def who_can_see(request: HttpRequest, org_slug: str) -> HttpResponse:
    """Everyone who can open the person's data: care teams, next of kin, and the history."""
    context = _own(request, org_slug)
    now = timezone.now()
    return render(
        request,
        "care/kin/who_can_see.html",
        {
            "org": context,
            "mine": True,
            "teams": person_care_teams(context.user, context.organization),
            "grants": [
                _grant_row(grant, now)
                for grant in person_grants(context.user, context.organization)
            ],
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def kin_invite(request: HttpRequest, org_slug: str) -> HttpResponse:
    context = _own(request, org_slug)
    form = InviteForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.grant_invite(
                person=context.user,
                organization=context.organization,
                email=data["email"],
                relation=data["relation"],
                scopes=data["scopes"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                _(
                    "The invitation is on its way to %(email)s. It is valid for 14 days; "
                    "you will be told when it is accepted."
                )
                % {"email": data["email"]},
            )
            return redirect("care:who_can_see", org_slug=org_slug)
    return render(request, "care/kin/invite.html", {"org": context, "mine": True, "form": form})


@require_http_methods(["GET", "HEAD", "POST"])
def kin_grant_edit(request: HttpRequest, org_slug: str, grant_id: int) -> HttpResponse:
    """Change what a next of kin may see (from the next request on)."""
    context, grant = _own_grant(request, org_slug, grant_id)
    if grant_status(grant) not in OPEN_STATUSES:
        messages.info(request, _("This access is no longer open, so it cannot be changed."))
        return redirect("care:who_can_see", org_slug=org_slug)
    form = ScopesForm(_posted(request), initial={"scopes": grant.scopes()})
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.grant_change(
                grant=grant, actor=context.user, scopes=form.cleaned_data["scopes"]
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            if changed:
                messages.success(request, _("Saved. The change counts from now."))
            else:
                messages.info(request, _("Nothing was changed."))
            return redirect("care:who_can_see", org_slug=org_slug)
    return render(
        request,
        "care/kin/grant_edit.html",
        {"org": context, "mine": True, "form": form, "grant": grant},
    )


@require_http_methods(["GET", "HEAD", "POST"])
def kin_grant_withdraw(request: HttpRequest, org_slug: str, grant_id: int) -> HttpResponse:
    """Confirm, then withdraw the access (or the invitation) at once."""
    context, grant = _own_grant(request, org_slug, grant_id)
    if grant.withdrawn_at is not None:
        messages.info(request, _("This access has already been withdrawn."))
        return redirect("care:who_can_see", org_slug=org_slug)
    if request.method == "POST":
        services.grant_withdraw(grant=grant, actor=context.user)
        messages.success(
            request,
            _("Withdrawn. From now on %(who)s cannot see anything of yours.")
            % {"who": _name(grant)},
        )
        return redirect("care:who_can_see", org_slug=org_slug)
    return render(
        request,
        "care/kin/grant_withdraw.html",
        {"org": context, "mine": True, "grant": grant, "status": grant_status(grant)},
    )


def _name(grant: NextOfKinGrant) -> str:
    if grant.next_of_kin is not None:
        return str(grant.next_of_kin)
    return grant.email


# --- The next of kin's side -------------------------------------------------------------------


def _as_next_of_kin(request: HttpRequest, org_slug: str) -> OrgContext:
    """The context of a next of kin in the organisation; 404 for every other role."""
    context = org_context(request.user, org_slug)
    if not context.can(Action.VIEW_SHARED_CARE):
        raise Http404
    return context


@require_http_methods(["GET", "HEAD"])
def shared_with_me(request: HttpRequest, org_slug: str) -> HttpResponse:
    """The people whose active grants the next of kin holds here, and what each allows."""
    context = _as_next_of_kin(request, org_slug)
    grants = [
        {"grant": grant, "scopes": scope_labels(grant.scopes())}
        for grant in shared_with(context.user, context.organization)
    ]
    return render(request, "care/kin/shared_with_me.html", {"org": context, "grants": grants})


@require_http_methods(["GET", "HEAD"])
def kin_person(request: HttpRequest, org_slug: str, person_id: int) -> HttpResponse:
    """A person's page for their next of kin: exactly the granted scopes, each opening logged."""
    context = _as_next_of_kin(request, org_slug)
    access = person_access(context, person_id)
    # This page is the next of kin's view: the person and their team have their own pages.
    if access.via != Via.NEXT_OF_KIN or access.grant is None:
        raise Http404
    # The grant's own label, without loading the person a second time.
    log_read(access, access.grant, object_label=f"{access.person} → {access.grant.email}")
    return render(
        request,
        "care/kin/person.html",
        {
            "org": context,
            "person": access.person,
            "grant": access.grant,
            "scopes": scope_labels(access.grant.scopes()),
        },
    )


# --- Accepting an invitation ------------------------------------------------------------------

REFUSAL_STATUS = {
    services.Refusal.WITHDRAWN: 410,
    services.Refusal.EXPIRED: 410,
    services.Refusal.USED: 410,
    services.Refusal.OWN: 403,
    services.Refusal.WRONG_ADDRESS: 403,
    services.Refusal.ALREADY_ACCEPTED: 200,
    services.Refusal.ALREADY_SHARING: 200,
}


@require_http_methods(["GET", "HEAD", "POST"])
def accept(request: HttpRequest, token: str) -> HttpResponse:
    """The invitation: what accepting means, and the button; or why it cannot be accepted."""
    user = request.user
    if not isinstance(user, User):  # the login middleware sends everyone else to log in
        raise Http404
    grant = (
        NextOfKinGrant.objects.select_related("person", "organization", "next_of_kin")
        .filter(token=token)
        .first()
    )
    if grant is None:
        raise Http404
    reason = services.invitation_refusal(grant, user)
    if request.method == "POST" and reason is None:
        try:
            services.grant_accept(grant=grant, user=user)
        except services.InvitationRefused as refused:
            reason = refused.reason
        else:
            messages.success(
                request,
                _("You have accepted. You can now see what %(person)s shares with you.")
                % {"person": grant.person},
            )
            return redirect(
                "care:kin_person", org_slug=grant.organization.slug, person_id=grant.person_id
            )
    return render(
        request,
        "care/kin/invitation.html",
        {
            "grant": grant,
            "reason": reason or "",
            "scopes": scope_labels(grant.scopes()),
        },
        status=REFUSAL_STATUS[reason] if reason else 200,
    )
