"""Writes of recruitment: requests, invitations and answers, onboarding, assignments.

The rules live here, not in forms or views: a broken rule raises
``ValidationError`` keyed by the form field it is about, and the views put it
beside what was typed. Every write is one transaction; state changes lock the
row first, so two coordinators (or a coordinator and the invitee) acting at
once cannot both succeed on stale data.

People are told through ``notify``: the invitee of an invitation and of its
cancellation, the coordinator of the answer, the person of their assignment.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from medvirk.accesslog.models import AccessAction
from medvirk.accesslog.services import log_access
from medvirk.councils import services as council_services
from medvirk.councils.models import Council, CouncilMember, Seat, UserOrganization
from medvirk.councils.selectors import current_q
from medvirk.notifications.services import notify
from medvirk.representatives import ranking
from medvirk.representatives.models import (
    Assignment,
    ExperienceArea,
    Invitation,
    InvitationStatus,
    Onboarding,
    Request,
    RequestStatus,
)
from medvirk.representatives.recruitment_selectors import course_completed_at, onboarding_status

if TYPE_CHECKING:
    from medvirk.accounts.models import User
    from medvirk.organizations.models import Organization


# --- Texts the person agrees to and signs ------------------------------------------------------


def agreement_paragraphs(organization: Organization) -> list[str]:
    """The agreement a person accepts before an assignment, in the active language."""
    values = {"organization": organization.name}
    return [
        _(
            "You take part for %(organization)s with your experience as a user of the "
            "services or as next of kin. You speak for the experience of others too, not "
            "only your own case."
        )
        % values,
        _(
            "You read the papers you are sent before meetings, and tell the coordinator in "
            "good time if you cannot come or need something to take part, such as an "
            "interpreter or step-free access."
        ),
        _(
            "You treat everyone with respect. You may disagree and say so openly; your advice "
            "is recorded as yours."
        ),
        _(
            "%(organization)s sends you papers in good time, explains what you need to know, "
            "and pays honorarium and expenses by its rates. Experience consultants do this "
            "work as part of their employment."
        )
        % values,
        _(
            "You can end an assignment at any time by telling the coordinator. If "
            "%(organization)s wants to end it, you are told why."
        )
        % values,
    ]


def declaration_paragraphs(organization: Organization, user: User) -> list[str]:
    """The confidentiality declaration, as the person reads and signs it."""
    values = {"organization": organization.name, "name": user.full_name or user.email}
    return [
        _(
            "I, %(name)s, take part in work for %(organization)s as a user representative or "
            "experience consultant. In this work I may learn about other people's personal "
            "circumstances, such as their health, and about matters that are confidential by "
            "law."
        )
        % values,
        _(
            "I will keep confidential what I learn in this work about anyone's personal "
            "circumstances, and I will not use it for anything else. This applies to what I "
            "hear, read and see, in meetings and outside them, on paper and on screen."
        ),
        _(
            "I know that the duty of confidentiality set out in law applies to me while I do "
            "this work and continues after the assignment has ended, and that breaching it "
            "may be punishable."
        ),
        _(
            "I may still speak freely about my own experience and about matters that are not "
            "confidential."
        ),
    ]


def declaration_text(organization: Organization, user: User) -> str:
    return "\n\n".join(declaration_paragraphs(organization, user))


def _same_name(typed: str, full_name: str) -> bool:
    return " ".join(typed.split()).casefold() == " ".join(full_name.split()).casefold()


# --- Requests ----------------------------------------------------------------------------------


def _check_request(
    *,
    organization: Organization,
    council: Council | None,
    needed: int,
    starts_on: date,
    ends_on: date | None,
    hours: Decimal | None,
) -> None:
    errors: dict[str, str] = {}
    if ends_on is not None and ends_on < starts_on:
        errors["ends_on"] = _("The request cannot end before it starts.")
    if needed < 1:
        errors["needed"] = _("At least one person must be needed.")
    if council is not None and council.organization_id != organization.pk:
        errors["council"] = _("Choose one of your organisation's councils.")
    if hours is not None and hours < 0:
        errors["hours"] = _("The hours cannot be negative.")
    if errors:
        raise ValidationError(errors)


def _lock_request(req: Request) -> Request:
    return Request.objects.select_for_update().get(pk=req.pk)


def _fill_if_complete(req: Request) -> None:
    """An open request whose assignments reach the number needed is filled."""
    if req.status == RequestStatus.OPEN and (
        Assignment.objects.filter(request=req).count() >= req.needed
    ):
        req.status = RequestStatus.FILLED
        req.save(update_fields=["status", "updated_at"])


@transaction.atomic
def request_create(
    *,
    organization: Organization,
    created_by: User | None,
    title: str,
    description: str = "",
    kind: str,
    council: Council | None = None,
    areas: Iterable[ExperienceArea] = (),
    language: str = "",
    region: str = "",
    needed: int,
    starts_on: date,
    ends_on: date | None = None,
    hours: Decimal | None = None,
) -> Request:
    _check_request(
        organization=organization,
        council=council,
        needed=needed,
        starts_on=starts_on,
        ends_on=ends_on,
        hours=hours,
    )
    req = Request.objects.create(
        organization=organization,
        created_by=created_by,
        title=title,
        description=description,
        kind=kind,
        council=council,
        language=language.strip(),
        region=region.strip(),
        needed=needed,
        starts_on=starts_on,
        ends_on=ends_on,
        hours=hours,
    )
    req.areas.set(list(areas))
    return req


@transaction.atomic
def request_update(
    *,
    req: Request,
    title: str,
    description: str,
    kind: str,
    council: Council | None,
    areas: Iterable[ExperienceArea],
    language: str,
    region: str,
    needed: int,
    starts_on: date,
    ends_on: date | None,
    hours: Decimal | None,
) -> Request:
    _check_request(
        organization=req.organization,
        council=council,
        needed=needed,
        starts_on=starts_on,
        ends_on=ends_on,
        hours=hours,
    )
    locked = _lock_request(req)
    locked.title = title
    locked.description = description
    locked.kind = kind
    locked.council = council
    locked.language = language.strip()
    locked.region = region.strip()
    locked.needed = needed
    locked.starts_on = starts_on
    locked.ends_on = ends_on
    locked.hours = hours
    locked.save()
    locked.areas.set(list(areas))
    _fill_if_complete(locked)
    return locked


@transaction.atomic
def request_cancel(*, req: Request) -> list[Invitation]:
    """Cancel the request and its unanswered invitations (their invitees are told).

    Accepted invitations and assignments stay as they are: the coordinator
    speaks with those people.
    """
    locked = _lock_request(req)
    if locked.status == RequestStatus.CANCELLED:
        return []
    locked.status = RequestStatus.CANCELLED
    locked.save(update_fields=["status", "updated_at"])
    waiting = list(
        Invitation.objects.select_for_update()
        .filter(request=locked, status=InvitationStatus.INVITED)
        .select_related("user")
    )
    for invitation in waiting:
        invitation.request = locked
        _cancel(invitation)
    req.status = locked.status
    return waiting


@transaction.atomic
def request_set_filled(*, req: Request, filled: bool) -> Request:
    """Mark an open request filled (enough people found), or reopen a filled one."""
    locked = _lock_request(req)
    if filled and locked.status == RequestStatus.OPEN:
        locked.status = RequestStatus.FILLED
    elif not filled and locked.status == RequestStatus.FILLED:
        locked.status = RequestStatus.OPEN
    else:
        raise ValidationError(
            _("The request is %(status)s; that cannot be changed here.")
            % {"status": locked.get_status_display().lower()}
        )
    locked.save(update_fields=["status", "updated_at"])
    req.status = locked.status
    return locked


# --- Invitations -------------------------------------------------------------------------------


def _respond_path(invitation: Invitation) -> str:
    return reverse(
        "representatives:invitation_respond",
        args=[invitation.organization.slug, invitation.pk],
    )


def _request_path(req: Request) -> str:
    return reverse("representatives:request_detail", args=[req.organization.slug, req.pk])


@transaction.atomic
def invitations_send(
    *, req: Request, users: Sequence[User], message: str = "", invited_by: User | None
) -> list[Invitation]:
    """Invite each person to the request and tell them; all or nobody.

    Only the request's candidates can be invited (a consented profile, the role
    to answer, not invited before), unavailable people included: the
    coordinator may have spoken with them.
    """
    locked = _lock_request(req)
    if locked.status != RequestStatus.OPEN:
        raise ValidationError(_("Invitations can be sent only while the request is open."))
    if not users:
        raise ValidationError({"people": _("Choose at least one person to invite.")})
    allowed = set(
        ranking.eligible(locked, include_unavailable=True).values_list("user_id", flat=True)
    )
    refused = [user for user in users if user.pk not in allowed]
    if refused:
        raise ValidationError(
            {
                "people": _(
                    "%(people)s cannot be invited: already invited, or no longer in the "
                    "registry. The list below is up to date."
                )
                % {"people": ", ".join(str(user) for user in refused)}
            }
        )
    made = []
    for user in users:
        invitation = Invitation.objects.create(
            organization=locked.organization,
            request=locked,
            user=user,
            message=message.strip(),
            invited_by=invited_by,
        )
        notify(
            recipient=user,
            message="representative_invitation",
            context={
                "invitation": invitation,
                "request": locked,
                "organization": locked.organization,
            },
            url=_respond_path(invitation),
            organization=locked.organization,
        )
        made.append(invitation)
    return made


def _lock_invitation(invitation: Invitation) -> Invitation:
    return (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("request", "user", "organization")
        .get(pk=invitation.pk)
    )


def _answer(invitation: Invitation, *, status: str, reason: str = "") -> Invitation:
    locked = _lock_invitation(invitation)
    if locked.status != InvitationStatus.INVITED:
        raise ValidationError(
            _("This invitation was already answered or withdrawn (%(status)s).")
            % {"status": locked.get_status_display().lower()}
        )
    locked.status = status
    locked.responded_at = timezone.now()
    locked.decline_reason = reason.strip() if status == InvitationStatus.DECLINED else ""
    locked.save(update_fields=["status", "responded_at", "decline_reason", "updated_at"])
    coordinator = locked.invited_by or locked.request.created_by
    if coordinator is not None and coordinator.is_active:
        notify(
            recipient=coordinator,
            message="representative_invitation_answered",
            context={
                "invitation": locked,
                "request": locked.request,
                "person": locked.user,
                "organization": locked.organization,
            },
            url=_request_path(locked.request),
            organization=locked.organization,
        )
    for name in ("status", "responded_at", "decline_reason"):
        setattr(invitation, name, getattr(locked, name))
    return locked


@transaction.atomic
def invitation_accept(*, invitation: Invitation) -> Onboarding:
    """Accept; the person's onboarding in the organisation starts (or goes on)."""
    locked = _answer(invitation, status=InvitationStatus.ACCEPTED)
    onboarding, _created = Onboarding.objects.get_or_create(
        organization=locked.organization, user=locked.user
    )
    return onboarding


