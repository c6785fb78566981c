"""Signing up with a password: the e-mail address must be verified before login."""

from __future__ import annotations

import re

from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from medvirk.accounts.models import User
from medvirk.accounts.tests.helpers import post_login

SIGNUP_URL = reverse("account_signup")
PASSWORD = "Et-langt-passord-2026"


def _signup(client, email="ny@example.test", password2=PASSWORD):
    return client.post(SIGNUP_URL, {"email": email, "password1": PASSWORD, "password2": password2})


def test_signup_sends_a_verification_email_and_does_not_log_in(client, db, mailoutbox):
    response = _signup(client)
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert SESSION_KEY not in client.session
    assert User.objects.filter(email="ny@example.test").exists()
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["ny@example.test"]


def test_unverified_address_cannot_log_in(client, db, mailoutbox):
    _signup(client)
    client.cookies.clear()
    client.session.flush()
    response = post_login(client, "ny@example.test", PASSWORD)
    assert response["Location"] == reverse("account_email_verification_sent")
    assert SESSION_KEY not in client.session


def test_verified_address_can_log_in(client, db, mailoutbox):
    _signup(client)
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mailoutbox[0].body)
    assert link is not None
    path = link.group(0).split("testserver", 1)[1]
    client.cookies["medvirk_language"] = "en"
    html = client.get(path).content.decode()
    assert "<title>Confirm e-mail address – Medvirk</title>" in html
    client.post(path)
    response = post_login(client, "ny@example.test", PASSWORD)
    assert response["Location"] == reverse("core:home")
    assert SESSION_KEY in client.session


def test_mismatched_passwords_show_an_error_keep_the_email_and_store_nothing(client, db):
    client.cookies["medvirk_language"] = "en"
    response = _signup(client, email="beholdt@example.test", password2="noe-annet-helt")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="#id_password2"' in html
    assert 'value="beholdt@example.test"' in html
    assert not User.objects.filter(email="beholdt@example.test").exists()


def test_signup_is_closed_when_registration_is_off(client, db, settings):
    settings.ACCOUNT_ALLOW_REGISTRATION = False
    client.cookies["medvirk_language"] = "en"
    html = client.get(SIGNUP_URL).content.decode()
    assert "<title>Registration is closed – Medvirk</title>" in html
    _signup(client)
    assert not User.objects.filter(email="ny@example.test").exists()
