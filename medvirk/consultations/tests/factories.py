"""Test helpers for consultations: rows made with the ORM, so tests can build any stage.

Dates are relative to today (``days(n)``); ``consultation(..., stage=...)``
picks dates and publication times that put the consultation in that stage.
"""

from __future__ import annotations

import itertools
from datetime import timedelta
from typing import Any

from django.utils import timezone

from medvirk.accounts.models import User
from medvirk.consultations.choices import Stage
from medvirk.consultations.models import Consultation, ConsultationResponse
from medvirk.councils.tests.factories import days
from medvirk.organizations.models import Organization

_counter = itertools.count(1)

# Opening and closing day (relative to today) that give each stage once published.
STAGE_DATES = {
    Stage.DRAFT: (-5, 10),
    Stage.UPCOMING: (3, 20),
    Stage.OPEN: (-5, 10),
    Stage.CLOSED: (-20, -3),
    Stage.OVERDUE: (-60, -45),
    Stage.DECIDED: (-60, -20),
}


def consultation(
    organization: Organization,
    coordinator: User,
    *,
    stage: Stage | str = Stage.OPEN,
    **kw: Any,
) -> Consultation:
    """A consultation of ``organization`` in ``stage``; keyword arguments override fields."""
    stage = Stage(stage)
    opens, closes = STAGE_DATES[stage]
    now = timezone.now()
    values: dict[str, Any] = {
        "title": f"Høring {next(_counter)}",
        "question": "Hva mener du om forslaget?",
        "opens_on": days(opens),
        "closes_on": days(closes),
        "published_at": None if stage == Stage.DRAFT else now - timedelta(days=70),
        "audience_all_representatives": True,
    }
    if stage == Stage.DECIDED:
        values.update(
            decision="Vi endrer åpningstidene.",
            input_used="Innspillene avgjorde tidspunktet.",
            decided_on=days(-10),
            decision_published_at=now - timedelta(days=10),
        )
    values.update(kw)
    councils = values.pop("audience_councils", [])
    user_organizations = values.pop("audience_user_organizations", [])
    made = Consultation.objects.create(organization=organization, coordinator=coordinator, **values)
    made.audience_councils.set(councils)
    made.audience_user_organizations.set(user_organizations)
    return made


def response(
    consultation: Consultation, respondent: User | None = None, **kw: Any
) -> ConsultationResponse:
    values: dict[str, Any] = {"text": "Jeg synes det er lurt."}
    values.update(kw)
    return ConsultationResponse.objects.create(
        consultation=consultation, respondent=respondent, **values
    )