@transaction.atomic
def invitation_decline(*, invitation: Invitation, reason: str = "") -> Invitation:
    return _answer(invitation, status=InvitationStatus.DECLINED, reason=reason)


def _cancel(invitation: Invitation) -> None:
    invitation.status = InvitationStatus.CANCELLED
    invitation.save(update_fields=["status", "updated_at"])
    notify(
        recipient=invitation.user,
        message="representative_invitation_cancelled",
        context={
            "invitation": invitation,
            "request": invitation.request,
            "organization": invitation.organization,
        },
        url=reverse("representatives:my_invitations", args=[invitation.organization.slug]),
        organization=invitation.organization,
    )


@transaction.atomic
def invitation_cancel(*, invitation: Invitation) -> Invitation:
    """Withdraw an unanswered or accepted invitation (not one that led to an assignment)."""
    locked = _lock_invitation(invitation)
    if locked.status not in (InvitationStatus.INVITED, InvitationStatus.ACCEPTED):
        raise ValidationError(
            _("Only unanswered or accepted invitations can be withdrawn; this one is %(status)s.")
            % {"status": locked.get_status_display().lower()}
        )
    if Assignment.objects.filter(request=locked.request, user=locked.user).exists():
        raise ValidationError(
            _("%(person)s already has an assignment from this request: end the assignment instead.")
            % {"person": locked.user}
        )
    _cancel(locked)
    invitation.status = locked.status
    return locked


