"""User surveys: a questionnaire put to the users of one or more units, in rounds.

A ``Survey`` runs one ``QuestionnaireVersion`` between two dates for the
units it targets, anonymously or identified. Each submitted answer set is a
questionnaires ``Response`` (anonymous: no person, no IP, the day only) with
a ``SurveyResponse`` beside it naming the unit, so results break down by
unit and by round in the database. Rounds of the same survey share a
``series`` key, so trends compare like with like.
"""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from medvirk.core.models import OrganizationOwnedModel, TimeStampedModel


def new_token() -> str:
    # The public link's key: unguessable, short enough for a QR code.
    return secrets.token_urlsafe(12)


class Survey(OrganizationOwnedModel):
    title = models.CharField(_("title"), max_length=200)
    introduction = models.TextField(_("introduction"), blank=True)
    version = models.ForeignKey(
        "questionnaires.QuestionnaireVersion",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("form"),
    )
    units = models.ManyToManyField(
        "organizations.Unit", related_name="surveys", verbose_name=_("units")
    )
    series = models.UUIDField(
        _("series"),
        default=uuid.uuid4,
        db_index=True,
        help_text=_("Rounds of the same survey share this key."),
    )
    round_label = models.CharField(_("round"), max_length=100, blank=True)
    opens_on = models.DateField(_("opens"))
    closes_on = models.DateField(_("closes"))
    anonymous = models.BooleanField(_("anonymous"), default=True)
    requires_code = models.BooleanField(
        _("needs a one-time code"),
        default=False,
        help_text=_("For paper or tablet distribution: each printed code can answer once."),
    )
    token = models.CharField(max_length=32, unique=True, default=new_token, editable=False)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    reminder_after_days = models.PositiveSmallIntegerField(
        _("remind after (days)"),
        null=True,
        blank=True,
        help_text=_("Identified surveys only: remind those who have not answered."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-opens_on", "-pk"]
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")),
                name="survey_closes_after_it_opens",
            ),
            models.CheckConstraint(
                condition=Q(anonymous=False) | Q(reminder_after_days__isnull=True),
                name="survey_reminders_only_when_identified",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class SurveyResponse(models.Model):
    """Which survey and unit a submitted questionnaire response belongs to.

    Holds no person and no time finer than the day: the questionnaires
    ``Response`` is anonymous for anonymous surveys.
    """

    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="responses")
    unit = models.ForeignKey(
        "organizations.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    response = models.OneToOneField(
        "questionnaires.Response", on_delete=models.PROTECT, related_name="survey_response"
    )
    submitted_on = models.DateField(_("submitted"), db_index=True)

    class Meta:
        ordering = ["survey", "pk"]
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        indexes = [models.Index(fields=["survey", "unit"])]

    def __str__(self) -> str:
        return f"{self.survey} #{self.pk}"


class AccessCode(TimeStampedModel):
    """A one-time code printed for paper or tablet distribution."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="codes")
    code = models.CharField(max_length=16)
    used_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["survey", "pk"]
        verbose_name = _("one-time code")
        verbose_name_plural = _("one-time codes")
        constraints = [
            models.UniqueConstraint(fields=["survey", "code"], name="survey_code_unique")
        ]

    def __str__(self) -> str:
        return self.code


class Invitee(TimeStampedModel):
    """A person asked to answer an identified survey, for reminders."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="invitees")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    invited_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    answered = models.BooleanField(default=False)

    class Meta:
        ordering = ["survey", "pk"]
        verbose_name = _("invitee")
        verbose_name_plural = _("invitees")
        constraints = [
            models.UniqueConstraint(fields=["survey", "user"], name="survey_invitee_once")
        ]

    def __str__(self) -> str:
        return f"{self.survey} – {self.user}"


class PendingAnswer(models.Model):
    """An anonymous answer set accepted by the form and waiting for the task worker.

    The respondent's request only checks the answers and stores them here, in
    one row; ``answering.store_pending`` (run by the worker) turns each row
    into the questionnaires ``Response`` and ``SurveyResponse`` and deletes
    it in the same transaction. Like the stored answer it holds no person, no
    address and the day only.
    """

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(
        "organizations.Unit", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    submission_key = models.UUIDField(unique=True)
    items = models.JSONField()
    submitted_on = models.DateField()
    failed = models.BooleanField(
        default=False, help_text=_("The worker could not store it; kept for a person to look at.")
    )

    class Meta:
        ordering = ["pk"]
        verbose_name = _("answer waiting to be stored")
        verbose_name_plural = _("answers waiting to be stored")

    def __str__(self) -> str:
        return f"{self.survey_id} #{self.pk}"


class RoundSums(models.Model):
    """A round's result sums kept in the database, so a restart never starts from nothing.

    Counts and sums only (per question, unit and value), never an answer's
    text; ``results.round_groups`` reads and extends them. ``key`` names the
    shape and the form version they were computed for.
    """

    survey = models.OneToOneField(Survey, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    responses = models.PositiveIntegerField()
    last_response = models.BigIntegerField()
    groups = models.JSONField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("round sums")
        verbose_name_plural = _("round sums")

    def __str__(self) -> str:
        return f"{self.survey_id}: {self.responses}"
