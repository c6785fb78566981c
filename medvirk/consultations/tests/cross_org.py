"""Organisation-scoped object URLs of this app, for tests/test_cross_organisation.py.

Each case builds an open consultation asking all representatives, so that
both the coordinator and a representative of the owning organisation can
open it; the same role in another organisation must get 404.
"""

from __future__ import annotations

from typing import Any

from django.core.files.base import ContentFile

from medvirk.consultations.models import ConsultationDocument
from medvirk.consultations.tests.factories import consultation
from medvirk.core.testing import ObjectViewCase

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def _consultation(world: Any) -> dict[str, Any]:
    return {"consultation_id": consultation(world.org, world["coordinator"]).pk}


def _document(world: Any) -> dict[str, Any]:
    made = consultation(world.org, world["coordinator"])
    document = ConsultationDocument(
        consultation=made,
        title="Saksframlegg",
        filename="sak.pdf",
        content_type="application/pdf",
        size=len(PDF),
    )
    document.file.save("sak.pdf", ContentFile(PDF), save=True)
    return {"consultation_id": made.pk, "document_id": document.pk}


CASES = [
    ObjectViewCase("consultations:detail", _consultation, role="representative"),
    ObjectViewCase("consultations:edit", _consultation, role="coordinator"),
    ObjectViewCase("consultations:publish", _consultation, role="coordinator"),
    ObjectViewCase("consultations:respond", _consultation, role="representative"),
    ObjectViewCase("consultations:responses", _consultation, role="coordinator"),
    ObjectViewCase("consultations:decision", _consultation, role="coordinator"),
    ObjectViewCase("consultations:documents", _consultation, role="coordinator"),
    ObjectViewCase("consultations:document", _document, role="representative"),
    ObjectViewCase("consultations:document_delete", _document, role="coordinator"),
]
