"""Writes of next-of-kin access: invite, change, withdraw, accept, and the invitation e-mail.

The person decides everything: they invite a next of kin by e-mail with the
scopes the next of kin may see, change the scopes and withdraw the access at
any time. Each step is a ``GrantEvent`` with the scopes after it, for the
"who can see my data" page. Access is checked on every request
(``access.person_access``), so a change or a withdrawal counts from the next
request on.

The invitation goes to an address that may have no account yet, so it cannot
go through ``notify`` (which needs a recipient): like the decision e-mails to
public respondents, it is a plain e-mail, sent by the task worker after the
grant is committed. Everything else (accepted, changed, withdrawn) is told
to an account, through ``notify``.
"""

from __future__ import annotations

import datetime
from enum import StrEnum
from functools import partial
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from medvirk.accesslog.models import AccessAction
from medvirk.accesslog.services import log_access
from medvirk.accounts.models import User
from medvirk.care.kin_selectors import (
    GrantStatus,
    grant_status,
    has_verified_address,
    open_grants_q,
    own_addresses,
    scope_labels,
)
from medvirk.care.models import GrantAction, GrantEvent, NextOfKinGrant, Scope
from medvirk.notifications.models import absolute_url
from medvirk.notifications.rendering import render_text
from medvirk.notifications.services import notify
from medvirk.organizations.models import Membership
from medvirk.organizations.roles import Role

if TYPE_CHECKING:
    from medvirk.organizations.models import Organization

INVITATION_VALID_FOR = datetime.timedelta(days=14)
# A person can send this many invitations in a day: enough for a family, too few to use
# Medvirk for sending e-mail to strangers.
INVITATIONS_PER_DAY = 10
INVITATION_MAIL_FOLDER = "notifications/email/care_kin_invitation"

SCOPE_FIELDS: dict[str, str] = {
    Scope.PLAN: "see_plan",
    Scope.FEEDBACK: "see_feedback",
    Scope.QUESTIONNAIRE: "answer_questionnaire",
}


def _clean_scopes(scopes: list[str] | set[str] | tuple[str, ...]) -> list[str]:
    """The scopes in the order of ``Scope``; unknown values refused, at least one needed."""
    given = set(scopes)
    if given - set(Scope.values):
        raise ValidationError({"scopes": _("Choose from the list.")})
    if not given:
        raise ValidationError({"scopes": _("Choose at least one thing your next of kin may see.")})
    return [scope for scope in Scope.values if scope in given]


def _set_scopes(grant: NextOfKinGrant, scopes: list[str]) -> list[str]:
    """Set the grant's scope fields; return the names of the fields."""
    for scope, field in SCOPE_FIELDS.items():
        setattr(grant, field, scope in scopes)
    return list(SCOPE_FIELDS.values())


def _locked(grant: NextOfKinGrant) -> NextOfKinGrant:
    return NextOfKinGrant.objects.select_for_update().get(pk=grant.pk)


def _refresh(grant: NextOfKinGrant, locked: NextOfKinGrant, fields: list[str]) -> None:
    for name in fields:
        setattr(grant, name, getattr(locked, name))


# --- The person's side ------------------------------------------------------------------------


@transaction.atomic
def grant_invite(
    *,
    person: User,
    organization: Organization,
    email: str,
    relation: str,
    scopes: list[str],
    now: datetime.datetime | None = None,
) -> NextOfKinGrant:
    """Invite a next of kin by e-mail with ``scopes``; the e-mail leaves after the commit.

    Refused: the person's own address, an address with an invitation or access
    that still counts, no scope, and more than ``INVITATIONS_PER_DAY`` a day.
    """
    now = now or timezone.now()
    email = email.strip()
    chosen = _clean_scopes(scopes)
    if email.lower() in own_addresses(person):
        raise ValidationError({"email": _("This is your own address. Invite someone else.")})
    # Locking the person serialises their invitations: a form sent twice makes one grant.
    User.objects.select_for_update().filter(pk=person.pk).first()
    if (
        NextOfKinGrant.objects.filter(organization=organization, person=person, email__iexact=email)
        .filter(open_grants_q(now))
        .exists()
    ):
        raise ValidationError(
            {
                "email": _(
                    "You have already invited this address, or it already has access. "
                    "Change or withdraw that access on “Who can see my data” instead."
                )
            }
        )
    sent_today = NextOfKinGrant.objects.filter(
        person=person, created_at__gt=now - datetime.timedelta(days=1)
    ).count()
    if sent_today >= INVITATIONS_PER_DAY:
        raise ValidationError(_("You have sent many invitations today. Try again tomorrow."))
    grant = NextOfKinGrant(
        organization=organization,
        person=person,
        email=email,
        relation=relation.strip(),
        invited_until=now + INVITATION_VALID_FOR,
    )
    _set_scopes(grant, chosen)
    grant.save()
    GrantEvent.objects.create(grant=grant, action=GrantAction.INVITED, scopes=chosen, actor=person)
    # Imported here: the task module calls back into this one.
    from medvirk.care.kin_tasks import send_kin_invitation

    # Only a committed grant can be found by the worker; a failure to queue is logged,
    # not raised, since the grant is made (the person can withdraw and invite again).
    transaction.on_commit(partial(send_kin_invitation.enqueue, grant.pk), robust=True)
    return grant


