"""Organisation overview, units and members."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from medvirk.organizations import services
from medvirk.organizations.access import access_unit, org_context
from medvirk.organizations.forms import UnitForm
from medvirk.organizations.permissions import Action
from medvirk.organizations.selectors import members_for, units_for

PAGE_SIZE = 25


def overview(request: HttpRequest, org_slug: str) -> HttpResponse:
    context = org_context(request.user, org_slug)  # type: ignore[arg-type]
    return render(request, "organizations/overview.html", {"org": context})


def unit_list(request: HttpRequest, org_slug: str) -> HttpResponse:
    context = org_context(request.user, org_slug, Action.VIEW_UNITS)  # type: ignore[arg-type]
    page = Paginator(units_for(context.organization), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "organizations/unit_list.html", {"org": context, "page": page})


def unit_detail(request: HttpRequest, org_slug: str, unit_id: int) -> HttpResponse:
    context, unit = access_unit(request.user, org_slug, unit_id)  # type: ignore[arg-type]
    return render(request, "organizations/unit_detail.html", {"org": context, "unit": unit})


def unit_create(request: HttpRequest, org_slug: str) -> HttpResponse:
    context = org_context(request.user, org_slug, Action.MANAGE_UNITS)  # type: ignore[arg-type]
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
    context, unit = access_unit(request.user, org_slug, unit_id, Action.MANAGE_UNITS)  # type: ignore[arg-type]
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
    context = org_context(request.user, org_slug, Action.VIEW_MEMBERS)  # type: ignore[arg-type]
    page = Paginator(members_for(context.organization), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "organizations/member_list.html", {"org": context, "page": page})
