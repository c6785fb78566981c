"""Cross-organisation cases of the registry pages (joined in cross_org.py).

A profile (and a training record) of the owning organisation's
representative; a coordinator or representative of the other organisation
must get 404.
"""

from __future__ import annotations

import datetime
from typing import Any

from medvirk.core.testing import ObjectViewCase
from medvirk.representatives.models import TrainingRecord
from medvirk.representatives.tests import factories


def _profile(world: Any) -> dict[str, Any]:
    return {"profile_id": factories.profile(world).pk}


def _own_record(world: Any) -> dict[str, Any]:
    factories.profile(world)
    record = TrainingRecord.objects.create(
        organization=world.org,
        user=world["representative"],
        title="Introduksjonskurs",
        completed_on=datetime.date(2024, 5, 1),
    )
    return {"record_id": record.pk}


CASES: list[ObjectViewCase] = [
    ObjectViewCase("representatives:profile_detail", _profile, role="coordinator"),
    ObjectViewCase("representatives:profile_training_add", _profile, role="coordinator"),
    ObjectViewCase("representatives:my_training_delete", _own_record, role="representative"),
]
