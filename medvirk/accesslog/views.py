from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from medvirk.accesslog.models import AccessLogEntry
from medvirk.organizations.access import org_context
from medvirk.organizations.permissions import Action


def entry_list(request: HttpRequest, org_slug: str) -> HttpResponse:
    """Organisation admins search the access log."""
    context = org_context(request.user, org_slug, Action.VIEW_ACCESS_LOG)
    entries = AccessLogEntry.objects.filter(organization=context.organization)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "accesslog/entry_list.html", {"org": context, "page": page})
