"""National identity numbers from OpenID Connect providers are never stored."""

from __future__ import annotations

from allauth.socialaccount.models import SocialAccount

from medvirk.accounts.tests.factories import UserFactory


def test_idporten_pid_is_removed_before_the_account_is_saved(db):
    account = SocialAccount.objects.create(
        user=UserFactory.create(),
        provider="idporten",
        uid="pairwise-sub",
        extra_data={
            "userinfo": {"sub": "pairwise-sub", "pid": "23079421936", "locale": "nb"},
            "id_token": {"sub": "pairwise-sub", "pid": "23079421936", "acr": "idporten-loa-high"},
        },
    )
    account.refresh_from_db()
    assert account.extra_data == {
        "userinfo": {"sub": "pairwise-sub", "locale": "nb"},
        "id_token": {"sub": "pairwise-sub", "acr": "idporten-loa-high"},
    }


def test_pid_is_removed_on_later_updates_too(db):
    account = SocialAccount.objects.create(
        user=UserFactory.create(), provider="idporten", uid="s", extra_data={}
    )
    account.extra_data = {"userinfo": {"sub": "s", "pid": "23079421936"}}
    account.save(update_fields=["extra_data"])
    account.refresh_from_db()
    assert "23079421936" not in str(account.extra_data)
