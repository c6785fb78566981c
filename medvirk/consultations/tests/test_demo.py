"""The demo municipality's three consultations load once, in the stages the demo shows."""

from __future__ import annotations

from medvirk.consultations.choices import Stage
from medvirk.consultations.models import Consultation, ConsultationResponse
from medvirk.demo.consultations import DECIDED_TITLE, OPEN_TITLE, OVERDUE_TITLE
from medvirk.demo.services import demo_load


def test_demo_consultations_are_open_decided_and_overdue_and_load_once(db):
    demo_load()
    counts = (Consultation.objects.count(), ConsultationResponse.objects.count())
    demo_load()
    assert counts == (Consultation.objects.count(), ConsultationResponse.objects.count())
    stages = {c.title: c.stage() for c in Consultation.objects.all()}
    assert stages == {
        OPEN_TITLE: Stage.OPEN,
        DECIDED_TITLE: Stage.DECIDED,
        OVERDUE_TITLE: Stage.OVERDUE,
    }
    decided = Consultation.objects.get(title=DECIDED_TITLE)
    assert decided.responses.count() == 4
    assert decided.days_to_close_loop == 20
    assert not decided.responses.filter(notified_at__isnull=True).exists()
    assert decided.audience_councils.filter(kind="user_council").exists()
