"""Admins add people to the organisation and remove their roles."""

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from medvirk.accesslog.models import AccessLogEntry
from medvirk.accounts.models import User
from medvirk.organizations.models import Membership
from medvirk.organizations.roles import Role


def _add_url():
    return reverse("organizations:member_add", args=["org-a"])


def test_admin_adds_a_new_person_who_gets_an_account_without_password(
    world, client_for, mailoutbox
):
    response = client_for(world.a["admin"]).post(
        _add_url(),
        {
            "email": "Ny.Person@Example.test",
            "full_name": "Ny Person",
            "role": Role.STAFF,
            "unit": world.a.unit.pk,
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="ny.person@example.test")
    assert not user.has_usable_password()
    assert EmailAddress.objects.get(user=user).verified
    membership = Membership.objects.get(user=user, organization=world.a.org)
    assert (membership.role, membership.unit) == (Role.STAFF, world.a.unit)
    entry = AccessLogEntry.objects.get(object_type="organizations.membership")
    assert (entry.subject, entry.action) == (user, "create")


def test_adding_an_existing_person_reuses_their_account(world, client_for):
    person = world.b["user"]
    client_for(world.a["admin"]).post(
        _add_url(), {"email": person.email, "role": Role.REPRESENTATIVE}
    )
    assert Membership.objects.filter(user=person, organization=world.a.org).exists()
    assert User.objects.filter(email=person.email).count() == 1


def test_duplicate_role_is_refused_and_input_kept(world, client_for):
    person = world.a["user"]
    client = client_for(world.a["admin"])
    client.cookies["medvirk_language"] = "en"
    response = client.post(
        _add_url(), {"email": person.email, "role": Role.USER, "unit": world.a.unit.pk}
    )
    assert response.status_code == 200
    assert "already has that role" in response.content.decode()
    assert person.email in response.content.decode()
    assert Membership.objects.filter(user=person).count() == 1


def test_bad_email_shows_error_and_stores_nothing(world, client_for):
    before = (User.objects.count(), Membership.objects.count())
    response = client_for(world.a["admin"]).post(
        _add_url(), {"email": "ikke-en-adresse", "full_name": "Beholdt Navn", "role": Role.USER}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="#id_email"' in html
    assert "Beholdt Navn" in html
    assert before == (User.objects.count(), Membership.objects.count())


def test_unit_of_another_organisation_is_not_a_valid_choice(world, client_for):
    response = client_for(world.a["admin"]).post(
        _add_url(), {"email": "x@example.test", "role": Role.USER, "unit": world.b.unit.pk}
    )
    assert response.status_code == 200
    assert not User.objects.filter(email="x@example.test").exists()


@pytest.mark.parametrize("role", ["user", "staff", "leader", "coordinator"])
def test_only_admins_manage_members(world, client_for, role):
    client = client_for(world.a[role])
    assert client.get(_add_url()).status_code == 404
    membership = world.a["user"].memberships.get()
    url = reverse("organizations:member_remove", args=["org-a", membership.pk])
    assert client.post(url).status_code == 404
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_admin_removes_a_role_and_it_is_logged(world, client_for):
    membership = world.a["user"].memberships.get()
    url = reverse("organizations:member_remove", args=["org-a", membership.pk])
    client = client_for(world.a["admin"])
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert AccessLogEntry.objects.filter(action="delete", subject=world.a["user"]).exists()


def test_the_last_admin_cannot_be_removed(world, client_for):
    admin = world.a["admin"]
    membership = admin.memberships.get(organization=world.a.org, role=Role.ADMIN)
    url = reverse("organizations:member_remove", args=["org-a", membership.pk])
    client = client_for(admin)
    client.cookies["medvirk_language"] = "en"
    response = client.post(url, follow=True)
    assert Membership.objects.filter(pk=membership.pk).exists()
    assert "at least one administrator" in response.content.decode()


def test_member_list_query_count_is_bounded(world, client_for, django_assert_max_num_queries):
    from medvirk.organizations.tests.factories import MembershipFactory

    client = client_for(world.a["admin"])
    url = reverse("organizations:member_list", args=["org-a"])
    client.get(url)
    MembershipFactory.create_batch(40, organization=world.a.org)
    with django_assert_max_num_queries(12):
        response = client.get(url)
    assert response.status_code == 200


def test_a_new_person_sets_a_password_through_the_reset_link_and_logs_in(
    world, client_for, mailoutbox, client
):
    import re

    client_for(world.a["admin"]).post(
        _add_url(), {"email": "ny@example.test", "full_name": "Ny", "role": Role.USER}
    )
    client.logout()
    mailoutbox.clear()
    client.post(reverse("account_reset_password"), {"email": "ny@example.test"})
    assert len(mailoutbox) == 1
    link = re.search(r"https?://[^\s]+/password/reset/key/[^\s]+/", mailoutbox[0].body)
    assert link, mailoutbox[0].body
    path = "/" + link.group(0).split("/", 3)[3]
    form_page = client.get(path, follow=True)
    set_url = form_page.redirect_chain[-1][0] if form_page.redirect_chain else path
    response = client.post(
        set_url, {"password1": "Et-langt-passord-42", "password2": "Et-langt-passord-42"}
    )
    assert response.status_code == 302
    login = client.post(
        reverse("account_login"), {"login": "ny@example.test", "password": "Et-langt-passord-42"}
    )
    assert login.status_code == 302
    assert client.get("/").context["user"].email == "ny@example.test"
