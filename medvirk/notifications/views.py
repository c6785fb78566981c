"""The person's notifications: the list, and marking them as read.

State changes are POST forms that work without JavaScript (redirect back to
the list); with htmx they answer with the changed part of the page and the
new count for the bell.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_htmx.middleware import HtmxDetails

from medvirk.accounts.models import User
from medvirk.notifications import services
from medvirk.notifications.access import access_notification
from medvirk.notifications.models import Notification
from medvirk.notifications.selectors import notifications_for

PAGE_SIZE = 25


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def _recipient(request: HttpRequest) -> User:
    # LoginRequiredMiddleware has already sent anonymous visitors to log in.
    if not isinstance(request.user, User):
        raise Http404
    return request.user


def _page(request: HttpRequest, number: str | None) -> Page[Notification]:
    return Paginator(notifications_for(_recipient(request)), PAGE_SIZE).get_page(number)


def _back_to_list(number: str | None) -> HttpResponseRedirect:
    """Return to the page of the list the form was on (only a page number is kept)."""
    url = reverse("notifications:list")
    if number and number.isdigit() and int(number) > 1:
        url += f"?page={int(number)}"
    return HttpResponseRedirect(url)


@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    page = _page(request, request.GET.get("page"))
    return render(request, "notifications/list.html", {"page": page})


@require_POST
def notification_mark_read(request: HtmxHttpRequest, notification_id: int) -> HttpResponse:
    notification = access_notification(request.user, notification_id)
    services.notification_mark_read(notification=notification)
    status = _("The notification was marked as read.")
    if request.htmx:
        return render(
            request,
            "notifications/_htmx_update.html",
            {
                "notification": notification,
                "page_number": request.POST.get("page"),
                "status": status,
            },
        )
    messages.success(request, status)
    return _back_to_list(request.POST.get("page"))


@require_POST
def notification_mark_all_read(request: HtmxHttpRequest) -> HttpResponse:
    count = services.notifications_mark_all_read(recipient=_recipient(request))
    if count:
        status = _("All notifications were marked as read.")
    else:
        status = _("You had no unread notifications.")
    if request.htmx:
        page = _page(request, request.POST.get("page"))
        return render(request, "notifications/_htmx_update.html", {"page": page, "status": status})
    messages.success(request, status)
    return _back_to_list(request.POST.get("page"))
