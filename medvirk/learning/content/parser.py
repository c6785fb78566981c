"""Read one learning module (YAML front matter + Markdown lessons) into plain data.

The format is described in docs/learning-content.md. The parser is strict:
every problem it finds is reported with the line it is on, and a module with
any problem is refused as a whole. Shipped files and modules written in the
app go through the same function, so an author sees the same messages.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.utils.translation import gettext as _

from medvirk.learning.choices import CONTENT_LANGUAGES, Audience, LessonKind
from medvirk.learning.content.errors import ContentError, ContentProblem
from medvirk.learning.content.rendering import render_inline, render_markdown

FRONT_MATTER_KEYS = ("id", "title", "summary", "audience", "minutes", "order")
MODULE_KEY = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MODULE_KEY_MAX_LENGTH = 80
TITLE_MAX_LENGTH = 200
SUMMARY_MAX_LENGTH = 600
MINUTES_RANGE = (1, 240)

# Which attributes each lesson type takes in its heading's {…}, and which are required.
LESSON_ATTRIBUTES: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    LessonKind.STORY: (frozenset(), frozenset()),
    LessonKind.VIDEO: (frozenset({"src", "captions"}), frozenset({"src", "captions"})),
    LessonKind.AUDIO: (frozenset({"src"}), frozenset({"src"})),
    LessonKind.REFLECTION: (frozenset(), frozenset()),
    LessonKind.QUIZ: (frozenset(), frozenset()),
    LessonKind.TIPS: (frozenset(), frozenset()),
}

_FENCE = re.compile(r"^\s{0,3}(```|~~~)")
_LESSON_HEADING = re.compile(r"^##(?!#)\s*(.*?)\s*#*\s*$")
_TOP_HEADING = re.compile(r"^#(?!#)")
_HEADING_SPEC = re.compile(r"^(?P<title>.*?)\s*\{(?P<spec>[^{}]*)\}$")
_SPEC = re.compile(r'^\s*(?P<kind>[a-z_]+)(?P<attrs>(?:\s+[a-z_]+="[^"]*")*)\s*$')
_SPEC_ATTR = re.compile(r'([a-z_]+)="([^"]*)"')
_IMAGE = re.compile(r"!\[(?P<alt>[^\]]*)\]\s*(?:\(\s*<?(?P<src>[^)\s>]*)|\[)")
_RAW_IMAGE = re.compile(r"<img\b", re.IGNORECASE)
_QUESTION = re.compile(r"^\?\s+(?P<text>.*)$")
_OPTION = re.compile(r"^\s*[-*+]\s+\[(?P<mark>[ xX])\]\s*(?P<rest>.*)$")
_CHECK_ITEM = re.compile(r"^[-*+]\s+\[[ xX]\]\s+(?P<text>.*\S)\s*$")
_WEB_ADDRESS = re.compile(r"^https?://\S+$")
_MEDIA_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*(?:/[A-Za-z0-9_][A-Za-z0-9_.-]*)*$")


@dataclass(frozen=True)
class ParsedOption:
    label_html: str
    is_correct: bool
    feedback_html: str


@dataclass(frozen=True)
class ParsedQuestion:
    prompt_html: str
    options: tuple[ParsedOption, ...]
    line: int

    @property
    def is_multiple(self) -> bool:
        """More than one correct option makes a multiple-choice question."""
        return sum(option.is_correct for option in self.options) > 1


@dataclass(frozen=True)
class ParsedLesson:
    kind: str
    title: str
    html: str
    line: int
    media_src: str = ""
    media_captions: str = ""
    questions: tuple[ParsedQuestion, ...] = ()
    # Tips only: the text and checklists in reading order, as
    # {"html": "..."} and {"checklist": [{"index": 0, "html": "..."}, ...]}.
    blocks: tuple[dict[str, Any], ...] = ()

    @property
    def checklist_size(self) -> int:
        return sum(len(block.get("checklist", [])) for block in self.blocks)


@dataclass(frozen=True)
class ParsedModule:
    key: str
    language: str
    title: str
    summary: str
    audience: tuple[str, ...]
    minutes: int
    order: int
    lessons: tuple[ParsedLesson, ...]
    content_hash: str
    source_text: str
    key_line: int = 2


@dataclass
class _RawLesson:
    heading: str
    line: int
    body: list[tuple[int, str]] = field(default_factory=list)


class _Problems:
    def __init__(self) -> None:
        self.items: list[ContentProblem] = []

    def add(self, line: int, message: str) -> None:
        self.items.append(ContentProblem(line=line, message=message))

    def __bool__(self) -> bool:
        return bool(self.items)


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def parse_file(path: Path, *, root: Path, display_name: str | None = None) -> ParsedModule:
    """Parse a module file under ``root`` (content/learning/); its folder is its language."""
    name = display_name or str(path)
    relative = path.relative_to(root)
    if len(relative.parts) != 2 or relative.parts[0] not in CONTENT_LANGUAGES:
        raise ContentError(
            name,
            [
                ContentProblem(
                    1,
                    _("A module file must be in a language folder: %(folders)s.")
                    % {"folders": ", ".join(CONTENT_LANGUAGES)},
                )
            ],
        )
    return parse_module(
        path.read_bytes(), filename=name, language=relative.parts[0], media_dir=root / "media"
    )


def parse_module(
    data: bytes | str,
    *,
    filename: str,
    language: str,
    media_dir: Path | None = None,
    local_media: bool = True,
) -> ParsedModule:
    """Parse one module, or raise ``ContentError`` listing every problem with its line.

    ``media_dir`` is where files named in the module must exist (not checked
    when ``None``). Without ``local_media`` (modules written in the app, which
    have no files) images and media must be web addresses.
    """
    raw = data.encode("utf-8") if isinstance(data, str) else data
    digest = content_hash(raw)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ContentError(
            filename, [ContentProblem(line, _("The file is not UTF-8 text."))]
        ) from exc
    text = text.removeprefix("\ufeff")
    lines = text.splitlines()
    problems = _Problems()

    front, body_start = _split_front_matter(lines, problems)
    if front is None:
        raise ContentError(filename, problems.items)
    meta, key_line = _read_front_matter(front, problems)
    if problems or meta is None:
        raise ContentError(filename, problems.items)

    media = _MediaRules(media_dir=media_dir, local_media=local_media)
    raw_lessons = _split_lessons(lines, body_start, problems)
    if not raw_lessons and not problems:
        problems.add(
            min(body_start + 1, len(lines) + 1) if lines else 1,
            _("A module needs at least one lesson: start each lesson with a “## ” heading."),
        )
    lessons = tuple(
        lesson
        for raw_lesson in raw_lessons
        if (lesson := _parse_lesson(raw_lesson, problems, media)) is not None
    )
    if problems:
        raise ContentError(filename, problems.items)
    return ParsedModule(
        key=meta["id"],
        language=language,
        title=meta["title"].strip(),
        summary=meta["summary"].strip(),
        audience=tuple(meta["audience"]),
        minutes=meta["minutes"],
        order=meta["order"],
        lessons=lessons,
        content_hash=digest,
        source_text=text,
        key_line=key_line,
    )


# --- Front matter --------------------------------------------------------------------


def _split_front_matter(lines: list[str], problems: _Problems) -> tuple[str | None, int]:
    """Return the front matter's text and the index of the first line after it."""
    if not lines or lines[0].strip() != "---":
        problems.add(
            1,
            _(
                "The module must start with front matter: a line “---”, the keys id, "
                "title, summary, audience, minutes and order, and another line “---”."
            ),
        )
        return None, 0
    for index in range(1, len(lines)):
        if lines[index].strip() in ("---", "..."):
            return "\n".join(lines[1:index]), index + 1
    problems.add(1, _("The front matter is not closed: add a line “---” after it."))
    return None, 0


