"""Organisation overview, units and members."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from medvirk.organizations import services
from medvirk.organizations.access import access_membership, access_unit, org_context
from medvirk.organizations.forms import MembershipAddForm, UnitForm
from medvirk.organizations.permissions import Action
from medvirk.organizations.selectors import annotate_member_counts, members_for, units_for

PAGE_SIZE = 25


def overview(request: HttpRequest, org_slug: str) -> HttpResponse:
    context = org_context(request.user, org_slug)
    return render(request, "organizations/overview.html", {"org": context})


def unit_list(request: HttpRequest, org_slug: str) -> HttpResponse:
    context = org_context(request.user, org_slug, Action.VIEW_UNITS)
    page = Paginator(units_for(context.organization), PAGE_SIZE).get_page(request.GET.get("page"))
    units = annotate_member_counts(page.object_list)
    return render(
        request, "organizations/unit_list.html", {"org": context, "page": page, "units": units}
    )


def unit_detail(request: HttpRequest, org_slug: str, unit_id: int) -> HttpResponse:
    context, unit = access_unit(request.user, org_slug, unit_id)
    return render(request, "organizations/unit_detail.html", {"org": context, "unit": unit})


def unit_create(request: HttpRequest, org_slug: str) -> HttpResponse:
    context = org_context(request.user, org_slug, Action.MANAGE_UNITS)
    form = UnitForm(request.POST or None, organization=context.organization)
    if request.method == "POST" and form.is_valid():
        unit = services.unit_create(
            actor=context.user,
            organization=context.organization,
            name=form.cleaned_data["name"],
            description=form.cleaned_data["description"],
        )
        messages.success(request, _("The unit “%(name)s” was created.") % {"name": unit.name})
        return redirect("organizations:unit_detail", org_slug=org_slug, unit_id=unit.pk)
    return render(
        request, "organizations/unit_form.html", {"org": context, "form": form, "unit": None}
    )


def unit_edit(request: HttpRequest, org_slug: str, unit_id: int) -> HttpResponse:
    context, unit = access_unit(request.user, org_slug, unit_id, Action.MANAGE_UNITS)
    form = UnitForm(request.POST or None, instance=unit, organization=context.organization)
    if request.method == "POST" and form.is_valid():
        services.unit_update(
            actor=context.user,
            unit=unit,
            name=form.cleaned_data["name"],
            description=form.cleaned_data["description"],
            is_active=form.cleaned_data["is_active"],
        )
        messages.success(request, _("The unit was saved."))
        return redirect("organizations:unit_detail", org_slug=org_slug, unit_id=unit.pk)
    return render(
        request, "organizations/unit_form.html", {"org": context, "form": form, "unit": unit}
    )


def member_list(request: HttpRequest, org_slug: str) -> HttpResponse:
    context = org_context(request.user, org_slug, Action.VIEW_MEMBERS)
    page = Paginator(members_for(context.organization), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "organizations/member_list.html", {"org": context, "page": page})


def member_add(request: HttpRequest, org_slug: str) -> HttpResponse:
    context = org_context(request.user, org_slug, Action.MANAGE_MEMBERS)
    form = MembershipAddForm(request.POST or None, organization=context.organization)
    if request.method == "POST" and form.is_valid():
        membership = services.membership_add(
            actor=context.user,
            organization=context.organization,
            email=form.cleaned_data["email"],
            full_name=form.cleaned_data["full_name"],
            role=form.cleaned_data["role"],
            unit=form.cleaned_data["unit"],
        )
        messages.success(
            request,
            _("%(person)s now has the role %(role)s.")
            % {"person": membership.user, "role": membership.get_role_display()},
        )
        return redirect("organizations:member_list", org_slug=org_slug)
    return render(request, "organizations/member_add.html", {"org": context, "form": form})


def member_remove(request: HttpRequest, org_slug: str, membership_id: int) -> HttpResponse:
    context, membership = access_membership(
        request.user,
        org_slug,
        membership_id,
        Action.MANAGE_MEMBERS,
    )
    if request.method == "POST":
        try:
            services.membership_remove(actor=context.user, membership=membership)
        except services.LastAdminError:
            messages.error(
                request,
                _("The organisation must have at least one administrator. Add another first."),
            )
        else:
            messages.success(request, _("The role was removed."))
        return redirect("organizations:member_list", org_slug=org_slug)
    return render(
        request, "organizations/member_remove.html", {"org": context, "membership": membership}
    )
