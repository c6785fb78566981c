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
from django.utils.translation import pgettext_lazy

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


# --- My plan ("Hva er viktig for deg?") ------------------------------------------------------
#
# One plan per person and organisation, edited by the person and their team.
# Every row that can be edited carries a ``revision``: a form posts the
# revision it was shown, and a save against a newer revision is a conflict to
# merge, never an overwrite. ``PlanChange`` keeps who changed what, when.
# Removed goals, actions and reviews are kept (``removed_at``) so the history
# can always show what they said.


class CarePlan(OrganizationOwnedModel):
    """What matters to the person, their goals, the agreed actions and review dates."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="care_plans"
    )
    what_matters = models.TextField(_("what matters to me"), blank=True)
    overall_responsibility = models.CharField(
        _("organisation with overall responsibility"),
        max_length=200,
        blank=True,
        help_text=_(
            "In a coordinated individual plan (SIP): the organisation that holds the overall "
            "responsibility for the plan."
        ),
    )
    revision = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["pk"]
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        constraints = [
            models.UniqueConstraint(fields=["organization", "person"], name="care_one_plan")
        ]

    def __str__(self) -> str:
        return str(self.person)


class GoalAuthor(models.TextChoices):
    PERSON = "person", _("In the person's own words")
    TEAM = "team", _("Added by the team")


class PlanGoal(TimeStampedModel):
    plan = models.ForeignKey(CarePlan, on_delete=models.CASCADE, related_name="goals")
    text = models.TextField(_("goal"))
    written_by = models.CharField(
        _("written by"), max_length=20, choices=GoalAuthor.choices, default=GoalAuthor.PERSON
    )
    position = models.PositiveSmallIntegerField(default=0)
    achieved_on = models.DateField(_("achieved"), null=True, blank=True)
    removed_at = models.DateTimeField(null=True, blank=True)
    revision = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("goal")
        verbose_name_plural = _("goals")

    def __str__(self) -> str:
        return self.text[:60]


class ActionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", pgettext_lazy("plan action status", "Cancelled")


class PlanAction(TimeStampedModel):
    """An agreed action: who is responsible, by when, and (for SIP) which organisation."""

    plan = models.ForeignKey(CarePlan, on_delete=models.CASCADE, related_name="actions")
    goal = models.ForeignKey(
        PlanGoal, on_delete=models.SET_NULL, null=True, blank=True, related_name="actions"
    )
    text = models.TextField(_("what will be done"))
    responsible = models.CharField(_("responsible"), max_length=200)
    responsible_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    provider = models.CharField(
        _("organisation or service"),
        max_length=200,
        blank=True,
        help_text=_("Who provides the measure, when several organisations take part."),
    )
    due_on = models.DateField(_("due"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ActionStatus.choices, default=ActionStatus.PLANNED
    )
    removed_at = models.DateTimeField(null=True, blank=True)
    revision = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("action")
        verbose_name_plural = _("actions")

    def __str__(self) -> str:
        return self.text[:60]


class PlanReview(TimeStampedModel):
    """A date on which the plan is to be reviewed together, and what came of it."""

    plan = models.ForeignKey(CarePlan, on_delete=models.CASCADE, related_name="reviews")
    planned_on = models.DateField(_("review date"))
    held_on = models.DateField(_("held"), null=True, blank=True)
    note = models.TextField(_("what came of it"), blank=True)
    removed_at = models.DateTimeField(null=True, blank=True)
    revision = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["planned_on", "pk"]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")

    def __str__(self) -> str:
        return str(self.planned_on)


class PlanChange(TimeStampedModel):
    """One change to a plan: who, when, which part, and each field before and after."""

    plan = models.ForeignKey(CarePlan, on_delete=models.CASCADE, related_name="changes")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    part = models.CharField(max_length=20)  # plan, goal, action, review
    part_id = models.PositiveIntegerField(null=True, blank=True)
    action = models.CharField(max_length=20)  # created, changed, removed
    fields = models.JSONField(default=dict)  # {field: [before, after]}

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("plan change")
        verbose_name_plural = _("plan changes")

    def __str__(self) -> str:
        return f"{self.plan_id} {self.part} {self.action}"


# --- Routine feedback ------------------------------------------------------------------------
#
# The team chooses instruments (``Measure``) and a schedule per person; each
# submitted questionnaire response becomes a ``FeedbackAnswer`` with its
# total copied out for graphs and alert rules. Staff mark answers read and may
# reply; alerts are raised by the rules in ``feedback_alerts.py`` and are
# acknowledged, never just dismissed.


class MeasurePurpose(models.TextChoices):
    OUTCOME = "outcome", _("How the person is doing")
    SESSION = "session", _("How the session went")


class Schedule(models.TextChoices):
    EVERY_SESSION = "session", _("Every session")
    EVERY_N_WEEKS = "weeks", _("Every few weeks")


class Measure(OrganizationOwnedModel):
    """An instrument the team has chosen for one person, with its schedule."""

    relationship = models.ForeignKey(
        CareRelationship, on_delete=models.CASCADE, related_name="measures"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="care_measures"
    )
    questionnaire = models.ForeignKey(
        "questionnaires.Questionnaire", on_delete=models.PROTECT, related_name="+"
    )
    purpose = models.CharField(
        _("what it measures"),
        max_length=20,
        choices=MeasurePurpose.choices,
        default=MeasurePurpose.OUTCOME,
    )
    schedule = models.CharField(
        _("how often"), max_length=20, choices=Schedule.choices, default=Schedule.EVERY_SESSION
    )
    every_weeks = models.PositiveSmallIntegerField(_("every how many weeks"), null=True, blank=True)
    no_improvement_after = models.PositiveSmallIntegerField(
        _("alert when there is no reliable improvement after this many answers"), default=6
    )
    started_on = models.DateField(_("started"))
    stopped_on = models.DateField(_("stopped"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["pk"]
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        constraints = [
            models.UniqueConstraint(
                fields=["relationship", "questionnaire"],
                condition=Q(stopped_on__isnull=True),
                name="care_measure_once",
            ),
            models.CheckConstraint(
                condition=Q(schedule="session") | Q(every_weeks__gte=1),
                name="care_measure_weeks_given",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.questionnaire} – {self.person}"


class FeedbackAnswer(TimeStampedModel):
    """One submitted answer to a measure, with its total for graphs and alerts."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="answers")
    response = models.OneToOneField(
        "questionnaires.Response", on_delete=models.PROTECT, related_name="feedback_answer"
    )
    answered_on = models.DateField(_("answered"))
    total = models.DecimalField(_("score"), max_digits=12, decimal_places=4, null=True, blank=True)
    read_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        ordering = ["answered_on", "pk"]
        verbose_name = _("feedback answer")
        verbose_name_plural = _("feedback answers")
        indexes = [models.Index(fields=["measure", "answered_on"])]

    def __str__(self) -> str:
        return f"{self.measure_id} {self.answered_on}"


