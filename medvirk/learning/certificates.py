"""Certificates of completed modules, drawn as PDF by WeasyPrint."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import HTML

from medvirk.learning.models import Module, ModuleProgress
from medvirk.organizations.access import OrgContext


def certificate_pdf(*, context: OrgContext, module: Module, progress: ModuleProgress) -> bytes:
    """The certificate: who, which module, when and where, on one A4 page."""
    assert progress.completed_at is not None
    html = render_to_string(
        "learning/certificate.html",
        {
            "person": context.user.get_full_name(),
            "module": module,
            "organization": context.organization,
            "completed_on": timezone.localdate(progress.completed_at),
        },
    )
    # No base_url: the certificate loads nothing from the network or the disk.
    pdf: bytes = HTML(string=html).write_pdf()
    return pdf
