"""Cross-organisation cases of the my-data pages (joined in cross_org.py).

A deletion request from the owning organisation's user: the coordinator of
the other organisation gets 404 for it.
"""

from __future__ import annotations

from typing import Any

from medvirk.care.models import DeletionRequest
from medvirk.core.testing import ObjectViewCase


def _request(world: Any) -> dict[str, Any]:
    made = DeletionRequest.objects.create(
        organization=world.org, person=world["user"], message="Delete my answers."
    )
    return {"request_id": made.pk}


CASES: list[ObjectViewCase] = [
    ObjectViewCase("care:deletion_request_handle", _request, role="coordinator"),
]
