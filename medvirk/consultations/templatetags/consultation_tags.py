"""Template helpers of consultations: the background as sanitised Markdown, stage colours."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from medvirk.consultations.choices import Stage
from medvirk.questionnaires.rendering import markdown_html

register = template.Library()

STAGE_COLORS = {
    Stage.DRAFT: "neutral",
    Stage.UPCOMING: "info",
    Stage.OPEN: "success",
    Stage.CLOSED: "warning",
    Stage.OVERDUE: "danger",
    Stage.DECIDED: "accent",
}


@register.filter
def markdown(text: str) -> SafeString:
    """Markdown written by a coordinator, through the project's nh3 sanitiser (links, lists)."""
    return markdown_html(str(text or ""))


@register.filter
def stage_color(stage: str) -> str:
    return STAGE_COLORS.get(Stage(stage), "neutral") if stage else "neutral"


@register.filter
def stage_label(stage: str) -> str:
    return str(Stage(stage).label) if stage else ""