def _yaml_line(node: yaml.Node) -> int:
    # Front matter starts on the file's second line; marks count from zero.
    return node.start_mark.line + 2


def _read_front_matter(front: str, problems: _Problems) -> tuple[dict[str, Any] | None, int]:
    try:
        root = yaml.compose(front, Loader=yaml.SafeLoader)
        values = yaml.safe_load(front)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        problem = getattr(exc, "problem", None) or str(exc)
        problems.add(
            line,
            _("The front matter is not valid YAML: %(problem)s.") % {"problem": problem},
        )
        return None, 1
    if not isinstance(root, yaml.MappingNode) or not isinstance(values, dict):
        problems.add(2, _("The front matter must be keys and values, such as “id: my-module”."))
        return None, 1

    lines: dict[str, int] = {}
    nodes: dict[str, yaml.Node] = {}
    for key_node, value_node in root.value:
        key = str(key_node.value)
        line = _yaml_line(key_node)
        if key in lines:
            problems.add(line, _("The key “%(key)s” appears twice.") % {"key": key})
            continue
        lines[key] = line
        nodes[key] = value_node
        if key not in FRONT_MATTER_KEYS:
            problems.add(
                line,
                _("Unknown key “%(key)s” in the front matter. The keys are: %(keys)s.")
                % {"key": key, "keys": ", ".join(FRONT_MATTER_KEYS)},
            )
    for key in FRONT_MATTER_KEYS:
        if key not in lines:
            problems.add(1, _("The front matter lacks the key “%(key)s”.") % {"key": key})
    if problems:
        return None, lines.get("id", 2)

    module_id = values["id"]
    if (
        not isinstance(module_id, str)
        or not MODULE_KEY.match(module_id)
        or len(module_id) > MODULE_KEY_MAX_LENGTH
    ):
        problems.add(
            lines["id"],
            _(
                "The id must be lowercase letters, digits and hyphens, such as "
                "“what-is-participation” (at most %(max)s characters)."
            )
            % {"max": MODULE_KEY_MAX_LENGTH},
        )
    for key, limit in (("title", TITLE_MAX_LENGTH), ("summary", SUMMARY_MAX_LENGTH)):
        value = values[key]
        if not isinstance(value, str) or not value.strip():
            problems.add(
                lines[key],
                _("“%(key)s” must be text (put it in quotes if it looks like a number).")
                % {"key": key},
            )
        elif len(value.strip()) > limit:
            problems.add(
                lines[key],
                _("“%(key)s” is too long: at most %(max)s characters.")
                % {"key": key, "max": limit},
            )
    _check_audience(values["audience"], nodes["audience"], lines["audience"], problems)
    minutes = values["minutes"]
    low, high = MINUTES_RANGE
    if not _is_int(minutes) or not low <= minutes <= high:
        problems.add(
            lines["minutes"],
            _("“minutes” must be a whole number from %(low)s to %(high)s.")
            % {"low": low, "high": high},
        )
    if not _is_int(values["order"]):
        problems.add(lines["order"], _("“order” must be a whole number."))
    return values, lines["id"]


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_audience(value: object, node: yaml.Node, line: int, problems: _Problems) -> None:
    known = ", ".join(Audience.values)
    if not isinstance(value, list) or not value or not isinstance(node, yaml.SequenceNode):
        problems.add(
            line,
            _("“audience” must be a list of one or more of: %(known)s.") % {"known": known},
        )
        return
    for item, item_node in zip(value, node.value, strict=True):
        if item not in Audience.values:
            problems.add(
                _yaml_line(item_node),
                _("Unknown audience “%(audience)s”. Use one or more of: %(known)s.")
                % {"audience": item, "known": known},
            )


