"""Render a message's templates in one language.

A message is a folder ``templates/notifications/email/<message>/`` with
``subject.txt``, ``body.txt`` and ``body.html``. The text templates are
rendered without HTML escaping (they end up in plain-text e-mail and in the
app through ``linebreaks``, which escapes); ``body.html`` is escaped as usual.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, cast

from django.template import Context, engines
from django.template.backends.django import DjangoTemplates
from django.utils import translation

MESSAGE_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
TEMPLATE_ROOT = "notifications/email"
SUBJECT_MAX_LENGTH = 255


@dataclass(frozen=True)
class RenderedMessage:
    subject: str
    text: str
    html: str


def _engine() -> DjangoTemplates:
    return cast(DjangoTemplates, engines["django"])


def render_text(template_name: str, context: dict[str, Any]) -> str:
    """Render a plain-text template: no HTML escaping, surrounding blank space removed."""
    template = _engine().engine.get_template(template_name)
    return template.render(Context(context, autoescape=False)).strip()


def render_html(template_name: str, context: dict[str, Any]) -> str:
    template = _engine().engine.get_template(template_name)
    return template.render(Context(context)).strip()


def render_message(message: str, context: dict[str, Any], *, language: str) -> RenderedMessage:
    """Render the subject, text and HTML of ``message`` with ``language`` active."""
    # The name becomes part of a template path: allow nothing that could leave the folder.
    if not MESSAGE_NAME.match(message):
        raise ValueError(f"Not a message name: {message!r}")
    folder = f"{TEMPLATE_ROOT}/{message}"
    with translation.override(language):
        subject = render_text(f"{folder}/subject.txt", context)
        text = render_text(f"{folder}/body.txt", context)
        html = render_html(f"{folder}/body.html", context)
    # A subject is one header line: newlines would be refused by the mail library.
    subject = " ".join(subject.split())[:SUBJECT_MAX_LENGTH]
    return RenderedMessage(subject=subject, text=text, html=html)