# --- Onboarding --------------------------------------------------------------------------------


def _onboarding(organization: Organization, user: User) -> Onboarding:
    onboarding, _created = Onboarding.objects.get_or_create(organization=organization, user=user)
    return Onboarding.objects.select_for_update().get(pk=onboarding.pk)


@transaction.atomic
def agreement_accept(*, organization: Organization, user: User) -> Onboarding:
    """Record that the person accepted the agreement (the first time counts)."""
    onboarding = _onboarding(organization, user)
    if onboarding.agreement_accepted_at is None:
        onboarding.agreement_accepted_at = timezone.now()
        onboarding.save(update_fields=["agreement_accepted_at", "updated_at"])
    return onboarding


@transaction.atomic
def declaration_sign(
    *, organization: Organization, user: User, signature: str, text: str
) -> Onboarding:
    """Sign the confidentiality declaration ``text`` by typing one's full name.

    The name typed must be the account's full name (letter case and spacing
    aside). The text is stored exactly as shown, with the time; a declaration
    already signed stays as it was signed.
    """
    if not user.full_name.strip():
        raise ValidationError(
            {
                "signature": _(
                    "Your account has no full name. Add it on your profile page, then sign."
                )
            }
        )
    if not _same_name(signature, user.full_name):
        raise ValidationError(
            {
                "signature": _("Type your full name as it is on your account: %(name)s.")
                % {"name": user.full_name}
            }
        )
    if not text.strip():
        raise ValidationError(_("The declaration text is missing."))
    onboarding = _onboarding(organization, user)
    if onboarding.confidentiality_signed_at is None:
        onboarding.confidentiality_signed_at = timezone.now()
        onboarding.confidentiality_text = text
        onboarding.save(
            update_fields=["confidentiality_signed_at", "confidentiality_text", "updated_at"]
        )
    return onboarding


