"""A FHIR R4 Questionnaire read into the few plain objects the engine works with.

``parse_definition(resource)`` turns a (repaired, see ``importing``) resource
dict into a ``Definition``: a tree of ``Item`` objects with every rule the
engine honours already looked up — item control, options with ordinal
values, min/max, help texts, enableWhen, repeats. Rendering, validation,
scoring and export all read this tree and never the raw JSON, so each FHIR
or helsenorge extension is interpreted in exactly one place.

Extensions the engine does not know are ignored here and kept in the stored
resource. Anything that makes a form impossible to render safely raises
``DefinitionError`` naming the item.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

# Extension URLs. helsenorge forms use both hl7.org and their own.
EXT_ITEM_CONTROL = "http://hl7.org/fhir/StructureDefinition/questionnaire-itemControl"
EXT_MARKDOWN = "http://hl7.org/fhir/StructureDefinition/rendering-markdown"
EXT_XHTML = "http://hl7.org/fhir/StructureDefinition/rendering-xhtml"
EXT_ORDINAL = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
EXT_ITEM_WEIGHT = "http://hl7.org/fhir/StructureDefinition/itemWeight"
EXT_MIN_VALUE = "http://hl7.org/fhir/StructureDefinition/minValue"
EXT_MAX_VALUE = "http://hl7.org/fhir/StructureDefinition/maxValue"
EXT_MIN_LENGTH = "http://hl7.org/fhir/StructureDefinition/minLength"
EXT_MAX_DECIMALS = "http://hl7.org/fhir/StructureDefinition/maxDecimalPlaces"
EXT_REGEX = "http://hl7.org/fhir/StructureDefinition/regex"
EXT_ENTRY_FORMAT = "http://hl7.org/fhir/StructureDefinition/entryFormat"
EXT_UNIT = "http://hl7.org/fhir/StructureDefinition/questionnaire-unit"
EXT_UNIT_OPTION = "http://hl7.org/fhir/StructureDefinition/questionnaire-unitOption"
EXT_MIN_OCCURS = "http://hl7.org/fhir/StructureDefinition/questionnaire-minOccurs"
EXT_MAX_OCCURS = "http://hl7.org/fhir/StructureDefinition/questionnaire-maxOccurs"
EXT_HIDDEN = "http://hl7.org/fhir/StructureDefinition/questionnaire-hidden"
EXT_SLIDER_STEP = "http://hl7.org/fhir/StructureDefinition/questionnaire-sliderStepValue"
EXT_MAX_SIZE = "http://hl7.org/fhir/StructureDefinition/maxSize"
EXT_MIME_TYPE = "http://hl7.org/fhir/StructureDefinition/mimeType"
EXT_OPTION_EXCLUSIVE = "http://hl7.org/fhir/StructureDefinition/questionnaire-optionExclusive"
EXT_VALUESET_LABEL = "http://hl7.org/fhir/StructureDefinition/valueset-label"
EXT_CALCULATED = (
    "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-calculatedExpression"
)
EXT_CALCULATED_HN = "http://ehelse.no/fhir/StructureDefinition/sdf-calculatedExpression"
EXT_VALIDATION_TEXT = "http://ehelse.no/fhir/StructureDefinition/validationtext"
EXT_REPEATS_TEXT = "http://ehelse.no/fhir/StructureDefinition/repeatstext"
EXT_SUBLABEL = "http://helsenorge.no/fhir/StructureDefinition/sdf-sublabel"

ITEM_TYPES = frozenset(
    {
        "group",
        "display",
        "boolean",
        "decimal",
        "integer",
        "date",
        "dateTime",
        "time",
        "string",
        "text",
        "url",
        "choice",
        "open-choice",
        "quantity",
        "attachment",
        "reference",
    }
)
# Item types that hold no answer of their own.
NON_ANSWER_TYPES = frozenset({"group", "display"})
ENABLE_WHEN_OPERATORS = frozenset({"exists", "=", "!=", ">", "<", ">=", "<="})

# helsenorge's scoring codes on item.code: question, section and total score.
SCORING_SYSTEM = "http://ehelse.no/scoringFormulas"


class DefinitionError(ValueError):
    """A questionnaire that cannot be rendered safely; ``where`` names the item."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(f"{where}: {message}")
        self.where = where
        self.message = message


