"""Fixed vocabularies of consultations."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ResponseMode(models.TextChoices):
    FREE_TEXT = "free_text", _("Free text")
    QUESTIONNAIRE = "questionnaire", _("A form")


class ResponsesVisibleTo(models.TextChoices):
    """Who may read the responses of a consultation."""

    COORDINATORS = "coordinators", _("Only the coordinators")
    AUDIENCE = "audience", _("The coordinators and the audience")
    PUBLIC = "public", _("Everyone")


class Stage(models.TextChoices):
    """Where a consultation is in its life; computed from dates and the decision."""

    DRAFT = "draft", _("Draft")
    UPCOMING = "upcoming", _("Not open yet")
    OPEN = "open", _("Open for input")
    CLOSED = "closed", _("Closed, awaiting decision")
    OVERDUE = "overdue", _("Closed more than 30 days without a decision")
    DECIDED = "decided", _("Decision published")
