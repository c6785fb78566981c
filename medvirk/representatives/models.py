"""User representatives and experience consultants: registry, recruitment, honorarium.

A ``Profile`` exists only while its person consents: withdrawing deletes it
(the ``ConsentEvent`` log keeps when consent was given and withdrawn), so the
person leaves every search at once. What must outlive a profile for payment
and accountability — invitations, assignments, claims — points at the person
(``user``), never at the profile.

Recruitment: a ``Request`` ("two representatives with experience of X for
project Y") → ranked suggestions (``ranking.py``) → ``Invitation`` → accept or
decline → ``Onboarding`` (agreement, confidentiality declaration signed in
the app, introduction course) → ``Assignment``.

Honorarium: ``Rate`` rows per organisation with an effective date (a new rate
is a new row, so history is kept); a ``Claim`` is drafted from meeting
attendance or by hand, checked and submitted by the representative, approved
or rejected by a coordinator, and exported for payroll once
(``PayrollExport``). The amounts are computed by ``honorarium.py``.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from medvirk.core.models import OrganizationOwnedModel, TimeStampedModel
from medvirk.core.storage import private_storage


class ExperienceArea(TimeStampedModel):
    """One area of lived experience in the installation's taxonomy."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("area of lived experience")
        verbose_name_plural = _("areas of lived experience")

    def __str__(self) -> str:
        return self.name


class ProfileKind(models.TextChoices):
    REPRESENTATIVE = "representative", _("User representative")
    EXPERIENCE_CONSULTANT = "experience_consultant", _("Experience consultant")


class Availability(models.TextChoices):
    AVAILABLE = "available", _("Available for new assignments")
    LIMITED = "limited", _("Available for short assignments only")
    UNAVAILABLE = "unavailable", _("Not available at the moment")


class Profile(OrganizationOwnedModel):
    """A person's registry profile in one organisation; exists only with their consent."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="representative_profiles"
    )
    kind = models.CharField(
        _("kind"), max_length=30, choices=ProfileKind.choices, default=ProfileKind.REPRESENTATIVE
    )
    consented_at = models.DateTimeField(_("consent given"))
    areas = models.ManyToManyField(
        ExperienceArea, blank=True, related_name="profiles", verbose_name=_("lived experience")
    )
    nominated_by = models.ForeignKey(
        "councils.UserOrganization",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("nominated by"),
    )
    languages = models.JSONField(_("languages"), default=list, blank=True)
    region = models.CharField(_("region or municipality"), max_length=120, blank=True)
    availability = models.CharField(
        _("availability"),
        max_length=20,
        choices=Availability.choices,
        default=Availability.AVAILABLE,
    )
    availability_note = models.CharField(_("about your availability"), max_length=300, blank=True)
    about = models.TextField(_("about me"), blank=True)
    # Experience consultants are employees: their role and competence.
    role_description = models.TextField(_("role description"), blank=True)

    class Meta:
        ordering = ["user__full_name", "user__email", "pk"]
        verbose_name = _("representative profile")
        verbose_name_plural = _("representative profiles")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "user"], name="representative_profile_once"
            )
        ]

    def __str__(self) -> str:
        return str(self.user)


class ConsentAction(models.TextChoices):
    GIVEN = "given", _("Consent given")
    WITHDRAWN = "withdrawn", _("Consent withdrawn")


class ConsentEvent(OrganizationOwnedModel):
    """When a person gave or withdrew consent to be in the registry (kept after withdrawal)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    action = models.CharField(max_length=20, choices=ConsentAction.choices)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("consent event")
        verbose_name_plural = _("consent events")

    def __str__(self) -> str:
        return f"{self.user} {self.action}"