@transaction.atomic
def grant_change(*, grant: NextOfKinGrant, actor: User, scopes: list[str]) -> bool:
    """Change what the next of kin may see; return whether anything changed.

    Only an invitation that still counts or an active access can change. The
    next of kin, if they have accepted, is told what they may now see.
    """
    chosen = _clean_scopes(scopes)
    locked = _locked(grant)
    if grant_status(locked) not in (GrantStatus.PENDING, GrantStatus.ACTIVE):
        raise ValidationError(
            _("This access was withdrawn or the invitation has expired: it cannot be changed.")
        )
    if locked.scopes() == chosen:
        return False
    fields = _set_scopes(locked, chosen)
    locked.save(update_fields=[*fields, "updated_at"])
    _refresh(grant, locked, fields)
    GrantEvent.objects.create(grant=locked, action=GrantAction.CHANGED, scopes=chosen, actor=actor)
    if locked.next_of_kin is not None:
        notify(
            recipient=locked.next_of_kin,
            message="care_kin_changed",
            context={
                "person": locked.person,
                "organization": locked.organization,
                "scopes": scope_labels(chosen),
            },
            url=reverse("care:kin_person", args=[locked.organization.slug, locked.person_id]),
            organization=locked.organization,
        )
    return True


@transaction.atomic
def grant_withdraw(
    *, grant: NextOfKinGrant, actor: User, now: datetime.datetime | None = None
) -> bool:
    """Withdraw the access (or the invitation) at once; return whether it was open.

    From the next request on the next of kin gets 404 on the person's pages and
    the invitation link no longer works. A next of kin who had accepted is told
    that the access has ended — not why.
    """
    locked = _locked(grant)
    if locked.withdrawn_at is not None:
        return False
    locked.withdrawn_at = now or timezone.now()
    locked.save(update_fields=["withdrawn_at", "updated_at"])
    _refresh(grant, locked, ["withdrawn_at"])
    GrantEvent.objects.create(
        grant=locked, action=GrantAction.WITHDRAWN, scopes=locked.scopes(), actor=actor
    )
    if locked.next_of_kin is not None:
        notify(
            recipient=locked.next_of_kin,
            message="care_kin_withdrawn",
            context={"person": locked.person, "organization": locked.organization},
            url=reverse("care:shared_with_me", args=[locked.organization.slug]),
            organization=locked.organization,
        )
    return True


# --- The next of kin's side -------------------------------------------------------------------


class Refusal(StrEnum):
    """Why an invitation cannot be accepted by this account now."""

    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"
    USED = "used"  # accepted by another account
    ALREADY_ACCEPTED = "already_accepted"  # by this account: nothing to do
    OWN = "own"  # the person cannot be their own next of kin
    WRONG_ADDRESS = "wrong_address"
    ALREADY_SHARING = "already_sharing"  # this account holds access from the person already


class InvitationRefused(Exception):
    def __init__(self, reason: Refusal) -> None:
        super().__init__(reason)
        self.reason = reason


