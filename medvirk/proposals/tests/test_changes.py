"""Coordinators add, edit and publish "you said / we did" changes."""

from __future__ import annotations

import pytest
from django.urls import reverse

from medvirk.proposals import services
from medvirk.proposals.models import Change
from medvirk.proposals.tests.factories import change
from medvirk.surveys.tests.factories import survey

DATA = {"you_said": "Dere ville vite mer før første samtale.", "we_did": "Vi sender et brev."}


def _create(slug: str = "org-a") -> str:
    return reverse("proposals:change_create", args=[slug])


def test_coordinator_adds_a_draft_then_publishes(world, english_client_for):
    client = english_client_for(world.a["coordinator"])
    made_survey = survey(world.a.org)
    response = client.post(
        _create(),
        {**DATA, "unit": world.a.unit.pk, "survey": made_survey.pk, "_action": "save"},
    )
    assert response.status_code == 302
    draft = Change.objects.get()
    assert draft.published_at is None
    assert (draft.unit, draft.survey, draft.organization) == (
        world.a.unit,
        made_survey,
        world.a.org,
    )
    edit = reverse("proposals:change_edit", args=["org-a", draft.pk])
    client.post(edit, {**DATA, "unit": "", "survey": "", "_action": "publish"})
    draft.refresh_from_db()
    assert draft.published_at is not None
    assert draft.unit is None
    first = draft.published_at
    client.post(edit, {**DATA, "we_did": "Vi sender et brev og en SMS.", "_action": "save"})
    draft.refresh_from_db()
    assert (draft.published_at, draft.we_did) == (first, "Vi sender et brev og en SMS.")
    client.post(edit, {**DATA, "_action": "unpublish"})
    draft.refresh_from_db()
    assert draft.published_at is None
    listing = client.get(reverse("proposals:changes", args=["org-a"]))
    assert list(listing.context["page"].object_list) == [draft]


def test_missing_text_is_named_and_input_kept(world, english_client_for):
    client = english_client_for(world.a["coordinator"])
    response = client.post(_create(), {"you_said": "Bare dette", "we_did": "", "_action": "save"})
    assert response.status_code == 200
    assert response.context["form"].errors["we_did"] == ["Write what was done."]
    assert "Bare dette" in response.content.decode()
    assert not Change.objects.exists()


def test_unit_and_survey_must_be_the_organisations(world, english_client_for):
    client = english_client_for(world.a["coordinator"])
    other_survey = survey(world.b.org)
    response = client.post(
        _create(), {**DATA, "unit": world.b.unit.pk, "survey": other_survey.pk, "_action": "save"}
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"unit", "survey"}
    assert not Change.objects.exists()


def test_the_service_checks_the_links_too(world):
    foreign = Change(organization=world.a.org, unit=world.b.unit, you_said="a", we_did="b")
    with pytest.raises(services.ProposalError) as error:
        services.change_save(change=foreign)
    assert "unit" in error.value.errors
    assert not Change.objects.exists()


@pytest.mark.parametrize("role", ["user", "staff", "leader", "representative"])
def test_only_coordinators_manage_changes(world, client_for, role):
    made = change(world.a)
    client = client_for(world.a[role])
    assert client.get(reverse("proposals:changes", args=["org-a"])).status_code == 404
    assert client.post(_create(), {**DATA, "_action": "publish"}).status_code == 404
    edit = reverse("proposals:change_edit", args=["org-a", made.pk])
    assert client.post(edit, {**DATA, "_action": "unpublish"}).status_code == 404
    made.refresh_from_db()
    assert made.published_at is not None
    assert Change.objects.count() == 1


def test_other_organisations_coordinator_gets_404(world, client_for):
    made = change(world.a)
    client = client_for(world.b["coordinator"])
    for slug in ("org-a", "org-b"):
        edit = reverse("proposals:change_edit", args=[slug, made.pk])
        assert client.post(edit, {**DATA, "_action": "unpublish"}).status_code == 404
    made.refresh_from_db()
    assert made.published_at is not None
