"""Writes of consultations: saving, publishing, responses, the decision record, overdue flags.

Every write is keyword-only and runs in a transaction. The two moments that
tell people something — publishing a consultation and publishing its decision
— lock the consultation row first, so a double click or two coordinators at
once tell everyone once. The decision cannot be changed once published: the
record people were told about is the record that stays (a correction is a new
consultation or a note in the minutes, never a silent edit).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from medvirk.accounts.models import User
from medvirk.consultations import selectors
from medvirk.consultations.choices import Stage
from medvirk.consultations.models import (
    OVERDUE_AFTER_DAYS,
    Consultation,
    ConsultationDocument,
    ConsultationResponse,
)
from medvirk.notifications.models import absolute_url
from medvirk.notifications.rendering import render_text
from medvirk.notifications.services import notify
from medvirk.organizations.models import Membership
from medvirk.organizations.roles import Role
from medvirk.questionnaires.models import Response

if TYPE_CHECKING:
    from medvirk.councils.models import Council, Meeting, UserOrganization

logger = logging.getLogger(__name__)

PUBLIC_MAIL_FOLDER = "notifications/email/consultation_decision_public"
DECISION_FIELDS = ("what_we_heard", "decision", "input_used", "not_followed", "decided_by")


class ConsultationError(Exception):
    """A change the consultation's stage does not allow; the message says why."""