def invitation_refusal(
    grant: NextOfKinGrant, user: User, now: datetime.datetime | None = None
) -> Refusal | None:
    """Why ``user`` cannot accept ``grant`` now, or ``None`` if they can."""
    status = grant_status(grant, now)
    if status == GrantStatus.WITHDRAWN:
        return Refusal.WITHDRAWN
    if status == GrantStatus.EXPIRED:
        return Refusal.EXPIRED
    if status == GrantStatus.ACTIVE:
        return Refusal.ALREADY_ACCEPTED if grant.next_of_kin_id == user.pk else Refusal.USED
    if grant.person_id == user.pk:
        return Refusal.OWN
    if not has_verified_address(user, grant.email):
        return Refusal.WRONG_ADDRESS
    if NextOfKinGrant.objects.filter(
        organization_id=grant.organization_id,
        person_id=grant.person_id,
        next_of_kin=user,
        accepted_at__isnull=False,
        withdrawn_at__isnull=True,
    ).exists():
        return Refusal.ALREADY_SHARING
    return None


@transaction.atomic
def grant_accept(
    *, grant: NextOfKinGrant, user: User, now: datetime.datetime | None = None
) -> NextOfKinGrant:
    """Accept the invitation as ``user``: they become the grant's next of kin at once.

    They get the next-of-kin role in the grant's organisation if they do not
    have it, and the person is told. Raise ``InvitationRefused`` otherwise,
    changing nothing.
    """
    now = now or timezone.now()
    locked = _locked(grant)
    reason = invitation_refusal(locked, user, now)
    if reason is not None:
        raise InvitationRefused(reason)
    locked.next_of_kin = user
    locked.accepted_at = now
    locked.save(update_fields=["next_of_kin", "accepted_at", "updated_at"])
    _refresh(grant, locked, ["next_of_kin", "accepted_at"])
    GrantEvent.objects.create(
        grant=locked, action=GrantAction.ACCEPTED, scopes=locked.scopes(), actor=user
    )
    _give_next_of_kin_role(locked.organization, user)
    notify(
        recipient=locked.person,
        message="care_kin_accepted",
        context={
            "next_of_kin": user,
            "relation": locked.relation,
            "organization": locked.organization,
            "scopes": scope_labels(locked.scopes()),
        },
        url=reverse("care:who_can_see", args=[locked.organization.slug]),
        organization=locked.organization,
    )
    return locked


def _give_next_of_kin_role(organization: Organization, user: User) -> None:
    if Membership.objects.filter(
        organization=organization, user=user, role=Role.NEXT_OF_KIN
    ).exists():
        return
    try:
        with transaction.atomic():
            membership = Membership.objects.create(
                organization=organization, user=user, role=Role.NEXT_OF_KIN
            )
    except IntegrityError:  # given at the same moment by another acceptance
        return
    log_access(
        actor=user,
        action=AccessAction.CREATE,
        organization=organization,
        obj=membership,
        subject=user,
    )


# --- The invitation e-mail --------------------------------------------------------------------


def invitation_path(grant: NextOfKinGrant) -> str:
    return reverse("care_invite:accept", args=[grant.token])


def invitation_email_send(*, grant_id: int) -> bool:
    """E-mail the invitation if it is still open; return whether it was sent.

    In the language of the invited address's account if there is one, else
    in the inviting person's (next of kin usually share a language).
    """
    grant = (
        NextOfKinGrant.objects.select_related("person", "organization").filter(pk=grant_id).first()
    )
    if grant is None or grant_status(grant) != GrantStatus.PENDING:
        return False
    account = User.objects.filter(email__iexact=grant.email).first()
    language = (account or grant.person).preferred_language or settings.LANGUAGE_CODE
    context: dict[str, Any] = {
        "grant": grant,
        "person": grant.person,
        "organization": grant.organization,
        "scopes": scope_labels(grant.scopes()),
        "url": absolute_url(invitation_path(grant)),
        "site_url": settings.SITE_URL,
    }
    with translation.override(language):
        subject = " ".join(render_text(f"{INVITATION_MAIL_FOLDER}/subject.txt", context).split())
        body = render_text(f"{INVITATION_MAIL_FOLDER}/body.txt", context)
    email = EmailMultiAlternatives(
        subject=subject,
        body=body,
        to=[grant.email],
        # Tell mail servers not to send out-of-office replies (RFC 3834).
        headers={"Auto-Submitted": "auto-generated"},
    )
    email.send()
    return True
