"""Organisation-scoped object URLs of this app, for tests/test_cross_organisation.py.

The shipped curriculum is visible to every organisation on purpose, so each
case builds a module written by the owning organisation: that one no member
of another organisation may reach.
"""

from __future__ import annotations

from typing import Any

from medvirk.core.testing import ObjectViewCase
from medvirk.learning.tests.factories import complete_module, org_module


def _module(world: Any) -> dict[str, Any]:
    return {"module_key": org_module(world.org).key}


def _lesson(world: Any) -> dict[str, Any]:
    return {"module_key": org_module(world.org).key, "step": 1}


def _completed(world: Any) -> dict[str, Any]:
    module = org_module(world.org)
    complete_module(world["staff"], world.org, module)
    return {"module_key": module.key}


def _editable(world: Any) -> dict[str, Any]:
    return {"module_id": org_module(world.org).pk}


CASES = [
    ObjectViewCase("learning:module_detail", _module, role="user"),
    ObjectViewCase("learning:lesson_detail", _lesson, role="representative"),
    ObjectViewCase("learning:certificate", _completed, role="staff"),
    ObjectViewCase("learning:organization_module_edit", _editable, role="coordinator"),
]
