"""Markdown to safe HTML for lessons.

Markdown may contain raw HTML, and organisation modules are written by
people in the app, so every piece of HTML passes through nh3 with a short
list of tags and attributes before it is stored. Stored HTML is trusted by
the templates; nothing else is.
"""

from __future__ import annotations

import re

import markdown
import nh3

BLOCK_TAGS = frozenset(
    {
        "p",
        "br",
        "h2",
        "h3",
        "h4",
        "h5",
        "ul",
        "ol",
        "li",
        "blockquote",
        "pre",
        "hr",
        "img",
        "figure",
        "figcaption",
        "table",
        "caption",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "dl",
        "dt",
        "dd",
    }
)
INLINE_TAGS = frozenset(
    {
        "a",
        "abbr",
        "b",
        "cite",
        "code",
        "del",
        "em",
        "i",
        "ins",
        "kbd",
        "mark",
        "q",
        "small",
        "span",
        "strong",
        "sub",
        "sup",
    }
)
ATTRIBUTES: dict[str, set[str]] = {
    "*": {"lang"},
    "a": {"href", "title", "hreflang"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "ol": {"start"},
    "th": {"scope", "colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
# Whole elements whose content is never wanted as text.
DROP_WITH_CONTENT = frozenset({"script", "style", "iframe", "object", "embed", "template"})

_EXTENSIONS = ["extra", "sane_lists"]
# The lesson title is the page's first heading; headings inside a lesson come below it.
_HEADING = re.compile(r"<(/?)h([1-6])\b")
_OUTER_P = re.compile(r"^<p>(.*)</p>$", re.DOTALL)


def _shift_heading(match: re.Match[str]) -> str:
    level = max(int(match.group(2)) - 1, 2)
    return f"<{match.group(1)}h{level}"


def sanitise(html: str, *, inline: bool = False) -> str:
    """Keep only the tags and attributes lessons may use; links get rel=noopener."""
    tags = set(INLINE_TAGS) | (set() if inline else set(BLOCK_TAGS))
    attributes = {tag: attrs for tag, attrs in ATTRIBUTES.items() if tag == "*" or tag in tags}
    return nh3.clean(
        html,
        tags=tags,
        attributes=attributes,
        clean_content_tags=set(DROP_WITH_CONTENT),
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer",
    )


def render_markdown(text: str) -> str:
    """Render a lesson body: Markdown (with tables and footnotes) to sanitised HTML."""
    html = markdown.markdown(text, extensions=_EXTENSIONS, output_format="html")
    return sanitise(_HEADING.sub(_shift_heading, html)).strip()


def render_inline(text: str) -> str:
    """Render one line (a question, an option, feedback): inline Markdown only."""
    html = markdown.markdown(text.strip(), extensions=_EXTENSIONS, output_format="html").strip()
    match = _OUTER_P.match(html)
    if match:
        html = match.group(1)
    return sanitise(html, inline=True).strip()
