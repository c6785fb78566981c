"""Logging in with e-mail and password: demo accounts, errors, rate limit, language."""

from __future__ import annotations

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import override_settings
from django.urls import reverse

from medvirk.accounts.tests.factories import PASSWORD, UserFactory
from medvirk.accounts.tests.helpers import OIDC, post_login
from medvirk.demo.data import DEMO_PASSWORD
from medvirk.demo.services import demo_load
from medvirk.organizations.roles import Role

LOGIN_URL = reverse("account_login")


def _logged_in(client) -> bool:
    return SESSION_KEY in client.session


def test_login_page_has_labelled_email_and_password_fields(client, db):
    client.cookies["medvirk_language"] = "en"
    html = client.get(LOGIN_URL).content.decode()
    assert "<title>Log in – Medvirk</title>" in html
    assert 'for="id_login"' in html
    assert 'id="id_login"' in html
    assert 'for="id_password"' in html
    assert 'id="id_password"' in html
    assert 'class="ds-input' in html
    assert reverse("account_reset_password") in html


def test_a_demo_account_logs_in_with_the_published_password(client, db, settings):
    settings.DEMO_MODE = True
    logins = demo_load()
    login = next(entry for entry in logins if entry.role == Role.USER)
    assert login.email.endswith("@medvirk.test")
    assert login.password == DEMO_PASSWORD
    response = post_login(client, login.email, login.password)
    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")
    assert _logged_in(client)


def test_wrong_password_is_refused_with_the_message_in_english(client, db):
    user = UserFactory.create(email="kari@example.test")
    client.cookies["medvirk_language"] = "en"
    response = post_login(client, user.email, "feil-passord")
    html = response.content.decode()
    assert response.status_code == 200
    assert "The email address and/or password you specified are not correct." in html
    assert 'value="kari@example.test"' in html
    assert not _logged_in(client)


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("nb", "E-postadressen og/eller passordet du oppgav er feil."),
        ("sv", "Epost-adressen och/eller lösenordet är felaktigt."),
    ],
)
def test_wrong_password_message_follows_the_active_language(client, db, language, message):
    user = UserFactory.create()
    client.cookies["medvirk_language"] = language
    html = post_login(client, user.email, "feil-passord").content.decode()
    assert f'<html lang="{language}"' in html
    assert message in html


def test_repeated_failures_block_even_the_right_password(client, db):
    """ACCOUNT_RATE_LIMITS allows five failed attempts per address in five minutes."""
    user = UserFactory.create()
    client.cookies["medvirk_language"] = "en"
    for _attempt in range(5):
        response = post_login(client, user.email, "feil-passord")
        assert "Too many failed login attempts" not in response.content.decode()
    response = post_login(client, user.email, PASSWORD)
    assert response.status_code == 200
    assert "Too many failed login attempts" in response.content.decode()
    assert not _logged_in(client)


def test_login_switches_to_the_persons_preferred_language(client, db):
    user = UserFactory.create(preferred_language="sv")
    client.cookies["medvirk_language"] = "nb"
    response = post_login(client, user.email)
    assert response.status_code == 302
    assert response.cookies["medvirk_language"].value == "sv"
    html = client.get(reverse("core:home")).content.decode()
    assert '<html lang="sv"' in html


def test_demo_notice_is_shown_only_in_demo_mode(client, db, settings):
    settings.DEMO_MODE = False
    assert 'id="demo-notice"' not in client.get(LOGIN_URL).content.decode()
    settings.DEMO_MODE = True
    client.cookies["medvirk_language"] = "en"
    html = client.get(LOGIN_URL).content.decode()
    assert 'id="demo-notice"' in html
    assert "python manage.py demo_logins" in html
    assert "skip two-step login" in html


def test_login_page_links_to_signup_only_while_registration_is_open(client, db, settings):
    settings.ACCOUNT_ALLOW_REGISTRATION = True
    assert reverse("account_signup") in client.get(LOGIN_URL).content.decode()
    settings.ACCOUNT_ALLOW_REGISTRATION = False
    assert reverse("account_signup") not in client.get(LOGIN_URL).content.decode()


@override_settings(SOCIALACCOUNT_PROVIDERS=OIDC)
def test_login_page_has_a_button_for_each_configured_provider(client, db):
    client.cookies["medvirk_language"] = "en"
    html = client.get(LOGIN_URL).content.decode()
    url = reverse("openid_connect_login", kwargs={"provider_id": "idporten"})
    assert f'action="{url}' in html
    assert "Log in with ID-porten" in html
    assert 'name="csrfmiddlewaretoken"' in html.split(url, 1)[1]


def test_login_page_has_no_provider_section_without_providers(client, db):
    client.cookies["medvirk_language"] = "en"
    assert "Or log in with" not in client.get(LOGIN_URL).content.decode()


def test_logout_ends_the_session(client, db):
    user = UserFactory.create()
    post_login(client, user.email)
    assert _logged_in(client)
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert not _logged_in(client)
