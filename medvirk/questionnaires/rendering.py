"""One page of a questionnaire as an HTML form, and what was posted back.

``QuestionnaireForm`` turns a parsed ``Definition`` and the current answer
state (QuestionnaireResponse ``item`` JSON) into a tree of *instances*: one
node per group instance or per answer slot of a repeating question, each
with a field name derived from positions (``q-0_1-2_0``: top-level item 0,
instance 1, its child 2, instance 0), so names stay valid whatever
characters a linkId holds and stable while the form is filled.

The whole questionnaire is built, not only the page shown: enableWhen may
look at answers on other pages, and ``response_items()`` returns the full
answer state — the posted page merged into the stored answers of the other
pages, answers of disabled items removed.

The markup lives in templates (``templates/questionnaires/fill/``) so that it
can be changed in one place: ``render()`` turns the instances shown on the page
into a small render tree (``QuestionView``, ``GroupView``, ``RepeatView``,
``DisplayView``) and renders ``_fields.html`` with it once. The templates
follow ``templates/django/forms/field.html`` and ``div.html``: the same
Designsystemet classes, the "Required" tag in the label, descriptions and errors
linked with ``aria-describedby`` and an error summary linking to each field.
Every text from the definition reaches them as plain text, which they escape, or
as Markdown already rendered through nh3 with a short list of tags
(``markdown_html``).
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import re
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any, ClassVar

import markdown
import nh3
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.http import QueryDict
from django.template.loader import get_template
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from medvirk.core.uploads import check_upload, type_names
from medvirk.questionnaires.definition import Definition, Item, Option
from medvirk.questionnaires.enablewhen import (
    Answers,
    instance_scope,
    is_enabled,
    value_of_answer,
)

# Never more instances of a repeating item than this, whatever maxOccurs says.
MAX_REPEATS = 50
# A limit for free text when the form sets none, so that a draft stays a sensible size.
MAX_TEXT_LENGTH = 20_000
DEFAULT_MAX_FILE_SIZE = 10 * 1024 * 1024
DEFAULT_MIME_TYPES = ("application/pdf", "image/png", "image/jpeg")
_MIME_EXTENSIONS = {
    "application/pdf": ".pdf",
    "image/png": ".png",
    "image/jpeg": ".jpg,.jpeg",
    "image/gif": ".gif",
    "image/webp": ".webp",
    "image/heic": ".heic",
    "text/plain": ".txt",
}
# helsenorge's scoring codes whose value is computed, never typed.
_COMPUTED_CODES = frozenset({"SS", "TS"})
_SCORE_UNIT_SYSTEM = "http://ehelse.no/Score"
_SLIDER_LABELS = "http://helsenorge.no/fhir/CodeSystem/SliderLabels"
_KEY = re.compile(r"^\d+(?:_\d+-\d+)*(?:_\d+)?$")
_ONE_LINE = {"string", "url", "reference"}
_PLAIN_NUMBER = re.compile(r"^[+-]?(?:\d+\.?\d*|\.\d+)$")
# FHIR integer is 32-bit; a decimal beyond this loses digits as a JSON number.
_MAX_INTEGER = 2_147_483_647
_MAX_DECIMAL = Decimal("1e15")


# --- Markdown ------------------------------------------------------------------------------

_INLINE_TAGS = frozenset({"a", "b", "strong", "i", "em", "code", "br", "sub", "sup", "small"})
_BLOCK_TAGS = _INLINE_TAGS | {"p", "ul", "ol", "li", "blockquote"}
_PARAGRAPH_BREAK = re.compile(r"</p>\s*<p>")
_OUTER_P = re.compile(r"^<p>(.*)</p>$", re.DOTALL)


@lru_cache(maxsize=8192)
def markdown_html(text: str, inline: bool = False) -> SafeString:
    """Markdown from a questionnaire as safe HTML: basic formatting and links only.

    Cached because the same labels are rendered on every request.
    """
    html = markdown.markdown(text.strip(), extensions=["sane_lists"], output_format="html")
    html = html.strip()
    if inline:
        html = _PARAGRAPH_BREAK.sub("<br>", html)
        match = _OUTER_P.match(html)
        if match:
            html = match.group(1)
    cleaned = nh3.clean(
        html,
        tags=set(_INLINE_TAGS if inline else _BLOCK_TAGS),
        attributes={"a": {"href", "title"}},
        clean_content_tags={"script", "style", "iframe", "object", "embed", "template"},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
        # A link followed from a half-filled form must not lose what was typed.
        set_tag_attribute_values={"a": {"target": "_blank"}},
    ).strip()
    return SafeString(cleaned)  # sanitised by nh3 above


_EMPTY = SafeString("")


def _plain_html(text: str) -> SafeString:
    """Plain text as HTML: escaped, line breaks kept."""
    return SafeString(escape(text).replace("\n", "<br>"))


def _text_html(item: Item) -> SafeString:
    """The item's text (Markdown when the form gives it) as safe HTML, without the prefix."""
    return markdown_html(item.markdown, True) if item.markdown else _plain_html(item.text.strip())


def label_html(item: Item) -> SafeString:
    """The item's label: prefix and text (Markdown when the form gives it)."""
    if item.prefix:
        return format_html('<span class="q-prefix">{}</span> {}', item.prefix, _text_html(item))
    return _text_html(item)


# --- Answers as text -----------------------------------------------------------------------


