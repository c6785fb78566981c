"""Approved claims out to payroll, once: the export and its CSV and XLSX files.

``payroll_export_create`` takes every approved claim not yet exported, in one
transaction: the claims are locked (``select_for_update``) so that two
coordinators pressing "Create export" at once cannot both take the same claim
— the second waits, then finds the claims already exported and gets nothing.
Each claim is marked ``EXPORTED`` and points at its export, so an export's
files always hold the same claims and downloading again never adds any.

The files have one row per claim (person, e-mail, date, what, hours paid,
fee, travel, lost earnings, total); the XLSX ends with a totals row. Text
cells are guarded against formula injection (a name like ``=HYPERLINK(…)``
is written as text). Creating an export and every download are written to
the access log: the files hold people's names, e-mail and payments.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from medvirk.accesslog.models import AccessAction
from medvirk.accesslog.services import log_access
from medvirk.questionnaires.export import escape_formula
from medvirk.representatives import claims_selectors as selectors
from medvirk.representatives.models import Claim, ClaimStatus, PayrollExport

if TYPE_CHECKING:
    import datetime

    from medvirk.accounts.models import User
    from medvirk.organizations.models import Organization

FORMATS = ("csv", "xlsx")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HOURS = Decimal("0.01")


@transaction.atomic
def payroll_export_create(*, organization: Organization, created_by: User) -> PayrollExport | None:
    """Export every approved claim not exported yet; None (and nothing made) if there is none."""
    claims = list(
        Claim.objects.select_for_update()
        .filter(organization=organization, status=ClaimStatus.APPROVED, export__isnull=True)
        .order_by("pk")
        .only("pk", "total")
    )
    if not claims:
        return None
    export = PayrollExport.objects.create(
        organization=organization,
        created_by=created_by,
        claim_count=len(claims),
        total=sum((claim.total for claim in claims), Decimal("0")),
    )
    marked = Claim.objects.filter(
        pk__in=[claim.pk for claim in claims],
        status=ClaimStatus.APPROVED,
        export__isnull=True,
    ).update(status=ClaimStatus.EXPORTED, export=export, updated_at=timezone.now())
    if marked != len(claims):  # cannot happen under the lock; never export half
        raise RuntimeError("Claims changed while they were being exported.")
    log_access(
        actor=created_by,
        action=AccessAction.EXPORT,
        organization=organization,
        obj=export,
        object_label=_("Payroll export %(number)s") % {"number": export.pk},
    )
    return export


# --- The files ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    name: str
    email: str
    worked_on: datetime.date
    description: str
    hours: Decimal
    fee: Decimal
    travel: Decimal
    lost_earnings: Decimal
    total: Decimal

    def cells(self) -> list[Any]:
        return [
            escape_formula(self.name),
            escape_formula(self.email),
            self.worked_on,
            escape_formula(self.description),
            self.hours,
            self.fee,
            self.travel,
            self.lost_earnings,
            self.total,
        ]


def header() -> list[str]:
    return [
        _("Name"),
        _("E-mail"),
        _("Date"),
        _("What"),
        _("Hours paid"),
        _("Fee"),
        _("Travel"),
        _("Lost earnings"),
        _("Total"),
    ]


def rows(export: PayrollExport) -> list[Row]:
    return [
        Row(
            name=claim.user.full_name or claim.user.email,
            email=claim.user.email,
            worked_on=claim.worked_on,
            description=claim.description,
            hours=(Decimal(claim.paid_minutes) / 60).quantize(HOURS),
            fee=claim.fee,
            travel=claim.travel,
            lost_earnings=claim.total - claim.fee - claim.travel,
            total=claim.total,
        )
        for claim in selectors.export_claims(export)
    ]


def _log_download(export: PayrollExport, actor: User, fmt: str) -> None:
    log_access(
        actor=actor,
        action=AccessAction.EXPORT,
        organization=export.organization,
        obj=export,
        object_label=_("Payroll export %(number)s (%(format)s)")
        % {"number": export.pk, "format": fmt.upper()},
    )


def export_csv(export: PayrollExport, *, actor: User) -> str:
    _log_download(export, actor, "csv")
    output = io.StringIO()
    writer = csv.writer(output)
    writer.writerow(header())
    for row in rows(export):
        writer.writerow(
            [value.isoformat() if hasattr(value, "isoformat") else value for value in row.cells()]
        )
    return output.getvalue()


def export_xlsx(export: PayrollExport, *, actor: User) -> bytes:
    _log_download(export, actor, "xlsx")
    found = rows(export)
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = _("Payroll")[:31]
    sheet.append(header())
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in found:
        sheet.append(row.cells())
    totals = [
        _("Total"),
        "",
        None,
        "",
        sum((row.hours for row in found), Decimal("0")),
        sum((row.fee for row in found), Decimal("0")),
        sum((row.travel for row in found), Decimal("0")),
        sum((row.lost_earnings for row in found), Decimal("0")),
        sum((row.total for row in found), Decimal("0")),
    ]
    sheet.append(totals)
    last = sheet.max_row
    for cell in sheet[last]:
        cell.font = Font(bold=True)
    for row_cells in sheet.iter_rows(min_row=2, max_row=last):
        row_cells[2].number_format = "yyyy-mm-dd"
        for cell in row_cells[4:]:
            cell.number_format = "0.00"
    for letter, width in zip("ABCDEFGHI", (28, 32, 12, 40, 12, 12, 12, 14, 12), strict=True):
        sheet.column_dimensions[letter].width = width
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def export_filename(export: PayrollExport, fmt: str) -> str:
    return f"payroll-{export.pk}-{timezone.localdate(export.created_at):%Y-%m-%d}.{fmt}"
