"""Keep national identity numbers out of the database.

allauth stores what an OpenID Connect provider says about a person in
``SocialAccount.extra_data`` (the userinfo answer and the ID token's claims).
ID-porten always includes the national identity number (``pid``), which
Medvirk has no use for: login matches on ``sub``. The number is removed just
before every save, whichever allauth code path saves the account, so that it
never reaches the database.
"""

from __future__ import annotations

from typing import Any

from allauth.socialaccount.models import SocialAccount
from django.db.models.signals import pre_save
from django.dispatch import receiver

# ID-porten: pid; BankID (Norway): nnin.
NATIONAL_ID_CLAIMS = frozenset({"pid", "nnin"})


def strip_national_ids(data: Any) -> Any:
    """Return ``data`` without national-identity claims, at any depth."""
    if isinstance(data, dict):
        return {
            key: strip_national_ids(value)
            for key, value in data.items()
            if key not in NATIONAL_ID_CLAIMS
        }
    if isinstance(data, list):
        return [strip_national_ids(item) for item in data]
    return data


@receiver(pre_save, sender=SocialAccount, dispatch_uid="accounts_strip_national_ids")
def _strip_national_ids(
    sender: type[SocialAccount], instance: SocialAccount, **kwargs: Any
) -> None:
    instance.extra_data = strip_national_ids(instance.extra_data)