@transaction.atomic
def course_mark_done(*, onboarding: Onboarding, by: User) -> Onboarding:
    """A coordinator records that the person has had the introduction (now; logged)."""
    locked = Onboarding.objects.select_for_update().select_related("user").get(pk=onboarding.pk)
    if locked.course_completed_at is None:
        locked.course_completed_at = timezone.now()
        locked.save(update_fields=["course_completed_at", "updated_at"])
        log_access(
            actor=by,
            action=AccessAction.CHANGE,
            organization=locked.organization,
            obj=locked,
            subject=locked.user,
            object_label=_("Introduction course marked as completed: %(person)s")
            % {"person": locked.user},
        )
    onboarding.course_completed_at = locked.course_completed_at
    return locked


def _store_course(onboarding: Onboarding) -> None:
    """Keep the time the introduction module was completed, once it has been."""
    if onboarding.course_completed_at is None:
        completed = course_completed_at(onboarding.user, onboarding.organization)
        if completed is not None:
            onboarding.course_completed_at = completed
            onboarding.save(update_fields=["course_completed_at", "updated_at"])


# --- Assignments -------------------------------------------------------------------------------

# The councils service names its fields after the membership; ours after the assignment.
_MEMBER_FIELDS = {"term_start": "starts_on", "term_end": "ends_on", "seat": "seat"}


