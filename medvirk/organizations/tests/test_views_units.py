"""Unit pages: list, detail, create and edit."""

import pytest
from django.urls import reverse

from medvirk.accesslog.models import AccessLogEntry
from medvirk.organizations.models import Unit
from medvirk.organizations.tests.factories import UnitFactory


def test_unit_list_shows_the_organisations_units_only(world, client_for):
    response = client_for(world.a["user"]).get(reverse("organizations:unit_list", args=["org-a"]))
    assert response.status_code == 200
    assert world.a.unit.name in response.content.decode()
    assert world.b.unit.name not in response.content.decode()


def test_unit_list_query_count_does_not_grow_with_units(
    world, client_for, django_assert_max_num_queries
):
    client = client_for(world.a["coordinator"])
    url = reverse("organizations:unit_list", args=["org-a"])
    client.get(url)  # warm the session
    UnitFactory.create_batch(30, organization=world.a.org)
    with django_assert_max_num_queries(12):
        response = client.get(url)
    assert "?page=2" in response.content.decode()


def test_unit_list_empty_state(client_for, db):
    from medvirk.organizations.roles import Role
    from medvirk.organizations.tests.factories import MembershipFactory, OrganizationFactory

    org = OrganizationFactory(slug="tom")
    member = MembershipFactory(organization=org, role=Role.USER).user
    client = client_for(member)
    client.cookies["medvirk_language"] = "en"
    response = client.get(reverse("organizations:unit_list", args=["tom"]))
    assert "no units yet" in response.content.decode()


def test_coordinator_creates_unit_and_it_is_logged(world, client_for):
    client = client_for(world.a["coordinator"])
    response = client.post(
        reverse("organizations:unit_create", args=["org-a"]),
        {"name": "Hjemmetjenesten Nord", "description": "Hjemmesykepleie"},
    )
    unit = Unit.objects.get(organization=world.a.org, name="Hjemmetjenesten Nord")
    assert response.status_code == 302
    assert response["Location"] == reverse("organizations:unit_detail", args=["org-a", unit.pk])
    entry = AccessLogEntry.objects.get(object_type="organizations.unit", object_id=str(unit.pk))
    assert entry.actor == world.a["coordinator"]
    assert entry.action == "create"


def test_create_with_empty_name_shows_error_keeps_input_and_stores_nothing(world, client_for):
    client = client_for(world.a["coordinator"])
    before = Unit.objects.count()
    response = client.post(
        reverse("organizations:unit_create", args=["org-a"]),
        {"name": "  ", "description": "Tekst som ikke skal forsvinne"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "ds-error-summary" in html
    assert 'href="#id_name"' in html
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="id_name_helptext id_name_error"' in html
    assert "Tekst som ikke skal forsvinne" in html
    assert Unit.objects.count() == before


def test_duplicate_name_in_same_organisation_is_refused(world, client_for):
    client = client_for(world.a["coordinator"])
    response = client.post(
        reverse("organizations:unit_create", args=["org-a"]),
        {"name": world.a.unit.name.upper(), "description": ""},
    )
    assert response.status_code == 200
    assert Unit.objects.filter(organization=world.a.org).count() == 1


def test_same_name_in_another_organisation_is_allowed(world, client_for):
    client = client_for(world.a["coordinator"])
    client.post(reverse("organizations:unit_create", args=["org-a"]), {"name": world.b.unit.name})
    assert Unit.objects.filter(organization=world.a.org, name=world.b.unit.name).exists()


def test_errors_are_in_the_users_language(world, client_for):
    client = client_for(world.a["coordinator"])
    client.cookies["medvirk_language"] = "en"
    response = client.post(reverse("organizations:unit_create", args=["org-a"]), {"name": ""})
    assert "This field is required." in response.content.decode()
    client.cookies["medvirk_language"] = "nb"
    response = client.post(reverse("organizations:unit_create", args=["org-a"]), {"name": ""})
    assert "Feltet er påkrevet." in response.content.decode()


@pytest.mark.parametrize("role", ["user", "next_of_kin", "staff", "leader", "representative"])
def test_roles_without_manage_units_get_404(world, client_for, role):
    client = client_for(world.a[role])
    assert client.get(reverse("organizations:unit_create", args=["org-a"])).status_code == 404
    edit = reverse("organizations:unit_edit", args=["org-a", world.a.unit.pk])
    assert client.post(edit, {"name": "Nytt navn"}).status_code == 404
    world.a.unit.refresh_from_db()
    assert world.a.unit.name != "Nytt navn"


def test_edit_saves_and_logs(world, client_for):
    client = client_for(world.a["admin"])
    url = reverse("organizations:unit_edit", args=["org-a", world.a.unit.pk])
    response = client.post(url, {"name": "Nytt navn", "description": "Ny", "is_active": ""})
    assert response.status_code == 302
    world.a.unit.refresh_from_db()
    assert (world.a.unit.name, world.a.unit.is_active) == ("Nytt navn", False)
    assert AccessLogEntry.objects.filter(action="change", object_id=str(world.a.unit.pk)).exists()


def test_member_list_is_for_leaders_coordinators_and_admins(world, client_for):
    url = reverse("organizations:member_list", args=["org-a"])
    assert client_for(world.a["staff"]).get(url).status_code == 404
    response = client_for(world.a["leader"]).get(url)
    assert response.status_code == 200
    assert world.a["user"].email in response.content.decode()
    assert world.b["user"].email not in response.content.decode()


def test_anonymous_is_sent_to_login(client, world):
    response = client.get(reverse("organizations:unit_list", args=["org-a"]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_unit_list_counts_members_per_unit(world, client_for):
    from medvirk.organizations.tests.factories import MembershipFactory

    empty = UnitFactory(organization=world.a.org, name="Aaa tom enhet")
    MembershipFactory.create_batch(3, organization=world.a.org, unit=world.a.unit)
    response = client_for(world.a["user"]).get(reverse("organizations:unit_list", args=["org-a"]))
    counts = {unit.name: unit.member_count for unit in response.context["units"]}
    # The shared fixture gives the unit one person per role (8), plus the 3 added here.
    assert counts == {empty.name: 0, world.a.unit.name: 11}
