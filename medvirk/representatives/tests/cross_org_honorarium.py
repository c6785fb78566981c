"""Cross-organisation cases of the honorarium pages (joined in cross_org.py).

The builders are also the honorarium tests' helpers: a rate, a claim in each
state, a claim with a receipt, an export.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from medvirk.core.testing import ObjectViewCase
from medvirk.representatives import claims, payroll
from medvirk.representatives.models import Claim, Rate
from medvirk.representatives.tests import factories

# The smallest files filetype recognises by their first bytes.
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def ensure_rate(world: Any, **kw: Any) -> Rate:
    """The organisation's rate from 2020 (355 an hour, half hours up, 1 h minimum, 3.50/km)."""
    found = Rate.objects.filter(
        organization=world.org, effective_from=kw.get("effective_from", datetime.date(2020, 1, 1))
    ).first()
    return found or factories.rate(world, **kw)


def draft(world: Any, *, user: Any = None, receipt: bool = False, **kw: Any) -> Claim:
    """A draft claim of the representative (by default) on a paid assignment, rate in place."""
    ensure_rate(world)
    person = user or world["representative"]
    assignment = kw.pop("assignment", None) or factories.assignment(world, user=person)
    claim = factories.claim(world, user=person, assignment=assignment, **kw)
    if receipt:
        claim.ticket_amount = Decimal("120.00")
        claim.ticket_receipt.save("kvittering.png", ContentFile(PNG), save=True)
    return claim


def submitted(world: Any, **kw: Any) -> Claim:
    return claims.claim_submit(claim=draft(world, **kw))


def approved(world: Any, **kw: Any) -> Claim:
    return claims.claim_approve(claim=submitted(world, **kw), decided_by=world["coordinator"])


def _draft(world: Any) -> dict[str, Any]:
    return {"claim_id": draft(world).pk}


def _draft_receipt(world: Any) -> dict[str, Any]:
    return {"claim_id": draft(world, receipt=True).pk, "kind": "receipt"}


def _submitted(world: Any) -> dict[str, Any]:
    return {"claim_id": submitted(world).pk}


def _submitted_receipt(world: Any) -> dict[str, Any]:
    return {"claim_id": submitted(world, receipt=True).pk, "kind": "receipt"}


def _future_rate(world: Any) -> dict[str, Any]:
    rate = factories.rate(world, effective_from=timezone.localdate() + datetime.timedelta(days=30))
    return {"rate_id": rate.pk}


def _export(world: Any) -> dict[str, Any]:
    approved(world)
    export = payroll.payroll_export_create(organization=world.org, created_by=world["coordinator"])
    assert export is not None
    return {"export_id": export.pk}


def _export_xlsx(world: Any) -> dict[str, Any]:
    return {**_export(world), "fmt": "xlsx"}


CASES: list[ObjectViewCase] = [
    # The representative's own claims.
    ObjectViewCase("representatives:claim_detail", _draft, role="representative"),
    ObjectViewCase("representatives:claim_edit", _draft, role="representative"),
    ObjectViewCase("representatives:claim_delete", _draft, role="representative"),
    ObjectViewCase("representatives:claim_submit", _draft, role="representative"),
    ObjectViewCase("representatives:claim_file", _draft_receipt, role="representative"),
    # Coordinators.
    ObjectViewCase("representatives:honorarium_rate_edit", _future_rate, role="coordinator"),
    ObjectViewCase("representatives:honorarium_rate_delete", _future_rate, role="coordinator"),
    ObjectViewCase("representatives:honorarium_claim", _submitted, role="coordinator"),
    ObjectViewCase("representatives:honorarium_claim_approve", _submitted, role="coordinator"),
    ObjectViewCase("representatives:honorarium_claim_reject", _submitted, role="coordinator"),
    ObjectViewCase("representatives:honorarium_claim_file", _submitted_receipt, role="coordinator"),
    ObjectViewCase("representatives:honorarium_payroll_export", _export, role="coordinator"),
    ObjectViewCase("representatives:honorarium_payroll_download", _export_xlsx, role="coordinator"),
]
