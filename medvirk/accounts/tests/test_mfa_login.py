"""Two-step login: the code challenge at login, and setting up an authenticator app."""

from __future__ import annotations

import re

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from medvirk.accounts.tests.factories import UserFactory
from medvirk.accounts.tests.helpers import activate_totp, post_login, totp_code
from medvirk.organizations.roles import Role
from medvirk.organizations.tests.factories import MembershipFactory

AUTHENTICATE_URL = reverse("mfa_authenticate")


def _logged_in(client) -> bool:
    return SESSION_KEY in client.session


def test_person_with_totp_is_asked_for_a_code_after_the_password(client, db):
    user = MembershipFactory.create(role=Role.STAFF).user
    activate_totp(user)
    response = post_login(client, user.email)
    assert response.status_code == 302
    assert response["Location"] == AUTHENTICATE_URL
    assert not _logged_in(client)
    client.cookies["medvirk_language"] = "en"
    html = client.get(AUTHENTICATE_URL).content.decode()
    assert "<title>Enter your login code – Medvirk</title>" in html
    assert 'for="id_code"' in html


def test_wrong_code_is_refused(client, db):
    user = MembershipFactory.create(role=Role.STAFF).user
    secret = activate_totp(user)
    post_login(client, user.email)
    wrong = "000000" if totp_code(secret) != "000000" else "111111"
    client.cookies["medvirk_language"] = "en"
    response = client.post(AUTHENTICATE_URL, {"code": wrong})
    assert response.status_code == 200
    assert "Incorrect code." in response.content.decode()
    assert not _logged_in(client)


def test_right_code_completes_the_login(client, db):
    user = MembershipFactory.create(role=Role.STAFF).user
    secret = activate_totp(user)
    post_login(client, user.email)
    response = client.post(AUTHENTICATE_URL, {"code": totp_code(secret)})
    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")
    assert _logged_in(client)
    assert client.get("/").status_code == 200


def test_demo_account_with_totp_skips_the_challenge_in_demo_mode(client, db, settings):
    settings.DEMO_MODE = True
    user = MembershipFactory.create(role=Role.STAFF, user__is_demo=True).user
    activate_totp(user)
    response = post_login(client, user.email)
    assert response["Location"] == reverse("core:home")
    assert _logged_in(client)


def test_demo_account_with_totp_is_challenged_outside_demo_mode(client, db, settings):
    settings.DEMO_MODE = False
    user = MembershipFactory.create(role=Role.STAFF, user__is_demo=True).user
    activate_totp(user)
    response = post_login(client, user.email)
    assert response["Location"] == AUTHENTICATE_URL
    assert not _logged_in(client)


def test_privileged_person_sets_up_totp_right_after_login_and_sees_recovery_codes(client, db):
    """The whole first login: gate, set-up (no second password prompt), codes, continue."""
    # Logging in switches to the person's preferred language, so that is English here.
    user = MembershipFactory.create(role=Role.LEADER, user__preferred_language="en").user
    client.cookies["medvirk_language"] = "en"
    response = post_login(client, user.email)
    assert _logged_in(client)
    assert client.get(response["Location"])["Location"] == reverse("accounts:mfa_required")

    html = client.get(reverse("mfa_activate_totp")).content.decode()
    assert "<title>Set up an authenticator app – Medvirk</title>" in html
    assert 'src="data:image/svg+xml;base64,' in html
    secret = client.session[SECRET_SESSION_KEY]
    assert f'value="{secret}"' in html

    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_view_recovery_codes")
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()

    html = client.get(reverse("mfa_view_recovery_codes")).content.decode()
    assert "<title>Your recovery codes – Medvirk</title>" in html
    assert len(re.findall(r"<li><code>\w+</code></li>", html)) == 10
    assert f'href="{reverse("core:home")}"' in html
    assert client.get("/").status_code == 200


def test_wrong_code_during_set_up_keeps_the_person_on_the_page(client, db):
    user = MembershipFactory.create(role=Role.ADMIN).user
    post_login(client, user.email)
    client.get(reverse("mfa_activate_totp"))
    client.cookies["medvirk_language"] = "en"
    response = client.post(reverse("mfa_activate_totp"), {"code": "abc"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Incorrect code." in html
    assert 'href="#id_code"' in html
    assert not Authenticator.objects.filter(user=user).exists()


def test_person_who_must_use_mfa_cannot_turn_it_off(client, db):
    user = MembershipFactory.create(role=Role.COORDINATOR).user
    secret = activate_totp(user)
    post_login(client, user.email)
    client.post(AUTHENTICATE_URL, {"code": totp_code(secret)})
    client.cookies["medvirk_language"] = "en"
    response = client.post(reverse("mfa_deactivate_totp"))
    assert response.status_code == 200
    assert "You cannot deactivate two-factor authentication." in response.content.decode()
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def test_person_without_the_requirement_may_turn_it_off(client, db):
    user = UserFactory.create()
    secret = activate_totp(user)
    post_login(client, user.email)
    client.post(AUTHENTICATE_URL, {"code": totp_code(secret)})
    response = client.post(reverse("mfa_deactivate_totp"))
    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