@dataclass(frozen=True)
class Option:
    """One answer option. ``key`` is what a form posts; ``answer`` what FHIR stores."""

    key: str
    label: str
    answer: dict[str, Any]  # e.g. {"valueCoding": {...}} — exactly one value[x]
    value_type: str  # Coding, String, Integer, Date, Time, Reference
    code: str = ""
    system: str = ""
    ordinal: Decimal | None = None
    initial_selected: bool = False
    exclusive: bool = False


@dataclass(frozen=True)
class EnableWhen:
    question: str
    operator: str
    answer_type: str  # Boolean, Decimal, Integer, Date, DateTime, Time, String, Coding, …
    answer: Any


@dataclass
class Item:
    link_id: str
    type: str
    text: str = ""
    markdown: str = ""  # from rendering-markdown; render only through the sanitiser
    prefix: str = ""
    help: list[str] = field(default_factory=list)  # markdown texts of "help" children
    sublabel: str = ""  # markdown
    required: bool = False
    repeats: bool = False
    read_only: bool = False
    hidden: bool = False
    max_length: int | None = None
    min_length: int | None = None
    min_value: Any = None  # Decimal for numbers, ISO string for dates
    max_value: Any = None
    max_decimal_places: int | None = None
    regex: str = ""
    validation_text: str = ""
    entry_format: str = ""
    control: str = ""  # item control code: radio-button, check-box, drop-down, slider, page, …
    options: list[Option] = field(default_factory=list)
    initial: list[dict[str, Any]] = field(default_factory=list)  # FHIR initial[x] dicts
    enable_when: list[EnableWhen] = field(default_factory=list)
    enable_behavior: str = "all"
    unit: dict[str, Any] | None = None  # the fixed unit Coding of a quantity
    unit_options: list[dict[str, Any]] = field(default_factory=list)
    calculated_expression: str = ""
    codes: list[dict[str, Any]] = field(default_factory=list)
    item_weight: Decimal | None = None
    min_occurs: int | None = None
    max_occurs: int | None = None
    repeats_text: str = ""
    slider_step: Decimal | None = None
    max_size: int | None = None  # bytes, attachments
    mime_types: list[str] = field(default_factory=list)
    children: list[Item] = field(default_factory=list)
    depth: int = 0

    @property
    def answerable(self) -> bool:
        return self.type not in NON_ANSWER_TYPES

    @property
    def is_group(self) -> bool:
        return self.type == "group"

    @property
    def is_page(self) -> bool:
        return self.type == "group" and self.control in {"page", "step"}

    @property
    def multiple(self) -> bool:
        """More than one answer in one instance: a repeating choice or a check-box list."""
        return self.type in {"choice", "open-choice"} and (
            self.repeats or self.control == "check-box"
        )

    @property
    def scoring_codes(self) -> set[str]:
        return {c.get("code", "") for c in self.codes if c.get("system") == SCORING_SYSTEM}

    @property
    def label(self) -> str:
        return f"{self.prefix} {self.text}".strip() if self.prefix else self.text

    def walk(self) -> Iterator[Item]:
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass
class Definition:
    title: str
    name: str
    language: str
    url: str
    version: str
    status: str
    description: str
    items: list[Item]
    by_link_id: dict[str, Item]
    fhir_id: str = ""

    @property
    def paged(self) -> bool:
        return (
            bool(self.items)
            and all(item.is_page or item.type == "display" for item in self.items)
            and any(item.is_page for item in self.items)
        )

    @property
    def pages(self) -> list[list[Item]]:
        """Top-level items in pages: each page group alone, or everything on one page."""
        if not self.paged:
            return [self.items]
        pages: list[list[Item]] = []
        leading: list[Item] = []
        for item in self.items:
            if item.is_page:
                pages.append([*leading, item])
                leading = []
            else:
                leading.append(item)
        if leading and pages:
            pages[-1].extend(leading)
        return pages

    def walk(self) -> Iterator[Item]:
        for item in self.items:
            yield from item.walk()

    def answerable_items(self) -> list[Item]:
        return [item for item in self.walk() if item.answerable]