class FeedbackReply(TimeStampedModel):
    """A reply from the team to one answer, which the person sees."""

    answer = models.ForeignKey(FeedbackAnswer, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = models.TextField(_("reply"))

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("reply")
        verbose_name_plural = _("replies")

    def __str__(self) -> str:
        return self.text[:60]


class AlertKind(models.TextChoices):
    DETERIORATION = "deterioration", _("Reliable deterioration")
    NO_IMPROVEMENT = "no_improvement", _("No reliable improvement")
    BELOW_CUTOFF = "below_cutoff", _("Session feedback below its cutoff")
    DROPPING = "dropping", _("Session feedback dropping")
    RISK_ITEM = "risk_item", _("Risk item answered")


class FeedbackAlert(OrganizationOwnedModel):
    """An alert to the team, raised by one answer, open until someone acknowledges it."""

    answer = models.ForeignKey(FeedbackAnswer, on_delete=models.CASCADE, related_name="alerts")
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="alerts")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="care_alerts"
    )
    kind = models.CharField(_("alert"), max_length=20, choices=AlertKind.choices)
    detail = models.JSONField(default=dict)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    acknowledgement = models.TextField(_("what was done"), blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        constraints = [
            models.UniqueConstraint(fields=["answer", "kind"], name="care_alert_once_per_answer")
        ]
        indexes = [models.Index(fields=["person", "acknowledged_at"])]

    def __str__(self) -> str:
        return f"{self.person} {self.kind}"


# --- Before the appointment ------------------------------------------------------------------


class AppointmentTopics(TimeStampedModel):
    """The topics the person picked and ranked for their next appointment.

    The answers are a questionnaire response to the shipped topics form; the
    team sees the latest on their overview until someone marks it seen.
    """

    relationship = models.ForeignKey(
        CareRelationship, on_delete=models.CASCADE, related_name="appointment_topics"
    )
    response = models.OneToOneField(
        "questionnaires.Response", on_delete=models.PROTECT, related_name="appointment_topics"
    )
    appointment_on = models.DateField(_("appointment"), null=True, blank=True)
    seen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    seen_at = models.DateTimeField(_("seen"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("topics for the appointment")
        verbose_name_plural = _("topics for appointments")

    def __str__(self) -> str:
        return f"{self.relationship_id} {self.appointment_on}"
