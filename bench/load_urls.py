"""The project's URLs plus a bare endpoint that inserts one row, for the load benchmark only.

``POST /bench/bare-insert/`` goes through the same middleware as every page
(sessions, CSRF exemption aside, authentication, MFA, messages, htmx) and
writes one row into ``bench_bare_insert``, a table bench/bench_survey_load.py
creates with raw SQL in its throw-away database. It is the yardstick: what one
committed insert costs through Django on this server.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from config.urls import handler403, handler404, handler500
from config.urls import urlpatterns as project_urlpatterns

BARE_TABLE = "bench_bare_insert"


@csrf_exempt
@login_not_required
@require_POST
def bare_insert(request: HttpRequest) -> HttpResponse:
    """Insert one row and answer 204: the cheapest write a Django view can do."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {BARE_TABLE} (created_at, note) VALUES (%s, %s)",  # noqa: S608
            [timezone.now(), "bare"],
        )
    return HttpResponse(status=204)


urlpatterns = [path("bench/bare-insert/", bare_insert), *project_urlpatterns]

__all__ = ["handler403", "handler404", "handler500", "urlpatterns"]