def _number_text(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        return ""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    text = format(number, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def _local_datetime_text(value: str) -> str:
    """A stored dateTime as the value of a ``datetime-local`` input."""
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value
    if timezone.is_aware(parsed):
        parsed = timezone.localtime(parsed)
    return parsed.strftime("%Y-%m-%dT%H:%M")


def option_for_answer(item: Item, answer: Mapping[str, Any]) -> Option | None:
    """The answer option an answer names, matching codes (and systems when both have one)."""
    found = value_of_answer(answer)
    if found is None:
        return None
    value_type, value = found
    for option in item.options:
        if option.value_type != value_type:
            continue
        if value_type == "Coding" and isinstance(value, dict):
            if str(value.get("code") or "") != option.code:
                continue
            system = str(value.get("system") or "")
            if system and option.system and system != option.system:
                continue
            return option
        if value_type == "Reference" and isinstance(value, dict):
            if str(value.get("reference") or value.get("display") or "") == option.key:
                return option
            continue
        if str(value) == option.key:
            return option
    return None


def display_answer(item: Item, answer: Mapping[str, Any]) -> str:
    """One answer as plain text, for read-only fields and summaries."""
    option = option_for_answer(item, answer) if item.options else None
    if option is not None:
        return option.label
    found = value_of_answer(answer)
    if found is None:
        return ""
    value_type, value = found
    if value_type == "Boolean":
        return _("Yes") if value else _("No")
    if value_type in {"Decimal", "Integer"}:
        return _number_text(value)
    if value_type == "Quantity" and isinstance(value, dict):
        unit = value.get("unit") or value.get("code") or ""
        return f"{_number_text(value.get('value'))} {unit}".strip()
    if value_type == "Coding" and isinstance(value, dict):
        return str(value.get("display") or value.get("code") or "")
    if value_type == "Attachment" and isinstance(value, dict):
        return str(value.get("title") or _("Attached file"))
    if value_type == "Reference" and isinstance(value, dict):
        return str(value.get("display") or value.get("reference") or "")
    if value_type == "DateTime":
        return _local_datetime_text(str(value)).replace("T", " ")
    return str(value)


def _option_answer(option: Option) -> dict[str, Any]:
    """What a chosen option stores: the value without the option's own extensions."""
    if option.value_type == "Coding":
        coding = option.answer["valueCoding"]
        kept = {k: coding[k] for k in ("system", "version", "code", "display") if coding.get(k)}
        return {"valueCoding": kept}
    return dict(option.answer)


def _strip_answer(answer: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in answer.items() if key != "item"}


# --- The instance tree ---------------------------------------------------------------------


@dataclass
class PendingFile:
    """An accepted upload waiting to be stored by the caller as an ``AnswerFile``."""

    key: uuid.UUID
    link_id: str
    upload: UploadedFile
    content_type: str
    size: int
    sha1: str  # hex


@dataclass
class PageInfo:
    index: int  # in ``definition.pages``
    number: int  # 1-based among the pages shown
    title: str
    current: bool


@dataclass
class Node:
    """One instance of an item: a group instance, or one answer slot of a question."""

    item: Item
    key: str
    index: int
    stored: list[dict[str, Any]]  # answers from ``items`` (or initial values)
    top: int
    children: list[ItemSet] = field(default_factory=list)
    enabled: bool = True
    bound: bool = False
    # What the field shows: posted text, or the stored answer as text.
    value: str = ""
    values: list[str] = field(default_factory=list)
    other: str = ""
    unit: str = ""
    keep: str = ""
    cleaned: list[dict[str, Any]] = field(default_factory=list)
    pending: PendingFile | None = None
    error: str = ""  # what was typed cannot be used
    missing: str = ""  # required, too few answers …

    @property
    def answers(self) -> list[dict[str, Any]]:
        return self.cleaned if self.bound else self.stored


@dataclass
class ItemSet:
    """Every instance of one item under one parent instance."""

    item: Item
    key: str
    nodes: list[Node]
    repeat: bool  # instances can be added and removed

    @property
    def floor(self) -> int:
        return max(1, self.item.min_occurs or 1) if self.repeat else 1

    @property
    def ceiling(self) -> int:
        return min(self.item.max_occurs or MAX_REPEATS, MAX_REPEATS) if self.repeat else 1


def repeats_as_instances(item: Item) -> bool:
    """Repeating groups and repeating non-choice questions get one input per answer."""
    return item.repeats and item.type not in {"choice", "open-choice", "display"}


def is_computed(item: Item) -> bool:
    """Scores and calculated values: shown, never typed (helsenorge marks score fields
    with a section/total score code or the unit system ``http://ehelse.no/Score``)."""
    if item.calculated_expression or item.scoring_codes & _COMPUTED_CODES:
        return True
    return item.type == "quantity" and (item.unit or {}).get("system") == _SCORE_UNIT_SYSTEM


def _uses_checkbox(item: Item, false_matters: bool) -> bool:
    return item.type == "boolean" and not item.required and not false_matters


def _walk_sets(sets: list[ItemSet]) -> Iterator[tuple[ItemSet, Node]]:
    for item_set in sets:
        for node in item_set.nodes:
            yield item_set, node
            yield from _walk_sets(node.children)


def _collect_answers(
    sets: list[ItemSet], into: dict[str, list[dict[str, Any]]] | None = None
) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {} if into is None else into
    for item_set in sets:
        for node in item_set.nodes:
            if not node.enabled:
                continue
            if node.answers:
                found.setdefault(item_set.item.link_id, []).extend(node.answers)
            _collect_answers(node.children, found)
    return found


def _has_answers(sets: list[ItemSet]) -> bool:
    return any(node.enabled and node.answers for _s, node in _walk_sets(sets))


# --- The render tree -----------------------------------------------------------------------
#
# ``QuestionnaireForm.render()`` turns the instances shown on a page into these plain
# objects and hands them to ``templates/questionnaires/fill/_fields.html``: the markup lives
# in the templates, the decisions (which widget, which answer is checked, which ids
# aria-describedby names) here. Texts from the definition are plain ``str`` (the templates
# escape them) or ``SafeString`` made by ``markdown_html`` / ``escape`` here, never raw.

_TEMPLATES = "questionnaires/fill/"
FIELDS_TEMPLATE = _TEMPLATES + "_fields.html"
_WIDGET_TEMPLATES = {
    "radio": "choices.html",
    "checkbox-list": "choices.html",
    "boolean-radio": "boolean.html",
    "checkbox": "checkbox.html",
    "select": "select.html",
    "slider": "slider.html",
    "range": "range.html",
    "text": "textarea.html",
    "attachment": "file.html",
    "quantity": "quantity.html",
    "integer": "number.html",
    "decimal": "number.html",
    "date": "date.html",
    "dateTime": "date.html",
    "time": "date.html",
}  # anything else is one line of text: text.html
_CHOICE_WIDGETS = frozenset({"radio", "checkbox-list", "boolean-radio"})
_INPUT_TYPES = {"date": "date", "dateTime": "datetime-local", "time": "time", "url": "url"}


class _View:
    """A node of the render tree.

    Django's template engine looks ``node.name`` up as ``node["name"]`` before trying
    ``getattr``; answering the subscript spares an exception per lookup, a quarter of the
    render time of a long form.
    """

    def __getitem__(self, name: str) -> Any:
        return getattr(self, name)


@dataclass
class Choice(_View):
    """An answer option (radio button, checkbox, drop-down entry) or a unit to choose."""

    id: str
    value: str
    label: str
    checked: bool


@dataclass
class KeptFile(_View):
    """A file already attached to the answer, offered to keep."""

    id: str
    url: str
    title: str
    size: int | None
    checked: bool


@dataclass
class SliderView(_View):
    """A choice shown as a slider over its options: positions 0 … max."""

    low: str
    high: str
    max: int
    index: int
    current: str
    labels: str  # JSON list of the option labels, for questionnaires.js
    answered: bool = True


@dataclass
class RangeView(_View):
    """An integer or decimal between a minimum and a maximum, shown as a slider."""

    low: str
    high: str
    step: str
    value: str
    answered: bool = True


@dataclass
class DisplayView(_View):
    """A display item: text between the questions, already sanitised HTML."""

    template: ClassVar[str] = _TEMPLATES + "_display.html"
    id: str
    trigger: bool  # other items' enableWhen look at it: refresh when it changes
    body: SafeString


@dataclass
class RepeatView(_View):
    """Every instance of a repeating item, with the buttons to add one."""

    template: ClassVar[str] = _TEMPLATES + "_repeat.html"
    id: str
    key: str
    trigger: bool
    counted: bool  # post the number of instances back (not on a read-only page)
    count: int
    entries: list[_View]
    can_add: bool
    add_text: str  # the form's own text for the add button, or ""
    add_label: str  # the item's label, shortened, for the default text


@dataclass
class FieldView(_View):
    """What groups and questions share: label, description, error, remove button."""

    id: str
    trigger: bool
    prefix: str
    label: SafeString
    number: int | None  # of this instance, when there are several
    required: bool  # show the "Required" tag
    helptext: bool  # there is a description with id <id>_helptext
    sublabel: SafeString
    help: SafeString
    message: str
    removable: bool
    key: str
    plain_label: str
    entries: list[_View] = field(default_factory=list)  # nested items
    hint: str = ""  # "attachment" (allowed files), "format" (entry format) or ""


@dataclass
class GroupView(FieldView):
    """One instance of a group; its items are ``entries``."""

    template: ClassVar[str] = _TEMPLATES + "_group.html"
    size: str = "sm"  # heading size: nested groups get a smaller one


@dataclass
class QuestionView(FieldView):
    """One answer slot of a question; ``widget`` names the control's template."""

    template: ClassVar[str] = _TEMPLATES + "_question.html"
    name: str = ""
    layout: str = "field"  # "fieldset" (options), "checkbox" or "field"
    widget: str = ""
    read_only: bool = False
    multiline: bool = False
    computed: bool = False
    describedby: str = ""
    aria_required: bool = False
    value: str = ""
    choice_type: str = "radio"
    choices: list[Choice] = field(default_factory=list)
    other: bool = False  # an open choice: a text box for another answer
    other_value: str = ""
    other_max_length: int = MAX_TEXT_LENGTH
    input_type: str = "text"
    inputmode: str = ""
    max_length: int | None = None
    min: str = ""
    max: str = ""
    entry_format: str = ""
    mime_types: str = ""
    max_size: int = 0
    accept: str = ""
    kept: list[KeptFile] = field(default_factory=list)
    units: list[Choice] = field(default_factory=list)
    unit_text: str = ""
    control: SliderView | RangeView | None = None


class QuestionnaireForm:
    """One page of a questionnaire: fields, validation and the merged answer state."""

    def __init__(
        self,
        definition: Definition,
        *,
        items: list[dict[str, Any]] | None = None,
        data: QueryDict | Mapping[str, Any] | None = None,
        files: MultiValueDict[str, UploadedFile] | None = None,
        page: int = 0,
        prefix: str = "q",
        read_only: bool = False,
    ) -> None:
        self.definition = definition
        self.items: list[dict[str, Any]] = list(items or [])
        self.data = data
        self.files = files
        self.prefix = prefix
        self.read_only = read_only
        self.is_bound = data is not None and not read_only
        all_pages = definition.pages
        self.page = max(0, min(page, len(all_pages) - 1))
        tops = {id(item): pos for pos, item in enumerate(definition.items)}
        self._pages: list[list[int]] = [[tops[id(item)] for item in p] for p in all_pages]
        self._page_tops = set(self._pages[self.page]) if self._pages else set()
        self._shown: str = ""  # "", "input" or "all": which errors render() shows
        self._false_matters = self._booleans_compared_with_false()
        self._triggers = {c.question for i in definition.walk() for c in i.enable_when}
        self._attachments = self._stored_attachments()
        self.sets = self._build(definition.items, self.items, "", None, False)
        if self.is_bound:
            for _item_set, node in _walk_sets(self.sets):
                if node.top in self._page_tops:
                    self._bind(node)
        self._evaluate_enabled()
        self._check_required()

    # --- Building -----------------------------------------------------------------------

    def _build(
        self,
        items: list[Item],
        entries: list[dict[str, Any]],
        parent_key: str,
        top: int | None,
        initial: bool,
    ) -> list[ItemSet]:
        grouped: dict[str, list[dict[str, Any]]] = {}
        for entry in entries:
            grouped.setdefault(str(entry.get("linkId") or ""), []).append(entry)
        sets = []
        for pos, item in enumerate(items):
            set_key = f"{parent_key}-{pos}" if parent_key else str(pos)
            found = grouped.get(item.link_id, [])
            # Initial values fill a top-level item (a page, say) the response has never touched.
            use_initial = initial or (top is None and not found)
            sets.append(
                self._build_set(item, set_key, found, pos if top is None else top, use_initial)
            )
        return sets

    def _build_set(
        self, item: Item, set_key: str, found: list[dict[str, Any]], top: int, initial: bool
    ) -> ItemSet:
        repeat = repeats_as_instances(item)
        sources: list[list[dict[str, Any]]]
        stored: list[list[dict[str, Any]]]
        if item.is_group:
            groups = found if item.repeats else found[:1]
            sources = [list(group.get("item") or []) for group in groups]
            stored = [[] for _group in groups]
        else:
            answers = [answer for entry in found for answer in entry.get("answer") or []]
            if not answers and initial and item.answerable:
                answers = self._initial_answers(item)
            if repeat:
                sources = [list(answer.get("item") or []) for answer in answers]
                stored = [[_strip_answer(answer)] for answer in answers]
            else:
                sources = [[child for answer in answers for child in answer.get("item") or []]]
                stored = [[_strip_answer(answer) for answer in answers]]
        item_set = ItemSet(item=item, key=set_key, nodes=[], repeat=repeat)
        count = self._count(item_set, top, len(sources)) if repeat else 1
        for index in range(count):
            key = f"{set_key}_{index}"
            node = Node(
                item=item,
                key=key,
                index=index,
                stored=stored[index] if index < len(stored) else [],
                top=top,
            )
            source = sources[index] if index < len(sources) else []
            node.children = self._build(item.children, source, key, top, initial)
            item_set.nodes.append(node)
        return item_set

    def _count(self, item_set: ItemSet, top: int, existing: int) -> int:
        count = max(existing, item_set.floor)
        if self.is_bound and top in self._page_tops and self.data is not None:
            with contextlib.suppress(ValueError):
                count = int(str(self.data.get(f"{self.prefix}-{item_set.key}-n", "")))
        return max(item_set.floor, min(count, max(item_set.ceiling, existing)))

    @staticmethod
    def _initial_answers(item: Item) -> list[dict[str, Any]]:
        answers = [dict(value) for value in item.initial if value]
        answers += [_option_answer(o) for o in item.options if o.initial_selected]
        if not (item.repeats or item.multiple):
            answers = answers[:1]
        return answers

    def _stored_attachments(self) -> dict[str, dict[str, dict[str, Any]]]:
        """Stored attachment answers by linkId and URL: what "keep this file" may name."""
        found: dict[str, dict[str, dict[str, Any]]] = {}

        def visit(entries: list[dict[str, Any]]) -> None:
            for entry in entries:
                for answer in entry.get("answer") or []:
                    attachment = answer.get("valueAttachment")
                    if isinstance(attachment, dict) and attachment.get("url"):
                        link_id = str(entry.get("linkId") or "")
                        found.setdefault(link_id, {})[str(attachment["url"])] = {
                            "valueAttachment": attachment
                        }
                    visit(answer.get("item") or [])
                visit(entry.get("item") or [])

        visit(self.items)
        return found

    def _booleans_compared_with_false(self) -> set[str]:
        """Booleans whose "no" some condition needs: they get Yes/No radios, not a checkbox."""
        found = set()
        for item in self.definition.walk():
            for condition in item.enable_when:
                if condition.answer_type == "Boolean" and (
                    condition.answer is False or condition.operator == "!="
                ):
                    found.add(condition.question)
        return found

    # --- Binding and cleaning -----------------------------------------------------------

    def name(self, key: str) -> str:
        return f"{self.prefix}-{key}"

    def _locked(self, item: Item) -> bool:
        return self.read_only or item.read_only or item.hidden or is_computed(item)

    def _bind(self, node: Node) -> None:
        item = node.item
        if not item.answerable or self._locked(item) or self.data is None:
            return
        node.bound = True
        name = self.name(node.key)
        data = self.data
        if self._widget(item) == "checkbox-list":
            getlist = getattr(data, "getlist", None)
            raw = getlist(name) if getlist else data.get(name, [])
            node.values = [str(v) for v in (raw if isinstance(raw, list) else [raw])]
        else:
            node.value = str(data.get(name, "") or "")
        node.other = str(data.get(f"{name}-other", "") or "")
        node.unit = str(data.get(f"{name}-unit", "") or "")
        node.keep = str(data.get(f"{name}-keep", "") or "")
        try:
            node.cleaned = self._clean(node, name)
        except ValidationError as error:
            node.cleaned = []
            node.error = str(error.messages[0])

    def _fail(self, item: Item, message: str) -> ValidationError:
        return ValidationError(item.validation_text or message)

    def _clean(self, node: Node, name: str) -> list[dict[str, Any]]:
        item = node.item
        kind = item.type
        if kind in {"choice", "open-choice"}:
            return self._clean_choice(node)
        if kind == "attachment":
            return self._clean_attachment(node, name)
        text = node.value.strip()
        if kind == "boolean":
            if text in {"", "unknown"}:
                return []
            if text not in {"true", "false"}:
                raise ValidationError(_("Choose yes or no."))
            return [{"valueBoolean": text == "true"}]
        if not text:
            return []
        if kind == "integer":
            return [{"valueInteger": int(self._number(item, text, integer=True))}]
        if kind == "decimal":
            return [{"valueDecimal": float(self._number(item, text, integer=False))}]
        if kind == "quantity":
            return [{"valueQuantity": self._quantity(node, text)}]
        if kind == "date":
            return [{"valueDate": self._date(item, text)}]
        if kind == "dateTime":
            return [{"valueDateTime": self._datetime(item, text)}]
        if kind == "time":
            return [{"valueTime": self._time(text)}]
        self._check_text(item, text if kind != "text" else node.value)
        if kind == "url":
            try:
                URLValidator(schemes=["http", "https"])(text)
            except ValidationError:
                raise ValidationError(_("Enter a web address starting with https://.")) from None
            return [{"valueUri": text}]
        if kind == "reference":
            return [{"valueReference": {"display": text}}]
        value = node.value.strip() if kind == "text" else text
        return [{"valueString": value}]

    def _check_text(self, item: Item, text: str) -> None:
        limit = item.max_length or MAX_TEXT_LENGTH
        if len(text) > limit:
            raise self._fail(
                item,
                _("Use at most %(max)s characters (you used %(count)s).")
                % {"max": limit, "count": len(text)},
            )
        if item.min_length and len(text) < item.min_length:
            raise self._fail(
                item,
                _("Use at least %(min)s characters (you used %(count)s).")
                % {"min": item.min_length, "count": len(text)},
            )
        pattern = _compiled(item.regex) if item.regex else None
        if pattern is not None and not pattern.fullmatch(text):
            raise self._fail(item, _("The answer is not in the expected format."))

    def _number(self, item: Item, text: str, *, integer: bool) -> Decimal:
        cleaned = text.replace("\u00a0", "").replace(" ", "").replace(",", ".").replace("−", "-")
        try:
            # Plain digits only: "1e400" is a number to Python but not to a person.
            number = Decimal(cleaned) if _PLAIN_NUMBER.match(cleaned) else Decimal("NaN")
        except InvalidOperation:
            number = Decimal("NaN")
        if not number.is_finite():
            raise ValidationError(
                _("Enter a number.") if not integer else _("Enter a whole number.")
            )
        if integer and number != number.to_integral_value():
            raise ValidationError(_("Enter a whole number."))
        if abs(number) > (_MAX_INTEGER if integer else _MAX_DECIMAL):
            raise ValidationError(_("The number is too large."))
        places = item.max_decimal_places
        exponent = number.as_tuple().exponent
        if not integer and places is not None and isinstance(exponent, int) and -exponent > places:
            raise self._fail(
                item,
                _("Use at most %(n)s decimals.") % {"n": places}
                if places
                else _("Enter a whole number."),
            )
        self._check_range(item, number)
        return number

    def _check_range(self, item: Item, number: Decimal) -> None:
        low, high = item.min_value, item.max_value
        if isinstance(low, Decimal) and number < low:
            raise self._fail(
                item, _("The answer must be at least %(min)s.") % {"min": _number_text(low)}
            )
        if isinstance(high, Decimal) and number > high:
            raise self._fail(
                item, _("The answer must be at most %(max)s.") % {"max": _number_text(high)}
            )

    def _quantity(self, node: Node, text: str) -> dict[str, Any]:
        item = node.item
        number = self._number(item, text, integer=False)
        unit = item.unit or {}
        if item.unit_options:
            chosen = [u for u in item.unit_options if str(u.get("code")) == node.unit]
            if not chosen:
                raise ValidationError(_("Choose a unit."))
            unit = chosen[0]
        quantity: dict[str, Any] = {"value": float(number)}
        if unit.get("display") or unit.get("code"):
            quantity["unit"] = str(unit.get("display") or unit.get("code"))
        for key in ("system", "code"):
            if unit.get(key):
                quantity[key] = unit[key]
        return quantity

    def _date(self, item: Item, text: str) -> str:
        parsed: date | None = None
        for parse in (date.fromisoformat, _norwegian_date):
            try:
                parsed = parse(text)
                break
            except ValueError:
                continue
        if parsed is None:
            raise ValidationError(_("Enter a valid date, for example 2024-05-17."))
        iso = parsed.isoformat()
        self._check_date_range(item, iso)
        return iso

    def _check_date_range(self, item: Item, iso: str) -> None:
        low, high = item.min_value, item.max_value
        if isinstance(low, str) and low and iso[: len(low[:10])] < low[:10]:
            raise self._fail(item, _("The date must be %(min)s or later.") % {"min": low[:10]})
        if isinstance(high, str) and high and iso[: len(high[:10])] > high[:10]:
            raise self._fail(item, _("The date must be %(max)s or earlier.") % {"max": high[:10]})

    def _datetime(self, item: Item, text: str) -> str:
        try:
            parsed = datetime.fromisoformat(text.replace(" ", "T"))
        except ValueError:
            raise ValidationError(
                _("Enter a valid date and time, for example 2024-05-17 14:30.")
            ) from None
        if timezone.is_naive(parsed):
            parsed = timezone.make_aware(parsed)
        iso = parsed.isoformat(timespec="seconds")
        self._check_date_range(item, timezone.localtime(parsed).date().isoformat())
        return iso

    @staticmethod
    def _time(text: str) -> str:
        try:
            parsed = time.fromisoformat(text)
        except ValueError:
            raise ValidationError(_("Enter a valid time, for example 14:30.")) from None
        return parsed.replace(microsecond=0, tzinfo=None).isoformat()

    def _clean_choice(self, node: Node) -> list[dict[str, Any]]:
        item = node.item
        if not item.options:  # an open-choice with nothing to choose from: free text
            text = node.value.strip()
            if text:
                self._check_text(item, text)
            return [{"valueString": text}] if text else []
        by_key = {option.key: option for option in item.options}
        if item.control == "slider" and item.options:
            if not node.value:
                return []
            try:
                return [_option_answer(item.options[int(node.value)])]
            except (ValueError, IndexError):
                raise ValidationError(_("Choose one of the options.")) from None
        keys = node.values if node.values else ([node.value] if node.value else [])
        chosen = []
        for key in keys:
            if key not in by_key:
                raise ValidationError(_("Choose one of the options."))
            chosen.append(by_key[key])
        if len(chosen) > 1 and any(option.exclusive for option in chosen):
            exclusive = next(option for option in chosen if option.exclusive)
            raise ValidationError(
                _("“%(option)s” cannot be combined with other answers.")
                % {"option": exclusive.label}
            )
        answers = [_option_answer(option) for option in chosen]
        other = node.other.strip()
        if item.type == "open-choice" and other:
            self._check_text(item, other)
            if answers and self._widget(item) != "checkbox-list":
                raise ValidationError(
                    _("Choose one of the options or write your own answer, not both.")
                )
            answers.append({"valueString": other})
        if item.max_occurs and item.multiple and len(answers) > item.max_occurs:
            raise self._fail(item, _("Choose at most %(n)s answers.") % {"n": item.max_occurs})
        return answers

    def _clean_attachment(self, node: Node, name: str) -> list[dict[str, Any]]:
        item = node.item
        upload = self.files.get(name) if self.files is not None else None
        if upload is None:
            kept = self._attachments.get(item.link_id, {}).get(node.keep)
            return [dict(kept)] if kept else []
        content_type = check_upload(
            upload,
            allowed=item.mime_types or DEFAULT_MIME_TYPES,
            max_bytes=item.max_size or DEFAULT_MAX_FILE_SIZE,
            wrong_type=_("This type of file cannot be attached. Allowed: %(types)s."),
        )
        size = int(upload.size or 0)  # known: check_upload refuses a file of unknown size
        digest = hashlib.sha1(usedforsecurity=False)
        for chunk in upload.chunks():
            digest.update(chunk)
        upload.seek(0)
        key = uuid.uuid4()
        title = (upload.name or "").replace("\\", "/").rsplit("/", 1)[-1][:200] or "file"
        node.pending = PendingFile(
            key=key,
            link_id=item.link_id,
            upload=upload,
            content_type=content_type,
            size=size,
            sha1=digest.hexdigest(),
        )
        attachment = {
            "contentType": content_type,
            "title": title,
            "size": size,
            "url": f"urn:uuid:{key}",
            "hash": base64.b64encode(digest.digest()).decode("ascii"),
        }
        return [{"valueAttachment": attachment}]

    # --- enableWhen and required -------------------------------------------------------

    def _evaluate_enabled(self) -> None:
        for _round in range(50):
            if not self._apply_enabled(self.sets, _collect_answers(self.sets), True):
                return

    def _apply_enabled(self, sets: list[ItemSet], scope: Answers, parent_enabled: bool) -> bool:
        changed = False
        for item_set in sets:
            item = item_set.item
            for node in item_set.nodes:
                enabled = parent_enabled and is_enabled(item, scope)
                if enabled != node.enabled:
                    node.enabled = enabled
                    changed = True
                inner = scope
                if item.is_group and item.repeats and node.children:
                    inner = instance_scope(item, _collect_answers(node.children), scope)
                if self._apply_enabled(node.children, inner, enabled):
                    changed = True
        return changed

    def _check_required(self) -> None:
        for _set, node in _walk_sets(self.sets):
            node.missing = ""
        for item_set, node in _walk_sets(self.sets):
            if node.index == 0 and node.enabled:
                self._check_set(item_set)

    def _check_set(self, item_set: ItemSet) -> None:
        item = item_set.item
        if item.type == "display" or (item.answerable and self._locked(item)):
            return
        nodes = [node for node in item_set.nodes if node.enabled]
        if item.is_group:
            filled = [node for node in nodes if _has_answers(node.children)]
        else:
            filled = [node for node in nodes if node.answers or node.error]
        first_empty = next((node for node in nodes if node not in filled), None)
        if item.required and not filled and nodes:
            nodes[0].missing = item.validation_text or (
                _("Answer at least one question in this section.")
                if item.is_group
                else _("Answer this question.")
            )
            return
        minimum = item.min_occurs or 0
        if item_set.repeat and minimum > 1 and filled and len(filled) < minimum and first_empty:
            first_empty.missing = _("Give at least %(n)s answers.") % {"n": minimum}
        if item.multiple and minimum > 1 and nodes and 0 < len(nodes[0].answers) < minimum:
            nodes[0].missing = _("Choose at least %(n)s answers.") % {"n": minimum}

    # --- Public API -------------------------------------------------------------------

    def _page_nodes(self) -> Iterator[tuple[ItemSet, Node]]:
        """The enabled, shown instances on this page (not below a hidden or disabled item)."""

        def visit(sets: list[ItemSet]) -> Iterator[tuple[ItemSet, Node]]:
            for item_set in sets:
                if item_set.item.hidden:
                    continue
                for node in item_set.nodes:
                    if node.enabled:
                        yield item_set, node
                        yield from visit(node.children)

        yield from visit([self.sets[pos] for pos in sorted(self._page_tops)])

    def _error_list(self, required: bool) -> list[tuple[str, str, str]]:
        errors = []
        for item_set, node in self._page_nodes():
            message = node.error or (node.missing if required else "")
            if message:
                anchor = self._anchor(item_set, node)
                errors.append((anchor, self._plain_label(item_set, node), message))
        return errors

    @property
    def errors(self) -> list[tuple[str, str, str]]:
        """(field id, question label, message) for each problem on this page."""
        return self._error_list(required=self._shown != "input")

    def is_valid(self, *, required: bool = True) -> bool:
        """Whether this page can be accepted; afterwards ``render()`` shows the errors.

        ``required=False`` only checks what was typed (numbers, dates, lengths …),
        for saving a draft. An unbound form checks the stored answers of its
        page: that is how a submit checks the pages not posted.
        """
        self._shown = "all" if required else "input"
        return not self.errors

    def response_items(self) -> list[dict[str, Any]]:
        """The whole answer state: posted page merged in, disabled answers removed."""
        return self._serialize(self.sets)

    def _serialize(self, sets: list[ItemSet]) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for item_set in sets:
            item = item_set.item
            if item.type == "display":
                continue
            base: dict[str, Any] = {"linkId": item.link_id}
            if item.text:
                base["text"] = item.text
            if item.is_group:
                for node in item_set.nodes:
                    children = self._serialize(node.children) if node.enabled else []
                    if children:
                        out.append({**base, "item": children})
                continue
            answers: list[dict[str, Any]] = []
            for node in item_set.nodes:
                if not node.enabled or not node.answers:
                    continue
                node_answers = [dict(answer) for answer in node.answers]
                children = self._serialize(node.children)
                if children:
                    node_answers[0]["item"] = children
                answers.extend(node_answers)
            if answers:
                out.append({**base, "answer": answers})
        return out

    @property
    def pending_files(self) -> list[PendingFile]:
        return [
            node.pending
            for _s, node in self._page_nodes()
            if node.pending is not None and node.enabled
        ]

    @property
    def has_enable_when(self) -> bool:
        return bool(self._triggers)

    def page_enabled(self, index: int) -> bool:
        return any(node.enabled for pos in self._pages[index] for node in self.sets[pos].nodes)

    @property
    def pages(self) -> list[PageInfo]:
        """The pages shown (disabled pages left out), for a progress indicator."""
        shown: list[PageInfo] = []
        for index, tops in enumerate(self._pages):
            if index != self.page and not self.page_enabled(index):
                continue
            group = next(
                (self.definition.items[pos] for pos in tops if self.definition.items[pos].is_page),
                None,
            )
            title = group.label if group is not None and group.text else ""
            shown.append(PageInfo(index, len(shown) + 1, title, index == self.page))
        for info in shown:
            info.title = info.title or _("Page %(n)s") % {"n": info.number}
        return shown

    @property
    def page_count(self) -> int:
        return len(self.pages)

    @property
    def step_number(self) -> int:
        return next((info.number for info in self.pages if info.current), 1)

    def next_page(self) -> int | None:
        return next(
            (i for i in range(self.page + 1, len(self._pages)) if self.page_enabled(i)), None
        )

    def previous_page(self) -> int | None:
        return next((i for i in range(self.page - 1, -1, -1) if self.page_enabled(i)), None)

    @property
    def is_last_page(self) -> bool:
        return self.next_page() is None

    @property
    def has_previous(self) -> bool:
        return self.previous_page() is not None

    def names_for(self, link_id: str) -> list[str]:
        """The field names of every instance of a question (for tests and callers)."""
        return [
            self.name(node.key)
            for item_set, node in _walk_sets(self.sets)
            if item_set.item.link_id == link_id
        ]

    def visible_fields(self) -> list[tuple[str, Item, str]]:
        """(field name, item, widget kind) of each editable question shown on this page."""
        return [
            (self.name(node.key), item_set.item, self._widget(item_set.item))
            for item_set, node in self._page_nodes()
            if item_set.item.answerable and not self._locked(item_set.item)
        ]

    def find_set(self, key: str) -> ItemSet | None:
        return next((s for s, node in _walk_sets(self.sets) if s.key == key), None)

    # --- Adding and removing instances (the posted data is rewritten) ----------------

    def _rebound(
        self, data: QueryDict, files: MultiValueDict[str, UploadedFile] | None
    ) -> QuestionnaireForm:
        return QuestionnaireForm(
            self.definition,
            items=self.items,
            data=data,
            files=files,
            page=self.page,
            prefix=self.prefix,
        )

    def _editable_set(self, key: str) -> ItemSet | None:
        if not _KEY.match(key) or not self.is_bound:
            return None
        item_set = self.find_set(key)
        if item_set is None or not item_set.repeat or self._locked(item_set.item):
            return None
        if item_set.nodes[0].top not in self._page_tops or not item_set.nodes[0].enabled:
            return None
        return item_set

    def with_added(self, set_key: str) -> QuestionnaireForm:
        """The same posted page with one more instance of a repeating item."""
        item_set = self._editable_set(set_key)
        if item_set is None or len(item_set.nodes) >= item_set.ceiling:
            return self
        data = _mutable(self.data)
        data[f"{self.prefix}-{set_key}-n"] = str(len(item_set.nodes) + 1)
        return self._rebound(data, self.files)

    def with_removed(self, instance_key: str) -> QuestionnaireForm:
        """The same posted page without one instance; later instances move up."""
        set_key, _sep, index_text = instance_key.rpartition("_")
        item_set = self._editable_set(set_key)
        if item_set is None or not index_text.isdigit() or len(item_set.nodes) <= item_set.floor:
            return self
        index = int(index_text)
        if index >= len(item_set.nodes):
            return self
        start = f"{self.prefix}-{set_key}_"
        data = _shift(_mutable(self.data), start, index)
        data[f"{self.prefix}-{set_key}-n"] = str(len(item_set.nodes) - 1)
        files: MultiValueDict[str, UploadedFile] | None = None
        if self.files is not None:
            files = MultiValueDict()
            for key in self.files:
                files.setlist(key, self.files.getlist(key))
            files = _shift(files, start, index)
        return self._rebound(data, files)

    # --- Rendering -------------------------------------------------------------------

    def render(self) -> SafeString:
        """The fields of this page (no ``<form>``): error summary, then items in order."""
        context = {
            "prefix": self.prefix,
            "errors": self.errors if self._shown else [],
            "entries": self._views([self.sets[pos] for pos in sorted(self._page_tops)]),
        }
        # An autoescaping template: every piece is escaped there or sanitised here.
        return SafeString(get_template(FIELDS_TEMPLATE).render(context))

    def __html__(self) -> str:
        return str(self.render())

    def __str__(self) -> str:
        return str(self.render())

    def _plain_label(self, item_set: ItemSet, node: Node) -> str:
        label = item_set.item.label or item_set.item.link_id
        if item_set.repeat and len(item_set.nodes) > 1:
            return f"{label} ({node.index + 1})"
        return label

    def _anchor(self, item_set: ItemSet, node: Node) -> str:
        item = item_set.item
        base = self.name(node.key)
        if item.is_group or self._locked(item):
            return base
        if self._widget(item) in _CHOICE_WIDGETS:
            return f"{base}_0" if (item.options or item.type == "boolean") else f"{base}-other"
        return base

    def _widget(self, item: Item) -> str:
        if item.type == "boolean":
            checkbox = _uses_checkbox(item, item.link_id in self._false_matters)
            return "checkbox" if checkbox else "boolean-radio"
        if item.type in {"choice", "open-choice"}:
            if not item.options:
                return "text"
            if item.control == "slider" and item.type == "choice":
                return "slider"
            if item.control == "drop-down":
                return "select"
            if item.multiple and item.control != "radio-button":
                return "checkbox-list"
            return "radio"
        if (
            item.type in {"integer", "decimal"}
            and item.control == "slider"
            and isinstance(item.min_value, Decimal)
            and isinstance(item.max_value, Decimal)
        ):
            return "range"
        return item.type

    def _can_edit(self, item: Item) -> bool:
        return not self._locked(item)

    def _message(self, node: Node) -> str:
        if not self._shown:
            return ""
        return node.error or (node.missing if self._shown == "all" else "")

    def _views(self, sets: list[ItemSet]) -> list[_View]:
        views = []
        for item_set in sets:
            view = self._set_view(item_set)
            if view is not None:
                views.append(view)
        return views

    def _set_view(self, item_set: ItemSet) -> _View | None:
        item = item_set.item
        if item.hidden or not any(node.enabled for node in item_set.nodes):
            return None
        trigger = item.link_id in self._triggers
        if not item_set.repeat:
            return self._node_view(item_set, item_set.nodes[0], trigger)
        return RepeatView(
            id=self.name(item_set.key),
            key=item_set.key,
            trigger=trigger,
            counted=not self.read_only,
            count=len(item_set.nodes),
            entries=[
                self._node_view(item_set, node, False) for node in item_set.nodes if node.enabled
            ],
            can_add=self._can_edit(item) and len(item_set.nodes) < item_set.ceiling,
            add_text=item.repeats_text,
            add_label=item.label if len(item.label) <= 60 else f"{item.label[:59]}…",
        )

    def _node_view(self, item_set: ItemSet, node: Node, trigger: bool) -> _View:
        item = item_set.item
        fid = self.name(node.key)
        if item.type == "display":
            body = markdown_html(item.markdown) if item.markdown else _plain_html(item.text)
            return DisplayView(id=fid, trigger=trigger, body=body)
        if item.is_group:
            return GroupView(
                **self._field_parts(item_set, node, fid, trigger),
                size="sm" if node.key.count("-") == 0 else "xs",
                entries=self._views(node.children),
            )
        view = self._question_view(item_set, node, fid, trigger)
        view.entries = self._views(node.children)
        return view

    def _field_parts(
        self, item_set: ItemSet, node: Node, fid: str, trigger: bool
    ) -> dict[str, Any]:
        """The ``FieldView`` part of a group or question."""
        item = item_set.item
        removable = (
            item_set.repeat and len(item_set.nodes) > item_set.floor and self._can_edit(item)
        )
        return {
            "id": fid,
            "trigger": trigger,
            "prefix": item.prefix,
            "label": _text_html(item),
            "number": node.index + 1 if item_set.repeat and len(item_set.nodes) > 1 else None,
            "required": item.required and not self._locked(item),
            "helptext": bool(item.sublabel),
            "sublabel": markdown_html(item.sublabel) if item.sublabel else _EMPTY,
            "help": SafeString("".join(markdown_html(text) for text in item.help)),
            "message": self._message(node),
            "removable": removable,
            "key": node.key,
            "plain_label": self._plain_label(item_set, node) if removable else "",
        }

    def _question_view(
        self, item_set: ItemSet, node: Node, fid: str, trigger: bool
    ) -> QuestionView:
        item = item_set.item
        if not node.bound:
            self._fill_from_stored(node)
        view = QuestionView(name=fid, **self._field_parts(item_set, node, fid, trigger))
        if self._locked(item):
            view.read_only = True
            view.widget = _TEMPLATES + "widgets/readonly.html"
            view.value = ", ".join(display_answer(item, answer) for answer in node.answers)
            view.computed = is_computed(item)
            view.multiline = item.type == "text" and not view.computed
            return view
        widget = self._widget(item)
        view.widget = _TEMPLATES + "widgets/" + _WIDGET_TEMPLATES.get(widget, "text.html")
        view.layout = (
            "fieldset"
            if widget in _CHOICE_WIDGETS
            else "checkbox"
            if widget == "checkbox"
            else "field"
        )
        view.value = node.value
        view.entry_format = item.entry_format
        if item.type == "attachment":
            view.hint = "attachment"
            view.mime_types = type_names(item.mime_types or DEFAULT_MIME_TYPES)
            view.max_size = item.max_size or DEFAULT_MAX_FILE_SIZE
        elif item.entry_format:
            view.hint = "format"
        view.helptext = bool(item.sublabel or view.hint)
        view.describedby = " ".join(
            part
            for part, present in (
                (f"{fid}_helptext", view.helptext),
                (f"{fid}_error", view.message),
            )
            if present
        )
        view.aria_required = item.required and view.layout == "field"
        if item.type == "open-choice" and item.options:
            view.other = True
            view.other_value = node.other
            view.other_max_length = item.max_length or MAX_TEXT_LENGTH
        self._control(view, widget, item, node)
        return view

    def _control(self, view: QuestionView, widget: str, item: Item, node: Node) -> None:
        """What the widget template needs beyond the value."""
        fid = view.id
        if widget in {"radio", "checkbox-list"}:
            view.choice_type = "checkbox" if widget == "checkbox-list" else "radio"
            selected = set(node.values) if widget == "checkbox-list" else {node.value}
            view.choices = [
                Choice(f"{fid}_{index}", option.key, option.label, option.key in selected)
                for index, option in enumerate(item.options)
            ]
        elif widget == "select":
            view.choices = [
                Choice("", option.key, option.label, option.key == node.value)
                for option in item.options
            ]
        elif widget == "slider":
            view.control = _slider(item, node)
        elif widget == "range":
            view.control = _range(item, node)
        elif widget == "quantity":
            self._quantity_control(view, item, node)
        elif widget == "attachment":
            self._attachment_control(view, item, node)
        elif widget in {"integer", "decimal"}:
            view.inputmode = "numeric" if widget == "integer" else "decimal"
        elif widget in {"date", "dateTime", "time"}:
            view.input_type = _INPUT_TYPES[widget]
            if widget != "time":
                suffix = "" if widget == "date" else "T00:00"
                if isinstance(item.min_value, str) and item.min_value:
                    view.min = item.min_value[:10] + suffix
                if isinstance(item.max_value, str) and item.max_value:
                    view.max = item.max_value[:10] + suffix
        elif widget == "text":
            view.max_length = item.max_length
        else:
            view.input_type = _INPUT_TYPES.get(widget, "text")
            view.inputmode = "url" if widget == "url" else ""
            view.max_length = item.max_length if widget in _ONE_LINE else None

    @staticmethod
    def _quantity_control(view: QuestionView, item: Item, node: Node) -> None:
        if item.unit_options:
            view.units = []
            for unit in item.unit_options:
                code = str(unit.get("code") or "")
                text = str(unit.get("display") or code)
                view.units.append(Choice("", code, text, code == node.unit))
        elif item.unit:
            view.unit_text = str(item.unit.get("display") or item.unit.get("code") or "")

    @staticmethod
    def _attachment_control(view: QuestionView, item: Item, node: Node) -> None:
        allowed = item.mime_types or list(DEFAULT_MIME_TYPES)
        view.accept = ",".join(
            [*allowed, *(_MIME_EXTENSIONS[m] for m in allowed if m in _MIME_EXTENSIONS)]
        )
        # The stored file, and a file accepted in this very post (stored by the view in the
        # same request, so that it can be kept when the page comes back with errors).
        candidates: dict[str, dict[str, Any]] = {}
        for answer in [*node.stored, *(node.cleaned if node.bound else [])]:
            attachment = answer.get("valueAttachment")
            if isinstance(attachment, dict) and attachment.get("url"):
                candidates[str(attachment["url"])] = attachment
        chosen = {
            str(a["valueAttachment"].get("url")) for a in node.answers if "valueAttachment" in a
        }
        for index, (url, attachment) in enumerate(candidates.items()):
            size = attachment.get("size")
            view.kept.append(
                KeptFile(
                    id=f"{view.id}-keep" if index == 0 else f"{view.id}-keep{index}",
                    url=url,
                    title=str(attachment.get("title") or ""),
                    size=size if isinstance(size, int) else None,
                    checked=url in chosen,
                )
            )

    def _fill_from_stored(self, node: Node) -> None:
        """Show the stored answers (or initial values) in an unbound field."""
        item = node.item
        answers = node.stored
        if item.type in {"choice", "open-choice"}:
            keys, others = [], []
            for answer in answers:
                option = option_for_answer(item, answer)
                if option is not None:
                    keys.append(option.key)
                else:
                    others.append(display_answer(item, answer))
            if item.control == "slider" and item.options:
                keys_in_order = [o.key for o in item.options]
                node.value = str(keys_in_order.index(keys[0])) if keys else ""
            else:
                node.values = keys
                node.value = keys[0] if keys else ""
            node.other = ", ".join(others)
            return
        if not answers:
            return
        found = value_of_answer(answers[0])
        if found is None:
            return
        value_type, value = found
        if value_type == "Boolean":
            node.value = "true" if value else "false"
        elif value_type in {"Integer", "Decimal"}:
            node.value = _number_text(value)
        elif value_type == "Quantity" and isinstance(value, dict):
            node.value = _number_text(value.get("value"))
            node.unit = str(value.get("code") or "")
        elif value_type == "DateTime":
            node.value = _local_datetime_text(str(value))
        elif value_type == "Time":
            node.value = str(value)[:8].removesuffix(":00") if len(str(value)) > 5 else str(value)
        elif value_type == "Attachment" and isinstance(value, dict):
            node.keep = str(value.get("url") or "")
        else:
            node.value = display_answer(item, answers[0])


def _slider(item: Item, node: Node) -> SliderView:
    labels = [option.label for option in item.options]
    answered = True
    try:
        index = int(node.value)
    except ValueError:
        index, answered = (len(labels) - 1) // 2, False
    index = max(0, min(index, len(labels) - 1))
    low = labels[0]
    high = labels[-1]
    for code in item.codes:
        if code.get("system") == _SLIDER_LABELS and code.get("display"):
            if code.get("code") == "LabelLeft":
                low = str(code["display"])
            elif code.get("code") == "LabelRight":
                high = str(code["display"])
    return SliderView(
        low=low,
        high=high,
        max=len(labels) - 1,
        index=index,
        current=labels[index],
        labels=json.dumps(labels, ensure_ascii=False),
        answered=answered,
    )


def _range(item: Item, node: Node) -> RangeView:
    step = item.slider_step or (Decimal(1) if item.type == "integer" else Decimal("0.1"))
    answered = True
    try:
        current = Decimal(node.value.replace(",", "."))
    except InvalidOperation:
        current, answered = item.min_value, False
    return RangeView(
        low=_number_text(item.min_value),
        high=_number_text(item.max_value),
        step=_number_text(step),
        value=_number_text(current),
        answered=answered,
    )


@lru_cache(maxsize=512)
def _compiled(pattern: str) -> re.Pattern[str] | None:
    try:
        return re.compile(pattern)
    except re.error:
        return None


def _norwegian_date(text: str) -> date:
    """17.05.2024 — what people type when a browser shows a plain text box."""
    day, month, year = text.replace("/", ".").replace("-", ".").split(".")
    return date(int(year), int(month), int(day))


def _mutable(data: Any) -> QueryDict:
    if isinstance(data, QueryDict):
        return data.copy()
    copy = QueryDict(mutable=True)
    for key, value in (data or {}).items():
        copy.setlist(key, value if isinstance(value, list) else [value])
    return copy


def _shift(data: Any, start: str, removed: int) -> Any:
    """Drop the posted keys of instance ``removed`` and renumber the ones after it."""
    pattern = re.compile(rf"^{re.escape(start)}(\d+)(?=-|$)")
    renamed: list[tuple[str, list[Any]]] = []
    for key in list(data.keys()):
        match = pattern.match(key)
        if not match:
            continue
        values = data.getlist(key)
        del data[key]
        index = int(match.group(1))
        if index == removed:
            continue
        if index > removed:
            key = f"{start}{index - 1}{key[match.end() :]}"
        renamed.append((key, values))
    for key, values in renamed:
        data.setlist(key, values)
    return data
