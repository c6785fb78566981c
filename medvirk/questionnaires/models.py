"""Questionnaires, their versions, responses and the per-value answer rows.

A ``Questionnaire`` is a form an organisation uses; each import makes a new
``QuestionnaireVersion`` whose FHIR resource never changes afterwards, so a
stored response always means what it meant when it was given. A
``Response`` keeps the whole FHIR QuestionnaireResponse; on submit it is
also exploded into ``Answer`` rows, one per answer value, so that reports
aggregate in the database.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from medvirk.core.models import OrganizationOwnedModel, TimeStampedModel
from medvirk.core.storage import private_storage  # migrations name it in this module
from medvirk.questionnaires.choices import EntryMode, Origin, ResponseStatus, VersionStatus


class Questionnaire(OrganizationOwnedModel):
    """One form of an organisation, across its versions."""

    title = models.CharField(_("title"), max_length=300)
    name = models.CharField(_("computer name"), max_length=200, blank=True)
    url = models.CharField(_("canonical URL"), max_length=500, blank=True)
    fhir_id = models.CharField(_("FHIR id"), max_length=64, blank=True)
    key = models.SlugField(
        _("key"),
        max_length=64,
        blank=True,
        help_text=_("Set for instruments shipped with Medvirk, such as phq-9."),
    )
    language = models.CharField(_("language"), max_length=20, blank=True)
    origin = models.CharField(
        _("origin"), max_length=20, choices=Origin.choices, default=Origin.IMPORTED
    )

    class Meta:
        ordering = ["title", "pk"]
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "key"],
                condition=~Q(key=""),
                name="questionnaire_unique_key_per_org",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def language_name(self) -> str:
        """The form's language by its own name ("nb-NO" → "norsk (bokmål)")."""
        if not self.language:
            return ""
        code = self.language.replace("_", "-").lower()
        for candidate in (code, code.split("-")[0]):
            try:
                return str(get_language_info(candidate)["name_local"])
            except KeyError:
                continue
        return self.language


class QuestionnaireVersion(TimeStampedModel):
    """One immutable FHIR Questionnaire resource; responses point here."""

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version number"))
    status = models.CharField(
        _("status"), max_length=20, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    # What was uploaded, byte for byte as JSON, and the resource Medvirk uses:
    # the same with tolerated defects repaired. Unknown extensions stay in both.
    original = models.JSONField(_("original resource"))
    resource = models.JSONField(_("FHIR resource"))
    rules = models.JSONField(_("instrument rules"), default=dict, blank=True)
    warnings = models.JSONField(_("import warnings"), default=list, blank=True)
    fhir_version = models.CharField(_("version in the resource"), max_length=64, blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("imported by"),
    )

    class Meta:
        ordering = ["questionnaire", "-number"]
        verbose_name = _("questionnaire version")
        verbose_name_plural = _("questionnaire versions")
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "number"], name="questionnaire_version_unique_number"
            ),
            models.UniqueConstraint(
                fields=["questionnaire"],
                condition=Q(status="active"),
                name="questionnaire_one_active_version",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.questionnaire.title} v{self.number}"

    @property
    def organization_id(self) -> int:
        return self.questionnaire.organization_id


class Response(OrganizationOwnedModel):
    """A QuestionnaireResponse: a draft until submitted, then locked."""

    version = models.ForeignKey(
        QuestionnaireVersion, on_delete=models.PROTECT, related_name="responses"
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ResponseStatus.choices,
        default=ResponseStatus.IN_PROGRESS,
    )
    # Anonymous responses store no person at all (and never an IP address).
    anonymous = models.BooleanField(_("anonymous"), default=False)
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="questionnaire_responses",
        verbose_name=_("respondent"),
    )
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="questionnaire_responses_about",
        verbose_name=_("about"),
        help_text=_("The person the answers are about, when staff enter them for someone."),
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
    )
    mode = models.CharField(
        _("how it was answered"), max_length=20, choices=EntryMode.choices, default=EntryMode.SELF
    )
    resource = models.JSONField(_("FHIR QuestionnaireResponse"), default=dict)
    current_page = models.PositiveSmallIntegerField(_("current page"), default=0)
    # The form carries this key; a second submit of the same form finds the
    # completed response instead of storing another.
    submission_key = models.UUIDField(_("submission key"), default=uuid.uuid4, unique=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True, db_index=True)
    scores = models.JSONField(_("scores"), default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        constraints = [
            models.CheckConstraint(
                condition=Q(anonymous=False) | (Q(respondent__isnull=True)),
                name="response_anonymous_has_no_respondent",
            )
        ]
        indexes = [models.Index(fields=["version", "status"])]

    def __str__(self) -> str:
        return f"{self.version} #{self.pk}"

    @property
    def is_locked(self) -> bool:
        return self.status == ResponseStatus.COMPLETED


class Answer(models.Model):
    """One answer value of a submitted response, typed for aggregation."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    version = models.ForeignKey(QuestionnaireVersion, on_delete=models.PROTECT, related_name="+")
    link_id = models.CharField(_("question"), max_length=255)
    # Where the answer sits when items or groups repeat, e.g. "0" or "1.0".
    instance = models.CharField(max_length=64, default="0")
    position = models.PositiveSmallIntegerField(default=0)
    item_type = models.CharField(max_length=20)
    value_number = models.DecimalField(max_digits=24, decimal_places=8, null=True, blank=True)
    value_code = models.CharField(max_length=255, blank=True)
    value_system = models.CharField(max_length=500, blank=True)
    value_text = models.TextField(blank=True)
    value_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["response", "pk"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        # Aggregates group by the index's columns, in its order, so the database
        # answers them from the index alone (docs/performance.md). value_system
        # is a key column, not INCLUDEd, so PostgreSQL can deduplicate the keys.
        indexes = [
            models.Index(
                fields=["version", "link_id", "value_code", "value_system"],
                name="answer_code_system_idx",
            ),
            models.Index(fields=["version", "link_id", "value_number"], name="answer_number_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.link_id}: {self.value_code or self.value_number or self.value_text}"


def attachment_path(instance: Any, filename: str) -> str:
    # Never the uploaded name: a random name under a private folder.
    return f"questionnaire-attachments/{instance.response.organization_id}/{uuid.uuid4().hex}"


class AnswerFile(TimeStampedModel):
    """An attachment answer, stored outside the public media and served with access checks."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="files")
    link_id = models.CharField(max_length=255)
    key = models.UUIDField(default=uuid.uuid4, unique=True)
    file = models.FileField(upload_to=attachment_path, storage=private_storage)
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha1 = models.CharField(max_length=40)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("attached file")
        verbose_name_plural = _("attached files")

    def __str__(self) -> str:
        return self.filename
