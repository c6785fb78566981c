"""The members' view: visible proposals with personal data masked, "me too", own history."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from medvirk.proposals import services
from medvirk.proposals.choices import Status
from medvirk.proposals.models import Proposal, Support
from medvirk.proposals.tests.factories import proposal

# A valid fødselsnummer, a valid Norwegian mobile number and an address.
FNR = "15076500565"
PHONE = "918 12 345"
EMAIL = "ola.nordmann@example.org"
PERSONAL = f"Ring meg på {PHONE} eller skriv til {EMAIL}. Mitt fødselsnummer er {FNR}."


def _list(slug: str = "org-a") -> str:
    return reverse("proposals:list", args=[slug])


def _detail(p: Proposal) -> str:
    return reverse("proposals:detail", args=[p.organization.slug, p.pk])


def _support(p: Proposal) -> str:
    return reverse("proposals:support", args=[p.organization.slug, p.pk])


def _hide(p: Proposal) -> None:
    Proposal.objects.filter(pk=p.pk).update(hidden_at=timezone.now(), hidden_reason="Støtende.")


@pytest.mark.parametrize("role", ["user", "next_of_kin", "staff", "leader", "representative"])
def test_members_see_visible_proposals_with_personal_data_masked(world, english_client_for, role):
    shown = proposal(
        world.a, title=f"Ring {PHONE}", text=PERSONAL, answer=f"Svar sendt til {EMAIL}"
    )
    hidden = proposal(world.a, title="Skjult innlegg")
    _hide(hidden)
    proposal(world.b, title="Annen kommune")
    client = english_client_for(world.a[role])
    for url in (_list(), _detail(shown)):
        html = client.get(url).content.decode()
        for secret in (FNR, PHONE, EMAIL):
            assert secret not in html, f"{secret} shown on {url}"
        assert "[phone number removed]" in html
        assert "[e-mail address removed]" in html
        assert "Skjult innlegg" not in html
        assert "Annen kommune" not in html
    assert "[national ID number removed]" in client.get(_detail(shown)).content.decode()
    assert client.get(_detail(hidden)).status_code == 404
    assert client.post(_support(hidden)).status_code == 404


def test_coordinators_read_the_text_as_written(world, english_client_for):
    made = proposal(world.a, text=PERSONAL)
    html = english_client_for(world.a["coordinator"]).get(_detail(made)).content.decode()
    for secret in (FNR, PHONE, EMAIL):
        assert secret in html


def test_me_too_counts_once_per_person_and_can_be_withdrawn(world, english_client_for):
    made = proposal(world.a)
    client = english_client_for(world.a["user"])
    assert client.post(_support(made), {"_action": "support"}).status_code == 302
    assert client.post(_support(made), {"_action": "support"}).status_code == 302
    assert Support.objects.filter(proposal=made).count() == 1
    page = client.get(_detail(made))
    assert page.context["supported"] is True
    assert page.context["support_count"] == 1
    english_client_for(world.a["representative"]).post(_support(made), {"_action": "support"})
    assert Support.objects.filter(proposal=made).count() == 2
    listed = english_client_for(world.a["user"]).get(_list()).context["page"].object_list
    assert [(p.support_count, p.supported) for p in listed] == [(2, True)]

    client = english_client_for(world.a["user"])
    assert client.post(_support(made), {"_action": "withdraw"}).status_code == 302
    assert list(Support.objects.filter(proposal=made).values_list("user", flat=True)) == [
        world.a["representative"].pk
    ]


def test_support_is_post_only(world, client_for):
    made = proposal(world.a)
    client = client_for(world.a["user"])
    assert client.get(_support(made)).status_code == 200  # shows the proposal
    assert not Support.objects.exists()


def test_the_service_refuses_support_for_a_hidden_proposal(world):
    made = proposal(world.a)
    _hide(made)
    made.refresh_from_db()
    with pytest.raises(services.ProposalError):
        services.support_add(proposal=made, user=world.a["user"])


def test_own_proposals_with_their_history(world, english_client_for, client_for):
    mine = proposal(world.a, submitted_by=world.a["user"], title="Mitt forslag")
    proposal(world.a, submitted_by=world.a["next_of_kin"], title="Noen andres")
    services.proposal_triage(
        proposal=mine, changed_by=world.a["coordinator"], status=Status.CONSIDERING
    )
    client = english_client_for(world.a["user"])
    page = client.get(reverse("proposals:mine", args=["org-a"]))
    assert [p.title for p in page.context["page"].object_list] == ["Mitt forslag"]
    html = page.content.decode()
    assert "Received" in html
    assert "Under consideration" in html
    detail = client.get(_detail(mine))
    assert [c.status for c in detail.context["history"]] == [Status.RECEIVED, Status.CONSIDERING]
    # Someone else's proposal shows no history.
    other = client_for(world.a["next_of_kin"]).get(_detail(mine))
    assert other.context["history"] == []


def test_hidden_own_proposals_disappear_from_the_members_view(world, english_client_for):
    mine = proposal(world.a, submitted_by=world.a["user"], title="Mitt skjulte forslag")
    _hide(mine)
    client = english_client_for(world.a["user"])
    assert (
        "Mitt skjulte forslag"
        not in client.get(reverse("proposals:mine", args=["org-a"])).content.decode()
    )
    assert client.get(_detail(mine)).status_code == 404


def test_member_list_filters_by_status(world, english_client_for):
    done = proposal(world.a, status=Status.DONE, answer="Ja.")
    proposal(world.a)
    page = english_client_for(world.a["user"]).get(f"{_list()}?status=done")
    assert [p.pk for p in page.context["page"].object_list] == [done.pk]


def test_non_members_get_404(world, client_for):
    made = proposal(world.a)
    client = client_for(world.b["user"])
    assert client.get(_list()).status_code == 404
    assert client.get(_detail(made)).status_code == 404
    assert client.post(_support(made)).status_code == 404
    assert client.get(reverse("proposals:mine", args=["org-a"])).status_code == 404
    assert not Support.objects.exists()
