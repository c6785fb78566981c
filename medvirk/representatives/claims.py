"""Writes for the honorarium: rates, claims and their decisions, and drafting from attendance.

Rates: a change of rules is a new row from a date, so history is kept. A rate
that a submitted claim used is never changed (the claim holds it with its
frozen amounts); a rate not used and not yet applied (in force from today or
later) may be changed or deleted.

Claims: a representative enters a claim by hand, or one is drafted from a
meeting they attended; they check it and submit it, which fixes the rate
that applied on the date and the computed amounts (``paid_minutes``, ``fee``,
``travel``, ``total``). A coordinator approves or rejects it with a reason and
the person is told either way. A rejected claim can be corrected: saving it
puts it back to draft, to be submitted again.

Receipts and lost-earnings documents are PDF, JPEG or PNG (type read from the
content), stored in the private storage; a file written for a claim that then
fails to save is deleted again, and a replaced or deleted claim's files go
once the change is committed, so nothing is left half stored.

Drafting from attendance (``draft_claims_for_meeting``): every invitee marked
as attended who holds a paid assignment to the meeting's council on the
meeting's day gets one draft claim for the meeting (never two: the claim is
unique per person and meeting) and a notification to check it. The time is
the meeting's length; preparation is the rate's; the claim counts as "in
person" when the meeting has a place — a hybrid meeting counts as in person,
and whoever joined by video unticks it when checking the draft — and as not
in person when the meeting is held only by video (or has no place at all).
``on_invitation_saved`` runs it for one person whenever a meeting invitation
is saved as attended (registered in ``apps.py``).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import Storage
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.db.models.fields.files import FieldFile
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from medvirk.accounts.models import User
from medvirk.core.uploads import check_upload
from medvirk.notifications.services import notify
from medvirk.organizations.models import Membership
from medvirk.representatives import claims_selectors as selectors
from medvirk.representatives.models import Assignment, Claim, ClaimStatus, Rate

if TYPE_CHECKING:
    from medvirk.councils.models import Invitation, Meeting
    from medvirk.organizations.models import Organization

DRAFTED_MESSAGE = "representative_claim_drafted"
APPROVED_MESSAGE = "representative_claim_approved"
REJECTED_MESSAGE = "representative_claim_rejected"

ALLOWED_UPLOADS = ("application/pdf", "image/jpeg", "image/png")
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
UPLOAD_TOO_LARGE = gettext_lazy("The file is too large. Files can be at most %(max)s.")
UPLOAD_WRONG_TYPE = gettext_lazy(
    "This type of file cannot be uploaded. Upload a PDF or a photo (JPEG or PNG)."
)
FILE_FIELDS = ("ticket_receipt", "lost_earnings_document")


def check_claim_file(upload: UploadedFile) -> str:
    """The file's real type, or ValidationError (too large, empty, not PDF/JPEG/PNG)."""
    return check_upload(
        upload,
        allowed=ALLOWED_UPLOADS,
        max_bytes=MAX_UPLOAD_BYTES,
        too_large=UPLOAD_TOO_LARGE,
        wrong_type=UPLOAD_WRONG_TYPE,
    )


def claim_path(claim: Claim) -> str:
    return reverse("representatives:claim_detail", args=[claim.organization.slug, claim.pk])


def queue_path(claim: Claim) -> str:
    return reverse("representatives:honorarium_claim", args=[claim.organization.slug, claim.pk])


# --- Rates ----------------------------------------------------------------------------------------


def _today() -> datetime.date:
    return timezone.localdate()


