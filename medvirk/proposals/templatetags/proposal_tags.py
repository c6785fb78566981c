"""Template helpers of proposals: masking personal data, status colours."""

from __future__ import annotations

from django import template

from medvirk.core.privacy import mask_personal_data
from medvirk.proposals.choices import Status

register = template.Library()

STATUS_COLORS = {
    Status.RECEIVED: "neutral",
    Status.CONSIDERING: "info",
    Status.PLANNED: "accent",
    Status.DONE: "success",
    Status.DECLINED: "warning",
}


@register.filter
def masked(text: str | None) -> str:
    """The text with national ID numbers, phone numbers and e-mail addresses replaced.

    For every page but triage: members and the public never see what a
    submitter wrote about themselves or others. The result is escaped as usual.
    """
    return mask_personal_data(str(text or ""))


@register.filter
def status_color(status: str) -> str:
    return STATUS_COLORS.get(Status(status), "neutral") if status else "neutral"


@register.filter
def status_label(status: str) -> str:
    return str(Status(status).label) if status else ""
