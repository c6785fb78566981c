"""The fixed vocabularies of learning content, shared by the parser and the models."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

# The folders under content/learning/, and the languages a module can be written in.
CONTENT_LANGUAGES = ("nb", "nn", "sv", "en")
# A module missing in the reader's language is shown in the first of these that exists.
FALLBACK_LANGUAGES = ("nb", "en")


class Audience(models.TextChoices):
    STAFF = "staff", _("Staff")
    LEADERS = "leaders", _("Leaders")
    REPRESENTATIVES = "representatives", _("User representatives")
    USERS = "users", _("Users")
    NEXT_OF_KIN = "next_of_kin", _("Next of kin")


class LessonKind(models.TextChoices):
    STORY = "story", _("Story")
    VIDEO = "video", _("Video")
    AUDIO = "audio", _("Audio")
    REFLECTION = "reflection", _("Reflection")
    QUIZ = "quiz", _("Quiz")
    TIPS = "tips", _("Tips")


class ModuleSource(models.TextChoices):
    FILE = "file", _("Shipped with Medvirk")
    ORGANIZATION = "organisation", _("Written by the organisation")
