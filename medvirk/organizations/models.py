"""Organisations, their units (services) and people's memberships in them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from medvirk.core.models import OrganizationOwnedModel, TimeStampedModel
from medvirk.organizations.roles import Role


class OrganizationKind(models.TextChoices):
    MUNICIPALITY = "municipality", _("Municipality")
    HEALTH_TRUST = "health_trust", _("Health trust")
    REGION = "region", _("Region")
    COLLABORATION = "collaboration", _("Collaboration body")


class Organization(TimeStampedModel):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name in addresses"), max_length=60, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganizationKind.choices)
    # A collaboration body (helsefellesskap, närvårdssamverkan) is made up of
    # other organisations; for the others this stays empty.
    member_organizations = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="collaborations",
        verbose_name=_("member organisations"),
    )
    # Smallest group shown in any breakdown of anonymous answers (never below 3).
    minimum_group_size = models.PositiveSmallIntegerField(_("minimum group size"), default=5)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.CheckConstraint(
                condition=Q(minimum_group_size__gte=3), name="organization_min_group_at_least_3"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_collaboration(self) -> bool:
        return self.kind == OrganizationKind.COLLABORATION


class Unit(OrganizationOwnedModel):
    """A service inside an organisation, such as home care or a mental health team."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="units", verbose_name=_("organisation")
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="unit_name_unique_in_org")
        ]

    def __str__(self) -> str:
        return self.name


class Membership(OrganizationOwnedModel):
    """Gives a person one role in one organisation, optionally tied to a unit."""

    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("organisation"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("person"),
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("unit"),
    )

    class Meta:
        ordering = ["organization__name", "role"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "user", "role", "unit"],
                condition=Q(unit__isnull=False),
                name="membership_unique_with_unit",
            ),
            models.UniqueConstraint(
                fields=["organization", "user", "role"],
                condition=Q(unit__isnull=True),
                name="membership_unique_without_unit",
            ),
        ]
        indexes = [models.Index(fields=["user", "organization"])]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} ({self.organization})"
