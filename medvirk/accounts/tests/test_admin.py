"""The technical admin lists and creates people by e-mail; it has no username."""

from __future__ import annotations

from django.urls import reverse

from medvirk.accounts.models import User
from medvirk.accounts.tests.factories import UserFactory
from medvirk.accounts.tests.helpers import activate_totp


def _operator(client_for):
    operator = UserFactory.create(is_staff=True, is_superuser=True)
    activate_totp(operator)  # superusers are behind the MFA gate too
    return client_for(operator)


def test_changelist_searches_by_email_and_name(db, client_for):
    UserFactory.create(email="finn.meg@example.test", full_name="Finn Meg")
    UserFactory.create(email="ikke.meg@example.test", full_name="Ikke Meg")
    client = _operator(client_for)
    response = client.get(reverse("admin:accounts_user_changelist"), {"q": "finn"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "finn.meg@example.test" in html
    assert "ikke.meg@example.test" not in html


def test_add_form_asks_for_email_not_username(db, client_for):
    html = _operator(client_for).get(reverse("admin:accounts_user_add")).content.decode()
    assert 'name="email"' in html
    assert 'name="username"' not in html


def test_adding_a_person_stores_the_email_in_lower_case(db, client_for):
    client = _operator(client_for)
    response = client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "Ny.Person@Example.TEST",
            "full_name": "Ny Person",
            "usable_password": "false",
            "password1": "",
            "password2": "",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="ny.person@example.test")
    assert not user.has_usable_password()


def test_change_page_shows_roles_read_only(world, client_for):
    client = _operator(client_for)
    url = reverse("admin:accounts_user_change", args=[world.a["staff"].pk])
    html = client.get(url).content.decode()
    assert world.a.org.name in html
    assert "memberships-0-role" not in html  # no editable role field


def test_operator_without_totp_is_sent_to_mfa_set_up(db, client_for):
    operator = UserFactory.create(is_staff=True, is_superuser=True)
    response = client_for(operator).get(reverse("admin:index"))
    assert response["Location"] == reverse("accounts:mfa_required")
