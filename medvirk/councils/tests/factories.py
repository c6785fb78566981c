"""Shared test helpers for councils: plain functions that create rows directly.

They write with the ORM rather than through the services so that tests can
build any state, including states the services refuse (to prove the refusal).
Meetings tests use them too, so keep the signatures stable.
"""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from medvirk.accounts.models import User
from medvirk.councils.choices import CouncilKind, MemberRole, Visibility
from medvirk.councils.models import Council, CouncilMember, Seat, UserOrganization
from medvirk.organizations.models import Organization

_counter = itertools.count(1)


def council(organization: Organization, **kw: Any) -> Council:
    """A council owned by ``organization`` (a user council visible to its owner only)."""
    values: dict[str, Any] = {
        "name": f"Brukerråd {next(_counter)}",
        "kind": CouncilKind.USER_COUNCIL,
        "mandate": "Rådet gir innspill til tjenestene.",
        "visibility": Visibility.OWNER,
    }
    values.update(kw)
    return Council.objects.create(organization=organization, **values)


def seat(council: Council, **kw: Any) -> Seat:
    """A required seat on ``council``."""
    values: dict[str, Any] = {"title": f"Plass {next(_counter)}", "required": True}
    values.update(kw)
    return Seat.objects.create(council=council, **values)


def member(council: Council, user: User, **kw: Any) -> CouncilMember:
    """``user`` as a current member of ``council`` (term started a year ago, open-ended)."""
    values: dict[str, Any] = {
        "role": MemberRole.MEMBER,
        "term_start": timezone.localdate() - timedelta(days=365),
        "term_end": None,
    }
    values.update(kw)
    return CouncilMember.objects.create(council=council, user=user, **values)


def user_organization(**kw: Any) -> UserOrganization:
    """A user organisation with a unique name."""
    values: dict[str, Any] = {"name": f"Brukerorganisasjon {next(_counter)}"}
    values.update(kw)
    return UserOrganization.objects.create(**values)


def days(n: int) -> date:
    """Today plus ``n`` days (negative for the past), in the installation's time zone."""
    return timezone.localdate() + timedelta(days=n)