@transaction.atomic
def rate_save(*, rate: Rate, today: datetime.date | None = None) -> Rate:
    """Store a new rate, or a change to one not used and not yet applied.

    ``rate`` comes unsaved from the form (``organization`` set). One rate per
    organisation and day; a change may not move a rate into the past.
    """
    today = today or _today()
    if rate.pk is not None:
        stored = Rate.objects.select_for_update().get(pk=rate.pk, organization=rate.organization)
        if not selectors.rate_can_change(stored, used=selectors.rate_is_used(stored), today=today):
            raise ValidationError(
                _(
                    "This rate has been used or has already applied, so it cannot be changed. "
                    "Add a new rate from the date the change applies."
                )
            )
        if rate.effective_from < today:
            raise ValidationError(
                {"effective_from": _("A changed rate cannot apply from a day in the past.")}
            )
    same_day = Rate.objects.filter(
        organization=rate.organization, effective_from=rate.effective_from
    ).exclude(pk=rate.pk)
    if same_day.exists():
        raise ValidationError(
            {"effective_from": _("There is already a rate from this date. Choose another date.")}
        )
    try:
        with transaction.atomic():
            rate.save()
    except IntegrityError as exc:  # two coordinators saving the same day at once
        raise ValidationError(
            {"effective_from": _("There is already a rate from this date. Choose another date.")}
        ) from exc
    return rate


@transaction.atomic
def rate_delete(*, rate: Rate, today: datetime.date | None = None) -> None:
    stored = Rate.objects.select_for_update().get(pk=rate.pk, organization=rate.organization)
    if not selectors.rate_can_change(
        stored, used=selectors.rate_is_used(stored), today=today or _today()
    ):
        raise ValidationError(
            _("This rate has been used or has already applied, so it is kept as history.")
        )
    stored.delete()


# --- Claims by the representative -----------------------------------------------------------------


@dataclass(frozen=True)
class ClaimValues:
    """What the person enters for a claim."""

    worked_on: datetime.date
    description: str
    assignment: Assignment | None
    minutes: int
    in_person: bool
    preparation_minutes: int = 0
    travel_km: Decimal = Decimal("0")
    ticket_amount: Decimal = Decimal("0")
    lost_earnings: Decimal = Decimal("0")


@dataclass(frozen=True)
class ClaimFiles:
    """Files uploaded with the form, and files the person asked to remove."""

    ticket_receipt: UploadedFile | None = None
    lost_earnings_document: UploadedFile | None = None
    remove_ticket_receipt: bool = False
    remove_lost_earnings_document: bool = False


def _check_values(
    *,
    organization: Organization,
    user: User,
    values: ClaimValues,
    files: ClaimFiles,
    has_receipt: bool,
    has_document: bool,
    today: datetime.date,
) -> None:
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if values.worked_on > today:
        add("worked_on", _("The date cannot be in the future. Claim after the work is done."))
    assignment = values.assignment
    if assignment is None:
        add("assignment", _("Choose the assignment the work was for."))
    elif (
        assignment.organization_id != organization.pk
        or assignment.user_id != user.pk
        or not assignment.paid
    ):
        add("assignment", _("Choose one of your own assignments with an honorarium."))
    elif not selectors.assignment_covers(assignment, values.worked_on):
        add("worked_on", _("The date is outside the period of the assignment you chose."))
    if selectors.rate_on(organization, values.worked_on) is None:
        add(
            "worked_on",
            _(
                "No honorarium rate applies on this date, so the claim cannot be calculated. "
                "Ask your coordinator."
            ),
        )
    if values.minutes <= 0:
        add("minutes", _("Enter the time spent, in minutes."))
    for field in ("preparation_minutes", "travel_km", "ticket_amount", "lost_earnings"):
        if getattr(values, field) < 0:
            add(field, _("Enter zero or more."))
    for field in FILE_FIELDS:
        upload = getattr(files, field)
        if upload is not None:
            try:
                check_claim_file(upload)
            except ValidationError as error:
                for message in error.messages:
                    add(field, message)
    if values.ticket_amount > 0 and not has_receipt:
        add("ticket_receipt", _("Upload the receipt for the ticket."))
    if values.lost_earnings > 0 and not has_document:
        add("lost_earnings_document", _("Upload the documentation of your lost earnings."))
    if errors:
        raise ValidationError(errors)


def _keeps(field: FieldFile, upload: UploadedFile | None, remove: bool) -> bool:
    return upload is not None or (bool(field) and not remove)


