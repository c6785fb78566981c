"""Writes of proposals: submitting, triage, moderation, support, and "you said — we did".

Every write is keyword-only and runs in a transaction. Triage locks the
proposal row first, so two coordinators saving at once record one status
change each and the submitter hears about each change once. Every status
change is a ``StatusChange`` row — the submission itself is the first — and
tells the submitter: a logged-in submitter through ``notify`` (their language,
their e-mail preference), an anonymous one by a plain e-mail to the address
they left, sent only once the change is committed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import partial

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from medvirk.accounts.models import User
from medvirk.notifications.models import absolute_url
from medvirk.notifications.rendering import render_text
from medvirk.notifications.services import notify
from medvirk.organizations.models import Organization, Unit
from medvirk.proposals import selectors
from medvirk.proposals.choices import Status
from medvirk.proposals.models import Change, Proposal, StatusChange, Support
from medvirk.surveys.models import Survey

STATUS_MESSAGE = "proposal_status"
ASSIGNED_MESSAGE = "proposal_assigned"
PUBLIC_MAIL_FOLDER = "notifications/email/proposal_status_public"


class ProposalError(Exception):
    """A write the rules refuse; ``errors`` maps each form field to its problem."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def detail_path(proposal: Proposal) -> str:
    return reverse("proposals:detail", args=[proposal.organization.slug, proposal.pk])


def public_page_path(proposal: Proposal) -> str:
    return reverse("public_proposals:you_said_we_did", args=[proposal.organization.slug])


# --- Submitting ------------------------------------------------------------------------------


@transaction.atomic
def proposal_submit(
    *,
    organization: Organization,
    unit: Unit,
    category: str,
    title: str,
    text: str,
    submitted_by: User | None = None,
    contact_email: str = "",
) -> Proposal:
    """Store a proposal to one of the organisation's units, with its first status row.

    A logged-in submitter is told through their account, so no address is
    kept for them; an anonymous one is told only if they left an address.
    """
    if unit.organization_id != organization.pk or not unit.is_active:
        raise ProposalError({"unit": _("Choose one of the organisation's units.")})
    proposal = Proposal.objects.create(
        organization=organization,
        unit=unit,
        category=category,
        title=title.strip(),
        text=text.strip(),
        submitted_by=submitted_by,
        contact_email="" if submitted_by is not None else contact_email.strip(),
    )
    StatusChange.objects.create(proposal=proposal, status=Status.RECEIVED, changed_by=submitted_by)
    return proposal


# --- Triage ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TriageResult:
    status_changed: bool
    answer_changed: bool
    responsible_changed: bool


def _locked(proposal: Proposal) -> Proposal:
    return (
        Proposal.objects.select_for_update(of=("self",))
        .select_related("organization", "submitted_by", "unit")
        .get(pk=proposal.pk)
    )


def _check_responsible(proposal: Proposal, responsible: User | None) -> None:
    if responsible is None:
        return
    if (
        not selectors.responsible_candidates(proposal.organization)
        .filter(pk=responsible.pk)
        .exists()
    ):
        raise ProposalError({"responsible": _("Choose a person who works in the organisation.")})


@transaction.atomic
def proposal_triage(
    *,
    proposal: Proposal,
    changed_by: User,
    status: str,
    decline_reason: str = "",
    answer: str = "",
    responsible: User | None = None,
    now: datetime | None = None,
) -> TriageResult:
    """Set status, public answer and responsible person; record and tell a status change.

    Declining needs a reason (``ProposalError`` for ``decline_reason``); the
    reason is kept on the proposal while it is declined and in its history
    for good. Saving the same status again records nothing and tells nobody.
    A newly responsible person (other than the one saving) is told too.
    """
    now = now or timezone.now()
    locked = _locked(proposal)
    status = Status(status)
    decline_reason = decline_reason.strip()
    answer = answer.strip()
    if status == Status.DECLINED and not decline_reason:
        raise ProposalError({"decline_reason": _("Write why the proposal is declined.")})
    _check_responsible(locked, responsible)
    result = TriageResult(
        status_changed=locked.status != status,
        answer_changed=locked.answer != answer,
        responsible_changed=locked.responsible_id != (responsible.pk if responsible else None),
    )
    locked.status = status
    locked.decline_reason = decline_reason if status == Status.DECLINED else ""
    if result.answer_changed:
        locked.answer = answer
        locked.answered_at = now if answer else None
    locked.responsible = responsible
    locked.save()
    if result.status_changed:
        change = StatusChange.objects.create(
            proposal=locked,
            status=status,
            note=locked.decline_reason,
            changed_by=changed_by,
        )
        _tell_submitter(locked, change)
    if result.responsible_changed and responsible is not None and responsible != changed_by:
        notify(
            recipient=responsible,
            message=ASSIGNED_MESSAGE,
            context={"proposal": locked, "organization": locked.organization},
            url=detail_path(locked),
            organization=locked.organization,
        )
    for name in ("status", "decline_reason", "answer", "answered_at", "responsible", "updated_at"):
        setattr(proposal, name, getattr(locked, name))
    return result


