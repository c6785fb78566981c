"""Navigation for the base layout: what the person's roles let them reach."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from medvirk.core.navigation import build_navigation


def navigation(request: HttpRequest) -> dict[str, Any]:
    return {"nav": build_navigation(request)}