# --- Lessons -------------------------------------------------------------------------


def _outside_fences(lines: list[tuple[int, str]]) -> Iterator[tuple[int, str, bool]]:
    """Yield each line with whether it is outside a fenced code block."""
    fence: str | None = None
    for number, text in lines:
        match = _FENCE.match(text)
        if match:
            marker = match.group(1)
            if fence is None:
                fence = marker
                yield number, text, False
                continue
            if fence == marker:
                fence = None
                yield number, text, False
                continue
        yield number, text, fence is None


def _split_lessons(lines: list[str], start: int, problems: _Problems) -> list[_RawLesson]:
    lessons: list[_RawLesson] = []
    numbered = [(index + 1, lines[index]) for index in range(start, len(lines))]
    reported_preamble = False
    for number, text, outside in _outside_fences(numbered):
        heading = _LESSON_HEADING.match(text) if outside else None
        if heading:
            lessons.append(_RawLesson(heading=heading.group(1), line=number))
            continue
        if outside and _TOP_HEADING.match(text):
            problems.add(
                number,
                _(
                    "A “# ” heading is not allowed: lessons start with “## ”, and "
                    "headings inside a lesson with “### ”."
                ),
            )
            continue
        if not lessons:
            if text.strip() and not reported_preamble:
                problems.add(
                    number,
                    _(
                        "Text before the first lesson: every lesson starts with a "
                        "“## ” heading, and the module's description goes in “summary”."
                    ),
                )
                reported_preamble = True
            continue
        lessons[-1].body.append((number, text))
    return lessons


