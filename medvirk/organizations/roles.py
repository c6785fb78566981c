"""The roles a membership can give, and which of them count as staff-side."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    USER = "user", _("User")
    NEXT_OF_KIN = "next_of_kin", _("Next of kin")
    STAFF = "staff", _("Staff")
    LEADER = "leader", _("Leader")
    REPRESENTATIVE = "representative", _("User representative")
    EXPERIENCE_CONSULTANT = "experience_consultant", _("Experience consultant")
    COORDINATOR = "coordinator", _("Coordinator")
    ADMIN = "admin", _("Administrator")


# Roles whose holders see other people's data or run the organisation: their
# accounts must have multi-factor authentication (outside demo mode).
MFA_REQUIRED_ROLES: frozenset[str] = frozenset(
    {Role.STAFF, Role.LEADER, Role.COORDINATOR, Role.ADMIN}
)
