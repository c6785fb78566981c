"""Fixed vocabularies of councils, groups and meetings."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CouncilKind(models.TextChoices):
    USER_COUNCIL = "user_council", _("User council")
    USER_COMMITTEE = "user_committee", _("User committee")
    DEVELOPMENT_GROUP = "development_group", _("Development group")
    PROJECT_TEAM = "project_team", _("Project team")
    REFERENCE_GROUP = "reference_group", _("Reference group")


class Visibility(models.TextChoices):
    """Who may see a council, its members and its published minutes."""

    OWNER = "owner", _("Members of the owning organisation")
    MEMBER_ORGANIZATIONS = (
        "member_organizations",
        _("Members of the owning organisation and of its member organisations"),
    )
    PUBLIC = "public", _("Everyone, also without logging in")


class MemberRole(models.TextChoices):
    CHAIR = "chair", _("Chair")
    DEPUTY_CHAIR = "deputy_chair", _("Deputy chair")
    MEMBER = "member", _("Member")
    DEPUTY = "deputy", _("Deputy member")
    SECRETARY = "secretary", _("Secretary")
    OBSERVER = "observer", _("Observer")


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class AgendaKind(models.TextChoices):
    INFORMATION = "information", _("Information")
    DISCUSSION = "discussion", _("Discussion")
    DECISION = "decision", _("Decision")


class MinutesAudience(models.TextChoices):
    MEMBERS = "members", _("Council members only")
    PUBLIC = "public", _("Public")


class Rsvp(models.TextChoices):
    PENDING = "pending", _("Not answered")
    YES = "yes", _("Coming")
    NO = "no", _("Not coming")
    MAYBE = "maybe", _("Maybe")