@transaction.atomic
def assignment_create(
    *,
    invitation: Invitation,
    kind: str,
    title: str,
    starts_on: date,
    ends_on: date | None = None,
    hours: Decimal | None = None,
    paid: bool = True,
    add_to_council: bool = False,
    seat: Seat | None = None,
    represents: UserOrganization | None = None,
) -> Assignment:
    """Assign the person of an accepted invitation, once their onboarding is complete.

    With ``add_to_council`` the person also becomes a member of the request's
    council for the same period; if the council refuses (already a member,
    say), nothing is stored.
    """
    locked = _lock_invitation(invitation)
    req = _lock_request(locked.request)
    person = locked.user
    errors: dict[str, str] = {}
    if locked.status != InvitationStatus.ACCEPTED:
        raise ValidationError(_("Only a person who has accepted the invitation can be assigned."))
    if Assignment.objects.filter(request=req, user=person).exists():
        raise ValidationError(
            _("%(person)s already has an assignment from this request.") % {"person": person}
        )
    onboarding = (
        Onboarding.objects.select_for_update()
        .filter(organization=req.organization, user=person)
        .first()
    )
    if onboarding is not None:
        _store_course(onboarding)
    status = onboarding_status(
        onboarding, user=person, organization=req.organization, module_completed_at=None
    )
    if not status.complete:
        raise ValidationError(
            _(
                "%(person)s has not completed onboarding yet (%(done)s of 3 steps). The "
                "agreement, the confidentiality declaration and the introduction course must "
                "all be done before the assignment."
            )
            % {"person": person, "done": status.done_count}
        )
    if ends_on is not None and ends_on < starts_on:
        errors["ends_on"] = _("The assignment cannot end before it starts.")
    if hours is not None and hours < 0:
        errors["hours"] = _("The hours cannot be negative.")
    if errors:
        raise ValidationError(errors)
    assignment = Assignment.objects.create(
        organization=req.organization,
        user=person,
        kind=kind,
        title=title,
        council=req.council,
        request=req,
        starts_on=starts_on,
        ends_on=ends_on,
        hours=hours,
        paid=paid,
    )
    if add_to_council and req.council is not None:
        try:
            council_services.member_add(
                council=req.council,
                user=person,
                seat=seat,
                represents=represents,
                term_start=starts_on,
                term_end=ends_on,
            )
        except ValidationError as error:
            raise _as_assignment_error(error) from error
    _fill_if_complete(req)
    notify(
        recipient=person,
        message="representative_assignment",
        context={
            "assignment": assignment,
            "request": req,
            "organization": req.organization,
        },
        url=reverse("representatives:my_assignments", args=[req.organization.slug]),
        organization=req.organization,
    )
    return assignment


def _as_assignment_error(error: ValidationError) -> ValidationError:
    if not hasattr(error, "error_dict"):
        return ValidationError({"add_to_council": error.messages})
    mapped: dict[str, list[str]] = {}
    for name, errors in error.message_dict.items():
        mapped.setdefault(_MEMBER_FIELDS.get(name, "add_to_council"), []).extend(errors)
    return ValidationError(mapped)


def current_council_membership(assignment: Assignment, on: date) -> CouncilMember | None:
    """The person's membership of the assignment's council that includes ``on``."""
    if assignment.council_id is None:
        return None
    return (
        CouncilMember.objects.filter(council_id=assignment.council_id, user_id=assignment.user_id)
        .filter(current_q(on))
        .first()
    )


@transaction.atomic
def assignment_end(
    *, assignment: Assignment, on: date, end_council_membership: bool = False
) -> Assignment:
    """End the assignment after ``on`` (its last day); optionally the council term too."""
    locked = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if on < locked.starts_on:
        raise ValidationError(
            {
                "ends_on": _("The assignment cannot end before it starts (%(start)s).")
                % {"start": locked.starts_on.isoformat()}
            }
        )
    if locked.ends_on is not None and locked.ends_on < on:
        raise ValidationError(
            {
                "ends_on": _("The assignment already ended on %(end)s.")
                % {"end": locked.ends_on.isoformat()}
            }
        )
    if end_council_membership:
        member = current_council_membership(locked, on)
        if member is not None:
            council_services.member_end(member=member, on=on)
    locked.ends_on = on
    locked.save(update_fields=["ends_on", "updated_at"])
    assignment.ends_on = on
    return locked
