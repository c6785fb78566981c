"""The organisation admins' search of the access log, and its CSV export.

Reading the log is not itself logged: every page view would add an entry to
the table being read, and the log would grow without bound. Exports are
logged, since they take the data out of the platform.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.http import urlencode

from medvirk.accesslog.export import csv_lines
from medvirk.accesslog.forms import EntryFilterForm
from medvirk.accesslog.models import AccessAction
from medvirk.accesslog.selectors import entries_for
from medvirk.accesslog.services import log_access
from medvirk.organizations.access import OrgContext, org_context
from medvirk.organizations.permissions import Action

PAGE_SIZE = 50
EXPORT_OBJECT_TYPE = "accesslog.accesslogentry"


def _search_query(request: HttpRequest) -> str:
    """The search as a query string without the page number (for links that keep it)."""
    return urlencode(
        [(key, value) for key, value in request.GET.lists() if key != "page"], doseq=True
    )


def entry_list(request: HttpRequest, org_slug: str) -> HttpResponse:
    """Organisation admins search the access log."""
    context = org_context(request.user, org_slug, Action.VIEW_ACCESS_LOG)
    return _render_search(request, context, EntryFilterForm(request.GET))


def _render_search(
    request: HttpRequest, context: OrgContext, form: EntryFilterForm
) -> HttpResponse:
    # With a bad date nothing is listed: a list ignoring the date would look like an answer.
    page = None
    filtered = False
    if form.is_valid():
        filters = form.filters()
        filtered = not filters.is_empty
        entries = entries_for(context.organization, filters)
        page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "accesslog/entry_list.html",
        {
            "org": context,
            "form": form,
            "page": page,
            "filtered": filtered,
            "query": _search_query(request),
        },
    )


def entry_export(request: HttpRequest, org_slug: str) -> HttpResponse | StreamingHttpResponse:
    """Download the entries of the current search as CSV; the download is logged."""
    context = org_context(request.user, org_slug, Action.VIEW_ACCESS_LOG)
    form = EntryFilterForm(request.GET)
    if not form.is_valid():
        # Never export more than was asked for: show the search with its errors.
        return _render_search(request, context, form)
    query = _search_query(request)
    log_access(
        actor=context.user,
        action=AccessAction.EXPORT,
        organization=context.organization,
        object_type=EXPORT_OBJECT_TYPE,
        object_label=query,
    )
    entries = entries_for(context.organization, form.filters()).iterator(chunk_size=2000)
    response = StreamingHttpResponse(
        csv_lines(entries, language=translation.get_language()),
        content_type="text/csv; charset=utf-8",
    )
    filename = f"access-log-{context.organization.slug}-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
