"""Production settings for login: Argon2, e-mail verification, OpenID Connect providers."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

import config.settings as production

_OIDC_VARS = (
    "OIDC_PROVIDERS",
    "OIDC_IDPORTEN_NAME",
    "OIDC_IDPORTEN_SERVER_URL",
    "OIDC_IDPORTEN_CLIENT_ID",
    "OIDC_IDPORTEN_CLIENT_SECRET",
    "OIDC_IDPORTEN_CLIENT_SECRET_FILE",
    "OIDC_IDPORTEN_SCOPES",
    "OIDC_IDPORTEN_TOKEN_AUTH_METHOD",
    "OIDC_ENTRA_NAME",
    "OIDC_ENTRA_SERVER_URL",
    "OIDC_ENTRA_CLIENT_ID",
    "OIDC_ENTRA_CLIENT_SECRET",
    "OIDC_ENTRA_CLIENT_SECRET_FILE",
    "OIDC_ENTRA_SCOPES",
)


@pytest.fixture
def oidc_env(monkeypatch):
    for name in _OIDC_VARS:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_production_hashes_passwords_with_argon2_first():
    assert production.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_production_requires_email_verification_and_login_by_email():
    assert production.ACCOUNT_EMAIL_VERIFICATION == "mandatory"
    assert {"email"} == production.ACCOUNT_LOGIN_METHODS


def test_production_limits_failed_logins():
    assert production.ACCOUNT_RATE_LIMITS["login_failed"] == "5/5m/ip,5/5m/key"


def test_no_providers_without_configuration(oidc_env):
    assert production._oidc_apps() == []


def test_idporten_and_entra_from_the_environment(oidc_env, tmp_path):
    secret_file = tmp_path / "entra-secret"
    secret_file.write_text("entra-hemmelighet\n")
    oidc_env.setenv("OIDC_PROVIDERS", "idporten,entra")
    oidc_env.setenv("OIDC_IDPORTEN_NAME", "ID-porten")
    oidc_env.setenv("OIDC_IDPORTEN_SERVER_URL", "https://idporten.no")
    oidc_env.setenv("OIDC_IDPORTEN_CLIENT_ID", "medvirk-idporten")
    oidc_env.setenv("OIDC_IDPORTEN_CLIENT_SECRET", "idporten-hemmelighet")
    oidc_env.setenv("OIDC_IDPORTEN_SCOPES", "openid,profile")
    oidc_env.setenv("OIDC_ENTRA_NAME", "Microsoft Entra ID")
    oidc_env.setenv("OIDC_ENTRA_SERVER_URL", "https://login.microsoftonline.com/tenant-id/v2.0")
    oidc_env.setenv("OIDC_ENTRA_CLIENT_ID", "medvirk-entra")
    oidc_env.setenv("OIDC_ENTRA_CLIENT_SECRET_FILE", str(secret_file))

    idporten, entra = production._oidc_apps()

    assert idporten == {
        "provider_id": "idporten",
        "name": "ID-porten",
        "client_id": "medvirk-idporten",
        "secret": "idporten-hemmelighet",
        "settings": {
            "server_url": "https://idporten.no",
            "token_auth_method": "client_secret_post",
            "oauth_pkce_enabled": True,
            "scope": ["openid", "profile"],
        },
    }
    assert entra["provider_id"] == "entra"
    assert entra["name"] == "Microsoft Entra ID"
    assert entra["secret"] == "entra-hemmelighet"
    assert entra["settings"] == {
        "server_url": "https://login.microsoftonline.com/tenant-id/v2.0",
        "token_auth_method": "client_secret_post",
        "oauth_pkce_enabled": True,
        "scope": ["openid", "profile", "email"],
    }


def test_provider_without_client_id_fails_loudly(oidc_env):
    oidc_env.setenv("OIDC_PROVIDERS", "idporten")
    oidc_env.setenv("OIDC_IDPORTEN_SERVER_URL", "https://idporten.no")
    with pytest.raises(ImproperlyConfigured, match="OIDC_IDPORTEN_CLIENT_ID"):
        production._oidc_apps()


def test_configured_app_is_what_allauth_reads(oidc_env, settings, rf, db):
    """The dict shape is the one allauth's openid_connect provider understands."""
    from allauth.socialaccount.adapter import get_adapter

    oidc_env.setenv("OIDC_PROVIDERS", "idporten")
    oidc_env.setenv("OIDC_IDPORTEN_NAME", "ID-porten")
    oidc_env.setenv("OIDC_IDPORTEN_SERVER_URL", "https://test.idporten.no")
    oidc_env.setenv("OIDC_IDPORTEN_CLIENT_ID", "medvirk-test")
    settings.SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"APPS": production._oidc_apps()}}
    providers = get_adapter().list_providers(rf.get("/"))
    (provider,) = [p for p in providers if p.sub_id == "idporten"]
    assert provider.name == "ID-porten"
    assert provider.server_url == "https://test.idporten.no/.well-known/openid-configuration"
