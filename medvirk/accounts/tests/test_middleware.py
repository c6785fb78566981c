"""RequireMFAMiddleware: privileged roles set up TOTP before using anything else."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from medvirk.organizations.roles import MFA_REQUIRED_ROLES, Role

PRIVILEGED = sorted(MFA_REQUIRED_ROLES)
OTHERS = [Role.USER, Role.NEXT_OF_KIN, Role.REPRESENTATIVE, Role.EXPERIENCE_CONSULTANT]
MFA_REQUIRED_URL = reverse("accounts:mfa_required")


def _without_totp(user):
    Authenticator.objects.filter(user=user).delete()
    return user


@pytest.mark.parametrize("role", PRIVILEGED)
def test_privileged_role_without_totp_is_sent_to_set_up(world, client_for, role):
    client = client_for(_without_totp(world.a[role]))
    for url in (
        "/",
        reverse("accounts:profile"),
        reverse("organizations:overview", args=["org-a"]),
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == MFA_REQUIRED_URL


@pytest.mark.parametrize("role", PRIVILEGED)
def test_privileged_role_with_totp_passes(world, client_for, role):
    assert client_for(world.a[role]).get("/").status_code == 200


@pytest.mark.parametrize("role", OTHERS)
def test_other_roles_pass_without_totp(world, client_for, role):
    user = world.a[role]
    assert not Authenticator.objects.filter(user=user).exists()
    assert client_for(user).get("/").status_code == 200


@pytest.mark.parametrize(
    "url_name",
    ["accounts:mfa_required", "mfa_index", "account_email", "core:accessibility", "healthz"],
)
def test_set_up_and_public_pages_stay_reachable(world, client_for, url_name):
    client = client_for(_without_totp(world.a["staff"]))
    assert client.get(reverse(url_name)).status_code == 200


def test_activation_page_is_not_redirected_to_the_gate(world, client_for):
    client = client_for(_without_totp(world.a["staff"]))
    response = client.get(reverse("mfa_activate_totp"))
    # force_login leaves no login record, so allauth asks for the password first.
    assert response["Location"].startswith(reverse("account_reauthenticate"))


def test_gated_person_can_log_out(world, client_for):
    client = client_for(_without_totp(world.a["staff"]))
    assert client.post(reverse("account_logout")).status_code == 302
    assert client.get("/").status_code == 302
    assert client.get("/")["Location"].startswith(reverse("account_login"))


def test_htmx_request_gets_a_client_redirect(world, client_for):
    client = client_for(_without_totp(world.a["leader"]))
    response = client.get("/", HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"] == MFA_REQUIRED_URL


def test_mfa_required_page_explains_and_links_to_set_up(world, client_for):
    client = client_for(_without_totp(world.a["coordinator"]))
    client.cookies["medvirk_language"] = "en"
    html = client.get(MFA_REQUIRED_URL).content.decode()
    assert "<title>Set up two-step login – Medvirk</title>" in html
    assert "access to other people's information" in html
    assert reverse("mfa_activate_totp") in html


def test_mfa_required_page_asks_to_verify_email_first(world, client_for):
    user = _without_totp(world.a["staff"])
    user.emailaddress_set.update(verified=False)
    client = client_for(user)
    client.cookies["medvirk_language"] = "en"
    html = client.get(MFA_REQUIRED_URL).content.decode()
    assert "First you must verify your e-mail address" in html
    assert reverse("mfa_activate_totp") not in html


def test_mfa_required_page_lets_a_person_with_totp_continue(world, client_for):
    client = client_for(world.a["staff"])
    client.cookies["medvirk_language"] = "en"
    html = client.get(MFA_REQUIRED_URL).content.decode()
    assert "You have nothing to set up" in html


def test_demo_account_is_exempt_in_demo_mode(world, client_for, settings):
    user = _without_totp(world.a["admin"])
    user.is_demo = True
    user.save(update_fields=["is_demo"])
    settings.DEMO_MODE = True
    assert client_for(user).get("/").status_code == 200


def test_demo_account_is_gated_outside_demo_mode(world, client_for, settings):
    user = _without_totp(world.a["admin"])
    user.is_demo = True
    user.save(update_fields=["is_demo"])
    settings.DEMO_MODE = False
    response = client_for(user).get("/")
    assert response["Location"] == MFA_REQUIRED_URL


def test_anonymous_visitors_are_not_sent_to_mfa_set_up(client, db):
    response = client.get("/")
    assert response["Location"].startswith(reverse("account_login"))
