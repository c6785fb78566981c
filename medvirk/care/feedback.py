"""Writes of routine feedback: measures chosen by the team, answers, reads and replies.

``answer_record`` is the one place a submitted questionnaire response becomes
a routine-feedback answer; it copies the total out for graphs and raises the
alerts in the same transaction.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from medvirk.care import feedback_alerts
from medvirk.care.models import FeedbackAnswer, Measure
from medvirk.questionnaires.choices import ResponseStatus
from medvirk.questionnaires.models import Response


@transaction.atomic
def answer_record(*, measure: Measure, response: Response) -> FeedbackAnswer:
    """Attach a submitted response about the measure's person to the measure."""
    if response.status != ResponseStatus.COMPLETED or response.submitted_at is None:
        raise ValidationError(_("Only a submitted answer can be recorded."))
    if response.version.questionnaire_id != measure.questionnaire_id:
        raise ValidationError(_("The answer is to another questionnaire."))
    about = response.subject_id or response.respondent_id
    if about != measure.person_id or response.organization_id != measure.organization_id:
        raise ValidationError(_("The answer is about someone else."))
    total = (response.scores or {}).get("total")
    answer = FeedbackAnswer.objects.create(
        measure=measure,
        response=response,
        answered_on=timezone.localdate(response.submitted_at),
        total=Decimal(str(total)) if total is not None else None,
    )
    feedback_alerts.alerts_raise(answer=answer)
    return answer
