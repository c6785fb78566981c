from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    ACCESS = "access", _("Access and opening hours")
    INFORMATION = "information", _("Information and communication")
    RESPECT = "respect", _("Respect and being heard")
    ACTIVITIES = "activities", _("Activities and content")
    PREMISES = "premises", _("Premises and surroundings")
    FOOD = "food", _("Food and meals")
    COOPERATION = "cooperation", _("Cooperation between services")
    PRAISE = "praise", _("Praise")
    OTHER = "other", _("Other")


class Status(models.TextChoices):
    RECEIVED = "received", _("Received")
    CONSIDERING = "considering", _("Under consideration")
    PLANNED = "planned", _("Planned")
    DONE = "done", _("Done")
    DECLINED = "declined", _("Declined")
