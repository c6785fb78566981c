"""Claims by the representative: by hand, preview, submit (amounts frozen), correct, delete.

Representatives see only their own claims; people without a paid assignment
(experience consultants) get a message instead of forms; bad input is refused
with what was typed kept and nothing stored.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from medvirk.core.storage import private_storage
from medvirk.representatives import claims
from medvirk.representatives.models import Claim, ClaimStatus, Rate
from medvirk.representatives.tests import factories
from medvirk.representatives.tests.cross_org_honorarium import (
    PDF,
    PNG,
    draft,
    ensure_rate,
    submitted,
)


def today() -> datetime.date:
    return timezone.localdate()


def days(n: int) -> datetime.date:
    return today() + datetime.timedelta(days=n)


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def english(client_for):
    def login(user):
        client = client_for(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return login


def _url(world, name: str, **kw) -> str:
    return reverse(f"representatives:{name}", kwargs={"org_slug": world.a.org.slug, **kw})


def stored_files() -> set[Path]:
    root = Path(private_storage().path(""))
    return {path for path in root.rglob("*") if path.is_file()} if root.exists() else set()


def form(assignment, **kw) -> dict:
    return {
        "worked_on": days(-3).isoformat(),
        "description": "Møte i brukerrådet",
        "assignment": str(assignment.pk),
        "minutes": "100",
        "in_person": "on",
        "preparation_minutes": "0",
        "travel_km": "42",
        "ticket_amount": "0",
        "lost_earnings": "0",
        "_action": "save",
        **kw,
    }


@pytest.fixture
def paid(world):
    ensure_rate(world.a)
    return factories.assignment(world.a, title="Brukerrådet")


# --- Entering a claim by hand ---------------------------------------------------------------


def test_a_representative_enters_a_claim_with_files_and_sees_the_preview(world, english, paid):
    client = english(world.a["representative"])
    response = client.post(
        _url(world, "claim_create"),
        form(
            paid,
            ticket_amount="120.00",
            ticket_receipt=SimpleUploadedFile("billett.png", PNG, content_type="image/png"),
            lost_earnings="800",
            lost_earnings_document=SimpleUploadedFile(
                "arbeidsgiver.pdf", PDF, content_type="application/pdf"
            ),
        ),
    )
    claim = Claim.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _url(world, "claim_detail", claim_id=claim.pk)
    assert (claim.user, claim.organization, claim.assignment) == (
        world.a["representative"],
        world.a.org,
        paid,
    )
    assert claim.status == ClaimStatus.DRAFT
    assert claim.ticket_receipt
    assert claim.lost_earnings_document
    assert claim.rate is None
    assert claim.total == 0

    page = client.get(response["Location"]).content.decode()
    assert "1 h 40 min → 2 h (rounded up to 30 min)" in page
    assert "Fee: 2 h × NOK 355.00 an hour = NOK 710.00" in page
    assert "Travel: 42 km × NOK 3.50 = NOK 147.00" in page
    assert "Ticket (receipt attached): NOK 120.00" in page
    assert "Documented lost earnings: NOK 800.00" in page
    assert "Total: NOK 1,777.00" in page
    # Their own files open for them.
    receipt = client.get(_url(world, "claim_file", claim_id=claim.pk, kind="receipt"))
    assert receipt.status_code == 200
    assert receipt["Content-Type"] == "image/png"
    assert b"".join(receipt.streaming_content) == PNG


def test_the_preview_button_shows_the_amounts_and_saves_nothing(world, english, paid):
    ensure_rate(world.a, effective_from=days(-10), hourly_rate=Decimal("400"), rounding_minutes=0)
    client = english(world.a["representative"])
    response = client.post(
        _url(world, "claim_create"),
        form(paid, minutes="25", in_person="", travel_km="0", _action="preview"),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "25 min: the exact minutes are paid" in page
    assert "Total: NOK 166.67" in page  # 25/60 × 400, no minimum when not in person
    assert "Nothing is saved yet." in page
    assert not Claim.objects.exists()


def test_the_minimum_in_person_is_shown_as_a_rule_line(world, paid):
    claim = draft(world.a, minutes=25, travel_km=Decimal("0"), assignment=paid)
    from medvirk.representatives.claims_selectors import claim_amounts

    found = claim_amounts(claim)
    assert found.amounts is not None
    assert found.amounts.total == Decimal("355.00")
    assert "25 min → 30 min (rounded up to 30 min)" in found.lines
    assert "Minimum for attending in person applied: 1 h" in found.lines


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"travel_km": "-5"}, "travel_km", "greater than or equal to 0"),
        ({"minutes": "0"}, "minutes", "greater than or equal to 1"),
        ({"worked_on": "2019-06-01"}, "worked_on", "No honorarium rate applies on this date"),
        ({"worked_on": "FUTURE"}, "worked_on", "cannot be in the future"),
        ({"ticket_amount": "120"}, "ticket_receipt", "Upload the receipt for the ticket."),
        ({"lost_earnings": "500"}, "lost_earnings_document", "Upload the documentation"),
    ],
)
def test_bad_input_is_refused_with_the_typed_values_kept(
    world, english, paid, changes, field, message
):
    if changes.get("worked_on") == "FUTURE":
        changes = {"worked_on": days(2).isoformat()}
    if changes.get("worked_on") == "2019-06-01":
        paid.starts_on = datetime.date(2019, 1, 1)
        paid.save()
    before = stored_files()
    client = english(world.a["representative"])
    response = client.post(
        _url(world, "claim_create"),
        form(
            paid,
            description="Lesing av sakspapirer",
            lost_earnings_document=SimpleUploadedFile("ok.pdf", PDF, content_type="application/pdf")
            if field != "lost_earnings_document"
            else "",
            **changes,
        ),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert message in page
    assert f'id="id_{field}_error"' in page
    assert 'value="Lesing av sakspapirer"' in page
    for name, value in changes.items():
        assert f'value="{value}"' in page, name
    assert not Claim.objects.exists()
    assert stored_files() == before  # the valid document sent along was not stored either


def test_a_file_of_the_wrong_type_is_refused_and_nothing_is_stored(world, english, paid):
    before = stored_files()
    client = english(world.a["representative"])
    response = client.post(
        _url(world, "claim_create"),
        form(
            paid,
            ticket_amount="80",
            ticket_receipt=SimpleUploadedFile(
                "kvittering.pdf", b"MZ\x90\x00 not a pdf at all", content_type="application/pdf"
            ),
        ),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Upload a PDF or a photo (JPEG or PNG)." in page
    assert "Files are not kept when the form has errors" in page
    assert 'value="80"' in page
    assert not Claim.objects.exists()
    assert stored_files() == before


def test_the_service_refuses_another_persons_or_an_unpaid_assignment(world, paid):
    other = factories.assignment(world.a, user=world.a["staff"])
    unpaid = factories.assignment(world.a, paid=False)
    for assignment in (other, unpaid):
        values = claims.ClaimValues(
            worked_on=days(-1), description="x", assignment=assignment, minutes=60, in_person=True
        )
        with pytest.raises(claims.ValidationError) as raised:
            claims.claim_create(
                organization=world.a.org, user=world.a["representative"], values=values
            )
        assert "assignment" in raised.value.message_dict
    assert not Claim.objects.exists()


def test_a_date_outside_the_assignment_is_refused(world, paid):
    paid.ends_on = days(-10)
    paid.save()
    values = claims.ClaimValues(
        worked_on=days(-3), description="x", assignment=paid, minutes=60, in_person=True
    )
    with pytest.raises(claims.ValidationError) as raised:
        claims.claim_create(organization=world.a.org, user=world.a["representative"], values=values)
    assert "outside the period" in str(raised.value.message_dict["worked_on"])


# --- Submitting ------------------------------------------------------------------------------


def test_submitting_freezes_the_rate_and_the_amounts(world, english, paid):
    claim = draft(world.a, assignment=paid)
    client = english(world.a["representative"])
    response = client.post(_url(world, "claim_submit", claim_id=claim.pk))
    assert response.status_code == 302
    claim.refresh_from_db()
    rate = Rate.objects.get(organization=world.a.org)
    assert claim.status == ClaimStatus.SUBMITTED
    assert claim.rate == rate
    assert (claim.paid_minutes, claim.fee, claim.travel, claim.total) == (
        120,
        Decimal("710.00"),
        Decimal("147.00"),
        Decimal("857.00"),
    )
    assert claim.submitted_at is not None
    # A later rate for the same day does not change what was submitted.
    factories.rate(world.a, effective_from=claim.worked_on, hourly_rate=Decimal("999"))
    page = client.get(_url(world, "claim_detail", claim_id=claim.pk)).content.decode()
    assert "Total: NOK 857.00" in page
    assert "Amounts, fixed when the claim was submitted" in page
    # And a submitted claim is neither changed nor deleted nor submitted twice.
    assert client.post(_url(world, "claim_edit", claim_id=claim.pk), form(paid)).status_code == 302
    assert client.post(_url(world, "claim_delete", claim_id=claim.pk)).status_code == 302
    claim.refresh_from_db()
    assert (claim.total, claim.status) == (Decimal("857.00"), ClaimStatus.SUBMITTED)
    with pytest.raises(claims.ValidationError):
        claims.claim_submit(claim=claim)


def test_submitting_without_a_rate_for_the_date_says_so_and_changes_nothing(world, english):
    assignment = factories.assignment(world.a, starts_on=datetime.date(2019, 1, 1))
    factories.rate(world.a, effective_from=datetime.date(2024, 1, 1))
    # Drafted before any rate applied (as a meeting's draft can be).
    claim = factories.claim(world.a, assignment=assignment, worked_on=datetime.date(2019, 6, 3))
    client = english(world.a["representative"])
    detail = client.get(_url(world, "claim_detail", claim_id=claim.pk)).content.decode()
    assert "No honorarium rate applies on this date yet" in detail
    response = client.post(_url(world, "claim_submit", claim_id=claim.pk))
    assert response.status_code == 200
    assert "No honorarium rate applies on 2019-06-03" in response.content.decode()
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.DRAFT
    assert claim.rate is None
    assert claim.submitted_at is None
    assert claim.total == 0


def test_a_rejected_claim_is_corrected_and_submitted_again(world, english, paid):
    claim = submitted(world.a, assignment=paid)
    claims.claim_reject(claim=claim, decided_by=world.a["coordinator"], reason="Feil dato.")
    client = english(world.a["representative"])
    page = client.get(_url(world, "claim_detail", claim_id=claim.pk)).content.decode()
    assert "Feil dato." in page
    assert "Correct the claim" in page
    response = client.post(
        _url(world, "claim_edit", claim_id=claim.pk), form(paid, worked_on=days(-4).isoformat())
    )
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.DRAFT
    assert claim.worked_on == days(-4)
    assert claim.rate is None
    assert claim.total == 0
    assert claim.rejection_reason == "Feil dato."  # shown while correcting
    client.post(_url(world, "claim_submit", claim_id=claim.pk))
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.SUBMITTED
    assert claim.rejection_reason == ""
    assert claim.decided_by is None
    assert claim.total == Decimal("857.00")


def test_editing_a_draft_replaces_and_removes_files(
    world, english, paid, django_capture_on_commit_callbacks
):
    claim = draft(world.a, assignment=paid, receipt=True)
    old = Path(claim.ticket_receipt.path)
    client = english(world.a["representative"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _url(world, "claim_edit", claim_id=claim.pk),
            form(
                paid,
                ticket_amount="120",
                ticket_receipt=SimpleUploadedFile("ny.pdf", PDF, content_type="application/pdf"),
            ),
        )
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.ticket_receipt.read() == PDF
    assert not old.exists()
    # Removing the receipt while a ticket is claimed is refused ...
    response = client.post(
        _url(world, "claim_edit", claim_id=claim.pk),
        form(paid, ticket_amount="120", remove_ticket_receipt="on"),
    )
    assert response.status_code == 200
    assert "Upload the receipt for the ticket." in response.content.decode()
    # ... and allowed once the ticket is gone.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            _url(world, "claim_edit", claim_id=claim.pk),
            form(paid, ticket_amount="0", remove_ticket_receipt="on"),
        )
    claim.refresh_from_db()
    assert not claim.ticket_receipt


def test_deleting_a_draft_deletes_its_files(
    world, english, paid, django_capture_on_commit_callbacks
):
    claim = draft(world.a, assignment=paid, receipt=True)
    path = Path(claim.ticket_receipt.path)
    client = english(world.a["representative"])
    assert client.get(_url(world, "claim_delete", claim_id=claim.pk)).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url(world, "claim_delete", claim_id=claim.pk))
    assert response.status_code == 302
    assert not Claim.objects.exists()
    assert not path.exists()


# --- Only one's own ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["claim_detail", "claim_edit", "claim_delete", "claim_submit", "claim_file"]
)
def test_another_persons_claim_is_404(world, english, name):
    other = world.a["experience_consultant"]
    claim = draft(world.a, user=other, receipt=True)
    kwargs = {"claim_id": claim.pk} | ({"kind": "receipt"} if name == "claim_file" else {})
    # Another representative of the same organisation ...
    assert english(world.a["representative"]).get(_url(world, name, **kwargs)).status_code == 404
    assert english(world.a["representative"]).post(_url(world, name, **kwargs)).status_code == 404
    # ... and a coordinator on the representative's pages.
    assert english(world.a["coordinator"]).get(_url(world, name, **kwargs)).status_code == 404
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.DRAFT


def test_my_claims_lists_only_my_own(world, english, paid):
    mine = draft(world.a, assignment=paid, description="Mitt krav")
    draft(world.a, user=world.a["experience_consultant"], description="Andres krav")
    claims.claim_submit(claim=mine)
    page = english(world.a["representative"]).get(_url(world, "claims_mine")).content.decode()
    assert "Mitt krav" in page
    assert "Andres krav" not in page
    assert "857.00" in page  # waiting for approval


def test_an_experience_consultant_gets_a_message_not_claim_forms(world, english):
    ensure_rate(world.a)
    factories.assignment(world.a, user=world.a["experience_consultant"], paid=False)
    client = english(world.a["experience_consultant"])
    for name in ("claims_mine", "claim_create"):
        response = client.get(_url(world, name))
        assert response.status_code == 200
        page = response.content.decode()
        assert "As an experience consultant you are employed and paid a salary" in page
        assert '<form method="post" enctype' not in page
    response = client.post(_url(world, "claim_create"), {"description": "x"})
    assert response.status_code == 200
    assert not Claim.objects.exists()


def test_a_representative_without_a_paid_assignment_is_told_so(world, english):
    page = english(world.a["representative"]).get(_url(world, "claims_mine")).content.decode()
    assert "You have no assignment with an honorarium yet" in page


@pytest.mark.parametrize("role", ["user", "staff", "leader"])
def test_other_roles_have_no_claim_pages(world, english, role):
    assert english(world.a[role]).get(_url(world, "claims_mine")).status_code == 404
    assert english(world.a[role]).get(_url(world, "claim_create")).status_code == 404


# Pinned: session, user, MFA check, memberships and organisation (org_context), the
# paid-assignment check, the page count, the rates for the drafts' previews (read once), the
# page rows (assignment and rate joined), the totals (one aggregate), the bell and the
# navigation's memberships.
MY_CLAIMS_QUERIES = 12


@pytest.mark.parametrize("count", [3, 30])
def test_my_claims_has_a_fixed_number_of_queries(world, english, paid, count):
    for number in range(count):
        claim = draft(world.a, assignment=paid, description=f"Krav {number}")
        if number % 2:
            claims.claim_submit(claim=claim)
    client = english(world.a["representative"])
    with CaptureQueriesContext(connection) as queries:
        page = client.get(_url(world, "claims_mine"))
    assert page.status_code == 200
    assert len(queries) == MY_CLAIMS_QUERIES, "\n".join(q["sql"][:150] for q in queries)
