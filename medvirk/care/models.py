"""The individual level: a person followed by a care team, and who else may see their data.

A ``CareRelationship`` says that a person (a member with the user role) is
followed by a unit; its ``TeamMember`` rows name the staff on the team. Only
the person, the current team and next of kin holding a grant with the right
scope may open the person's individual data (``access.py``); leaders see
aggregates only, and every read is written to the access log.

A ``NextOfKinGrant`` is made by the person: an invitation by e-mail that a
next of kin accepts with their own account, with scopes (see my plan, see my
feedback graphs, answer a next-of-kin questionnaire). It can be changed or
withdrawn at any time, taking effect on the next request; ``GrantEvent``
keeps its whole history for the "who can see my data" page.

A course of care ends with a recorded reason (``EndReason``), which the
reports use.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from medvirk.core.models import OrganizationOwnedModel, TimeStampedModel


class EndReason(models.TextChoices):
    AGREED = "agreed", _("Ended as agreed")
    BY_USER = "by_user", _("Ended by the user")
    MOVED = "moved", _("Moved to another service")
    OTHER = "other", _("Other")


class CareRelationship(OrganizationOwnedModel):
    """A person followed by a unit's care team, from a start date to an end with a reason."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="care_relationships",
        verbose_name=_("person"),
    )
    unit = models.ForeignKey(
        "organizations.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    started_on = models.DateField(_("started"))
    ended_on = models.DateField(_("ended"), null=True, blank=True)
    end_reason = models.CharField(
        _("how it ended"), max_length=20, choices=EndReason.choices, blank=True
    )
    end_note = models.TextField(_("about the end"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-started_on", "-pk"]
        verbose_name = _("course of care")
        verbose_name_plural = _("courses of care")
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="care_ends_after_start",
            ),
            models.CheckConstraint(
                condition=(Q(ended_on__isnull=True) & Q(end_reason=""))
                | (Q(ended_on__isnull=False) & ~Q(end_reason="")),
                name="care_end_has_reason",
            ),
            models.UniqueConstraint(
                fields=["person", "unit"],
                condition=Q(ended_on__isnull=True),
                name="care_one_open_course_per_unit",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} – {self.unit}"

    @property
    def is_open(self) -> bool:
        return self.ended_on is None


class TeamMember(TimeStampedModel):
    """One member of staff on a person's care team, while ``removed_on`` is empty."""

    relationship = models.ForeignKey(
        CareRelationship, on_delete=models.CASCADE, related_name="team"
    )
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="care_team_memberships"
    )
    role = models.CharField(_("role on the team"), max_length=120, blank=True)
    is_primary = models.BooleanField(_("primary contact"), default=False)
    added_on = models.DateField(_("added"))
    removed_on = models.DateField(_("removed"), null=True, blank=True)

    class Meta:
        ordering = ["-is_primary", "pk"]
        verbose_name = _("care team member")
        verbose_name_plural = _("care team members")
        constraints = [
            models.UniqueConstraint(
                fields=["relationship", "staff"],
                condition=Q(removed_on__isnull=True),
                name="care_team_member_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.staff} ({self.relationship})"


class Scope(models.TextChoices):
    PLAN = "plan", _("See my plan")
    FEEDBACK = "feedback", _("See my feedback graphs")
    QUESTIONNAIRE = "questionnaire", _("Answer the next-of-kin questionnaire")


def new_grant_token() -> str:
    return secrets.token_urlsafe(24)


class NextOfKinGrant(OrganizationOwnedModel):
    """What one next of kin may see of one person's data, as the person decided."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="next_of_kin_grants"
    )
    email = models.EmailField(_("e-mail address"))
    relation = models.CharField(_("relation to you"), max_length=120, blank=True)
    next_of_kin = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="grants_received",
    )
    see_plan = models.BooleanField(Scope.PLAN.label, default=False)
    see_feedback = models.BooleanField(Scope.FEEDBACK.label, default=False)
    answer_questionnaire = models.BooleanField(Scope.QUESTIONNAIRE.label, default=False)
    token = models.CharField(max_length=64, unique=True, default=new_grant_token, editable=False)
    invited_until = models.DateTimeField(_("invitation valid until"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("next-of-kin access")
        verbose_name_plural = _("next-of-kin access")

    def __str__(self) -> str:
        return f"{self.person} → {self.email}"

    @property
    def active(self) -> bool:
        return self.accepted_at is not None and self.withdrawn_at is None

    def allows(self, scope: str) -> bool:
        return self.active and bool(
            {
                Scope.PLAN: self.see_plan,
                Scope.FEEDBACK: self.see_feedback,
                Scope.QUESTIONNAIRE: self.answer_questionnaire,
            }.get(Scope(scope), False)
        )

    def scopes(self) -> list[str]:
        return [
            scope
            for scope, on in (
                (Scope.PLAN, self.see_plan),
                (Scope.FEEDBACK, self.see_feedback),
                (Scope.QUESTIONNAIRE, self.answer_questionnaire),
            )
            if on
        ]


class GrantAction(models.TextChoices):
    INVITED = "invited", _("Invited")
    ACCEPTED = "accepted", _("Accepted")
    CHANGED = "changed", _("Changed what may be seen")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class GrantEvent(TimeStampedModel):
    """One step in a grant's history: who did what, and the scopes after it."""

    grant = models.ForeignKey(NextOfKinGrant, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=20, choices=GrantAction.choices)
    scopes = models.JSONField(default=list)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("next-of-kin access event")
        verbose_name_plural = _("next-of-kin access events")

    def __str__(self) -> str:
        return f"{self.grant_id} {self.action}"


class DeletionStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    DONE = "done", _("Deleted")
    PARTLY = "partly", _("Partly deleted")
    REFUSED = "refused", _("Not deleted")


class DeletionRequest(OrganizationOwnedModel):
    """A person's request to delete what is stored about them, and the recorded outcome.

    A coordinator handles it: health records may have to be kept by law, so
    the outcome says what was deleted and what was kept, and why.
    """

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="deletion_requests"
    )
    message = models.TextField(_("what you want deleted"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=DeletionStatus.choices, default=DeletionStatus.RECEIVED
    )
    outcome = models.TextField(_("outcome"), blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    handled_at = models.DateTimeField(_("handled"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("deletion request")
        verbose_name_plural = _("deletion requests")
        constraints = [
            models.CheckConstraint(
                condition=Q(status="received") | ~Q(outcome=""),
                name="care_deletion_outcome_recorded",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_status_display()})"