class DecisionRefused(ConsultationError):
    """The decision cannot be published yet; ``errors`` maps each field to its problem."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def detail_path(consultation: Consultation) -> str:
    return reverse("consultations:detail", args=[consultation.organization.slug, consultation.pk])


def public_path(consultation: Consultation) -> str:
    return reverse(
        "public_consultations:detail", args=[consultation.organization.slug, consultation.pk]
    )


# --- The consultation ---------------------------------------------------------------------


@transaction.atomic
def consultation_save(
    *,
    consultation: Consultation,
    audience_councils: Iterable[Council],
    audience_user_organizations: Iterable[UserOrganization],
) -> Consultation:
    """Store a new or edited consultation with its audience.

    A published decision freezes the consultation: what people were told must
    keep describing what they answered.
    """
    if consultation.pk is not None and consultation.decision_published_at is not None:
        raise ConsultationError(_("The decision is published; the consultation cannot change."))
    consultation.save()
    consultation.audience_councils.set(list(audience_councils))
    consultation.audience_user_organizations.set(list(audience_user_organizations))
    return consultation


def has_audience(consultation: Consultation) -> bool:
    return (
        consultation.audience_public
        or consultation.audience_all_representatives
        or consultation.audience_councils.exists()
        or consultation.audience_user_organizations.exists()
    )


def _locked(consultation: Consultation) -> Consultation:
    return (
        Consultation.objects.select_for_update(of=("self",))
        .select_related("organization")
        .get(pk=consultation.pk)
    )


@transaction.atomic
def consultation_publish(*, consultation: Consultation, now: datetime | None = None) -> int:
    """Make the consultation visible to its audience and tell them; return how many were told.

    Publishing happens once: a published consultation raises ``ConsultationError``.
    """
    locked = _locked(consultation)
    if locked.published_at is not None:
        raise ConsultationError(_("The consultation is already published."))
    if not has_audience(locked):
        raise ConsultationError(_("Choose who is asked before you publish."))
    locked.published_at = now or timezone.now()
    locked.save(update_fields=["published_at", "updated_at"])
    consultation.published_at = locked.published_at
    recipients = list(selectors.audience_users(locked).order_by("pk"))
    for recipient in recipients:
        notify(
            recipient=recipient,
            message="consultation_opened",
            context={"consultation": locked, "organization": locked.organization},
            url=detail_path(locked),
            organization=locked.organization,
        )
    return len(recipients)


# --- Documents ------------------------------------------------------------------------------


@transaction.atomic
def document_add(
    *, consultation: Consultation, title: str, upload: UploadedFile, content_type: str
) -> ConsultationDocument:
    """Store an uploaded document (already checked by the form) in the private storage."""
    filename = (upload.name or "document").replace("/", "_").replace("\\", "_")[-255:]
    return ConsultationDocument.objects.create(
        consultation=consultation,
        title=title,
        file=upload,
        filename=filename,
        content_type=content_type,
        size=upload.size or 0,
    )


@transaction.atomic
def document_delete(*, document: ConsultationDocument) -> None:
    """Remove the document and, once that is committed, its file."""
    stored = document.file
    name, storage = stored.name, stored.storage
    document.delete()
    if name:
        transaction.on_commit(partial(storage.delete, name), robust=True)


# --- Responses ------------------------------------------------------------------------------


def _require_open(consultation: Consultation, today: date | None) -> None:
    if consultation.stage(today) != Stage.OPEN:
        raise ConsultationError(_("The consultation is not open for input."))


def _check_behalf(
    respondent: User, on_behalf_of: UserOrganization | None, today: date | None
) -> None:
    if on_behalf_of is None:
        return
    if (
        not selectors.represented_organizations(respondent, today)
        .filter(pk=on_behalf_of.pk)
        .exists()
    ):
        raise ConsultationError(
            _("You can only answer on behalf of an organisation you represent.")
        )


@transaction.atomic
def response_save(
    *,
    consultation: Consultation,
    respondent: User,
    text: str,
    on_behalf_of: UserOrganization | None = None,
    today: date | None = None,
) -> ConsultationResponse:
    """Store the person's free-text response, or change it: one per person, until close.

    Audience membership is checked by the caller (the page loads the
    consultation only for its audience); the dates and the organisation the
    person speaks for are checked here.
    """
    consultation = _locked(consultation)
    _require_open(consultation, today)
    _check_behalf(respondent, on_behalf_of, today)
    response, _created = ConsultationResponse.objects.update_or_create(
        consultation=consultation,
        respondent=respondent,
        defaults={"text": text.strip(), "on_behalf_of": on_behalf_of},
    )
    return response


@transaction.atomic
def form_response_link(
    *,
    consultation: Consultation,
    respondent: User,
    questionnaire_response: Response,
    on_behalf_of: UserOrganization | None = None,
    today: date | None = None,
) -> ConsultationResponse:
    """Point the person's response at their form answers (a draft, or submitted ones).

    Changing a submitted form makes a new questionnaire response; once it is
    linked, the one it replaces is deleted with its answer rows, so that
    aggregates count each person once.
    """
    consultation = _locked(consultation)
    _require_open(consultation, today)
    _check_behalf(respondent, on_behalf_of, today)
    if questionnaire_response.respondent_id != respondent.pk:
        raise ConsultationError("The answers belong to someone else.")
    existing = ConsultationResponse.objects.filter(
        consultation=consultation, respondent=respondent
    ).first()
    if existing is None:
        return ConsultationResponse.objects.create(
            consultation=consultation,
            respondent=respondent,
            questionnaire_response=questionnaire_response,
            on_behalf_of=on_behalf_of,
        )
    replaced_id = existing.questionnaire_response_id
    existing.questionnaire_response = questionnaire_response
    existing.on_behalf_of = on_behalf_of
    existing.save(update_fields=["questionnaire_response", "on_behalf_of", "updated_at"])
    if replaced_id is not None and replaced_id != questionnaire_response.pk:
        Response.objects.filter(pk=replaced_id).delete()
    return existing


@transaction.atomic
def public_response_submit(
    *,
    consultation: Consultation,
    text: str,
    contact_email: str = "",
    today: date | None = None,
) -> ConsultationResponse:
    """Store an anonymous visitor's free-text response to a public consultation.

    Nothing about the visitor is stored with it — only the text and, if they
    asked to hear about the decision, the address (erased once told).
    """
    consultation = _locked(consultation)
    if not consultation.audience_public:
        raise ConsultationError(_("This consultation does not take input from the public."))
    _require_open(consultation, today)
    return ConsultationResponse.objects.create(
        consultation=consultation, text=text.strip(), contact_email=contact_email.strip()
    )


# --- The decision record ----------------------------------------------------------------


def decision_problems(
    consultation: Consultation, values: dict[str, Any], today: date | None = None
) -> dict[str, str]:
    """Why the decision cannot be published with ``values``, by field (empty: it can)."""
    today = today or timezone.localdate()
    problems: dict[str, str] = {}
    if consultation.published_at is None:
        problems["__all__"] = _("Publish the consultation and let it close first.")
    elif today <= consultation.closes_on:
        problems["__all__"] = _(
            "The decision can be published after the consultation closes on %(date)s."
        ) % {"date": formats.date_format(consultation.closes_on, "SHORT_DATE_FORMAT")}
    if not str(values.get("decision") or "").strip():
        problems["decision"] = _("Write what was decided.")
    if not str(values.get("input_used") or "").strip():
        problems["input_used"] = _("Write how the input was used.")
    decided_on = values.get("decided_on") or None
    if decided_on is not None and decided_on > today:
        problems["decided_on"] = _("The decision date cannot be in the future.")
    return problems


@transaction.atomic
def decision_save(
    *,
    consultation: Consultation,
    values: dict[str, Any],
    meetings: Iterable[Meeting] | None = None,
    publish: bool = False,
    now: datetime | None = None,
) -> int:
    """Save the decision record as a draft or publish it; return how many people were told.

    Editing a published decision is refused (``ConsultationError``), so that
    nobody is told twice and the record stays what people were told.
    Publishing checks ``decision_problems`` and raises ``DecisionRefused``.
    """
    now = now or timezone.now()
    locked = _locked(consultation)
    if locked.decision_published_at is not None:
        raise ConsultationError(_("The decision is already published and cannot be changed."))
    for name in DECISION_FIELDS:
        setattr(locked, name, str(values.get(name) or "").strip())
    locked.decided_on = values.get("decided_on") or None
    if publish:
        problems = decision_problems(locked, values, timezone.localdate(now))
        if problems:
            raise DecisionRefused(problems)
        locked.decided_on = locked.decided_on or timezone.localdate(now)
        locked.decision_published_at = now
    locked.save()
    if meetings is not None:
        locked.meetings.set(list(meetings))
    told = _notify_decision(locked, now) if publish else 0
    for name in (*DECISION_FIELDS, "decided_on", "decision_published_at"):
        setattr(consultation, name, getattr(locked, name))
    return told


def _notify_decision(consultation: Consultation, now: datetime) -> int:
    """Tell every respondent and audience member once; mark the responses told."""
    pending = list(
        ConsultationResponse.objects.filter(consultation=consultation, notified_at__isnull=True)
        .filter(selectors.given_responses())
        .select_related("respondent")
    )
    people: dict[int, User] = {
        response.respondent.pk: response.respondent
        for response in pending
        if response.respondent is not None and response.respondent.is_active
    }
    already = set(
        ConsultationResponse.objects.filter(
            consultation=consultation, notified_at__isnull=False, respondent__isnull=False
        ).values_list("respondent_id", flat=True)
    )
    for person in selectors.audience_users(consultation):
        if person.pk not in already:
            people.setdefault(person.pk, person)
    context = {"consultation": consultation, "organization": consultation.organization}
    for person in sorted(people.values(), key=lambda user: user.pk):
        notify(
            recipient=person,
            message="consultation_decision",
            context=context,
            url=detail_path(consultation),
            organization=consultation.organization,
        )
    addresses = sorted(
        {r.contact_email.lower() for r in pending if r.respondent is None and r.contact_email}
    )
    for address in addresses:
        transaction.on_commit(partial(_mail_public_respondent, consultation, address), robust=True)
    # The addresses were given only to hear about the decision: they go now.
    ConsultationResponse.objects.filter(pk__in=[r.pk for r in pending]).update(
        notified_at=now, contact_email=""
    )
    return len(people) + len(addresses)


def _mail_public_respondent(consultation: Consultation, address: str) -> None:
    """A plain e-mail to someone without an account, in the installation's default language."""
    context = {
        "consultation": consultation,
        "organization": consultation.organization,
        "url": absolute_url(public_path(consultation)),
        "site_url": settings.SITE_URL,
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = " ".join(render_text(f"{PUBLIC_MAIL_FOLDER}/subject.txt", context).split())
        body = render_text(f"{PUBLIC_MAIL_FOLDER}/body.txt", context)
    send_mail(subject, body, None, [address])


# --- Overdue ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class OverdueFlag:
    consultation: Consultation
    recipients: list[User]


def overdue_consultations_flag(*, today: date | None = None) -> int:
    """Tell the coordinator and the organisation's leaders of each newly overdue consultation.

    Overdue: closed more than ``OVERDUE_AFTER_DAYS`` days without a published
    decision. Each consultation is flagged once (``overdue_flagged_at``), each in
    its own transaction. Return how many consultations were flagged.
    """
    today = today or timezone.localdate()
    candidates = list(
        Consultation.objects.filter(
            selectors.stage_rule(Stage.OVERDUE, today), overdue_flagged_at__isnull=True
        ).values_list("pk", flat=True)
    )
    flagged = 0
    for pk in candidates:
        try:
            if _flag_one(pk, today):
                flagged += 1
        except Exception:
            logger.exception("Could not flag overdue consultation %s", pk)
    return flagged


@transaction.atomic
def _flag_one(pk: int, today: date) -> bool:
    consultation = (
        Consultation.objects.select_for_update(of=("self",))
        .select_related("organization", "coordinator")
        .filter(selectors.stage_rule(Stage.OVERDUE, today), pk=pk, overdue_flagged_at__isnull=True)
        .first()
    )
    if consultation is None:
        return False
    leaders = User.objects.filter(
        Q(pk=consultation.coordinator_id)
        | Q(
            pk__in=Membership.objects.filter(
                organization_id=consultation.organization_id, role=Role.LEADER
            ).values("user_id")
        ),
        is_active=True,
    ).order_by("pk")
    days = (today - consultation.closes_on).days
    for person in leaders:
        notify(
            recipient=person,
            message="consultation_overdue",
            context={
                "consultation": consultation,
                "organization": consultation.organization,
                "days": days,
                "limit": OVERDUE_AFTER_DAYS,
            },
            url=reverse(
                "consultations:decision", args=[consultation.organization.slug, consultation.pk]
            ),
            organization=consultation.organization,
        )
    consultation.overdue_flagged_at = timezone.now()
    consultation.save(update_fields=["overdue_flagged_at"])
    return True
