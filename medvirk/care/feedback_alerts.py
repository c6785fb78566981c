"""Alerts to the care team, raised by a new routine-feedback answer.

``alerts_raise(answer=...)`` is called by ``feedback.answer_record`` in the
same transaction as the answer is stored, and returns the alerts it created.
"""

from __future__ import annotations

from medvirk.care.models import FeedbackAlert, FeedbackAnswer


def alerts_raise(*, answer: FeedbackAnswer) -> list[FeedbackAlert]:
    """Create the alerts the answer triggers (the rules are built in the alerts area)."""
    return []
