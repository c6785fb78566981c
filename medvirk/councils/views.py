"""Council pages: the list, a council's composition, and the coordinators' forms.

Every council is loaded through ``medvirk.councils.access``: pages that only
show go through ``access_council`` (own and shared councils), pages that
change go through ``access_managed_council`` (owning organisation's managers),
and both answer 404 otherwise. Forms re-render with what was typed when a
service refuses the change.
"""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from medvirk.core.viewutils import add_errors as _add_errors
from medvirk.core.viewutils import query_without_page as _query_without_page
from medvirk.councils import selectors, services
from medvirk.councils.access import access_council, access_managed_council, can_manage_council
from medvirk.councils.forms import (
    CouncilFilterForm,
    CouncilForm,
    MemberForm,
    SeatForm,
    UserOrganizationForm,
)
from medvirk.councils.models import Council, CouncilMember, Seat
from medvirk.organizations.access import org_context
from medvirk.organizations.permissions import Action

PAGE_SIZE = 25


# --- Councils ---------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD"])
def council_list(request: HttpRequest, org_slug: str) -> HttpResponse:
    """The councils the person's organisation runs or shares, with their gaps."""
    context = org_context(request.user, org_slug, Action.VIEW_COUNCILS)
    form = CouncilFilterForm(request.GET)
    kind = form.cleaned_data["kind"] if form.is_valid() else ""
    councils = selectors.council_list(context, kind=kind)
    page = Paginator(councils, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "councils/council_list.html",
        {
            "org": context,
            "form": form,
            "page": page,
            "filtered": bool(kind),
            "query": _query_without_page(request),
        },
    )


def council_create(request: HttpRequest, org_slug: str) -> HttpResponse:
    context = org_context(request.user, org_slug, Action.MANAGE_COUNCILS)
    form = CouncilForm(request.POST or None, organization=context.organization)
    if request.method == "POST" and form.is_valid():
        try:
            council = services.council_create(
                organization=context.organization, **_council_fields(form)
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("“%(name)s” was created.") % {"name": council.name})
            return redirect("councils:detail", org_slug=org_slug, council_id=council.pk)
    return render(
        request, "councils/council_form.html", {"org": context, "form": form, "council": None}
    )


def _council_fields(form: CouncilForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "name": data["name"],
        "kind": data["kind"],
        "mandate": data["mandate"],
        "unit": data["unit"],
        "visibility": data["visibility"],
        "term_months": data["term_months"],
        "is_active": data["is_active"],
    }


