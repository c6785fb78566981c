"""Public pages, error pages and the base layout."""

import pytest
from django.test import override_settings
from django.urls import reverse


def test_accessibility_statement_is_public(client, db):
    response = client.get(reverse("core:accessibility"))
    assert response.status_code == 200
    assert "WCAG" in response.content.decode()


def test_home_requires_login(client, db):
    response = client.get("/")
    assert response.status_code == 302


def test_home_lists_the_persons_organisations(world, client_for):
    response = client_for(world.a["staff"]).get("/")
    html = response.content.decode()
    assert world.a.org.name in html
    assert world.b.org.name not in html


def test_home_empty_state_for_person_without_memberships(client_for, db):
    from medvirk.accounts.tests.factories import UserFactory

    client = client_for(UserFactory())
    client.cookies["medvirk_language"] = "en"
    response = client.get("/")
    assert "not a member of any organisation" in response.content.decode()


@override_settings(DEBUG=False)
def test_404_page_uses_the_layout(world, client_for):
    response = client_for(world.a["user"]).get("/o/org-b/")
    html = response.content.decode()
    assert response.status_code == 404
    assert 'class="ds-skip-link"' in html
    assert "<title>" in html


def test_layout_has_landmarks_skip_link_and_language_switcher(world, client_for):
    html = client_for(world.a["user"]).get("/").content.decode()
    for fragment in ('<main id="main"', "<header", "<footer", 'href="#main"', 'name="language"'):
        assert fragment in html


@pytest.mark.parametrize(
    ("cookie", "lang"), [("en", "en"), ("sv", "sv"), ("nn", "nn"), ("nb", "nb")]
)
def test_html_lang_follows_the_language_cookie(client, db, cookie, lang):
    client.cookies["medvirk_language"] = cookie
    html = client.get(reverse("core:accessibility")).content.decode()
    assert f'<html lang="{lang}"' in html


@pytest.mark.parametrize(
    ("cookie", "text"),
    [
        (None, "Tilgjengelighetserklæring"),
        ("nn", "Tilgjengelegheitserklæring"),
        ("sv", "Tillgänglighetsredogörelse"),
        ("en", "Accessibility statement"),
    ],
)
def test_pages_are_translated_bokmal_by_default(client, db, cookie, text):
    """The compiled catalogues in locale/ are used (``make messages`` builds them)."""
    if cookie:
        client.cookies["medvirk_language"] = cookie
    html = client.get(reverse("core:accessibility")).content.decode()
    assert f"<title>{text} – Medvirk</title>" in html


def test_html_lang_falls_back_to_accept_language_then_bokmal(client, db):
    html = client.get(reverse("core:accessibility"), HTTP_ACCEPT_LANGUAGE="sv-SE,sv;q=0.9").content
    assert b'<html lang="sv"' in html
    html = client.get(reverse("core:accessibility"), HTTP_ACCEPT_LANGUAGE="de").content
    assert b'<html lang="nb"' in html


def test_set_language_sets_cookie_and_remembers_it_on_the_profile(world, client_for):
    user = world.a["user"]
    client = client_for(user)
    response = client.post(reverse("core:set_language"), {"language": "sv", "next": "/"})
    assert response.status_code == 302
    assert response.cookies["medvirk_language"].value == "sv"
    user.refresh_from_db()
    assert user.preferred_language == "sv"


def test_set_language_ignores_unknown_language(world, client_for):
    user = world.a["user"]
    client = client_for(user)
    client.post(reverse("core:set_language"), {"language": "xx", "next": "/"})
    user.refresh_from_db()
    assert user.preferred_language == "nb"


def test_set_language_only_accepts_post(client, db):
    assert client.get(reverse("core:set_language")).status_code == 405


def test_expired_form_token_gets_an_explaining_page_in_the_layout(world):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(world.a["coordinator"])
    client.cookies["medvirk_language"] = "en"
    response = client.post(reverse("organizations:unit_create", args=["org-a"]), {"name": "X"})
    html = response.content.decode()
    assert response.status_code == 403
    assert "The form has expired" in html
    assert 'class="ds-skip-link"' in html
