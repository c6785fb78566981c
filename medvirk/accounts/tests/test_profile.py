"""The profile page: name, language and e-mail frequency, links and roles."""

from __future__ import annotations

from django.urls import reverse

from medvirk.accounts.models import EmailFrequency
from medvirk.accounts.tests.factories import UserFactory

PROFILE_URL = reverse("accounts:profile")


def _data(**overrides: str) -> dict[str, str]:
    data = {
        "full_name": "Kari Nordmann",
        "preferred_language": "nb",
        "email_frequency": EmailFrequency.DAILY,
    }
    data.update(overrides)
    return data


def test_profile_requires_login(client, db):
    response = client.get(PROFILE_URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_profile_shows_current_values_and_account_links(world, client_for):
    user = world.a["user"]
    client = client_for(user)
    client.cookies["medvirk_language"] = "en"
    html = client.get(PROFILE_URL).content.decode()
    assert "<title>Your profile – Medvirk</title>" in html
    assert f'value="{user.full_name}"' in html
    assert '<option value="nb" selected>Norsk (bokmål)</option>' in html
    assert 'value="daily" required class="ds-input" id="id_email_frequency_1" checked' in html
    for name in ("account_change_password", "account_email", "mfa_index"):
        assert reverse(name) in html


def test_profile_offers_to_set_a_password_when_there_is_none(db, client_for):
    user = UserFactory.create()
    user.set_unusable_password()
    user.save()
    html = client_for(user).get(PROFILE_URL).content.decode()
    assert reverse("account_set_password") in html
    assert reverse("account_change_password") not in html


def test_profile_lists_own_memberships_only(world, client_for):
    html = client_for(world.a["staff"]).get(PROFILE_URL).content.decode()
    assert world.a.org.name in html
    assert world.a.unit.name in html
    assert world.b.org.name not in html


def test_profile_page_query_count_is_fixed(world, client_for, django_assert_max_num_queries):
    client = client_for(world.a["leader"])
    with django_assert_max_num_queries(12):
        client.get(PROFILE_URL)


def test_saving_updates_the_person_and_sets_the_language(world, client_for):
    user = world.a["user"]
    client = client_for(user)
    response = client.post(
        PROFILE_URL,
        _data(full_name="  Kari Ny  ", preferred_language="en", email_frequency="never"),
    )
    assert response.status_code == 302
    assert response["Location"] == PROFILE_URL
    assert response.cookies["medvirk_language"].value == "en"
    user.refresh_from_db()
    assert (user.full_name, user.preferred_language, user.email_frequency) == (
        "Kari Ny",
        "en",
        "never",
    )


def test_language_switch_changes_html_lang_and_the_message(world, client_for):
    client = client_for(world.a["user"])
    client.cookies["medvirk_language"] = "nb"
    assert '<html lang="nb"' in client.get(PROFILE_URL).content.decode()
    response = client.post(PROFILE_URL, _data(preferred_language="sv"), follow=True)
    html = response.content.decode()
    assert '<html lang="sv"' in html
    assert 'data-color="success"' in html
    response = client.post(PROFILE_URL, _data(preferred_language="en"), follow=True)
    html = response.content.decode()
    assert '<html lang="en"' in html
    assert "Your profile is saved." in html


def test_unknown_language_is_refused_input_kept_nothing_saved(world, client_for):
    user = world.a["user"]
    before = (user.full_name, user.preferred_language, user.email_frequency)
    client = client_for(user)
    client.cookies["medvirk_language"] = "en"
    response = client.post(
        PROFILE_URL,
        _data(full_name="Beholdt Navn", preferred_language="de", email_frequency="never"),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="#id_preferred_language"' in html
    assert "Select a valid choice." in html
    assert 'value="Beholdt Navn"' in html
    assert 'value="never" required class="ds-input" id="id_email_frequency_2" checked' in html
    assert "medvirk_language" not in response.cookies
    user.refresh_from_db()
    assert (user.full_name, user.preferred_language, user.email_frequency) == before


def test_unknown_email_frequency_is_refused(world, client_for):
    user = world.a["user"]
    response = client_for(user).post(PROFILE_URL, _data(email_frequency="hourly"))
    assert response.status_code == 200
    assert 'href="#id_email_frequency' in response.content.decode()
    user.refresh_from_db()
    assert user.email_frequency == EmailFrequency.DAILY


def test_too_long_name_is_refused(world, client_for):
    user = world.a["user"]
    name = user.full_name
    response = client_for(user).post(PROFILE_URL, _data(full_name="x" * 201))
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.full_name == name