@dataclass(frozen=True)
class _MediaRules:
    media_dir: Path | None
    local_media: bool

    def check(self, src: str, line: int, problems: _Problems) -> None:
        if _WEB_ADDRESS.match(src):
            return
        if not _MEDIA_NAME.match(src) or ".." in src.split("/"):
            problems.add(
                line,
                _(
                    "“%(src)s” is neither a file name in content/learning/media/ nor a web "
                    "address starting with https://."
                )
                % {"src": src},
            )
            return
        if not self.local_media:
            problems.add(
                line,
                _(
                    "A module written in Medvirk can only show images and media from a web "
                    "address (https://…), not “%(src)s”."
                )
                % {"src": src},
            )
            return
        if self.media_dir is not None and not (self.media_dir / src).is_file():
            problems.add(
                line,
                _("The media file “%(src)s” is not in content/learning/media/.") % {"src": src},
            )


def _lesson_spec(raw: _RawLesson, problems: _Problems) -> tuple[str, str, dict[str, str]] | None:
    """Return (title, kind, attributes) of a lesson heading."""
    match = _HEADING_SPEC.match(raw.heading)
    if not match:
        title, kind, attributes = raw.heading, str(LessonKind.STORY), {}
    else:
        title = match.group("title")
        spec = _SPEC.match(match.group("spec"))
        if not spec:
            problems.add(
                raw.line,
                _(
                    "Cannot read the lesson type “{%(spec)s}”: write the type and then "
                    'attributes in quotes, such as {video src="film.mp4" captions="film.vtt"}.'
                )
                % {"spec": match.group("spec")},
            )
            return None
        kind = spec.group("kind")
        attributes = dict(_SPEC_ATTR.findall(spec.group("attrs")))
    if kind not in LESSON_ATTRIBUTES:
        problems.add(
            raw.line,
            _(
                "Unknown lesson type “%(kind)s”. Use video, audio, reflection, quiz or tips "
                "(a lesson without a type is a story)."
            )
            % {"kind": kind},
        )
        return None
    allowed, required = LESSON_ATTRIBUTES[kind]
    ok = True
    for name in sorted(set(attributes) - allowed):
        problems.add(
            raw.line,
            _("A lesson of type “%(kind)s” has no attribute “%(name)s”.")
            % {"kind": kind, "name": name},
        )
        ok = False
    for name in sorted(required - {key for key, value in attributes.items() if value.strip()}):
        problems.add(
            raw.line,
            _('A lesson of type “%(kind)s” needs %(name)s="…" in its heading.')
            % {"kind": kind, "name": name},
        )
        ok = False
    if not title.strip():
        problems.add(raw.line, _("The lesson has no title after “## ”."))
        ok = False
    return (title.strip(), kind, attributes) if ok else None


def _check_images(raw: _RawLesson, problems: _Problems, media: _MediaRules) -> None:
    for number, text, outside in _outside_fences(raw.body):
        if not outside:
            continue
        for image in _IMAGE.finditer(text):
            if not image.group("alt").strip():
                problems.add(
                    number,
                    _("An image needs alternative text: write ![what the image shows](file)."),
                )
            src = image.group("src")
            if src:
                media.check(src, number, problems)
        if _RAW_IMAGE.search(text):
            problems.add(
                number,
                _("Write images as ![alternative text](file), not as an HTML <img> tag."),
            )


def _body_text(raw: _RawLesson) -> str:
    return "\n".join(text for _, text in raw.body).strip()


def _parse_lesson(raw: _RawLesson, problems: _Problems, media: _MediaRules) -> ParsedLesson | None:
    spec = _lesson_spec(raw, problems)
    _check_images(raw, problems, media)
    if spec is None:
        return None
    title, kind, attributes = spec
    body = _body_text(raw)
    if kind in (LessonKind.VIDEO, LessonKind.AUDIO):
        for name in ("src", "captions"):
            if attributes.get(name):
                media.check(attributes[name], raw.line, problems)
        if not body:
            problems.add(
                raw.line,
                _(
                    "A lesson of type “%(kind)s” needs a transcript: write it as the "
                    "lesson's text under the heading."
                )
                % {"kind": kind},
            )
            return None
        return ParsedLesson(
            kind=kind,
            title=title,
            html=render_markdown(body),
            line=raw.line,
            media_src=attributes["src"],
            media_captions=attributes.get("captions", ""),
        )
    if kind == LessonKind.QUIZ:
        return _parse_quiz(raw, title, problems)
    if not body:
        problems.add(raw.line, _("The lesson “%(title)s” has no text.") % {"title": title})
        return None
    if kind == LessonKind.TIPS:
        return ParsedLesson(
            kind=kind,
            title=title,
            html=render_markdown(body),
            line=raw.line,
            blocks=_tips_blocks(raw),
        )
    return ParsedLesson(kind=kind, title=title, html=render_markdown(body), line=raw.line)


