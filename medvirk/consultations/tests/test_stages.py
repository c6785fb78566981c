"""A consultation's stage at the date boundaries, in Python and in the list's database filter."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from medvirk.consultations.choices import Stage
from medvirk.consultations.models import Consultation
from medvirk.consultations.selectors import stage_rule
from medvirk.consultations.tests.factories import consultation

OPENS = date(2026, 3, 2)
CLOSES = date(2026, 3, 16)


@pytest.fixture
def published(world) -> Consultation:
    return consultation(
        world.a.org, world.a["coordinator"], stage=Stage.OPEN, opens_on=OPENS, closes_on=CLOSES
    )


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (OPENS - timedelta(days=1), Stage.UPCOMING),
        (OPENS, Stage.OPEN),
        (CLOSES, Stage.OPEN),  # open until the end of the closing day
        (CLOSES + timedelta(days=1), Stage.CLOSED),
        (CLOSES + timedelta(days=30), Stage.CLOSED),  # 30 days is not yet overdue
        (CLOSES + timedelta(days=31), Stage.OVERDUE),
    ],
)
def test_stage_follows_the_dates(published, today, expected):
    assert published.stage(today) == expected
    # The list's filter agrees with the model on the same day, and with no other stage.
    matching = {
        stage
        for stage in Stage
        if Consultation.objects.filter(stage_rule(stage, today), pk=published.pk).exists()
    }
    assert matching == {expected}


def test_an_unpublished_consultation_is_a_draft_whatever_the_date(world):
    draft = consultation(world.a.org, world.a["coordinator"], stage=Stage.DRAFT)
    for today in (OPENS, CLOSES + timedelta(days=90)):
        assert draft.stage(today) == Stage.DRAFT
        assert Consultation.objects.filter(stage_rule(Stage.DRAFT, today), pk=draft.pk).exists()


def test_a_published_decision_wins_over_the_dates(published):
    published.decision_published_at = timezone.now()
    published.save()
    assert published.stage(CLOSES + timedelta(days=90)) == Stage.DECIDED
    assert Consultation.objects.filter(stage_rule(Stage.DECIDED), pk=published.pk).exists()


def test_days_to_close_the_loop_counts_from_the_closing_day(published):
    assert published.days_to_close_loop is None
    published.decision_published_at = timezone.make_aware(datetime(2026, 3, 30, 12, 0))
    assert published.days_to_close_loop == 14