# --- Reading helpers ------------------------------------------------------------------------


def extensions(element: dict[str, Any] | None, url: str) -> list[dict[str, Any]]:
    if not element:
        return []
    return [ext for ext in element.get("extension") or [] if ext.get("url") == url]


def extension_value(element: dict[str, Any] | None, url: str) -> Any:
    """The value[x] of the first extension with ``url``, or None."""
    for ext in extensions(element, url):
        for key, value in ext.items():
            if key.startswith("value"):
                return value
    return None


def value_of(element: dict[str, Any], prefix: str) -> tuple[str, Any] | None:
    """The (type, value) of the first ``<prefix><Type>`` key, e.g. valueCoding → ("Coding", …)."""
    for key, value in element.items():
        if key.startswith(prefix) and len(key) > len(prefix) and key[len(prefix)].isupper():
            return key[len(prefix) :], value
    return None


def _decimal(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _int(value: Any) -> int | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _control(element: dict[str, Any]) -> str:
    concept = extension_value(element, EXT_ITEM_CONTROL)
    if isinstance(concept, dict):
        for coding in concept.get("coding") or []:
            if coding.get("code"):
                return str(coding["code"])
    return ""


def _markdown_of(element: dict[str, Any], key: str) -> str:
    primitive = element.get(f"_{key}")
    value = extension_value(primitive, EXT_MARKDOWN)
    return str(value) if isinstance(value, str) else ""


def _ordinal(*elements: dict[str, Any] | None) -> Decimal | None:
    for element in elements:
        for url in (EXT_ORDINAL, EXT_ITEM_WEIGHT):
            value = _decimal(extension_value(element, url))
            if value is not None:
                return value
    return None


def _option(raw: dict[str, Any], where: str, index: int) -> Option:
    found = value_of(raw, "value")
    if found is None:
        raise DefinitionError(where, _("answer option %(n)s has no value") % {"n": index + 1})
    value_type, value = found
    answer = {f"value{value_type}": value}
    exclusive = bool(extension_value(raw, EXT_OPTION_EXCLUSIVE))
    if value_type == "Coding":
        if not isinstance(value, dict):
            raise DefinitionError(where, _("answer option %(n)s is malformed") % {"n": index + 1})
        code = str(value.get("code") or "")
        system = str(value.get("system") or "")
        label = str(value.get("display") or code)
        if not code and not label:
            raise DefinitionError(
                where, _("answer option %(n)s has neither code nor text") % {"n": index + 1}
            )
        key = f"{system}|{code}" if system else code or label
        return Option(
            key=key,
            label=label,
            answer=answer,
            value_type=value_type,
            code=code,
            system=system,
            ordinal=_ordinal(value, raw),
            initial_selected=bool(raw.get("initialSelected")),
            exclusive=exclusive,
        )
    if value_type == "Reference" and isinstance(value, dict):
        label = str(value.get("display") or value.get("reference") or "")
        key = str(value.get("reference") or label)
    else:
        label = key = str(value)
    return Option(
        key=key,
        label=label,
        answer=answer,
        value_type=value_type,
        code=key,
        ordinal=_ordinal(raw),
        initial_selected=bool(raw.get("initialSelected")),
        exclusive=exclusive,
    )


def _value_set_options(
    reference: str, contained: dict[str, dict[str, Any]], where: str
) -> list[dict[str, Any]]:
    """answerOption-shaped dicts from a contained ValueSet (``#id``)."""
    value_set = contained.get(reference.removeprefix("#")) if reference.startswith("#") else None
    if value_set is None:
        raise DefinitionError(
            where,
            _("the answer list %(ref)s is not included in the form") % {"ref": reference},
        )
    options: list[dict[str, Any]] = []
    for include in (value_set.get("compose") or {}).get("include") or []:
        for concept in include.get("concept") or []:
            coding = {
                "system": include.get("system", ""),
                "code": concept.get("code", ""),
                "display": concept.get("display", concept.get("code", "")),
            }
            if concept.get("extension"):
                coding["extension"] = concept["extension"]
            options.append({"valueCoding": {k: v for k, v in coding.items() if v != ""}})
    for entry in (value_set.get("expansion") or {}).get("contains") or []:
        coding = {k: entry[k] for k in ("system", "code", "display", "extension") if k in entry}
        options.append({"valueCoding": coding})
    if not options:
        raise DefinitionError(where, _("the answer list %(ref)s is empty") % {"ref": reference})
    return options


def _item(
    raw: dict[str, Any], contained: dict[str, dict[str, Any]], depth: int, seen: set[str]
) -> Item:
    link_id = str(raw.get("linkId") or "").strip()
    where = _("question %(id)s") % {"id": link_id} if link_id else _("an item without linkId")
    if not link_id:
        text = str(raw.get("text") or "")[:60]
        raise DefinitionError(
            _("item “%(text)s”") % {"text": text} if text else where,
            _("every item needs a linkId"),
        )
    if link_id in seen:
        raise DefinitionError(where, _("the linkId is used by more than one item"))
    seen.add(link_id)
    item_type = str(raw.get("type") or "")
    if item_type not in ITEM_TYPES:
        raise DefinitionError(where, _("unknown item type “%(type)s”") % {"type": item_type})

    children_raw = list(raw.get("item") or [])
    help_texts: list[str] = []
    children: list[Item] = []
    for child in children_raw:
        if child.get("type") == "display" and _control(child) == "help":
            help_texts.append(_markdown_of(child, "text") or str(child.get("text") or ""))
            seen.add(str(child.get("linkId") or ""))
            continue
        children.append(_item(child, contained, depth + 1, seen))
    if item_type != "group" and item_type != "display":
        # helsenorge puts help texts in readOnly "text" children with the help control.
        kept: list[Item] = []
        for child in children:
            if child.control == "help" and not child.children:
                help_texts.append(child.markdown or child.text)
            else:
                kept.append(child)
        children = kept
    elif item_type == "group":
        kept = []
        for child in children:
            if child.control == "help" and not child.children and not child.answerable:
                help_texts.append(child.markdown or child.text)
            else:
                kept.append(child)
        children = kept

    options_raw = list(raw.get("answerOption") or [])
    if raw.get("answerValueSet") and not options_raw:
        options_raw = _value_set_options(str(raw["answerValueSet"]), contained, where)
    options = [_option(option, where, index) for index, option in enumerate(options_raw)]
    if item_type == "choice" and not options:
        raise DefinitionError(where, _("a choice question needs answer options"))
    keys = [option.key for option in options]
    if len(set(keys)) != len(keys):
        raise DefinitionError(where, _("two answer options have the same value"))

    enable_when: list[EnableWhen] = []
    for condition in raw.get("enableWhen") or []:
        found = value_of(condition, "answer")
        operator = str(condition.get("operator") or "")
        if operator not in ENABLE_WHEN_OPERATORS:
            raise DefinitionError(
                where, _("unknown enableWhen operator “%(op)s”") % {"op": operator}
            )
        if found is None:
            raise DefinitionError(where, _("an enableWhen condition has no answer to compare"))
        enable_when.append(
            EnableWhen(
                question=str(condition.get("question") or ""),
                operator=operator,
                answer_type=found[0],
                answer=found[1],
            )
        )

    initial = [
        {key: value for key, value in entry.items() if key.startswith("value")}
        for entry in raw.get("initial") or []
    ]
    min_value = extension_value(raw, EXT_MIN_VALUE)
    max_value = extension_value(raw, EXT_MAX_VALUE)
    if item_type in {"integer", "decimal", "quantity", "choice"}:
        min_value, max_value = _decimal(min_value), _decimal(max_value)
    calculated = extension_value(raw, EXT_CALCULATED)
    if isinstance(calculated, dict):
        calculated = calculated.get("expression", "")
    if not calculated:
        calculated = extension_value(raw, EXT_CALCULATED_HN) or ""
    mime_types = [
        str(ext.get("valueCode")) for ext in extensions(raw, EXT_MIME_TYPE) if ext.get("valueCode")
    ]
    unit_options = [
        ext["valueCoding"] for ext in extensions(raw, EXT_UNIT_OPTION) if ext.get("valueCoding")
    ]
    return Item(
        link_id=link_id,
        type=item_type,
        text=str(raw.get("text") or ""),
        markdown=_markdown_of(raw, "text"),
        prefix=str(raw.get("prefix") or ""),
        help=[text for text in help_texts if text],
        sublabel=str(extension_value(raw, EXT_SUBLABEL) or ""),
        required=bool(raw.get("required")),
        repeats=bool(raw.get("repeats")),
        read_only=bool(raw.get("readOnly")),
        hidden=bool(extension_value(raw, EXT_HIDDEN)),
        max_length=_int(raw.get("maxLength")),
        min_length=_int(extension_value(raw, EXT_MIN_LENGTH)),
        min_value=min_value,
        max_value=max_value,
        max_decimal_places=_int(extension_value(raw, EXT_MAX_DECIMALS)),
        regex=str(extension_value(raw, EXT_REGEX) or ""),
        validation_text=str(extension_value(raw, EXT_VALIDATION_TEXT) or ""),
        entry_format=str(extension_value(raw, EXT_ENTRY_FORMAT) or ""),
        control=_control(raw),
        options=options,
        initial=initial,
        enable_when=enable_when,
        enable_behavior=str(raw.get("enableBehavior") or "all"),
        unit=extension_value(raw, EXT_UNIT),
        unit_options=unit_options,
        calculated_expression=str(calculated or ""),
        codes=list(raw.get("code") or []),
        item_weight=_decimal(extension_value(raw, EXT_ITEM_WEIGHT)),
        min_occurs=_int(extension_value(raw, EXT_MIN_OCCURS)),
        max_occurs=_int(extension_value(raw, EXT_MAX_OCCURS)),
        repeats_text=str(extension_value(raw, EXT_REPEATS_TEXT) or ""),
        slider_step=_decimal(extension_value(raw, EXT_SLIDER_STEP)),
        max_size=_int(extension_value(raw, EXT_MAX_SIZE)),
        mime_types=mime_types,
        children=children,
        depth=depth,
    )


def parse_definition(resource: dict[str, Any]) -> Definition:
    """Read a Questionnaire resource; raise ``DefinitionError`` if it cannot be rendered."""
    if not isinstance(resource, dict) or resource.get("resourceType") != "Questionnaire":
        raise DefinitionError(_("the file"), _("this is not a FHIR Questionnaire"))
    contained = {
        str(entry.get("id")): entry
        for entry in resource.get("contained") or []
        if isinstance(entry, dict) and entry.get("resourceType") == "ValueSet"
    }
    seen: set[str] = set()
    items = [_item(raw, contained, 0, seen) for raw in resource.get("item") or []]
    by_link_id: dict[str, Item] = {}
    for top in items:
        for item in top.walk():
            by_link_id[item.link_id] = item
    for item in by_link_id.values():
        for condition in item.enable_when:
            if condition.question not in by_link_id:
                raise DefinitionError(
                    _("question %(id)s") % {"id": item.link_id},
                    _("enableWhen refers to %(q)s, which is not in the form")
                    % {"q": condition.question},
                )
    return Definition(
        title=str(resource.get("title") or resource.get("name") or ""),
        name=str(resource.get("name") or ""),
        language=str(resource.get("language") or ""),
        url=str(resource.get("url") or ""),
        version=str(resource.get("version") or ""),
        status=str(resource.get("status") or ""),
        description=str(resource.get("description") or ""),
        items=items,
        by_link_id=by_link_id,
        fhir_id=str(resource.get("id") or ""),
    )


_CACHE: dict[tuple[int, str], Definition] = {}
_CACHE_SIZE = 256


def definition_for(version: Any) -> Definition:
    """The parsed definition of a stored version, parsed once per process.

    A version's resource never changes after import, so the key needs only
    the primary key (``updated_at`` is part of it for safety).
    """
    if version.pk is None:
        return parse_definition(version.resource)
    key = (version.pk, version.updated_at.isoformat() if version.updated_at else "")
    found = _CACHE.get(key)
    if found is None:
        if len(_CACHE) >= _CACHE_SIZE:
            _CACHE.clear()
        found = _CACHE[key] = parse_definition(version.resource)
    return found
