"""Reads about people's accounts."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.db.models import QuerySet

from medvirk.accounts.models import User
from medvirk.organizations.models import Membership


def profile_memberships(user: User) -> QuerySet[Membership]:
    """The person's roles, by organisation, for their profile page (one query)."""
    return (
        Membership.objects.filter(user=user)
        .select_related("organization", "unit")
        .order_by("organization__name", "role", "unit__name")
    )


def has_unverified_email(user: User) -> bool:
    """allauth will not add an authenticator while any of the person's addresses is unverified."""
    return EmailAddress.objects.filter(user=user, verified=False).exists()
