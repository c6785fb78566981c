"""The catalogue: modules in the reader's language, audience filter, progress and requirements."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from medvirk.learning import services
from medvirk.learning.models import RequiredModule
from medvirk.learning.tests.factories import (
    SHORT_KEY,
    complete_module,
    fixture_module,
    org_module,
)

URL = reverse("learning:catalogue", args=["org-a"])


def titles(html: str) -> list[str]:
    """The module titles on the page, in order."""
    return re.findall(
        r'<h2 class="ds-heading" data-size="sm" lang="\w+"><a [^>]*>([^<]+)</a>', html
    )


@pytest.mark.usefixtures("content")
def test_modules_are_listed_in_the_readers_language(world, client_for, english_client_for):
    english = english_client_for(world.a["staff"]).get(URL).content.decode()
    assert titles(english) == ["Participation in practice", "En kort modul for ledere"]
    client = client_for(world.a["staff"])
    client.cookies["medvirk_language"] = "nb"
    assert titles(client.get(URL).content.decode()) == [
        "Medvirkning i praksis",
        "En kort modul for ledere",
    ]


@pytest.mark.usefixtures("content")
def test_a_module_missing_in_the_readers_language_falls_back_to_bokmal(world, client_for):
    client = client_for(world.a["staff"])
    client.cookies["medvirk_language"] = "en"
    html = client.get(URL).content.decode()
    # The Bokmål-only module is shown, marked as Bokmål and explained.
    assert '<h2 class="ds-heading" data-size="sm" lang="nb">' in html
    assert "Not yet in your language" in html
    client.cookies["medvirk_language"] = "sv"
    swedish = client.get(URL).content.decode()
    assert titles(swedish) == ["Medvirkning i praksis", "En kort modul for ledere"]


def test_english_is_the_second_fallback(world, english_client_for, client_for, db):
    from medvirk.learning.content import parse_module
    from medvirk.learning.tests.factories import CONTENT

    text = (CONTENT / "en" / "01-participation-in-practice.md").read_text()
    services.module_sync(parsed=parse_module(text, filename="x", language="en", media_dir=None))
    client = client_for(world.a["staff"])
    client.cookies["medvirk_language"] = "sv"
    assert titles(client.get(URL).content.decode()) == ["Participation in practice"]


@pytest.mark.usefixtures("content")
def test_audience_filter(world, english_client_for):
    html = english_client_for(world.a["staff"]).get(URL + "?audience=leaders").content.decode()
    assert titles(html) == ["En kort modul for ledere"]
    html = english_client_for(world.a["staff"]).get(URL + "?audience=users").content.decode()
    assert titles(html) == []
    assert "No modules match." in html


@pytest.mark.usefixtures("content")
def test_unknown_audience_shows_an_error_and_every_module(world, english_client_for):
    html = english_client_for(world.a["staff"]).get(URL + "?audience=bosses").content.decode()
    assert "ds-error-summary" in html
    assert len(titles(html)) == 2


@pytest.mark.usefixtures("content")
def test_time_estimate_and_audience_are_shown(world, english_client_for):
    html = english_client_for(world.a["staff"]).get(URL).content.decode()
    assert "About 10 minutes" in html
    assert "For: Staff, User representatives" in html


@pytest.mark.usefixtures("content")
def test_progress_state_per_module(world, english_client_for):
    user, org = world.a["staff"], world.a.org
    module = fixture_module(org)
    services.lesson_viewed(user=user, organization=org, lesson=module.lessons.get(position=0))
    html = english_client_for(user).get(URL).content.decode()
    assert html.count("In progress") == 1
    assert html.count("Not started") == 1
    complete_module(user, org, module)
    html = english_client_for(user).get(URL).content.decode()
    assert html.count(">Completed<") == 1


@pytest.mark.usefixtures("content")
def test_progress_in_another_organisation_does_not_count_here(world, english_client_for):
    """Progress belongs to the organisation it was made in."""
    from medvirk.organizations.roles import Role
    from medvirk.organizations.tests.factories import MembershipFactory

    user = world.a["staff"]
    MembershipFactory(organization=world.b.org, user=user, role=Role.STAFF)
    complete_module(user, world.b.org, fixture_module(world.b.org))
    html = english_client_for(user).get(URL).content.decode()
    assert ">Completed<" not in html


@pytest.mark.usefixtures("content")
def test_required_modules_are_marked_and_can_be_filtered(world, english_client_for):
    RequiredModule.objects.create(organization=world.a.org, role="staff", module_key=SHORT_KEY)
    client = english_client_for(world.a["staff"])
    html = client.get(URL).content.decode()
    assert html.count("Required for your role") == 1
    assert titles(client.get(URL + "?required=on").content.decode()) == ["En kort modul for ledere"]
    # Another role in the same organisation has no requirement.
    assert (
        "Required for your role"
        not in english_client_for(world.a["user"]).get(URL).content.decode()
    )


def test_organisation_modules_are_shown_to_their_own_organisation_only(world, english_client_for):
    org_module(world.a.org, title="Bare for A")
    org_module(world.a.org, key="draft", title="Utkast", is_published=False)
    assert titles(english_client_for(world.a["user"]).get(URL).content.decode()) == ["Bare for A"]
    other = english_client_for(world.b["user"]).get(reverse("learning:catalogue", args=["org-b"]))
    assert "Bare for A" not in other.content.decode()


def test_empty_catalogue(world, english_client_for):
    html = english_client_for(world.a["user"]).get(URL).content.decode()
    assert "No modules yet" in html


def test_coordinators_and_leaders_get_their_tools_learners_do_not(world, english_client_for):
    coordinator = english_client_for(world.a["coordinator"]).get(URL).content.decode()
    assert reverse("learning:required", args=["org-a"]) in coordinator
    assert reverse("learning:report", args=["org-a"]) in coordinator
    leader = english_client_for(world.a["leader"]).get(URL).content.decode()
    assert reverse("learning:required", args=["org-a"]) not in leader
    assert reverse("learning:report", args=["org-a"]) in leader
    staff = english_client_for(world.a["staff"]).get(URL).content.decode()
    assert reverse("learning:report", args=["org-a"]) not in staff


def test_catalogue_paginates_and_query_count_does_not_grow(
    world, english_client_for, django_assert_max_num_queries
):
    client = english_client_for(world.a["staff"])
    client.get(URL)  # warm the session
    for number in range(30):
        module = org_module(world.a.org, key=f"module-{number}", title=f"Modul {number:02}")
        services.lesson_viewed(
            user=world.a["staff"], organization=world.a.org, lesson=module.lessons.get(position=0)
        )
        RequiredModule.objects.create(organization=world.a.org, role="staff", module_key=module.key)
    with django_assert_max_num_queries(12):
        response = client.get(URL)
    html = response.content.decode()
    assert len(titles(html)) == 25
    assert "?page=2" in html
    assert len(titles(client.get(URL + "?page=2").content.decode())) == 5


def test_catalogue_link_keeps_the_filter_across_pages(world, english_client_for):
    for number in range(30):
        org_module(world.a.org, key=f"module-{number}", title=f"Modul {number:02}")
    html = english_client_for(world.a["staff"]).get(URL + "?audience=staff").content.decode()
    assert "?audience=staff&amp;page=2" in html


def test_every_role_may_learn(world, english_client_for):
    for role in world.a.users:
        assert english_client_for(world.a[role]).get(URL).status_code == 200
