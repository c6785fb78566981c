"""Pages that belong to no single feature: home, health, accessibility, errors."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import check_for_language
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from medvirk.accounts.models import User
from medvirk.organizations.selectors import contexts_for_user


def home(request: HttpRequest) -> HttpResponse:
    """The person's start page: their organisations and what they can do there."""
    contexts = contexts_for_user(request.user)
    return render(request, "core/home.html", {"contexts": contexts})


@login_not_required
@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """Answer 200 when the database answers, 503 otherwise (for load balancers)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


@login_not_required
def accessibility_statement(request: HttpRequest) -> HttpResponse:
    return render(request, "core/accessibility.html")


@login_not_required
@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch language (works without JavaScript) and remember it on the profile."""
    response = django_set_language(request)
    language = request.POST.get("language", "")
    user = request.user
    if (
        isinstance(response, HttpResponseRedirect)
        and isinstance(user, User)
        and check_for_language(language)
        and user.preferred_language != language
    ):
        user.preferred_language = language
        user.save(update_fields=["preferred_language"])
    return response


@login_not_required
def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


@login_not_required
def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


@login_not_required
def error_500(request: HttpRequest) -> HttpResponse:
    # Rendered without the request context: the failure may lie in a context processor.
    return render(request, "500.html", status=500, using=None)


@login_not_required
def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """The form's security token had expired: explain it in the person's language."""
    return render(request, "403_csrf.html", status=403)
