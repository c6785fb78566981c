"""My data: everything stored about a person in one organisation, and deletion requests.

``collect`` gathers, read-only, what each app stores about the person in the
organisation, one section per kind, as plain JSON-ready values (dates in ISO
8601). Each section is a fixed number of queries (``select_related``/prefetches), so the
number of queries does not grow with the number of rows. Anonymous
questionnaire responses are never included: they are stored without a person.

A deletion request is the person's; a coordinator handles it with a recorded
outcome (the deletion itself is done by other means: health records may have
to be kept by law, so the outcome says what was deleted, what was kept and why).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from medvirk.accesslog.models import AccessAction, AccessLogEntry, object_type_label
from medvirk.accesslog.services import log_access
from medvirk.accounts.models import EmailFrequency, User
from medvirk.care.models import (
    ActionStatus,
    AlertKind,
    AppointmentTopics,
    CarePlan,
    CareRelationship,
    DeletionRequest,
    DeletionStatus,
    EndReason,
    FeedbackAlert,
    FeedbackAnswer,
    FeedbackReply,
    GoalAuthor,
    GrantAction,
    GrantEvent,
    Measure,
    MeasurePurpose,
    NextOfKinGrant,
    PlanAction,
    PlanChange,
    PlanGoal,
    PlanReview,
    Schedule,
    Scope,
    TeamMember,
)
from medvirk.consultations.models import ConsultationResponse
from medvirk.councils.models import CouncilMember, Invitation
from medvirk.learning.models import Module, ModuleProgress
from medvirk.notifications.models import Notification
from medvirk.notifications.services import notify
from medvirk.organizations.models import Membership
from medvirk.organizations.roles import Role
from medvirk.proposals.models import Proposal, Support
from medvirk.questionnaires.models import Response
from medvirk.representatives.models import Assignment, Claim, ConsentEvent, Profile
from medvirk.surveys.models import SurveyResponse

if TYPE_CHECKING:
    from medvirk.organizations.models import Organization

HANDLED_MESSAGE = "care_deletion_handled"
HANDLED_STATUSES = (DeletionStatus.DONE, DeletionStatus.PARTLY, DeletionStatus.REFUSED)

Row = dict[str, Any]


def _iso(value: Any) -> Any:
    """A date or time as ISO 8601 text, a Decimal as text; anything else unchanged."""
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _name(user: User | None) -> str:
    if user is None:
        return ""
    return user.full_name or user.email


def _label(choices: Any, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def _scopes(values: list[str]) -> list[str]:
    return [_label(Scope, value) for value in values]


# --- Sections -----------------------------------------------------------------------------------


def _account(person: User, organization: Organization) -> Row:
    return {
        "name": person.full_name,
        "email": person.email,
        "language": person.preferred_language,
        "email_frequency": _label(EmailFrequency, person.email_frequency),
        "joined": _iso(person.date_joined),
    }


def _memberships(person: User, organization: Organization) -> list[Row]:
    rows = Membership.objects.filter(user=person, organization=organization).select_related("unit")
    return [
        {
            "role": _label(Role, row.role),
            "unit": row.unit.name if row.unit else "",
            "since": _iso(row.created_at),
        }
        for row in rows.order_by("-created_at", "-pk")
    ]


def _courses(person: User, organization: Organization) -> list[Row]:
    courses = (
        CareRelationship.objects.filter(person=person, organization=organization)
        .select_related("unit")
        .prefetch_related(
            Prefetch("team", queryset=TeamMember.objects.select_related("staff").order_by("pk"))
        )
    )
    return [
        {
            "unit": course.unit.name,
            "started": _iso(course.started_on),
            "ended": _iso(course.ended_on),
            "how_it_ended": _label(EndReason, course.end_reason) if course.end_reason else "",
            "about_the_end": course.end_note,
            "team": [
                {
                    "name": _name(member.staff),
                    "role": member.role,
                    "primary_contact": member.is_primary,
                    "added": _iso(member.added_on),
                    "removed": _iso(member.removed_on),
                }
                for member in course.team.all()
            ],
        }
        for course in courses
    ]


def _teams(person: User, organization: Organization) -> list[Row]:
    # The person as staff on care teams: the unit and their part, not whom they followed
    # (that is the followed person's data).
    rows = TeamMember.objects.filter(
        staff=person, relationship__organization=organization
    ).select_related("relationship__unit")
    return [
        {
            "unit": row.relationship.unit.name,
            "role": row.role,
            "primary_contact": row.is_primary,
            "added": _iso(row.added_on),
            "removed": _iso(row.removed_on),
        }
        for row in rows.order_by("-added_on", "-pk")
    ]


def _grant_events(grant: NextOfKinGrant) -> list[Row]:
    return [
        {
            "what": _label(GrantAction, event.action),
            "scopes": _scopes(event.scopes),
            "by": _name(event.actor),
            "at": _iso(event.created_at),
        }
        for event in grant.events.all()
    ]


def _grants(organization: Organization, **lookup: Any) -> list[NextOfKinGrant]:
    return list(
        NextOfKinGrant.objects.filter(organization=organization, **lookup)
        .select_related("person", "next_of_kin")
        .prefetch_related(Prefetch("events", queryset=GrantEvent.objects.select_related("actor")))
    )


def _grants_given(person: User, organization: Organization) -> list[Row]:
    return [
        {
            "email": grant.email,
            "relation": grant.relation,
            "next_of_kin": _name(grant.next_of_kin),
            "scopes": _scopes(grant.scopes()),
            "invited_until": _iso(grant.invited_until),
            "accepted": _iso(grant.accepted_at),
            "withdrawn": _iso(grant.withdrawn_at),
            "history": _grant_events(grant),
        }
        for grant in _grants(organization, person=person)
    ]


def _grants_received(person: User, organization: Organization) -> list[Row]:
    return [
        {
            "from": _name(grant.person),
            "relation": grant.relation,
            "scopes": _scopes(grant.scopes()),
            "accepted": _iso(grant.accepted_at),
            "withdrawn": _iso(grant.withdrawn_at),
            "history": _grant_events(grant),
        }
        for grant in _grants(organization, next_of_kin=person)
    ]


def _responses(person: User, organization: Organization) -> list[Row]:
    rows = (
        Response.objects.filter(organization=organization, anonymous=False)
        .filter(Q(respondent=person) | Q(subject=person))
        .select_related("version__questionnaire", "respondent", "subject", "entered_by")
    )
    return [
        {
            "id": row.pk,
            "questionnaire": row.version.questionnaire.title,
            "version": row.version.number,
            "status": row.get_status_display(),
            "how_it_was_answered": row.get_mode_display(),
            "answered_by": _name(row.respondent),
            "about": _name(row.subject),
            "entered_by": _name(row.entered_by),
            "created": _iso(row.created_at),
            "submitted": _iso(row.submitted_at),
            "scores": row.scores,
            "fhir_questionnaire_response": row.resource,
        }
        for row in rows
    ]


def _survey_answers(person: User, organization: Organization) -> list[Row]:
    rows = SurveyResponse.objects.filter(
        survey__organization=organization,
        response__respondent=person,
        response__anonymous=False,
    ).select_related("survey", "unit")
    return [
        {
            "survey": row.survey.title,
            "round": row.survey.round_label,
            "unit": row.unit.name if row.unit else "",
            "submitted": _iso(row.submitted_on),
            "response_id": row.response_id,
        }
        for row in rows.order_by("-submitted_on", "-pk")
    ]


def _proposals(person: User, organization: Organization) -> list[Row]:
    rows = (
        Proposal.objects.filter(organization=organization, submitted_by=person)
        .select_related("unit")
        .prefetch_related("changes")
    )
    return [
        {
            "title": row.title,
            "text": row.text,
            "unit": row.unit.name if row.unit else "",
            "category": row.get_category_display(),
            "status": row.get_status_display(),
            "email_for_updates": row.contact_email,
            "answer": row.answer,
            "answered": _iso(row.answered_at),
            "reason_for_declining": row.decline_reason,
            "hidden": _iso(row.hidden_at),
            "reason_for_hiding": row.hidden_reason,
            "submitted": _iso(row.created_at),
            "history": [
                {
                    "status": change.get_status_display(),
                    "note": change.note,
                    "at": _iso(change.created_at),
                }
                for change in row.changes.all()
            ],
        }
        for row in rows.order_by("-created_at", "-pk")
    ]


def _supports(person: User, organization: Organization) -> list[Row]:
    rows = Support.objects.filter(user=person, proposal__organization=organization).select_related(
        "proposal"
    )
    return [
        {"proposal": row.proposal.title, "at": _iso(row.created_at)}
        for row in rows.order_by("-created_at", "-pk")
    ]


def _consultation_responses(person: User, organization: Organization) -> list[Row]:
    rows = ConsultationResponse.objects.filter(
        consultation__organization=organization, respondent=person
    ).select_related("consultation", "on_behalf_of")
    return [
        {
            "consultation": row.consultation.title,
            "input": row.text,
            "on_behalf_of": row.on_behalf_of.name if row.on_behalf_of else "",
            "email_for_the_decision": row.contact_email,
            "questionnaire_response_id": row.questionnaire_response_id,
            "submitted": _iso(row.created_at),
        }
        for row in rows.order_by("-created_at", "-pk")
    ]


def _councils(person: User, organization: Organization) -> list[Row]:
    rows = CouncilMember.objects.filter(
        council__organization=organization, user=person
    ).select_related("council", "seat", "represents")
    return [
        {
            "council": row.council.name,
            "role": row.get_role_display(),
            "seat": row.seat.title if row.seat else "",
            "represents": row.represents.name if row.represents else "",
            "term_starts": _iso(row.term_start),
            "term_ends": _iso(row.term_end),
        }
        for row in rows.order_by("-term_start", "-pk")
    ]


def _meeting_invitations(person: User, organization: Organization) -> list[Row]:
    rows = Invitation.objects.filter(
        meeting__council__organization=organization, user=person
    ).select_related("meeting__council")
    return [
        {
            "council": row.meeting.council.name,
            "meeting": row.meeting.title,
            "starts": _iso(row.meeting.starts_at),
            "answer": row.get_rsvp_display(),
            "access_needs": row.access_needs,
            "attended": row.attended,
        }
        for row in rows.order_by("-meeting__starts_at", "-pk")
    ]


def _representative(person: User, organization: Organization) -> list[Row]:
    profiles = Profile.objects.filter(organization=organization, user=person).prefetch_related(
        "areas"
    )
    return [
        {
            "kind": profile.get_kind_display(),
            "consent_given": _iso(profile.consented_at),
            "lived_experience": [area.name for area in profile.areas.all()],
            "languages": profile.languages,
            "region": profile.region,
            "availability": profile.get_availability_display(),
            "about_your_availability": profile.availability_note,
            "about_me": profile.about,
            "role_description": profile.role_description,
        }
        for profile in profiles
    ]


def _consent_events(person: User, organization: Organization) -> list[Row]:
    rows = ConsentEvent.objects.filter(organization=organization, user=person)
    return [
        {"what": row.get_action_display(), "at": _iso(row.created_at)}
        for row in rows.order_by("-created_at", "-pk")
    ]


def _assignments(person: User, organization: Organization) -> list[Row]:
    rows = Assignment.objects.filter(organization=organization, user=person)
    return [
        {
            "assignment": row.title,
            "kind": row.get_kind_display(),
            "starts": _iso(row.starts_on),
            "ends": _iso(row.ends_on),
            "hours": _iso(row.hours),
            "paid": row.paid,
        }
        for row in rows.order_by("-starts_on", "-pk")
    ]


def _claims(person: User, organization: Organization) -> list[Row]:
    rows = Claim.objects.filter(organization=organization, user=person)
    return [
        {
            "date": _iso(row.worked_on),
            "what": row.description,
            "minutes": row.minutes,
            "preparation_minutes": row.preparation_minutes,
            "in_person": row.in_person,
            "travel_km": _iso(row.travel_km),
            "status": row.get_status_display(),
            "total": _iso(row.total),
            "submitted": _iso(row.submitted_at),
            "decided": _iso(row.decided_at),
            "reason": row.rejection_reason,
        }
        for row in rows.order_by("-worked_on", "-pk")
    ]


def _learning(person: User, organization: Organization) -> list[Row]:
    progress = list(
        ModuleProgress.objects.filter(organization=organization, user=person).prefetch_related(
            "reflection_notes"
        )
    )
    keys = {row.module_key for row in progress}
    titles: dict[str, str] = {}
    if keys:
        for key, title in (
            Module.objects.filter(key__in=keys)
            .filter(Q(organization=organization) | Q(organization__isnull=True))
            .order_by("key", "pk")
            .values_list("key", "title")
        ):
            titles.setdefault(key, title)
    return [
        {
            "module": titles.get(row.module_key, row.module_key),
            "module_id": row.module_key,
            "started": _iso(row.started_at),
            "completed": _iso(row.completed_at),
            "version_completed": row.completed_version,
            "language_completed_in": row.completed_language,
            "reflections": [
                {"lesson": note.lesson_slot, "notes": note.text, "updated": _iso(note.updated_at)}
                for note in row.reflection_notes.all()
            ],
        }
        for row in progress
    ]


def _notifications(person: User, organization: Organization) -> list[Row]:
    rows = Notification.objects.filter(recipient=person, organization=organization)
    return [
        {
            "subject": row.subject,
            "text": row.body,
            "link": row.url,
            "sent": _iso(row.created_at),
            "read": _iso(row.read_at),
            "emailed": _iso(row.emailed_at),
        }
        for row in rows.order_by("-created_at", "-pk")
    ]


def _access_log(person: User, organization: Organization) -> list[Row]:
    rows = AccessLogEntry.objects.filter(organization=organization, subject=person).select_related(
        "actor"
    )
    return [
        {
            "who": _name(row.actor) or row.actor_label,
            "action": row.get_action_display(),
            "kind_of_record": object_type_label(row.object_type),
            "at": _iso(row.created_at),
        }
        for row in rows
    ]


def _plan(person: User, organization: Organization) -> list[Row]:
    # Removed goals, actions and reviews are part of the stored plan too: they are
    # listed with the time they were removed.
    plans = CarePlan.objects.filter(person=person, organization=organization).prefetch_related(
        Prefetch("goals", queryset=PlanGoal.objects.order_by("position", "pk")),
        Prefetch("actions", queryset=PlanAction.objects.order_by("due_on", "pk")),
        Prefetch("reviews", queryset=PlanReview.objects.order_by("planned_on", "pk")),
        Prefetch(
            "changes", queryset=PlanChange.objects.select_related("actor").order_by("created_at")
        ),
    )
    return [
        {
            "what_matters": plan.what_matters,
            "overall_responsibility": plan.overall_responsibility,
            "goals": [
                {
                    "text": goal.text,
                    "written_by": _label(GoalAuthor, goal.written_by),
                    "achieved": _iso(goal.achieved_on),
                    "removed": _iso(goal.removed_at),
                }
                for goal in plan.goals.all()
            ],
            "actions": [
                {
                    "text": action.text,
                    "responsible": action.responsible,
                    "provider": action.provider,
                    "due": _iso(action.due_on),
                    "status": _label(ActionStatus, action.status),
                    "removed": _iso(action.removed_at),
                }
                for action in plan.actions.all()
            ],
            "reviews": [
                {
                    "planned": _iso(review.planned_on),
                    "held": _iso(review.held_on),
                    "note": review.note,
                    "removed": _iso(review.removed_at),
                }
                for review in plan.reviews.all()
            ],
            "changes": [
                {
                    "at": _iso(change.created_at),
                    "by": _name(change.actor),
                    "part": change.part,
                    "what": change.action,
                    "fields": change.fields,
                }
                for change in plan.changes.all()
            ],
        }
        for plan in plans
    ]


def _measures(person: User, organization: Organization) -> list[Row]:
    rows = Measure.objects.filter(person=person, organization=organization).select_related(
        "questionnaire", "relationship__unit"
    )
    return [
        {
            "questionnaire": row.questionnaire.title,
            "unit": row.relationship.unit.name,
            "purpose": _label(MeasurePurpose, row.purpose),
            "schedule": _label(Schedule, row.schedule),
            "every_weeks": row.every_weeks,
            "started": _iso(row.started_on),
            "stopped": _iso(row.stopped_on),
        }
        for row in rows
    ]


def _feedback_answers(person: User, organization: Organization) -> list[Row]:
    rows = (
        FeedbackAnswer.objects.filter(measure__person=person, measure__organization=organization)
        .select_related("measure__questionnaire", "read_by")
        .prefetch_related(
            Prefetch("replies", queryset=FeedbackReply.objects.select_related("author"))
        )
        .order_by("answered_on", "pk")
    )
    return [
        {
            "questionnaire": row.measure.questionnaire.title,
            "answered": _iso(row.answered_on),
            "questionnaire_response_id": row.response_id,
            "total": _iso(row.total),
            "read_by": _name(row.read_by),
            "read": _iso(row.read_at),
            "replies": [
                {"by": _name(reply.author), "at": _iso(reply.created_at), "text": reply.text}
                for reply in row.replies.all()
            ],
        }
        for row in rows
    ]


def _alerts(person: User, organization: Organization) -> list[Row]:
    rows = FeedbackAlert.objects.filter(person=person, organization=organization).select_related(
        "measure__questionnaire", "acknowledged_by"
    )
    return [
        {
            "kind": _label(AlertKind, row.kind),
            "questionnaire": row.measure.questionnaire.title,
            "created": _iso(row.created_at),
            "acknowledged": _iso(row.acknowledged_at),
            "by": _name(row.acknowledged_by),
            "acknowledgement": row.acknowledgement,
        }
        for row in rows
    ]


def _appointment_topics(person: User, organization: Organization) -> list[Row]:
    rows = AppointmentTopics.objects.filter(
        relationship__person=person, relationship__organization=organization
    ).select_related("relationship__unit", "seen_by")
    return [
        {
            "unit": row.relationship.unit.name,
            "appointment": _iso(row.appointment_on),
            "questionnaire_response_id": row.response_id,
            "sent": _iso(row.created_at),
            "seen_by": _name(row.seen_by),
            "seen": _iso(row.seen_at),
        }
        for row in rows
    ]


def _deletion_requests(person: User, organization: Organization) -> list[Row]:
    rows = DeletionRequest.objects.filter(organization=organization, person=person)
    return [
        {
            "message": row.message,
            "status": row.get_status_display(),
            "outcome": row.outcome,
            "sent": _iso(row.created_at),
            "handled": _iso(row.handled_at),
        }
        for row in rows
    ]


Section = tuple[str, Any, Callable[[User, "Organization"], Any]]

# (key, title, reader), in the order shown and exported.
SECTIONS: list[Section] = [
    ("account", gettext_lazy("Your account"), _account),
    ("memberships", gettext_lazy("Roles in the organisation"), _memberships),
    ("courses_of_care", gettext_lazy("Courses of care"), _courses),
    ("care_teams", gettext_lazy("Care teams you are on"), _teams),
    ("next_of_kin_given", gettext_lazy("Next-of-kin access you have given"), _grants_given),
    (
        "next_of_kin_received",
        gettext_lazy("Next-of-kin access given to you"),
        _grants_received,
    ),
    ("care_plan", gettext_lazy("Your plan"), _plan),
    ("feedback_measures", gettext_lazy("Measures chosen for routine feedback"), _measures),
    ("feedback_answers", gettext_lazy("Routine feedback answers"), _feedback_answers),
    ("feedback_alerts", gettext_lazy("Alerts to your care team"), _alerts),
    ("appointment_topics", gettext_lazy("Topics for your appointments"), _appointment_topics),
    ("questionnaire_responses", gettext_lazy("Questionnaire answers"), _responses),
    ("survey_answers", gettext_lazy("Survey answers with your name"), _survey_answers),
    ("proposals", gettext_lazy("Proposals you have sent"), _proposals),
    ("proposal_supports", gettext_lazy("Proposals you have supported"), _supports),
    (
        "consultation_responses",
        gettext_lazy("Input to consultations"),
        _consultation_responses,
    ),
    ("council_memberships", gettext_lazy("Council memberships"), _councils),
    ("meeting_invitations", gettext_lazy("Meeting invitations"), _meeting_invitations),
    ("representative_profile", gettext_lazy("Representative profile"), _representative),
    ("representative_consent", gettext_lazy("Representative consent"), _consent_events),
    ("representative_assignments", gettext_lazy("Assignments"), _assignments),
    ("honorarium_claims", gettext_lazy("Honorarium claims"), _claims),
    ("learning", gettext_lazy("Learning progress and your reflections"), _learning),
    ("notifications", gettext_lazy("Notifications to you"), _notifications),
    ("access_log", gettext_lazy("Who has opened your data"), _access_log),
    ("deletion_requests", gettext_lazy("Your deletion requests"), _deletion_requests),
]


def collect(person: User, organization: Organization) -> dict[str, Any]:
    """Everything stored about ``person`` in ``organization``, one section per kind.

    Read-only and JSON-serialisable as it is. A fixed number of queries per section (two for
    learning), whatever the number of rows.
    """
    data: dict[str, Any] = {
        "organization": organization.name,
        "exported_at": _iso(timezone.now()),
    }
    for key, _title, reader in SECTIONS:
        data[key] = reader(person, organization)
    return data


# --- Deletion requests --------------------------------------------------------------------------


def open_request(person: User, organization: Organization) -> DeletionRequest | None:
    return (
        DeletionRequest.objects.filter(
            organization=organization, person=person, status=DeletionStatus.RECEIVED
        )
        .order_by("-created_at", "-pk")
        .first()
    )


@transaction.atomic
def request_deletion(
    *, person: User, organization: Organization, message: str = ""
) -> DeletionRequest:
    """The person asks for their data to be deleted: one open request at a time."""
    # Lock the person's row so that two quick submits cannot both pass the check.
    User.objects.select_for_update().filter(pk=person.pk).first()
    if open_request(person, organization) is not None:
        raise ValidationError(
            _(
                "You already have a request that has not been handled yet. "
                "You can send a new one when it has been handled."
            )
        )
    request = DeletionRequest.objects.create(
        organization=organization, person=person, message=message.strip()
    )
    log_access(
        actor=person,
        action=AccessAction.CREATE,
        organization=organization,
        obj=request,
        subject=person,
    )
    return request


@transaction.atomic
def handle_deletion(
    *, request: DeletionRequest, actor: User, status: str, outcome: str
) -> DeletionRequest:
    """Record how a coordinator handled a request, and tell the person."""
    locked = DeletionRequest.objects.select_for_update().get(pk=request.pk)
    if locked.status != DeletionStatus.RECEIVED:
        raise ValidationError(_("This request has already been handled."))
    outcome = outcome.strip()
    errors: dict[str, str] = {}
    if status not in HANDLED_STATUSES:
        errors["status"] = _("Choose what was done.")
    if not outcome:
        errors["outcome"] = _(
            "Write what was deleted and what was kept, and why, so that the person knows."
        )
    if errors:
        raise ValidationError(errors)
    locked.status = status
    locked.outcome = outcome
    locked.handled_by = actor
    locked.handled_at = timezone.now()
    locked.save(update_fields=["status", "outcome", "handled_by", "handled_at", "updated_at"])
    log_access(
        actor=actor,
        action=AccessAction.CHANGE,
        organization=locked.organization,
        obj=locked,
        subject=locked.person,
    )
    organization = locked.organization
    notify(
        recipient=locked.person,
        message=HANDLED_MESSAGE,
        context={"deletion": locked, "organization": organization},
        url=reverse("care:deletion_request", args=[organization.slug]),
        organization=organization,
    )
    return locked


# --- Readable form, for the page and the PDF ----------------------------------------------------

FIELD_LABELS: dict[str, Any] = {
    "name": gettext_lazy("Name"),
    "email": gettext_lazy("E-mail address"),
    "language": gettext_lazy("Language"),
    "email_frequency": gettext_lazy("E-mail"),
    "joined": gettext_lazy("Joined"),
    "role": gettext_lazy("Role"),
    "unit": gettext_lazy("Unit"),
    "since": gettext_lazy("Since"),
    "started": gettext_lazy("Started"),
    "ended": gettext_lazy("Ended"),
    "how_it_ended": gettext_lazy("How it ended"),
    "about_the_end": gettext_lazy("About the end"),
    "team": gettext_lazy("Team"),
    "primary_contact": gettext_lazy("Primary contact"),
    "added": gettext_lazy("Added"),
    "removed": gettext_lazy("Removed"),
    "relation": gettext_lazy("Relation"),
    "next_of_kin": gettext_lazy("Next of kin"),
    "scopes": gettext_lazy("May see and do"),
    "invited_until": gettext_lazy("Invitation valid until"),
    "accepted": gettext_lazy("Accepted"),
    "withdrawn": gettext_lazy("Withdrawn"),
    "history": gettext_lazy("History"),
    "from": gettext_lazy("From"),
    "id": pgettext_lazy("identifier", "Number"),
    "questionnaire": gettext_lazy("Questionnaire"),
    "version": gettext_lazy("Version"),
    "status": gettext_lazy("Status"),
    "how_it_was_answered": gettext_lazy("How it was answered"),
    "answered_by": gettext_lazy("Answered by"),
    "about": gettext_lazy("About"),
    "entered_by": gettext_lazy("Entered by"),
    "created": gettext_lazy("Created"),
    "submitted": gettext_lazy("Submitted"),
    "scores": gettext_lazy("Scores"),
    "survey": gettext_lazy("Survey"),
    "round": gettext_lazy("Round"),
    "response_id": gettext_lazy("Answer number"),
    "title": gettext_lazy("Title"),
    "text": gettext_lazy("Text"),
    "category": gettext_lazy("Category"),
    "email_for_updates": gettext_lazy("E-mail for updates"),
    "answer": gettext_lazy("Answer"),
    "answered": gettext_lazy("Answered"),
    "reason_for_declining": gettext_lazy("Reason for declining"),
    "hidden": gettext_lazy("Hidden"),
    "reason_for_hiding": gettext_lazy("Reason for hiding"),
    "proposal": gettext_lazy("Proposal"),
    "at": gettext_lazy("When"),
    "consultation": gettext_lazy("Consultation"),
    "input": gettext_lazy("Input"),
    "on_behalf_of": gettext_lazy("On behalf of"),
    "email_for_the_decision": gettext_lazy("E-mail for the decision"),
    "questionnaire_response_id": gettext_lazy("Answer number"),
    "council": gettext_lazy("Council"),
    "seat": gettext_lazy("Seat"),
    "represents": gettext_lazy("Represents"),
    "term_starts": gettext_lazy("Term starts"),
    "term_ends": gettext_lazy("Term ends"),
    "meeting": gettext_lazy("Meeting"),
    "starts": gettext_lazy("Starts"),
    "ends": gettext_lazy("Ends"),
    "access_needs": gettext_lazy("Access needs"),
    "attended": gettext_lazy("Attended"),
    "kind": gettext_lazy("Kind"),
    "consent_given": gettext_lazy("Consent given"),
    "lived_experience": gettext_lazy("Lived experience"),
    "languages": gettext_lazy("Languages"),
    "region": gettext_lazy("Region or municipality"),
    "availability": gettext_lazy("Availability"),
    "about_your_availability": gettext_lazy("About your availability"),
    "about_me": gettext_lazy("About me"),
    "role_description": gettext_lazy("Role description"),
    "what": gettext_lazy("What"),
    "assignment": gettext_lazy("Assignment"),
    "hours": gettext_lazy("Hours"),
    "paid": gettext_lazy("Paid"),
    "date": gettext_lazy("Date"),
    "minutes": pgettext_lazy("duration", "Minutes"),
    "preparation_minutes": gettext_lazy("Preparation (minutes)"),
    "in_person": gettext_lazy("In person"),
    "travel_km": gettext_lazy("Travel (km)"),
    "total": gettext_lazy("Total"),
    "decided": gettext_lazy("Decided"),
    "reason": gettext_lazy("Reason"),
    "module": gettext_lazy("Module"),
    "module_id": gettext_lazy("Module id"),
    "version_completed": gettext_lazy("Version completed"),
    "language_completed_in": gettext_lazy("Language completed in"),
    "reflections": gettext_lazy("Your reflections"),
    "lesson": gettext_lazy("Lesson"),
    "notes": gettext_lazy("Notes"),
    "updated": gettext_lazy("Updated"),
    "subject": gettext_lazy("Subject"),
    "link": gettext_lazy("Link"),
    "sent": gettext_lazy("Sent"),
    "read": pgettext_lazy("read at", "Read"),
    "emailed": gettext_lazy("E-mailed"),
    "who": gettext_lazy("Who"),
    "action": gettext_lazy("What they did"),
    "kind_of_record": gettext_lazy("Kind of record"),
    "message": gettext_lazy("Message"),
    "outcome": gettext_lazy("Outcome"),
    "handled": gettext_lazy("Handled"),
    "by": pgettext_lazy("done by", "By"),
    "what_matters": gettext_lazy("What matters to me"),
    "overall_responsibility": gettext_lazy("Organisation with overall responsibility"),
    "goals": gettext_lazy("Goals"),
    "written_by": gettext_lazy("Written by"),
    "achieved": gettext_lazy("Achieved"),
    "actions": gettext_lazy("Actions"),
    "responsible": gettext_lazy("Responsible"),
    "provider": gettext_lazy("Organisation or service"),
    "due": gettext_lazy("Due"),
    "reviews": gettext_lazy("Reviews"),
    "planned": gettext_lazy("Review date"),
    "held": gettext_lazy("Held"),
    "note": gettext_lazy("Note"),
    "changes": gettext_lazy("History"),
    "part": gettext_lazy("Part"),
    "fields": gettext_lazy("Fields"),
    "purpose": gettext_lazy("What it measures"),
    "schedule": gettext_lazy("How often"),
    "every_weeks": gettext_lazy("Every how many weeks"),
    "stopped": gettext_lazy("Stopped"),
    "read_by": gettext_lazy("Read by"),
    "replies": gettext_lazy("Replies"),
    "acknowledged": gettext_lazy("Acknowledged"),
    "acknowledgement": gettext_lazy("What was done"),
    "appointment": gettext_lazy("Appointment"),
    "seen_by": gettext_lazy("Seen by"),
    "seen": gettext_lazy("Seen"),
}

# Too long to read on a page or in a PDF: in the JSON download only.
JSON_ONLY = {"fhir_questionnaire_response"}


def _display(value: Any) -> str:
    """One value as readable text: dates localised, lists and records on one line."""
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, str):
        if len(value) >= 10 and value[:4].isdigit() and value[4:5] == "-":
            moment = parse_datetime(value) if "T" in value else None
            if moment is not None:
                return date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")
            day = parse_date(value) if len(value) == 10 else None
            if day is not None:
                return date_format(day, "SHORT_DATE_FORMAT")
        return value
    if isinstance(value, list):
        return "; ".join(filter(None, (_display(item) for item in value)))
    if isinstance(value, dict):
        return " · ".join(
            f"{FIELD_LABELS.get(key, key)}: {_display(item)}"
            for key, item in value.items()
            if item not in (None, "", [], {})
        )
    if value is None:
        return ""
    return str(value)


def readable_rows(rows: Any, limit: int | None = None) -> list[list[tuple[str, str]]]:
    """Rows as (label, text) pairs, leaving out empty values and JSON-only fields."""
    if isinstance(rows, dict):
        rows = [rows]
    return [
        [
            (str(FIELD_LABELS.get(key, key)), _display(value))
            for key, value in row.items()
            if key not in JSON_ONLY and value not in (None, "", [], {})
        ]
        for row in rows[:limit]
    ]


def readable(data: dict[str, Any], limit: int | None = None) -> list[dict[str, Any]]:
    """The sections of ``collect`` with titles, counts and (the first ``limit``) readable rows."""
    sections = []
    for key, title, _reader in SECTIONS:
        rows = data[key]
        count = 1 if isinstance(rows, dict) else len(rows)
        sections.append(
            {
                "key": key,
                "title": title,
                "count": count,
                "rows": readable_rows(rows, limit),
                "more": max(count - limit, 0) if limit is not None else 0,
            }
        )
    return sections
