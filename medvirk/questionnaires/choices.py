"""Fixed vocabularies of the questionnaire engine."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("Active")
    RETIRED = "retired", _("Retired")


class ResponseStatus(models.TextChoices):
    IN_PROGRESS = "in-progress", _("In progress")
    COMPLETED = "completed", _("Submitted")


class EntryMode(models.TextChoices):
    """How the answers reached Medvirk; staff-entered answers are marked as such."""

    SELF = "self", _("Answered by the respondent")
    STAFF_DEVICE = "staff_device", _("Entered with staff on a shared device")
    PAPER = "paper", _("Transcribed from paper by staff")


class Origin(models.TextChoices):
    IMPORTED = "imported", _("Imported")
    SHIPPED = "shipped", _("Shipped with Medvirk")
