"""A person's own registry profile: consent, editing, training, withdrawal, who may open it."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone, translation

from medvirk.accesslog.models import AccessLogEntry
from medvirk.councils.models import UserOrganization
from medvirk.learning.models import ModuleProgress
from medvirk.learning.tests.factories import org_module
from medvirk.representatives import registry as services
from medvirk.representatives.models import (
    Assignment,
    Availability,
    Claim,
    ConsentAction,
    ConsentEvent,
    Profile,
    ProfileKind,
    TrainingRecord,
)
from medvirk.representatives.registry_selectors import searchable_profiles
from medvirk.representatives.tests import factories


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Messages made outside a request are checked in English."""
    with translation.override("en"):
        yield


def url(name: str, org_slug: str = "org-a", **kwargs: object) -> str:
    return reverse(f"representatives:{name}", kwargs={"org_slug": org_slug, **kwargs})


def english(client_for, user):
    client = client_for(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


# --- Consent ----------------------------------------------------------------------------------


def test_without_a_profile_the_page_explains_and_asks_for_consent(world, client_for):
    page = english(client_for, world.a["representative"]).get(url("my_profile")).content.decode()
    assert "What the registry is" in page
    assert "Only the coordinators of Organisasjon A" in page
    assert "assignments and honorarium claims" in page
    assert 'name="consent"' in page
    assert not Profile.objects.exists()


def test_consent_needs_the_box_ticked(world, client_for):
    client = english(client_for, world.a["representative"])
    response = client.post(url("my_profile_consent"), {})
    assert response.status_code == 200
    assert "Tick the box to give your consent." in response.content.decode()
    assert not Profile.objects.exists()
    assert not ConsentEvent.objects.exists()


def test_giving_consent_creates_the_profile_and_the_event(world, client_for):
    person = world.a["representative"]
    response = client_for(person).post(url("my_profile_consent"), {"consent": "on"})
    assert response.status_code == 302
    assert response["Location"] == url("my_profile_edit")
    profile = Profile.objects.get(organization=world.a.org, user=person)
    assert profile.kind == ProfileKind.REPRESENTATIVE
    assert profile.consented_at is not None
    assert list(ConsentEvent.objects.filter(user=person).values_list("organization", "action")) == [
        (world.a.org.pk, ConsentAction.GIVEN)
    ]


def test_an_experience_consultant_gets_a_consultants_profile(world, client_for):
    person = world.a["experience_consultant"]
    client_for(person).post(url("my_profile_consent"), {"consent": "on"})
    assert Profile.objects.get(user=person).kind == ProfileKind.EXPERIENCE_CONSULTANT
    page = english(client_for, person).get(url("my_profile_edit")).content.decode()
    assert 'name="role_description"' in page
    page = english(client_for, person).get(url("my_profile")).content.decode()
    assert "Competence and training record" in page


def test_consent_twice_keeps_one_profile(world, client_for):
    client = client_for(world.a["representative"])
    client.post(url("my_profile_consent"), {"consent": "on"})
    response = client.post(url("my_profile_consent"), {"consent": "on"})
    assert response.status_code == 302
    assert Profile.objects.count() == 1
    assert ConsentEvent.objects.count() == 1


def test_the_service_refuses_a_second_profile(world):
    factories.profile(world.a)
    with pytest.raises(services.ValidationError):
        services.profile_consent(
            organization=world.a.org,
            user=world.a["representative"],
            kind=ProfileKind.REPRESENTATIVE,
        )


def test_consent_in_one_organisation_is_not_a_profile_in_another(world):
    factories.profile(world.a)
    assert list(searchable_profiles(world.a.org)) == [Profile.objects.get()]
    assert not searchable_profiles(world.b.org).exists()


# --- Editing ----------------------------------------------------------------------------------


def _edit_data(**overrides: object) -> dict[str, object]:
    return {
        "areas": [],
        "nominated_by": "",
        "languages": ["nb", "se"],
        "region": " Bodø ",
        "availability": Availability.LIMITED,
        "availability_note": "Ikke formiddager",
        "about": "Jeg har vært pårørende i mange år.",
        **overrides,
    }


def test_editing_saves_every_field(world, client_for):
    profile = factories.profile(world.a)
    mental = factories.area("Psykisk helse")
    rus = factories.area("Rus")
    ffo = UserOrganization.objects.create(name="Funksjonshemmedes Fellesorganisasjon")
    response = client_for(world.a["representative"]).post(
        url("my_profile_edit"),
        _edit_data(areas=[mental.pk, rus.pk], nominated_by=ffo.pk, languages=["se", "nb"]),
    )
    assert response.status_code == 302
    profile.refresh_from_db()
    assert set(profile.areas.all()) == {mental, rus}
    assert profile.nominated_by == ffo
    assert profile.languages == ["nb", "se"]  # in the list's order
    assert profile.region == "Bodø"
    assert profile.availability == Availability.LIMITED
    assert profile.availability_note == "Ikke formiddager"


def test_a_representative_has_no_role_description(world, client_for):
    profile = factories.profile(world.a, role_description="Kept")
    client = english(client_for, world.a["representative"])
    assert 'name="role_description"' not in client.get(url("my_profile_edit")).content.decode()
    client.post(url("my_profile_edit"), _edit_data(role_description="Sneaked in"))
    profile.refresh_from_db()
    assert profile.role_description == "Kept"


def test_an_unknown_language_is_refused_and_what_was_typed_is_kept(world, client_for):
    profile = factories.profile(world.a, region="Tromsø")
    area = factories.area("Demens")
    response = english(client_for, world.a["representative"]).post(
        url("my_profile_edit"),
        _edit_data(areas=[area.pk], languages=["nb", "xx"], region="Bodø"),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Please correct the following" in page
    assert "xx is not one of the available choices" in page
    assert 'value="Bodø"' in page
    assert 'value="Ikke formiddager"' in page
    assert re.search(rf'name="areas" value="{area.pk}"[^>]*checked', page)
    assert re.search(r'name="languages" value="nb"[^>]*checked', page)
    assert not re.search(r'name="languages" value="se"[^>]*checked', page)
    profile.refresh_from_db()
    assert profile.region == "Tromsø"
    assert not profile.areas.exists()


def test_the_service_refuses_unknown_languages(world):
    profile = factories.profile(world.a)
    with pytest.raises(services.ValidationError) as caught:
        services.profile_update(
            profile=profile,
            areas=[],
            nominated_by=None,
            languages=["nb", "klingon"],
            region="",
            availability=Availability.AVAILABLE,
        )
    assert "klingon" in str(caught.value)


def test_availability_is_required(world, client_for):
    factories.profile(world.a)
    response = english(client_for, world.a["representative"]).post(
        url("my_profile_edit"), _edit_data(availability="")
    )
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()


def test_without_a_profile_edit_leads_to_the_consent_page(world, client_for):
    client = client_for(world.a["representative"])
    for name in ("my_profile_edit", "my_profile_withdraw", "my_training_add"):
        response = client.post(url(name), _edit_data())
        assert response.status_code == 302
        assert response["Location"] == url("my_profile")
    assert not Profile.objects.exists()


# --- The profile page ---------------------------------------------------------------------------


def test_profile_shows_modules_training_and_assignments(world, client_for):
    person = world.a["representative"]
    factories.profile(world.a, languages=["se"])
    module = org_module(world.a.org, title="Slik tar vi imot nye representanter")
    ModuleProgress.objects.create(
        organization=world.a.org,
        user=person,
        module_key=module.key,
        started_at=timezone.now(),
        completed_at=timezone.make_aware(datetime.datetime(2025, 3, 4, 12)),
    )
    # Progress elsewhere is not this organisation's record.
    ModuleProgress.objects.create(
        organization=world.b.org,
        user=person,
        module_key="elsewhere",
        started_at=timezone.now(),
        completed_at=timezone.now(),
    )
    TrainingRecord.objects.create(
        organization=world.a.org,
        user=person,
        title="Brukermedvirkning 1",
        provider="FFO",
        completed_on=datetime.date(2024, 1, 2),
    )
    today = timezone.localdate()
    factories.assignment(world.a, title="Brukerrådet", ends_on=None)
    factories.assignment(
        world.a,
        title="Gammelt prosjekt",
        starts_on=today - datetime.timedelta(days=400),
        ends_on=today - datetime.timedelta(days=1),
    )
    factories.assignment(world.b, user=person, title="I en annen organisasjon")

    page = english(client_for, person).get(url("my_profile")).content.decode()
    assert "Slik tar vi imot nye representanter" in page
    assert "elsewhere" not in page
    assert "Brukermedvirkning 1" in page
    assert "Northern Sami" in page
    current, past = page.split("Current and coming")[1].split(">Past<")
    assert "Brukerrådet" in current
    assert "Gammelt prosjekt" not in current
    assert "Gammelt prosjekt" in past
    assert "I en annen organisasjon" not in page
    assert "Consent given" in page


# --- Training ---------------------------------------------------------------------------------


def test_adding_and_removing_own_training(world, client_for):
    person = world.a["representative"]
    factories.profile(world.a)
    client = client_for(person)
    response = client.post(
        url("my_training_add"),
        {"title": "Introduksjonskurs", "provider": "Kommunen", "completed_on": "2025-02-03"},
    )
    assert response.status_code == 302
    record = TrainingRecord.objects.get()
    assert (record.organization, record.user, record.completed_on) == (
        world.a.org,
        person,
        datetime.date(2025, 2, 3),
    )
    # Own additions are not logged: nobody read someone else's data.
    assert not AccessLogEntry.objects.filter(object_type="representatives.trainingrecord").exists()
    assert client.get(url("my_training_delete", record_id=record.pk)).status_code == 200
    client.post(url("my_training_delete", record_id=record.pk))
    assert not TrainingRecord.objects.exists()


def test_training_in_the_future_is_refused_and_kept_in_the_form(world, client_for):
    factories.profile(world.a)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = english(client_for, world.a["representative"]).post(
        url("my_training_add"),
        {"title": "Kurs", "provider": "", "completed_on": tomorrow.isoformat()},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "The date cannot be in the future." in page
    assert 'value="Kurs"' in page
    assert not TrainingRecord.objects.exists()


def test_someone_elses_training_is_404(world, client_for):
    factories.profile(world.a)
    factories.profile(world.a, world.a["experience_consultant"])
    theirs = TrainingRecord.objects.create(
        organization=world.a.org,
        user=world.a["experience_consultant"],
        title="Deres kurs",
        completed_on=datetime.date(2024, 1, 1),
    )
    client = client_for(world.a["representative"])
    assert client.get(url("my_training_delete", record_id=theirs.pk)).status_code == 404
    assert client.post(url("my_training_delete", record_id=theirs.pk)).status_code == 404
    assert TrainingRecord.objects.filter(pk=theirs.pk).exists()


# --- Withdrawal -------------------------------------------------------------------------------


def test_withdrawing_asks_first(world, client_for):
    factories.profile(world.a)
    page = english(client_for, world.a["representative"]).get(url("my_profile_withdraw"))
    assert "Withdraw consent and delete my profile" in page.content.decode()
    assert Profile.objects.exists()


def test_withdrawing_deletes_the_profile_and_keeps_what_payment_needs(world, client_for):
    person = world.a["representative"]
    factories.profile(world.a, areas=[factories.area("Rus")])
    assignment = factories.assignment(world.a)
    claim = factories.claim(world.a, assignment=assignment)
    TrainingRecord.objects.create(
        organization=world.a.org, user=person, title="Kurs", completed_on=datetime.date(2024, 1, 1)
    )
    client = english(client_for, person)
    response = client.post(url("my_profile_withdraw"))
    assert response.status_code == 302
    assert "Your consent is withdrawn and your profile is deleted" in " ".join(
        messages_of(response)
    )
    assert not Profile.objects.exists()
    assert not TrainingRecord.objects.exists()
    assert Assignment.objects.filter(pk=assignment.pk).exists()
    assert Claim.objects.filter(pk=claim.pk).exists()
    assert list(
        ConsentEvent.objects.filter(user=person).order_by("pk").values_list("action", flat=True)
    ) == [ConsentAction.GIVEN, ConsentAction.WITHDRAWN]
    # Back on the consent page, with the history.
    page = client.get(url("my_profile")).content.decode()
    assert 'name="consent"' in page
    assert "Consent withdrawn" in page


def test_consent_can_be_given_again_after_withdrawal(world, client_for):
    client = client_for(world.a["representative"])
    client.post(url("my_profile_consent"), {"consent": "on"})
    client.post(url("my_profile_withdraw"))
    client.post(url("my_profile_consent"), {"consent": "on"})
    assert Profile.objects.count() == 1
    assert ConsentEvent.objects.count() == 3


# --- Who may open it ----------------------------------------------------------------------------

OWN_PAGES = ["my_profile", "my_profile_edit", "my_profile_withdraw", "my_training_add"]


@pytest.mark.parametrize("role", ["user", "next_of_kin", "staff", "leader", "coordinator"])
@pytest.mark.parametrize("name", OWN_PAGES)
def test_only_representatives_and_consultants_have_a_profile(world, client_for, role, name):
    assert client_for(world.a[role]).get(url(name)).status_code == 404


def test_consent_by_someone_without_the_role_is_refused(world, client_for):
    response = client_for(world.a["staff"]).post(url("my_profile_consent"), {"consent": "on"})
    assert response.status_code == 404
    assert not Profile.objects.exists()


def test_a_representative_of_another_organisation_is_404(world, client_for):
    client = client_for(world.b["representative"])
    assert client.get(url("my_profile")).status_code == 404
    assert client.post(url("my_profile_consent"), {"consent": "on"}).status_code == 404
    assert not Profile.objects.exists()