def _write(claim: Claim, values: ClaimValues, files: ClaimFiles) -> None:
    """Set the values and store the files; if the row fails to save, the new files go again."""
    for name, value in vars(values).items():
        setattr(claim, name, value.strip() if isinstance(value, str) else value)
    old_names: list[tuple[Storage, str]] = []
    new_files: list[FieldFile] = []
    for field in FILE_FIELDS:
        current: FieldFile = getattr(claim, field)
        upload: UploadedFile | None = getattr(files, field)
        remove: bool = getattr(files, f"remove_{field}")
        if (upload is not None or remove) and current.name:
            old_names.append((current.storage, current.name))
        if upload is not None:
            current.save(upload.name or "upload", upload, save=False)
            new_files.append(current)
        elif remove:
            setattr(claim, field, "")
    try:
        claim.full_clean(exclude=["organization", "user", "assignment", "meeting", "rate"])
        claim.save()
    except Exception:
        for written in new_files:
            written.delete(save=False)
        raise
    for storage, name in old_names:
        transaction.on_commit(partial(storage.delete, name))


@transaction.atomic
def claim_create(
    *,
    organization: Organization,
    user: User,
    values: ClaimValues,
    files: ClaimFiles | None = None,
    today: datetime.date | None = None,
) -> Claim:
    """A claim entered by hand, as a draft to check and submit."""
    files = files or ClaimFiles()
    _check_values(
        organization=organization,
        user=user,
        values=values,
        files=files,
        has_receipt=files.ticket_receipt is not None,
        has_document=files.lost_earnings_document is not None,
        today=today or _today(),
    )
    claim = Claim(organization=organization, user=user, status=ClaimStatus.DRAFT)
    _write(claim, values, files)
    return claim


def _locked(claim: Claim) -> Claim:
    return (
        Claim.objects.select_for_update(of=("self",))
        .select_related("organization", "user", "assignment")
        .get(pk=claim.pk)
    )


@transaction.atomic
def claim_update(
    *,
    claim: Claim,
    values: ClaimValues,
    files: ClaimFiles | None = None,
    today: datetime.date | None = None,
) -> Claim:
    """Change a draft, or correct a rejected claim (which makes it a draft again)."""
    files = files or ClaimFiles()
    locked = _locked(claim)
    if locked.status not in (ClaimStatus.DRAFT, ClaimStatus.REJECTED):
        raise ValidationError(_("Only a draft or a rejected claim can be changed."))
    _check_values(
        organization=locked.organization,
        user=locked.user,
        values=values,
        files=files,
        has_receipt=_keeps(
            locked.ticket_receipt, files.ticket_receipt, files.remove_ticket_receipt
        ),
        has_document=_keeps(
            locked.lost_earnings_document,
            files.lost_earnings_document,
            files.remove_lost_earnings_document,
        ),
        today=today or _today(),
    )
    if locked.status == ClaimStatus.REJECTED:
        # Back to draft: the amounts are worked out again when it is submitted. The
        # reason stays on the claim until then, for the person to see what to correct.
        locked.status = ClaimStatus.DRAFT
        _unfreeze(locked)
    _write(locked, values, files)
    return locked


def _unfreeze(claim: Claim) -> None:
    claim.rate = None
    claim.paid_minutes = 0
    claim.fee = claim.travel = claim.total = Decimal("0")
    claim.submitted_at = None


@transaction.atomic
def claim_delete(*, claim: Claim) -> None:
    """Delete a draft and, once that is committed, its files."""
    locked = _locked(claim)
    if locked.status != ClaimStatus.DRAFT:
        raise ValidationError(_("Only a draft can be deleted."))
    stored = [(getattr(locked, f).storage, getattr(locked, f).name) for f in FILE_FIELDS]
    locked.delete()
    for storage, name in stored:
        if name:
            transaction.on_commit(partial(storage.delete, name))