def council_edit(request: HttpRequest, org_slug: str, council_id: int) -> HttpResponse:
    context, council = access_managed_council(request.user, org_slug, council_id)
    # The form edits a copy, so a refused change does not show up in the page's headings.
    form = CouncilForm(
        request.POST or None, instance=copy.copy(council), organization=context.organization
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.council_update(council=council, **_council_fields(form))
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The council was saved."))
            return redirect("councils:detail", org_slug=org_slug, council_id=council.pk)
    return render(
        request, "councils/council_form.html", {"org": context, "form": form, "council": council}
    )


@require_http_methods(["GET", "HEAD"])
def council_detail(request: HttpRequest, org_slug: str, council_id: int) -> HttpResponse:
    """Mandate, seats with their holders, and the members table (current, coming, past)."""
    context, council = access_council(request.user, org_slug, council_id)
    return render(
        request,
        "councils/council_detail.html",
        {
            "org": context,
            "council": council,
            "composition": selectors.composition(council),
            "can_manage": can_manage_council(context, council),
            "is_own": council.organization_id == context.organization.pk,
        },
    )


# --- Seats ------------------------------------------------------------------------------------


def _seat(council: Council, seat_id: int) -> Seat:
    try:
        return Seat.objects.get(council=council, pk=seat_id)
    except Seat.DoesNotExist as exc:
        raise Http404 from exc


def _seat_fields(form: SeatForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "title": data["title"],
        "requirement": data["requirement"],
        "required": data["required"],
        "position": data["position"],
    }


def seat_create(request: HttpRequest, org_slug: str, council_id: int) -> HttpResponse:
    context, council = access_managed_council(request.user, org_slug, council_id)
    initial = {"position": (council.seats.count() + 1) * 10}
    form = SeatForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.seat_create(council=council, **_seat_fields(form))
        messages.success(request, _("The seat was added."))
        return redirect("councils:detail", org_slug=org_slug, council_id=council.pk)
    return render(
        request,
        "councils/seat_form.html",
        {"org": context, "council": council, "form": form, "seat": None},
    )


def seat_edit(request: HttpRequest, org_slug: str, council_id: int, seat_id: int) -> HttpResponse:
    context, council = access_managed_council(request.user, org_slug, council_id)
    seat = _seat(council, seat_id)
    form = SeatForm(request.POST or None, instance=copy.copy(seat))
    if request.method == "POST" and form.is_valid():
        services.seat_update(seat=seat, **_seat_fields(form))
        messages.success(request, _("The seat was saved."))
        return redirect("councils:detail", org_slug=org_slug, council_id=council.pk)
    return render(
        request,
        "councils/seat_form.html",
        {"org": context, "council": council, "form": form, "seat": seat},
    )


def seat_remove(request: HttpRequest, org_slug: str, council_id: int, seat_id: int) -> HttpResponse:
    context, council = access_managed_council(request.user, org_slug, council_id)
    seat = _seat(council, seat_id)
    if request.method == "POST":
        services.seat_remove(seat=seat)
        messages.success(request, _("The seat was removed."))
        return redirect("councils:detail", org_slug=org_slug, council_id=council.pk)
    holders = seat.holders.select_related("user").filter(selectors.current_q(_today()))
    return render(
        request,
        "councils/seat_remove.html",
        {"org": context, "council": council, "seat": seat, "holders": holders},
    )


def _today() -> date:
    return timezone.localdate()


# --- Members ----------------------------------------------------------------------------------


def _member(council: Council, member_id: int) -> CouncilMember:
    try:
        return CouncilMember.objects.select_related("user", "seat", "represents").get(
            council=council, pk=member_id
        )
    except CouncilMember.DoesNotExist as exc:
        raise Http404 from exc


def _member_fields(form: MemberForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "role": data["role"],
        "seat": data["seat"],
        "represents": data["represents"],
        "term_start": data["term_start"],
        "term_end": data["term_end"],
    }


def member_add(request: HttpRequest, org_slug: str, council_id: int) -> HttpResponse:
    context, council = access_managed_council(request.user, org_slug, council_id)
    initial: dict[str, Any] = {"term_start": _today()}
    if request.GET.get("seat", "").isdigit():
        initial["seat"] = int(request.GET["seat"])
    form = MemberForm(request.POST or None, council=council, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            member = services.member_add(
                council=council,
                user=form.cleaned_data["user"],
                **_member_fields(form),
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request, _("%(person)s was added to the council.") % {"person": member.user}
            )
            return redirect("councils:detail", org_slug=org_slug, council_id=council.pk)
    return render(
        request,
        "councils/member_form.html",
        {"org": context, "council": council, "form": form, "member": None},
    )


def member_edit(
    request: HttpRequest, org_slug: str, council_id: int, member_id: int
) -> HttpResponse:
    context, council = access_managed_council(request.user, org_slug, council_id)
    member = _member(council, member_id)
    form = MemberForm(request.POST or None, council=council, member=member)
    if request.method == "POST" and form.is_valid():
        try:
            services.member_update(member=member, **_member_fields(form))
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The membership was saved."))
            return redirect("councils:detail", org_slug=org_slug, council_id=council.pk)
    return render(
        request,
        "councils/member_form.html",
        {"org": context, "council": council, "form": form, "member": member},
    )


def member_end(
    request: HttpRequest, org_slug: str, council_id: int, member_id: int
) -> HttpResponse:
    """Confirm, then end the term today (a term not yet started is removed)."""
    context, council = access_managed_council(request.user, org_slug, council_id)
    member = _member(council, member_id)
    if request.method == "POST":
        person = member.user
        if services.member_end(member=member) is None:
            messages.success(
                request, _("%(person)s's coming term was removed.") % {"person": person}
            )
        else:
            messages.success(request, _("%(person)s's term ends today.") % {"person": person})
        return redirect("councils:detail", org_slug=org_slug, council_id=council.pk)
    return render(
        request,
        "councils/member_end.html",
        {"org": context, "council": council, "member": member, "today": _today()},
    )


# --- User organisations -----------------------------------------------------------------------


def user_organizations(request: HttpRequest, org_slug: str) -> HttpResponse:
    """The installation's list of user organisations, and a form to add one."""
    context = org_context(request.user, org_slug, Action.MANAGE_COUNCILS)
    form = UserOrganizationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.user_organization_create(
                name=form.cleaned_data["name"],
                short_name=form.cleaned_data["short_name"],
                website=form.cleaned_data["website"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("“%(name)s” was added.") % {"name": created.name})
            return redirect("councils:user_organizations", org_slug=org_slug)
    page = Paginator(selectors.user_organizations(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "councils/user_organizations.html",
        {"org": context, "form": form, "page": page, "query": ""},
    )
