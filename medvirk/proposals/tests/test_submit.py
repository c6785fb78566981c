"""Submitting proposals: members logged in, anyone on the public page."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from medvirk.organizations.tests.factories import UnitFactory
from medvirk.proposals.choices import Category, Status
from medvirk.proposals.models import Proposal, StatusChange
from medvirk.proposals.public_views import RATE_LIMIT, rate_key

VALID = {"category": Category.FOOD, "title": "Varm lunsj", "text": "Kan vi få varm lunsj?"}


def _public_url(slug: str = "org-a") -> str:
    return reverse("public_proposals:create", args=[slug])


# --- Members ---------------------------------------------------------------------------------


def test_member_submits_to_a_unit_and_sees_what_happens_next(world, english_client_for):
    client = english_client_for(world.a["user"])
    url = reverse("proposals:create", args=["org-a"])
    assert client.get(url).status_code == 200
    response = client.post(url, {**VALID, "unit": world.a.unit.pk}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("proposals:submitted", args=["org-a"])
    assert "What happens next" in response.content.decode()
    proposal = Proposal.objects.get()
    assert (proposal.organization, proposal.unit, proposal.submitted_by) == (
        world.a.org,
        world.a.unit,
        world.a["user"],
    )
    assert proposal.status == Status.RECEIVED
    assert proposal.contact_email == ""
    assert list(StatusChange.objects.values_list("status", flat=True)) == [Status.RECEIVED]


def test_member_form_keeps_input_and_names_the_missing_field(world, english_client_for):
    client = english_client_for(world.a["user"])
    url = reverse("proposals:create", args=["org-a"])
    response = client.post(url, {"unit": world.a.unit.pk, "title": "Varm lunsj", "text": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["text"] == ["Write your proposal."]
    assert 'value="Varm lunsj"' in response.content.decode()
    assert not Proposal.objects.exists()


def test_unit_of_another_organisation_is_refused(world, english_client_for):
    client = english_client_for(world.a["user"])
    url = reverse("proposals:create", args=["org-a"])
    response = client.post(url, {**VALID, "unit": world.b.unit.pk})
    assert response.status_code == 200
    assert "unit" in response.context["form"].errors
    assert not Proposal.objects.exists()


def test_unit_can_be_preselected(world, english_client_for):
    other = UnitFactory.create(organization=world.a.org, name="Hjemmetjenester")
    client = english_client_for(world.a["user"])
    url = reverse("proposals:create", args=["org-a"])
    assert client.get(f"{url}?unit={other.pk}").context["form"].initial["unit"] == other.pk
    # Someone else's unit (or nonsense) preselects nothing.
    assert client.get(f"{url}?unit={world.b.unit.pk}").context["form"].initial["unit"] is None
    assert client.get(f"{url}?unit=x").context["form"].initial["unit"] is None


def test_non_members_cannot_submit_inside(world, client_for):
    client = client_for(world.b["user"])
    assert client.get(reverse("proposals:create", args=["org-a"])).status_code == 404


# --- Anonymous, on the public page -----------------------------------------------------------


def test_anonymous_visitor_submits_with_an_address(world, english_client):
    page = english_client.get(_public_url())
    assert page.status_code == 200
    response = english_client.post(
        _public_url(),
        {**VALID, "unit": world.a.unit.pk, "contact_email": "besokende@example.org"},
        REMOTE_ADDR="203.0.113.9",
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("public_proposals:submitted", args=["org-a"])
    assert "What happens next" in response.content.decode()
    proposal = Proposal.objects.get()
    assert proposal.submitted_by is None
    assert proposal.contact_email == "besokende@example.org"
    # Nothing about the client is stored: the model has no such field, the cache key is a hash.
    assert "203.0.113.9" not in rate_key(response.wsgi_request)


def test_anonymous_address_is_optional(world, english_client):
    english_client.post(_public_url(), {**VALID, "unit": world.a.unit.pk})
    assert Proposal.objects.get().contact_email == ""


def test_public_form_preselects_a_unit(world, english_client):
    page = english_client.get(f"{_public_url()}?unit={world.a.unit.pk}")
    assert page.context["form"].initial["unit"] == world.a.unit.pk


def test_public_form_keeps_input_on_error(world, english_client):
    response = english_client.post(
        _public_url(), {**VALID, "unit": world.a.unit.pk, "contact_email": "ikke-en-adresse"}
    )
    assert response.status_code == 200
    assert "contact_email" in response.context["form"].errors
    assert 'value="Varm lunsj"' in response.content.decode()
    assert not Proposal.objects.exists()


def test_robots_filling_the_honeypot_store_nothing(world, english_client):
    response = english_client.post(
        _public_url(), {**VALID, "unit": world.a.unit.pk, "website": "http://spam.example"}
    )
    assert response.status_code == 302
    assert not Proposal.objects.exists()


def test_rate_limit_per_client(world, english_client):
    data = {**VALID, "unit": world.a.unit.pk}
    for _ in range(RATE_LIMIT):
        assert (
            english_client.post(_public_url(), data, REMOTE_ADDR="198.51.100.1").status_code == 302
        )
    refused = english_client.post(_public_url(), data, REMOTE_ADDR="198.51.100.1")
    assert refused.status_code == 200
    assert "Too many proposals" in refused.content.decode()
    assert Proposal.objects.count() == RATE_LIMIT
    # Another client is not affected.
    assert english_client.post(_public_url(), data, REMOTE_ADDR="198.51.100.2").status_code == 302


@pytest.mark.parametrize("name", ["create", "submitted", "you_said_we_did"])
def test_public_pages_of_an_unknown_organisation_are_404(db, name):
    assert (
        Client().get(reverse(f"public_proposals:{name}", args=["finnes-ikke"])).status_code == 404
    )
