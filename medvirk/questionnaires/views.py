"""Questionnaire pages (being built)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from medvirk.organizations.access import org_context
from medvirk.organizations.permissions import Action


def questionnaire_list(request: HttpRequest, org_slug: str) -> HttpResponse:
    context = org_context(request.user, org_slug, Action.VIEW_QUESTIONNAIRES)
    return render(request, "questionnaires/list.html", {"org": context})