@dataclass
class _Question:
    text: str
    line: int
    options: list[tuple[bool, str, list[str], int]] = field(default_factory=list)


def _parse_quiz(raw: _RawLesson, title: str, problems: _Problems) -> ParsedLesson | None:
    intro: list[str] = []
    questions: list[_Question] = []
    for number, text, _outside in _outside_fences(raw.body):
        question = _QUESTION.match(text)
        option = _OPTION.match(text)
        if question:
            if not question.group("text").strip():
                problems.add(number, _("The question has no text after “? ”."))
            questions.append(_Question(text=question.group("text").strip(), line=number))
        elif option:
            if not questions:
                problems.add(
                    number, _("An option must come after a question (a line starting “? ”).")
                )
                continue
            label, separator, feedback = option.group("rest").partition("::")
            if not label.strip():
                problems.add(number, _("The option has no text."))
            if not separator or not feedback.strip():
                problems.add(
                    number,
                    _(
                        "Every option needs feedback: write the option, “ :: ” and what "
                        "the learner is told when choosing it."
                    ),
                )
            questions[-1].options.append(
                (option.group("mark") in "xX", label.strip(), [feedback.strip()], number)
            )
        elif not text.strip():
            continue
        elif not questions:
            intro.append(text)
        elif text[:1] in (" ", "\t") and questions[-1].options:
            # An indented line continues the previous option's feedback.
            questions[-1].options[-1][2].append(text.strip())
        else:
            problems.add(
                number,
                _(
                    "Unexpected text in a quiz: a question starts with “? ”, an option "
                    "with “- [x]” (correct) or “- [ ]”."
                ),
            )
    if not questions:
        problems.add(raw.line, _("A quiz needs at least one question: a line starting with “? ”."))
        return None
    parsed: list[ParsedQuestion] = []
    for item in questions:
        if len(item.options) < 2:
            problems.add(item.line, _("A question needs at least two options."))
        if not any(correct for correct, *_rest in item.options):
            problems.add(
                item.line,
                _("A question needs at least one correct option, marked “- [x]”."),
            )
        parsed.append(
            ParsedQuestion(
                prompt_html=render_inline(item.text),
                line=item.line,
                options=tuple(
                    ParsedOption(
                        label_html=render_inline(label),
                        is_correct=correct,
                        feedback_html=render_inline(" ".join(feedback)),
                    )
                    for correct, label, feedback, _line in item.options
                ),
            )
        )
    return ParsedLesson(
        kind=LessonKind.QUIZ.value,
        title=title,
        html=render_markdown("\n".join(intro)) if intro else "",
        line=raw.line,
        questions=tuple(parsed),
    )


def _tips_blocks(raw: _RawLesson) -> tuple[dict[str, Any], ...]:
    """Split tips into text and checklists, keeping their order.

    A task-list item (``- [ ] …``) at the start of a line becomes a checklist
    item the learner can tick; items separated only by blank lines stay in one
    checklist. Items are numbered across the lesson: ticks are stored by number.
    """
    blocks: list[dict[str, Any]] = []
    text: list[str] = []
    items: list[list[str]] = []
    pending_blank = 0
    index = 0

    def flush_text() -> None:
        body = "\n".join(text).strip()
        if body:
            blocks.append({"html": render_markdown(body)})
        text.clear()

    def flush_items() -> None:
        nonlocal index
        if items:
            checklist = []
            for parts in items:
                checklist.append({"index": index, "html": render_inline(" ".join(parts))})
                index += 1
            blocks.append({"checklist": checklist})
            items.clear()

    for _number, line, outside in _outside_fences(raw.body):
        item = _CHECK_ITEM.match(line) if outside else None
        if item:
            if not items:
                flush_text()
            items.append([item.group("text")])
            pending_blank = 0
        elif items and not line.strip():
            pending_blank += 1
        elif items and not pending_blank and line[:1] in (" ", "\t"):
            items[-1].append(line.strip())
        else:
            flush_items()
            text.extend([""] * pending_blank)
            pending_blank = 0
            text.append(line)
    flush_items()
    flush_text()
    return tuple(blocks)
