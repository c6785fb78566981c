"""Organisation-scoped object URLs of this app, for tests/test_cross_organisation.py.

Proposals are visible to every member of their organisation, so a user opens
the members' pages and a coordinator the triage pages; the same role in
another organisation must get 404.
"""

from __future__ import annotations

from typing import Any

from medvirk.core.testing import ObjectViewCase
from medvirk.proposals.tests.factories import change, proposal


def _proposal(world: Any) -> dict[str, Any]:
    return {"proposal_id": proposal(world, submitted_by=world["user"]).pk}


def _change(world: Any) -> dict[str, Any]:
    return {"change_id": change(world).pk}


CASES = [
    ObjectViewCase("proposals:detail", _proposal, role="user"),
    ObjectViewCase("proposals:detail", _proposal, role="coordinator"),
    ObjectViewCase("proposals:support", _proposal, role="user"),
    ObjectViewCase("proposals:moderate", _proposal, role="coordinator"),
    ObjectViewCase("proposals:change_edit", _change, role="coordinator"),
]
