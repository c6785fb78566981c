"""Payroll exports: approved claims out once, files that add up, and never the same claim twice."""

from __future__ import annotations

import csv
import io
import threading
from collections.abc import Iterator
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from medvirk.accesslog.models import AccessAction, AccessLogEntry
from medvirk.representatives import claims, payroll
from medvirk.representatives.models import Claim, ClaimStatus, PayrollExport
from medvirk.representatives.tests.cross_org_honorarium import approved, draft, submitted


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def coordinator(world, client_for):
    client = client_for(world.a["coordinator"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _url(world, name: str, **kw) -> str:
    return reverse(f"representatives:{name}", kwargs={"org_slug": world.a.org.slug, **kw})


def _xlsx_rows(content: bytes) -> list[tuple]:
    sheet = load_workbook(io.BytesIO(content)).active
    return list(sheet.iter_rows(values_only=True))


def _approved_set(world):
    """Three approved claims of two people, plus claims that must stay out of the export."""
    first = approved(world.a, description="Møte 1")
    second = approved(world.a, description="Møte 2", minutes=25, travel_km=Decimal("0"))
    consultant = world.a["experience_consultant"]
    third = approved(world.a, user=consultant, description="Prosjektgruppe", minutes=180)
    submitted(world.a, description="Venter")  # not approved yet
    rejected = submitted(world.a, description="Avvist")
    claims.claim_reject(claim=rejected, decided_by=world.a["coordinator"], reason="Nei.")
    draft(world.a, description="Utkast")
    approved(world.b, description="Annen kommune")
    return [first, second, third]


def test_an_export_holds_every_approved_claim_and_its_xlsx_adds_up(world, coordinator):
    expected = _approved_set(world)
    total = sum((c.total for c in expected), Decimal("0"))

    page = coordinator.get(_url(world, "honorarium_payroll")).content.decode()
    assert "3 approved claims, NOK 2,424.00 in all" in page
    response = coordinator.post(_url(world, "honorarium_payroll"))
    export = PayrollExport.objects.get(organization=world.a.org)
    assert response.status_code == 302
    assert response["Location"] == _url(world, "honorarium_payroll_export", export_id=export.pk)
    assert (export.claim_count, export.total, export.created_by) == (
        3,
        total,
        world.a["coordinator"],
    )
    for claim in expected:
        claim.refresh_from_db()
        assert (claim.status, claim.export) == (ClaimStatus.EXPORTED, export)
    assert Claim.objects.filter(status=ClaimStatus.APPROVED, organization=world.a.org).count() == 0

    download = coordinator.get(
        _url(world, "honorarium_payroll_download", export_id=export.pk, fmt="xlsx")
    )
    assert download.status_code == 200
    assert download["Content-Type"] == payroll.XLSX_TYPE
    rows = _xlsx_rows(download.content)
    assert rows[0] == (
        "Name",
        "E-mail",
        "Date",
        "What",
        "Hours paid",
        "Fee",
        "Travel",
        "Lost earnings",
        "Total",
    )
    body, totals = rows[1:-1], rows[-1]
    assert sorted(row[3] for row in body) == ["Møte 1", "Møte 2", "Prosjektgruppe"]
    assert totals[0] == "Total"
    assert Decimal(str(totals[8])) == total == Decimal("2424.00")  # 857 + 355 + 1,212
    assert sum(Decimal(str(row[8])) for row in body) == total
    # Each row: fee + travel + lost earnings = total; hours from the paid minutes.
    for row in body:
        assert Decimal(str(row[5])) + Decimal(str(row[6])) + Decimal(str(row[7])) == Decimal(
            str(row[8])
        )
    by_what = {row[3]: row for row in body}
    assert by_what["Møte 2"][4] == 1  # 25 min, minimum one hour in person
    assert by_what["Møte 1"][1] == world.a["representative"].email


def test_a_second_export_repeats_none_of_the_first(world, coordinator):
    _approved_set(world)
    coordinator.post(_url(world, "honorarium_payroll"))
    first = PayrollExport.objects.get()

    # Nothing new approved: it says so and makes nothing.
    response = coordinator.post(_url(world, "honorarium_payroll"), follow=True)
    assert "There are no approved claims that have not been exported." in response.content.decode()
    assert PayrollExport.objects.count() == 1

    later = approved(world.a, description="Senere møte")
    coordinator.post(_url(world, "honorarium_payroll"))
    second = PayrollExport.objects.exclude(pk=first.pk).get()
    assert list(second.claims.all()) == [later]
    assert not set(first.claims.values_list("pk", flat=True)) & set(
        second.claims.values_list("pk", flat=True)
    )
    # Downloading the first again gives the same three claims, never the new one.
    rows = _xlsx_rows(
        coordinator.get(
            _url(world, "honorarium_payroll_download", export_id=first.pk, fmt="xlsx")
        ).content
    )
    assert len(rows) == 1 + 3 + 1
    assert "Senere møte" not in {row[3] for row in rows}
    csv_rows = list(
        csv.reader(
            io.StringIO(
                coordinator.get(
                    _url(world, "honorarium_payroll_download", export_id=second.pk, fmt="csv")
                ).content.decode()
            )
        )
    )
    assert [row[3] for row in csv_rows[1:]] == ["Senere møte"]
    assert csv_rows[1][8] == str(later.total)


def test_text_cells_are_guarded_against_formula_injection(world, coordinator):
    person = world.a["representative"]
    person.full_name = '=HYPERLINK("http://evil.example","Klikk")'
    person.save()
    approved(world.a, description="+SUM(A1:A9)")
    export = payroll.payroll_export_create(organization=world.a.org, created_by=world.a["admin"])
    assert export is not None
    rows = _xlsx_rows(payroll.export_xlsx(export, actor=world.a["admin"]))
    assert rows[1][0] == "'" + person.full_name
    assert rows[1][3] == "'+SUM(A1:A9)"
    text = payroll.export_csv(export, actor=world.a["admin"])
    row = next(csv.reader(io.StringIO(text.splitlines()[1])))
    assert row[0].startswith("'=")
    assert row[3].startswith("'+")


def test_making_and_downloading_exports_is_logged(world, coordinator):
    approved(world.a)
    coordinator.post(_url(world, "honorarium_payroll"))
    export = PayrollExport.objects.get()
    coordinator.get(_url(world, "honorarium_payroll_download", export_id=export.pk, fmt="csv"))
    entries = AccessLogEntry.objects.filter(
        actor=world.a["coordinator"], action=AccessAction.EXPORT, object_id=str(export.pk)
    )
    assert entries.count() == 2
    assert (
        coordinator.get(
            _url(world, "honorarium_payroll_download", export_id=export.pk, fmt="pdf")
        ).status_code
        == 404
    )


@pytest.mark.parametrize("role", ["representative", "leader", "staff"])
def test_only_coordinators_and_admins_export(world, client_for, role):
    approved(world.a)
    client = client_for(world.a[role])
    assert client.get(_url(world, "honorarium_payroll")).status_code == 404
    assert client.post(_url(world, "honorarium_payroll")).status_code == 404
    assert not PayrollExport.objects.exists()


def test_the_export_list_pages_and_the_empty_states(world, coordinator):
    page = coordinator.get(_url(world, "honorarium_payroll")).content.decode()
    assert "No approved claims are waiting." in page
    assert "No exports yet." in page
    page = coordinator.get(_url(world, "honorarium_payroll_exports")).content.decode()
    assert "No exports yet." in page


# Pinned: session, user, MFA check, memberships and organisation (org_context), the page count
# and rows of waiting claims (person joined), their sums (one aggregate), the latest exports
# (creator joined), the bell and the navigation's memberships.
PAYROLL_QUERIES = 11
# The list of exports: org_context, the page count and rows, bell and navigation.
EXPORTS_QUERIES = 9


@pytest.mark.parametrize("count", [3, 30])
def test_the_payroll_pages_have_a_fixed_number_of_queries(world, coordinator, count):
    for number in range(count):
        approved(world.a, description=f"Krav {number}")
        if number % 3 == 0:
            payroll.payroll_export_create(organization=world.a.org, created_by=world.a["admin"])
    approved(world.a, description="Venter")
    for name, pinned in (
        ("honorarium_payroll", PAYROLL_QUERIES),
        ("honorarium_payroll_exports", EXPORTS_QUERIES),
    ):
        with CaptureQueriesContext(connection) as queries:
            page = coordinator.get(_url(world, name))
        assert page.status_code == 200
        assert len(queries) == pinned, name + "\n" + "\n".join(q["sql"][:150] for q in queries)


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks need PostgreSQL (SQLite has none)"
)
@pytest.mark.django_db(transaction=True)
def test_two_coordinators_exporting_at_once_cannot_export_a_claim_twice(world):
    for number in range(5):
        approved(world.a, description=f"Krav {number}")
    barrier = threading.Barrier(2)
    results: list[PayrollExport | None] = []
    errors: list[BaseException] = []

    def press(who: str) -> None:
        try:
            barrier.wait()
            results.append(
                payroll.payroll_export_create(organization=world.a.org, created_by=world.a[who])
            )
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=press, args=(who,)) for who in ("coordinator", "admin")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    made = [export for export in results if export is not None]
    assert len(made) == 1
    assert made[0].claim_count == 5
    assert Claim.objects.filter(export=made[0]).count() == 5
    assert PayrollExport.objects.count() == 1
