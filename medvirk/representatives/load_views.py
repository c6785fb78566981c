"""Load and gaps for leaders and coordinators: /o/<org_slug>/representatives/load/."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from medvirk.organizations.access import org_context
from medvirk.organizations.permissions import Action
from medvirk.representatives import load_selectors

PER_PAGE = 25


@require_http_methods(["GET", "HEAD"])
def load(request: HttpRequest, org_slug: str) -> HttpResponse:
    """Assignments and hours per person over twelve months, overload flags, unfilled seats."""
    context = org_context(request.user, org_slug, Action.VIEW_REPRESENTATIVE_LOAD)
    organization = context.organization
    start, end = load_selectors.period()
    page = Paginator(load_selectors.load_rows(organization), PER_PAGE).get_page(
        request.GET.get("page")
    )
    most_assignments, most_hours = load_selectors.overload_limits()
    return render(
        request,
        "representatives/load/load.html",
        {
            "org": context,
            "page": page,
            "rows": [load_selectors.load_row(person) for person in page.object_list],
            "spread": load_selectors.spread(organization),
            "gaps": list(load_selectors.councils_with_gaps(organization)),
            "period_start": start,
            "period_end": end,
            "most_assignments": most_assignments,
            "most_hours": most_hours,
        },
    )
