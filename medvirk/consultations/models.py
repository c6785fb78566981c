"""Consultations before decisions, their responses, and the decision record that closes the loop.

A ``Consultation`` asks a question of an audience (councils, named user
organisations, all registered representatives, or the public) between two
dates, with free-text answers or a form from the questionnaire engine.
After it closes the coordinator writes "what we heard" and the decision;
publishing the decision tells every respondent and audience member.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from medvirk.consultations.choices import ResponseMode, ResponsesVisibleTo, Stage
from medvirk.core.models import OrganizationOwnedModel, TimeStampedModel
from medvirk.core.storage import private_storage  # migrations name it in this module

# A closed consultation without a published decision after this many days is overdue.
OVERDUE_AFTER_DAYS = 30


class Consultation(OrganizationOwnedModel):
    title = models.CharField(_("title"), max_length=200)
    question = models.TextField(_("question"))
    background = models.TextField(_("background"), blank=True)
    opens_on = models.DateField(_("opens"))
    closes_on = models.DateField(_("closes"))
    published_at = models.DateTimeField(
        _("published"), null=True, blank=True, help_text=_("Empty while it is a draft.")
    )
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="coordinated_consultations",
        verbose_name=_("responsible coordinator"),
    )
    # Audience
    audience_public = models.BooleanField(_("the public"), default=False)
    audience_all_representatives = models.BooleanField(
        _("all registered user representatives"), default=False
    )
    audience_councils = models.ManyToManyField(
        "councils.Council", blank=True, related_name="consultations", verbose_name=_("councils")
    )
    audience_user_organizations = models.ManyToManyField(
        "councils.UserOrganization",
        blank=True,
        related_name="consultations",
        verbose_name=_("user organisations"),
    )
    # Responses
    response_mode = models.CharField(
        _("answers as"),
        max_length=20,
        choices=ResponseMode.choices,
        default=ResponseMode.FREE_TEXT,
    )
    questionnaire_version = models.ForeignKey(
        "questionnaires.QuestionnaireVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("form"),
    )
    responses_visible_to = models.CharField(
        _("who sees the responses"),
        max_length=20,
        choices=ResponsesVisibleTo.choices,
        default=ResponsesVisibleTo.COORDINATORS,
    )
    # The decision record
    what_we_heard = models.TextField(_("what we heard"), blank=True)
    decision = models.TextField(_("what was decided"), blank=True)
    input_used = models.TextField(_("how the input was used"), blank=True)
    not_followed = models.TextField(_("what was not followed, and why"), blank=True)
    decided_by = models.CharField(_("who decided"), max_length=200, blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decision_published_at = models.DateTimeField(_("decision published"), null=True, blank=True)
    overdue_flagged_at = models.DateTimeField(null=True, blank=True, editable=False)
    # What it fed
    meetings = models.ManyToManyField(
        "councils.Meeting", blank=True, related_name="consultations", verbose_name=_("meetings")
    )

    class Meta:
        ordering = ["-opens_on", "-pk"]
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")),
                name="consultation_closes_after_it_opens",
            )
        ]
        indexes = [models.Index(fields=["organization", "closes_on"])]

    def __str__(self) -> str:
        return self.title

    def stage(self, today: date | None = None) -> Stage:
        today = today or timezone.localdate()
        if self.decision_published_at is not None:
            return Stage.DECIDED
        if self.published_at is None:
            return Stage.DRAFT
        if today < self.opens_on:
            return Stage.UPCOMING
        if today <= self.closes_on:
            return Stage.OPEN
        if today > self.closes_on + timedelta(days=OVERDUE_AFTER_DAYS):
            return Stage.OVERDUE
        return Stage.CLOSED

    @property
    def days_to_close_loop(self) -> int | None:
        """From the close date to the published decision, in days (None until published)."""
        if self.decision_published_at is None:
            return None
        published = timezone.localdate(self.decision_published_at)
        return (published - self.closes_on).days


def document_path(instance: Any, filename: str) -> str:
    return f"consultation-documents/{uuid.uuid4().hex}"


class ConsultationDocument(TimeStampedModel):
    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="documents"
    )
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(upload_to=document_path, storage=private_storage)
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()

    class Meta:
        ordering = ["pk"]
        verbose_name = _("consultation document")
        verbose_name_plural = _("consultation documents")

    def __str__(self) -> str:
        return self.title


class ConsultationResponse(TimeStampedModel):
    """One input to a consultation, from a logged-in person or (if public) anyone."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="responses"
    )
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consultation_responses",
        verbose_name=_("respondent"),
    )
    on_behalf_of = models.ForeignKey(
        "councils.UserOrganization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("on behalf of"),
    )
    text = models.TextField(_("input"), blank=True)
    questionnaire_response = models.OneToOneField(
        "questionnaires.Response",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consultation_response",
    )
    # Someone without an account may leave an address to hear about the decision.
    contact_email = models.EmailField(_("e-mail for the decision"), blank=True)
    notified_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["consultation", "created_at", "pk"]
        verbose_name = _("consultation response")
        verbose_name_plural = _("consultation responses")

    def __str__(self) -> str:
        return f"{self.consultation} #{self.pk}"