@transaction.atomic
def claim_submit(*, claim: Claim, now: datetime.datetime | None = None) -> Claim:
    """Fix the rate that applied on the claim's date and the amounts, and send it for approval."""
    now = now or timezone.now()
    locked = _locked(claim)
    if locked.status != ClaimStatus.DRAFT:
        raise ValidationError(_("This claim has already been submitted."))
    assignment = locked.assignment
    if assignment is None or not assignment.paid or assignment.user_id != locked.user_id:
        raise ValidationError(
            _("The claim needs one of your assignments with an honorarium. Edit the claim.")
        )
    if locked.ticket_amount > 0 and not locked.ticket_receipt:
        raise ValidationError(_("Upload the receipt for the ticket before you submit."))
    if locked.lost_earnings > 0 and not locked.lost_earnings_document:
        raise ValidationError(
            _("Upload the documentation of your lost earnings before you submit.")
        )
    rate = selectors.rate_on(locked.organization, locked.worked_on)
    if rate is None:
        raise ValidationError(
            _(
                "No honorarium rate applies on %(date)s, so the claim cannot be calculated. "
                "Ask your coordinator to add the rate, then submit again."
            )
            % {"date": locked.worked_on.isoformat()}
        )
    amounts = selectors.compute_claim(rate, locked)
    locked.rate = rate
    locked.paid_minutes = amounts.paid_minutes
    locked.fee = amounts.fee
    locked.travel = amounts.travel
    locked.total = amounts.total
    locked.status = ClaimStatus.SUBMITTED
    locked.submitted_at = now
    locked.decided_at = None
    locked.decided_by = None
    locked.rejection_reason = ""
    locked.save()
    return locked


# --- Decisions by the coordinator -----------------------------------------------------------------


def _decidable(claim: Claim, decided_by: User) -> Claim:
    locked = _locked(claim)
    if locked.status != ClaimStatus.SUBMITTED:
        raise ValidationError(_("Only a submitted claim can be approved or rejected."))
    if locked.user_id == decided_by.pk:
        raise ValidationError(_("You cannot decide on your own claim. Ask another coordinator."))
    return locked


@transaction.atomic
def claim_approve(*, claim: Claim, decided_by: User, now: datetime.datetime | None = None) -> Claim:
    locked = _decidable(claim, decided_by)
    locked.status = ClaimStatus.APPROVED
    locked.decided_at = now or timezone.now()
    locked.decided_by = decided_by
    locked.rejection_reason = ""
    locked.save(
        update_fields=["status", "decided_at", "decided_by", "rejection_reason", "updated_at"]
    )
    _tell(locked, APPROVED_MESSAGE)
    return locked


@transaction.atomic
def claim_reject(
    *, claim: Claim, decided_by: User, reason: str, now: datetime.datetime | None = None
) -> Claim:
    reason = reason.strip()
    if not reason:
        raise ValidationError(
            {"reason": _("Give the reason, so the person knows what to correct.")}
        )
    locked = _decidable(claim, decided_by)
    locked.status = ClaimStatus.REJECTED
    locked.decided_at = now or timezone.now()
    locked.decided_by = decided_by
    locked.rejection_reason = reason
    locked.save(
        update_fields=["status", "decided_at", "decided_by", "rejection_reason", "updated_at"]
    )
    _tell(locked, REJECTED_MESSAGE)
    return locked


def _tell(claim: Claim, message: str) -> None:
    notify(
        recipient=claim.user,
        message=message,
        context={"claim": claim, "organization": claim.organization},
        url=claim_path(claim),
        organization=claim.organization,
    )


# --- Drafted from attendance ----------------------------------------------------------------------


def meeting_day(meeting: Meeting) -> datetime.date:
    return timezone.localdate(meeting.starts_at)


