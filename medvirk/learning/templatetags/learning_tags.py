"""Template helpers for lessons: stored HTML, media addresses and labels."""

from __future__ import annotations

import re
from collections.abc import Iterable

from django import template
from django.conf import settings
from django.templatetags.static import static
from django.utils.safestring import SafeString, mark_safe

from medvirk.learning.choices import Audience, LessonKind

register = template.Library()

MEDIA_PREFIX = "learning/media/"
# nh3 writes attributes with double quotes; a relative src names a file in content/learning/media/.
_RELATIVE_IMG_SRC = re.compile(r'(<img\b[^>]*?\bsrc=")(?![a-z][a-z0-9+.-]*:|/)([^"]+)(")')


@register.filter
def media_url(src: str) -> str:
    """The address of a media file: web addresses as they are, file names as static files."""
    if not src or re.match(r"^https?://", src):
        return src
    try:
        return static(MEDIA_PREFIX + src)
    except ValueError:
        # The manifest storage refuses files it does not know; link them unversioned.
        return f"{settings.STATIC_URL}{MEDIA_PREFIX}{src}"


@register.filter
def lesson_html(html: str) -> SafeString:
    """Lesson HTML as stored (sanitised when loaded), with image files given their address."""
    rewritten = _RELATIVE_IMG_SRC.sub(
        lambda match: f"{match.group(1)}{media_url(match.group(2))}{match.group(3)}", html or ""
    )
    return mark_safe(rewritten)  # noqa: S308 — sanitised by nh3 when the module was loaded


@register.filter
def audience_labels(values: Iterable[str]) -> list[str]:
    labels = dict(Audience.choices)
    return [str(labels.get(value, value)) for value in values]


@register.filter
def kind_label(kind: str) -> str:
    return str(dict(LessonKind.choices).get(kind, kind))