def _tell_submitter(proposal: Proposal, change: StatusChange) -> None:
    """Tell whoever proposed it about the new status, the one way they can be reached."""
    submitter = proposal.submitted_by
    if submitter is not None:
        if submitter.is_active and submitter.pk != change.changed_by_id:
            notify(
                recipient=submitter,
                message=STATUS_MESSAGE,
                context={
                    "proposal": proposal,
                    "organization": proposal.organization,
                    "change": change,
                },
                url=detail_path(proposal),
                organization=proposal.organization,
            )
        return
    if proposal.contact_email:
        transaction.on_commit(
            partial(_mail_anonymous_submitter, proposal.pk, proposal.contact_email), robust=True
        )


def _mail_anonymous_submitter(proposal_id: int, address: str) -> None:
    """A plain e-mail, in the installation's language, with the status as it is when sent."""
    proposal = (
        Proposal.objects.select_related("organization", "unit").filter(pk=proposal_id).first()
    )
    if proposal is None:
        return
    context = {
        "proposal": proposal,
        "organization": proposal.organization,
        "url": absolute_url(public_page_path(proposal)),
        "site_url": settings.SITE_URL,
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = " ".join(render_text(f"{PUBLIC_MAIL_FOLDER}/subject.txt", context).split())
        body = render_text(f"{PUBLIC_MAIL_FOLDER}/body.txt", context)
    send_mail(subject, body, None, [address])


# --- Moderation ------------------------------------------------------------------------------


@transaction.atomic
def proposal_hide(
    *, proposal: Proposal, hidden_by: User, reason: str, now: datetime | None = None
) -> None:
    """Hide a post from everyone outside triage, recording who did it and why."""
    reason = reason.strip()
    if not reason:
        raise ProposalError({"hidden_reason": _("Write why the proposal is hidden.")})
    locked = _locked(proposal)
    locked.hidden_at = now or timezone.now()
    locked.hidden_reason = reason
    locked.hidden_by = hidden_by
    locked.save(update_fields=["hidden_at", "hidden_reason", "hidden_by", "updated_at"])
    for name in ("hidden_at", "hidden_reason", "hidden_by"):
        setattr(proposal, name, getattr(locked, name))


@transaction.atomic
def proposal_unhide(*, proposal: Proposal) -> None:
    """Show the post again. The last reason and who hid it stay, as the record of moderation."""
    locked = _locked(proposal)
    locked.hidden_at = None
    locked.save(update_fields=["hidden_at", "updated_at"])
    proposal.hidden_at = None


# --- Support ("me too") ----------------------------------------------------------------------


def support_add(*, proposal: Proposal, user: User) -> bool:
    """Count the person's "me too" once; return whether it was new."""
    if proposal.hidden_at is not None:
        raise ProposalError({"__all__": _("This proposal cannot be supported.")})
    try:
        with transaction.atomic():
            created = Support.objects.get_or_create(proposal=proposal, user=user)[1]
    except IntegrityError:  # a double click raced the first one
        return False
    return created


@transaction.atomic
def support_remove(*, proposal: Proposal, user: User) -> bool:
    """Withdraw the person's "me too"; return whether there was one."""
    deleted = Support.objects.filter(proposal=proposal, user=user).delete()[0]
    return bool(deleted)


# --- "You said — we did" ---------------------------------------------------------------------


def _check_change_links(change: Change) -> None:
    errors: dict[str, str] = {}
    if (
        change.unit_id is not None
        and not Unit.objects.filter(
            pk=change.unit_id, organization_id=change.organization_id
        ).exists()
    ):
        errors["unit"] = _("Choose one of the organisation's units.")
    if (
        change.survey_id is not None
        and not Survey.objects.filter(
            pk=change.survey_id, organization_id=change.organization_id
        ).exists()
    ):
        errors["survey"] = _("Choose one of the organisation's surveys.")
    if errors:
        raise ProposalError(errors)


@transaction.atomic
def change_save(
    *, change: Change, publish: bool | None = None, now: datetime | None = None
) -> Change:
    """Save a "you said / we did" pair; publish (``True``) or withdraw it (``False``).

    ``None`` leaves it as it is. Publishing again keeps the first date, so
    the public page's order does not jump when a text is corrected.
    """
    change.you_said = change.you_said.strip()
    change.we_did = change.we_did.strip()
    _check_change_links(change)
    if publish is True and change.published_at is None:
        change.published_at = now or timezone.now()
    elif publish is False:
        change.published_at = None
    change.save()
    return change
