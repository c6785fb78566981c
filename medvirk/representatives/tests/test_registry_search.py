"""The coordinators' registry: search and filters, a profile's page (logged), withdrawal."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from medvirk.accesslog.models import AccessAction, AccessLogEntry
from medvirk.accounts.tests.factories import UserFactory
from medvirk.councils.models import UserOrganization
from medvirk.organizations.models import Membership
from medvirk.organizations.roles import Role
from medvirk.organizations.tests.factories import MembershipFactory
from medvirk.representatives.models import (
    Availability,
    ExperienceArea,
    Profile,
    ProfileKind,
    TrainingRecord,
)
from medvirk.representatives.registry_selectors import registry_search, searchable_profiles
from medvirk.representatives.tests import factories


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


def url(name: str, org_slug: str = "org-a", **kwargs: object) -> str:
    return reverse(f"representatives:{name}", kwargs={"org_slug": org_slug, **kwargs})


def english(client_for, user):
    client = client_for(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def person(world, name: str):
    user = UserFactory.create(full_name=name)
    MembershipFactory(organization=world.org, user=user, role=Role.REPRESENTATIVE)
    return user


def names_on(page: str) -> list[str]:
    return re.findall(r'href="/o/org-a/representatives/registry/\d+/">([^<]+)</a>', page)


@pytest.fixture
def people(world):
    """Three profiles in A with different areas, languages, regions and availability."""
    mental = factories.area("Psykisk helse")
    rus = factories.area("Rus")
    ffo = UserOrganization.objects.create(name="FFO")
    factories.profile(
        world.a,
        person(world.a, "Aisha Ali"),
        areas=[mental],
        languages=["nb", "so"],
        region="Bodø",
        nominated_by=ffo,
    )
    factories.profile(
        world.a,
        person(world.a, "Per Olsen"),
        areas=[rus],
        languages=["nb", "se"],
        region="Tromsø",
        availability=Availability.UNAVAILABLE,
        kind=ProfileKind.EXPERIENCE_CONSULTANT,
    )
    factories.profile(
        world.a,
        person(world.a, "Sámi Sara"),
        areas=[mental, rus],
        languages=["sma"],
        region="Bodø kommune",
    )
    factories.profile(world.b, person(world.b, "Elsewhere Person"), areas=[mental])
    return {"mental": mental, "rus": rus, "ffo": ffo}


# --- Search -----------------------------------------------------------------------------------


def test_the_registry_lists_only_the_organisations_profiles(world, client_for, people):
    page = english(client_for, world.a["coordinator"]).get(url("registry")).content.decode()
    assert names_on(page) == ["Aisha Ali", "Per Olsen", "Sámi Sara"]
    assert "Elsewhere Person" not in page
    assert "3 people" in page


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"area": "mental"}, ["Aisha Ali", "Sámi Sara"]),
        ({"nominated_by": "ffo"}, ["Aisha Ali"]),
        ({"language": "se"}, ["Per Olsen"]),  # not "sma"
        ({"language": "nb"}, ["Aisha Ali", "Per Olsen"]),
        ({"region": "bodø"}, ["Aisha Ali", "Sámi Sara"]),
        ({"availability": Availability.UNAVAILABLE}, ["Per Olsen"]),
        ({"kind": ProfileKind.EXPERIENCE_CONSULTANT}, ["Per Olsen"]),
        ({"text": "sara"}, ["Sámi Sara"]),
        ({"area": "rus", "region": "Bodø"}, ["Sámi Sara"]),
        ({"text": "nobody"}, []),
    ],
)
def test_filters(world, client_for, people, query, expected):
    params = {key: people[value].pk if value in people else value for key, value in query.items()}
    response = english(client_for, world.a["coordinator"]).get(url("registry"), params)
    page = response.content.decode()
    assert names_on(page) == expected
    if not expected:
        assert "Nobody in the registry matches the search." in page


def test_a_wrong_filter_is_shown_and_the_others_still_apply(world, client_for, people):
    response = english(client_for, world.a["coordinator"]).get(
        url("registry"), {"language": "xx", "region": "Tromsø"}
    )
    page = response.content.decode()
    assert "Select a valid choice." in page
    assert names_on(page) == ["Per Olsen"]
    assert 'value="Tromsø"' in page


def test_empty_registry(world, client_for):
    page = english(client_for, world.a["coordinator"]).get(url("registry")).content.decode()
    assert "Nobody is in the registry yet." in page


def test_pagination_keeps_the_filters(world, client_for):
    area = factories.area("Rus")
    for number in range(27):
        factories.profile(world.a, person(world.a, f"Person {number:02}"), areas=[area])
    client = client_for(world.a["coordinator"])
    page = client.get(url("registry"), {"area": area.pk}).content.decode()
    links = re.findall(r'href="\?([^"]*)"', page)
    assert links == [f"area={area.pk}&amp;page=2"]
    second = client.get(url("registry"), {"area": area.pk, "page": 2}).content.decode()
    assert len(names_on(second)) == 2


@pytest.mark.parametrize("count", [3, 30])
def test_query_count_does_not_grow_with_the_profiles(
    world, client_for, django_assert_num_queries, count
):
    areas = [factories.area("Psykisk helse"), factories.area("Rus")]
    ffo = UserOrganization.objects.create(name="FFO")
    for number in range(count):
        factories.profile(
            world.a, person(world.a, f"Person {number:02}"), areas=areas, nominated_by=ffo
        )
    client = client_for(world.a["coordinator"])
    # Session and user (2), MFA check (1), organisation context (2), the filter form's areas and
    # user organisations (2), the paginator's count (1), the page of profiles with person and
    # nominating organisation (1), their areas (1), and the layout's bell and menu (2).
    with django_assert_num_queries(12):
        assert client.get(url("registry")).status_code == 200
    # Filtering by an area looks the area up (1).
    with django_assert_num_queries(13):
        response = client.get(url("registry"), {"area": areas[0].pk, "text": "Person"})
        assert response.status_code == 200


def test_searchable_profiles_are_the_consented_rows(world):
    profile = factories.profile(world.a)
    assert list(searchable_profiles(world.a.org)) == [profile]
    assert list(registry_search(world.a.org)) == [profile]
    assert not searchable_profiles(world.b.org).exists()


# --- A profile --------------------------------------------------------------------------------


def test_someone_who_lost_the_representative_role_is_not_searchable(world):
    kept = factories.profile(world.a)
    Membership.objects.filter(
        organization=world.a.org, user=kept.user, role=Role.REPRESENTATIVE
    ).delete()
    assert kept not in searchable_profiles(world.a.org)
    assert kept not in registry_search(world.a.org)


def test_opening_a_profile_is_logged(world, client_for, people):
    coordinator = world.a["coordinator"]
    profile = Profile.objects.get(user__full_name="Aisha Ali")
    TrainingRecord.objects.create(
        organization=world.a.org,
        user=profile.user,
        title="Introduksjonskurs",
        completed_on=datetime.date(2024, 3, 1),
    )
    factories.assignment(world.a, user=profile.user, title="Brukerrådet")
    page = (
        english(client_for, coordinator)
        .get(url("profile_detail", profile_id=profile.pk))
        .content.decode()
    )
    for text in ("Aisha Ali", "Psykisk helse", "Somali", "Bodø", "FFO", "Introduksjonskurs"):
        assert text in page
    assert "Brukerrådet" in page
    entry = AccessLogEntry.objects.get(object_type="representatives.profile")
    assert (entry.actor, entry.action, entry.subject, entry.object_id, entry.organization) == (
        coordinator,
        AccessAction.VIEW,
        profile.user,
        str(profile.pk),
        world.a.org,
    )


def test_the_profile_page_has_a_pinned_query_count(world, client_for, django_assert_num_queries):
    profile = factories.profile(world.a, areas=[factories.area("Rus")])
    client = client_for(world.a["coordinator"])
    # Session and user (2), MFA (1), organisation context (2), the profile with person and
    # nominating organisation (1), its areas (1), the access-log entry (1), completed modules
    # (1), training (1), assignments (1), and the layout's bell and menu (2).
    client.get(url("profile_detail", profile_id=profile.pk))
    with django_assert_num_queries(13):
        client.get(url("profile_detail", profile_id=profile.pk))


def test_withdrawal_removes_the_person_from_search_and_detail_at_once(
    world, client_for, django_user_model
):
    representative = world.a["representative"]
    factories.profile(world.a, areas=[factories.area("Rus")])
    profile = Profile.objects.get(user=representative)
    coordinator = english(client_for, world.a["coordinator"])
    assert representative.full_name in coordinator.get(url("registry")).content.decode()

    rep_client = client_for(representative)
    assert rep_client.post(url("my_profile_withdraw")).status_code == 302

    coordinator = english(client_for, world.a["coordinator"])
    page = coordinator.get(url("registry")).content.decode()
    assert representative.full_name not in page
    assert "Nobody is in the registry yet." in page
    assert coordinator.get(url("profile_detail", profile_id=profile.pk)).status_code == 404
    assert coordinator.get(url("profile_training_add", profile_id=profile.pk)).status_code == 404
    assert not searchable_profiles(world.a.org).exists()


def test_a_coordinator_adds_training_and_it_is_logged(world, client_for):
    profile = factories.profile(world.a)
    coordinator = world.a["coordinator"]
    response = client_for(coordinator).post(
        url("profile_training_add", profile_id=profile.pk),
        {"title": "Introduksjonskurs", "provider": "LMS", "completed_on": "2025-01-15"},
    )
    assert response.status_code == 302
    assert response["Location"] == url("profile_detail", profile_id=profile.pk)
    record = TrainingRecord.objects.get()
    assert (record.user, record.organization) == (world.a["representative"], world.a.org)
    assert AccessLogEntry.objects.filter(
        actor=coordinator,
        action=AccessAction.CREATE,
        subject=world.a["representative"],
        object_id=str(record.pk),
    ).exists()
    # The person sees it on their own page and may remove it.
    page = client_for(world.a["representative"]).get(url("my_profile")).content.decode()
    assert "Introduksjonskurs" in page


def test_a_coordinators_training_form_keeps_what_was_typed(world, client_for):
    profile = factories.profile(world.a)
    response = english(client_for, world.a["coordinator"]).post(
        url("profile_training_add", profile_id=profile.pk),
        {"title": "Introduksjonskurs", "provider": "LMS", "completed_on": "not a date"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Enter a valid date." in page
    assert 'value="Introduksjonskurs"' in page
    assert not TrainingRecord.objects.exists()


# --- Areas ------------------------------------------------------------------------------------


def test_a_coordinator_adds_an_area(world, client_for):
    client = english(client_for, world.a["coordinator"])
    before = ExperienceArea.objects.count()  # the installation's first list (a migration)
    response = client.post(url("areas"), {"name": " Hørselshemming ", "position": "10"})
    assert response.status_code == 302
    assert ExperienceArea.objects.filter(name="Hørselshemming", position=10).exists()
    again = client.post(url("areas"), {"name": "hørselshemming", "position": "20"})
    assert again.status_code == 200
    assert "That area is already on the list." in again.content.decode()
    assert ExperienceArea.objects.count() == before + 1
    assert "Hørselshemming" in client.get(url("areas")).content.decode()


# --- Who may search ---------------------------------------------------------------------------

COORDINATOR_PAGES = ["registry", "areas"]


@pytest.mark.parametrize(
    "role", ["user", "next_of_kin", "staff", "leader", "representative", "experience_consultant"]
)
def test_only_coordinators_and_admins_search(world, client_for, role):
    profile = factories.profile(world.a)
    client = client_for(world.a[role])
    for name in COORDINATOR_PAGES:
        assert client.get(url(name)).status_code == 404
    assert client.get(url("profile_detail", profile_id=profile.pk)).status_code == 404
    assert not AccessLogEntry.objects.filter(object_type="representatives.profile").exists()


def test_admins_search_too(world, client_for):
    factories.profile(world.a)
    assert client_for(world.a["admin"]).get(url("registry")).status_code == 200


def test_a_coordinator_of_another_organisation_gets_404(world, client_for):
    profile = factories.profile(world.a)
    client = client_for(world.b["coordinator"])
    assert client.get(url("profile_detail", profile_id=profile.pk)).status_code == 404
    assert (
        client.get(url("profile_detail", org_slug="org-b", profile_id=profile.pk)).status_code
        == 404
    )
    response = client.post(
        url("profile_training_add", org_slug="org-b", profile_id=profile.pk),
        {"title": "X", "completed_on": "2024-01-01"},
    )
    assert response.status_code == 404
    assert not TrainingRecord.objects.exists()
    assert not AccessLogEntry.objects.filter(object_type="representatives.profile").exists()