def meeting_minutes(meeting: Meeting) -> int:
    return max(0, int((meeting.ends_at - meeting.starts_at).total_seconds() // 60))


def meeting_in_person(meeting: Meeting) -> bool:
    """A meeting with a place counts as in person (hybrid too); video only does not."""
    return bool(meeting.place.strip())


def meeting_description(meeting: Meeting) -> str:
    # Stored text: written in the installation's language, not in the language of
    # whoever happened to record the attendance.
    with translation.override(settings.LANGUAGE_CODE):
        return (_("Meeting: %(title)s") % {"title": meeting.title})[:300]


@transaction.atomic
def draft_claims_for_meeting(
    *, meeting: Meeting, user_ids: Iterable[int] | None = None
) -> list[Claim]:
    """Draft a claim for each attendee with a paid assignment to the meeting's council.

    Idempotent: a person who already has a claim for the meeting, in any
    state, gets none (a draft the person deleted is drafted again only if the
    attendance is recorded again). ``user_ids`` limits it to those people.
    Returns the claims made now; each person is told to check theirs.
    """
    from medvirk.councils.models import Invitation

    council = meeting.council
    organization = council.organization
    day = meeting_day(meeting)
    attended = Invitation.objects.filter(meeting=meeting, attended=True)
    if user_ids is not None:
        attended = attended.filter(user_id__in=list(user_ids))
    people = set(attended.values_list("user_id", flat=True))
    if not people:
        return []
    people -= set(
        Claim.objects.filter(meeting=meeting, user_id__in=people).values_list("user_id", flat=True)
    )
    # Only people who act as representatives in the organisation can open a claim.
    people &= set(
        Membership.objects.filter(
            organization=organization,
            user_id__in=people,
            role__in=selectors.representative_roles(),
        ).values_list("user_id", flat=True)
    )
    assignments: dict[int, Assignment] = {}
    for assignment in (
        Assignment.objects.filter(
            organization=organization,
            council=council,
            paid=True,
            user_id__in=people,
            starts_on__lte=day,
        )
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))
        .select_related("user")
        .order_by("-starts_on", "-pk")
    ):
        assignments.setdefault(assignment.user_id, assignment)
    if not assignments:
        return []
    rate = selectors.rate_on(organization, day)
    preparation = rate.preparation_minutes if rate is not None else 0
    description = meeting_description(meeting)
    made: list[Claim] = []
    for user_id, assignment in sorted(assignments.items()):
        try:
            with transaction.atomic():
                claim, created = Claim.objects.get_or_create(
                    user_id=user_id,
                    meeting=meeting,
                    defaults={
                        "organization": organization,
                        "assignment": assignment,
                        "worked_on": day,
                        "description": description,
                        "minutes": meeting_minutes(meeting),
                        "in_person": meeting_in_person(meeting),
                        "preparation_minutes": preparation,
                    },
                )
        except IntegrityError:  # drafted at the same moment by another request
            continue
        if not created:
            continue
        claim.organization = organization
        claim.user = assignment.user
        claim.meeting = meeting
        notify(
            recipient=claim.user,
            message=DRAFTED_MESSAGE,
            context={"claim": claim, "meeting": meeting, "organization": organization},
            url=claim_path(claim),
            organization=organization,
        )
        made.append(claim)
    return made


def on_invitation_saved(
    sender: Any,
    instance: Invitation,
    created: bool = False,
    raw: bool = False,
    update_fields: Iterable[str] | None = None,
    **kwargs: Any,
) -> None:
    """``post_save`` of ``councils.Invitation``: drafting for a person marked as attended.

    Attendance saved in bulk sends no ``post_save``; the councils service that
    does so sends ``attendance_recorded`` instead (``on_attendance_recorded``).
    """
    if raw or instance.attended is not True:
        return
    if update_fields is not None and "attended" not in update_fields:
        return
    draft_claims_for_meeting(meeting=instance.meeting, user_ids=[instance.user_id])


def on_attendance_recorded(
    sender: Any, meeting: Meeting, attended_user_ids: Iterable[int] = (), **kwargs: Any
) -> None:
    """``councils.signals.attendance_recorded``: draft claims for the people who came."""
    draft_claims_for_meeting(meeting=meeting, user_ids=list(attended_user_ids))