class TrainingRecord(OrganizationOwnedModel):
    """Training done outside Medvirk's learning modules (a course, a certificate)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(_("training"), max_length=200)
    provider = models.CharField(_("given by"), max_length=200, blank=True)
    completed_on = models.DateField(_("completed"))

    class Meta:
        ordering = ["-completed_on", "pk"]
        verbose_name = _("training record")
        verbose_name_plural = _("training records")

    def __str__(self) -> str:
        return self.title


# --- Recruitment ------------------------------------------------------------------------------


class RequestStatus(models.TextChoices):
    OPEN = "open", _("Open")
    FILLED = "filled", _("Filled")
    CANCELLED = "cancelled", _("Cancelled")


class AssignmentKind(models.TextChoices):
    COUNCIL = "council", _("Council or committee")
    GROUP = "group", _("Working or development group")
    PROJECT = "project", _("Project")


class Request(OrganizationOwnedModel):
    """A need for representatives: how many, with which experience, for what, from when."""

    title = models.CharField(_("what for"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(
        _("kind"), max_length=20, choices=AssignmentKind.choices, default=AssignmentKind.PROJECT
    )
    council = models.ForeignKey(
        "councils.Council",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("council"),
    )
    areas = models.ManyToManyField(
        ExperienceArea, blank=True, related_name="+", verbose_name=_("lived experience wanted")
    )
    language = models.CharField(_("language wanted"), max_length=10, blank=True)
    region = models.CharField(_("region wanted"), max_length=120, blank=True)
    needed = models.PositiveSmallIntegerField(
        _("people needed"), default=1, validators=[MinValueValidator(1)]
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)
    hours = models.DecimalField(
        _("about how many hours"), max_digits=6, decimal_places=1, null=True, blank=True
    )
    status = models.CharField(
        _("status"), max_length=20, choices=RequestStatus.choices, default=RequestStatus.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-starts_on", "-pk"]
        verbose_name = _("recruitment request")
        verbose_name_plural = _("recruitment requests")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="representative_request_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.title


class InvitationStatus(models.TextChoices):
    INVITED = "invited", _("Invited")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    CANCELLED = "cancelled", _("Cancelled")


class Invitation(OrganizationOwnedModel):
    """A person asked to take on a request; they accept or decline."""

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="invitations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    message = models.TextField(_("message"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=InvitationStatus.choices,
        default=InvitationStatus.INVITED,
    )
    responded_at = models.DateTimeField(_("answered"), null=True, blank=True)
    decline_reason = models.CharField(_("reason (optional)"), max_length=300, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(
                fields=["request", "user"], name="representative_invitation_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.request} – {self.user}"


class Onboarding(OrganizationOwnedModel):
    """A person's onboarding in an organisation: agreement, confidentiality, introduction course."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    agreement_accepted_at = models.DateTimeField(_("agreement accepted"), null=True, blank=True)
    confidentiality_signed_at = models.DateTimeField(
        _("confidentiality declaration signed"), null=True, blank=True
    )
    confidentiality_text = models.TextField(
        _("declaration as signed"), blank=True, help_text=_("The exact text the person signed.")
    )
    course_completed_at = models.DateTimeField(
        _("introduction course completed"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("onboarding")
        verbose_name_plural = _("onboardings")
        constraints = [
            models.UniqueConstraint(fields=["organization", "user"], name="onboarding_once")
        ]

    def __str__(self) -> str:
        return str(self.user)

    @property
    def complete(self) -> bool:
        return bool(
            self.agreement_accepted_at
            and self.confidentiality_signed_at
            and self.course_completed_at
        )


class Assignment(OrganizationOwnedModel):
    """A person's assignment to a council, group or project, with start and end."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="representative_assignments",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=AssignmentKind.choices)
    title = models.CharField(_("assignment"), max_length=200)
    council = models.ForeignKey(
        "councils.Council",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("council"),
    )
    request = models.ForeignKey(
        Request, on_delete=models.SET_NULL, null=True, blank=True, related_name="assignments"
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)
    hours = models.DecimalField(
        _("estimated hours"), max_digits=6, decimal_places=1, null=True, blank=True
    )
    paid = models.BooleanField(
        _("honorarium"),
        default=True,
        help_text=_("Experience consultants are employees and claim no honorarium."),
    )

    class Meta:
        ordering = ["-starts_on", "-pk"]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="representative_assignment_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.title


# --- Honorarium -------------------------------------------------------------------------------


class Rounding(models.TextChoices):
    UP = "up", _("Round up (a started period counts in full)")
    NEAREST = "nearest", _("Round to the nearest")


class Rate(OrganizationOwnedModel):
    """The honorarium rules from a date on; a change is a new row, so history is kept."""

    effective_from = models.DateField(_("applies from"))
    hourly_rate = models.DecimalField(
        _("hourly rate (NOK)"), max_digits=8, decimal_places=2, validators=[MinValueValidator(0)]
    )
    rounding_minutes = models.PositiveSmallIntegerField(
        _("round time to (minutes)"),
        default=30,
        help_text=_("0 pays the exact minutes."),
    )
    rounding = models.CharField(
        _("rounding"), max_length=10, choices=Rounding.choices, default=Rounding.UP
    )
    minimum_minutes_in_person = models.PositiveSmallIntegerField(
        _("minimum paid time in person (minutes)"), default=60
    )
    preparation_minutes = models.PositiveSmallIntegerField(
        _("preparation paid per meeting (minutes)"), default=0
    )
    per_km = models.DecimalField(
        _("travel per km (NOK)"),
        max_digits=6,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(0)],
    )
    lost_earnings_max = models.DecimalField(
        _("documented lost earnings, most per day (NOK)"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Empty: no upper limit."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-effective_from", "-pk"]
        verbose_name = _("honorarium rate")
        verbose_name_plural = _("honorarium rates")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "effective_from"], name="honorarium_rate_once_per_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.hourly_rate} ({self.effective_from})"


class ClaimStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    EXPORTED = "exported", _("Sent to payroll")


def receipt_path(instance: object, filename: str) -> str:
    import uuid

    return f"honorarium-receipts/{uuid.uuid4().hex}"


class PayrollExport(OrganizationOwnedModel):
    """One export of approved claims for payroll; its claims are never exported again."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    claim_count = models.PositiveIntegerField(default=0)
    total = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0"))

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("payroll export")
        verbose_name_plural = _("payroll exports")

    def __str__(self) -> str:
        return f"#{self.pk} ({self.created_at:%Y-%m-%d})"


class Claim(OrganizationOwnedModel):
    """An honorarium claim for one meeting or piece of work."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="honorarium_claims"
    )
    assignment = models.ForeignKey(
        Assignment, on_delete=models.PROTECT, null=True, blank=True, related_name="claims"
    )
    meeting = models.ForeignKey(
        "councils.Meeting",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("meeting"),
    )
    worked_on = models.DateField(_("date"))
    description = models.CharField(_("what"), max_length=300)
    minutes = models.PositiveIntegerField(_("time spent (minutes)"))
    in_person = models.BooleanField(_("attended in person"), default=True)
    preparation_minutes = models.PositiveIntegerField(_("preparation (minutes)"), default=0)
    travel_km = models.DecimalField(
        _("travel (km)"),
        max_digits=7,
        decimal_places=1,
        default=Decimal("0"),
        validators=[MinValueValidator(0)],
    )
    ticket_amount = models.DecimalField(
        _("ticket (NOK)"),
        max_digits=8,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(0)],
    )
    ticket_receipt = models.FileField(
        _("ticket receipt"), storage=private_storage, upload_to=receipt_path, blank=True
    )
    lost_earnings = models.DecimalField(
        _("documented lost earnings (NOK)"),
        max_digits=8,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(0)],
    )
    lost_earnings_document = models.FileField(
        _("documentation of lost earnings"),
        storage=private_storage,
        upload_to=receipt_path,
        blank=True,
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ClaimStatus.choices, default=ClaimStatus.DRAFT
    )
    # Fixed when the claim is submitted, from the rate that applied on ``worked_on``.
    rate = models.ForeignKey(
        Rate, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    paid_minutes = models.PositiveIntegerField(default=0)
    fee = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal("0"))
    travel = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal("0"))
    total = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal("0"))
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    rejection_reason = models.TextField(_("reason"), blank=True)
    export = models.ForeignKey(
        PayrollExport, on_delete=models.PROTECT, null=True, blank=True, related_name="claims"
    )

    class Meta:
        ordering = ["-worked_on", "-pk"]
        verbose_name = _("honorarium claim")
        verbose_name_plural = _("honorarium claims")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "meeting"],
                condition=Q(meeting__isnull=False),
                name="honorarium_claim_once_per_meeting",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.worked_on}: {self.description}"
