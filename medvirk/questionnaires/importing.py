"""Import FHIR R4 Questionnaires (alone or in a Bundle) into an organisation.

Forms found in the wild — helsenorge's skjemabygger output above all — carry
small defects the standard forbids (an empty ``valueString``, no ``status``) and
extensions Medvirk does not know. The import is tolerant where a defect cannot
change what the form means: it repairs it and says so in a warning naming the
place, and it never drops an extension it does not understand, because another
system may depend on it. It refuses, naming where, only what cannot be rendered
safely (``definition.parse_definition`` decides that) or what is too large.

Every call is all or nothing: a Bundle with one bad form stores no form, so a
coordinator never has to work out which half of an upload made it in.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from fhir.resources.R4B.questionnaire import Questionnaire as FhirQuestionnaire
from pydantic import ValidationError

from medvirk.organizations.models import Organization
from medvirk.questionnaires.choices import Origin, VersionStatus
from medvirk.questionnaires.definition import DefinitionError, parse_definition
from medvirk.questionnaires.models import Questionnaire, QuestionnaireVersion

MAX_BYTES = 5 * 1024 * 1024
MAX_ITEMS = 2000
MAX_DEPTH = 12
MAX_WARNINGS = 200  # per form; a broken generator can produce thousands of identical ones
FHIR_STATUSES = frozenset({"draft", "active", "retired", "unknown"})
BUNDLE_TYPES = frozenset({"collection", "transaction", "searchset", "batch"})
LANGUAGE_TAG_SYSTEM = "urn:ietf:bcp:47"
SEPARATOR = " › "


class ImportRefused(Exception):
    """The upload cannot be imported; ``errors`` say where and what, one per problem."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass
class ImportedForm:
    questionnaire: Questionnaire
    version: QuestionnaireVersion
    created: bool  # a new Questionnaire was made
    unchanged: bool  # identical to the latest version, so no new version was made
    warnings: list[str] = field(default_factory=list)


@dataclass
class _Prepared:
    """One form checked and repaired, before anything is stored."""

    original: dict[str, Any]
    resource: dict[str, Any]
    warnings: list[str]
    title: str


# --- Reading --------------------------------------------------------------------------------


def read_json(raw: bytes | str) -> dict[str, Any]:
    """Parse an upload into a JSON object, or refuse with the line and column of the fault."""
    size = len(raw.encode("utf-8")) if isinstance(raw, str) else len(raw)
    if size > MAX_BYTES:
        raise ImportRefused(
            [
                _("The file is %(size)s MB; the largest file accepted is %(max)s MB.")
                % {"size": round(size / 1024 / 1024, 1), "max": MAX_BYTES // 1024 // 1024}
            ]
        )
    if isinstance(raw, bytes):
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ImportRefused(
                [
                    _("The file is not UTF-8 text (unexpected byte at position %(pos)s).")
                    % {"pos": error.start + 1}
                ]
            ) from error
    else:
        text = raw.removeprefix("\ufeff")
    if not text.strip():
        raise ImportRefused([_("The file is empty.")])
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ImportRefused(
            [
                _("The file is not valid JSON: line %(line)s, column %(column)s: %(problem)s.")
                % {"line": error.lineno, "column": error.colno, "problem": error.msg}
            ]
        ) from error
    except RecursionError as error:
        raise ImportRefused([_("The file is nested too deeply to be a questionnaire.")]) from error
    if not isinstance(data, dict):
        raise ImportRefused(
            [_("The file does not contain a FHIR resource (a JSON object with resourceType).")]
        )
    return data


# --- Readable places ------------------------------------------------------------------------


def _segment(container: Any, key: str | int, element: Any) -> str:
    """How a person would name ``container[key]``: items by linkId, lists counted from 1."""
    if isinstance(key, int):
        parent = container[0] if isinstance(container, tuple) else ""
        if parent == "item" and isinstance(element, dict) and element.get("linkId"):
            return _("question %(id)s") % {"id": element["linkId"]}
        if parent == "extension" and isinstance(element, dict) and element.get("url"):
            name = str(element["url"]).rstrip("/").rsplit("/", 1)[-1]
            return f"{parent} {key + 1} ({name})"
        return f"{parent} {key + 1}" if parent else str(key + 1)
    return str(key)


def _where(resource: Any, loc: tuple[Any, ...]) -> str:
    """A readable place for a path into ``resource``, e.g. "question 4 › extension 1 › valueString".

    List elements are named together with the key of their list, so the key segment
    before an index is folded into the element's name.
    """
    parts: list[str] = []
    current: Any = resource
    previous_key: str = ""
    for step in loc:
        if isinstance(step, int) and isinstance(current, list) and 0 <= step < len(current):
            element = current[step]
            if parts and previous_key:
                parts.pop()
            parts.append(_segment((previous_key,), step, element))
            current = element
            previous_key = ""
        elif isinstance(step, str) and isinstance(current, dict) and step in current:
            parts.append(step)
            current = current[step]
            previous_key = step
        else:
            parts.append(str(step))
            current = None
            previous_key = ""
    return SEPARATOR.join(parts) if parts else _("the form")


# --- Repair ---------------------------------------------------------------------------------


def _keeps_empty(element: dict[str, Any], key: str) -> bool:
    """An extension's url stays even when empty: removing it would lose the extension itself."""
    return key == "url" and _has_value(element)


def _has_value(extension: dict[str, Any]) -> bool:
    return any(key.startswith("value") for key in extension) or bool(extension.get("extension"))


class _Repairer:
    """Walks a resource once, removing values FHIR forbids and recording each removal."""

    def __init__(self) -> None:
        self.warnings: list[str] = []

    def warn(self, message: str) -> None:
        if len(self.warnings) < MAX_WARNINGS:
            self.warnings.append(message)
        elif len(self.warnings) == MAX_WARNINGS:
            self.warnings.append(_("More repairs were made than are listed here."))

    def element(self, value: dict[str, Any], path: list[str]) -> dict[str, Any]:
        repaired: dict[str, Any] = {}
        for key, child in value.items():
            here = [*path, key]
            if child is None:
                self.warn(_("%(where)s: the empty value (null) was removed") % {"where": _j(here)})
                continue
            if isinstance(child, str) and not child.strip() and not _keeps_empty(value, key):
                self.warn(
                    _("%(where)s: the empty value “%(value)s” was removed")
                    % {"where": _j(here), "value": child}
                )
                continue
            if key in {"linkId", "question"} and isinstance(child, str) and child != child.strip():
                self.warn(
                    _("%(where)s: spaces around “%(value)s” were removed")
                    % {"where": _j(here), "value": child.strip()}
                )
                child = child.strip()
            if isinstance(child, dict):
                child = self.element(child, here)
                if not child:
                    self.warn(_("%(where)s: the empty element was removed") % {"where": _j(here)})
                    continue
            elif isinstance(child, list):
                child = self.array(child, key, path)
                if not child:
                    self.warn(_("%(where)s: the empty list was removed") % {"where": _j(here)})
                    continue
            repaired[key] = child
        return repaired

    def array(self, values: list[Any], key: str, path: list[str]) -> list[Any]:
        repaired: list[Any] = []
        for index, child in enumerate(values):
            here = [*path, _segment((key,), index, child)]
            if child is None:
                # Primitive arrays may use null to line up with their "_key" extensions;
                # elsewhere a null is a defect. Either way it carries no value.
                self.warn(_("%(where)s: the empty value (null) was removed") % {"where": _j(here)})
                continue
            if isinstance(child, dict):
                child = self.element(child, here)
                if key == "extension" and not _has_value(child):
                    self.warn(
                        _("%(where)s: the extension has no value left and was removed")
                        % {"where": _j(here)}
                    )
                    continue
                if not child:
                    self.warn(_("%(where)s: the empty element was removed") % {"where": _j(here)})
                    continue
            elif isinstance(child, list):
                child = self.array(child, key, here)
            repaired.append(child)
        return repaired


def _j(parts: list[str]) -> str:
    return SEPARATOR.join(parts) if parts else _("the form")


def _validation_warnings(resource: dict[str, Any]) -> list[str]:
    """What the FHIR R4 model still objects to, as readable warnings (import goes on)."""
    try:
        FhirQuestionnaire.model_validate(resource)
    except ValidationError as error:
        warnings = []
        for problem in error.errors()[:MAX_WARNINGS]:
            where = _where(resource, tuple(problem.get("loc") or ()))
            warnings.append(
                _("%(where)s: does not follow the FHIR standard (%(problem)s)")
                % {"where": where, "problem": problem.get("msg", "")}
            )
        return warnings
    except (ValueError, TypeError) as error:
        return [_("The form does not follow the FHIR standard (%(problem)s)") % {"problem": error}]
    return []


def repair(resource: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The resource with tolerated defects repaired, and one warning per repair.

    Removes empty and whitespace-only strings, nulls, empty lists and objects (FHIR
    forbids all of them), drops an extension only when nothing is left of its value,
    trims spaces around linkIds, and sets a missing or unknown ``status`` to draft.
    Unknown extensions are kept as they are. What the FHIR model still rejects after
    that is added as warnings; whether the form can be used is for ``parse_definition``.
    """
    repairer = _Repairer()
    repaired = repairer.element(copy.deepcopy(resource), [])
    status = repaired.get("status")
    if status not in FHIR_STATUSES:
        if status is None:
            repairer.warn(_("The form had no status; it was set to draft."))
        else:
            repairer.warn(
                _("The form’s status “%(status)s” is not a FHIR status; it was set to draft.")
                % {"status": status}
            )
        repaired["status"] = "draft"
    return repaired, [*repairer.warnings, *_validation_warnings(repaired)]


# --- Checks ---------------------------------------------------------------------------------


def _shape_errors(resource: dict[str, Any]) -> list[str]:
    """Structural problems that would stop parsing, and the size limits."""
    errors: list[str] = []
    count = 0

    def visit(items: Any, depth: int, path: list[str]) -> None:
        nonlocal count
        if not isinstance(items, list):
            errors.append(_("%(where)s: “item” must be a list") % {"where": _j(path)})
            return
        if depth > MAX_DEPTH:
            errors.append(
                _("%(where)s: items are nested more than %(max)s levels deep")
                % {"where": _j(path), "max": MAX_DEPTH}
            )
            return
        for index, item in enumerate(items):
            here = [*path, _segment(("item",), index, item)]
            if not isinstance(item, dict):
                errors.append(_("%(where)s: an item must be a JSON object") % {"where": _j(here)})
                continue
            count += 1
            for key in ("answerOption", "enableWhen", "extension", "initial", "code"):
                value = item.get(key)
                if value is not None and (
                    not isinstance(value, list) or not all(isinstance(v, dict) for v in value)
                ):
                    errors.append(
                        _("%(where)s: “%(key)s” must be a list of JSON objects")
                        % {"where": _j(here), "key": key}
                    )
            if "item" in item:
                visit(item["item"], depth + 1, here)

    visit(resource.get("item") or [], 1, [])
    if count > MAX_ITEMS:
        errors.append(
            _("The form has %(count)s items; at most %(max)s are accepted.")
            % {"count": count, "max": MAX_ITEMS}
        )
    elif count == 0 and not errors:
        errors.append(_("The form has no questions (no items)."))
    for key in ("contained", "extension"):
        value = resource.get(key)
        if value is not None and (
            not isinstance(value, list) or not all(isinstance(v, dict) for v in value)
        ):
            errors.append(_("“%(key)s” must be a list of JSON objects") % {"key": key})
    return errors


def _title(resource: dict[str, Any]) -> str:
    for key in ("title", "name"):
        value = resource.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return _("Untitled questionnaire")


def _prepare(original: dict[str, Any]) -> tuple[_Prepared | None, list[str]]:
    """Check and repair one Questionnaire: (prepared, []) or (None, errors)."""
    if original.get("resourceType") != "Questionnaire":
        return None, [_("This is not a FHIR Questionnaire.")]
    errors = _shape_errors(original)
    if errors:
        return None, errors
    resource, warnings = repair(original)
    errors = _shape_errors(resource)  # a repair may have emptied the form
    if errors:
        return None, errors
    try:
        parse_definition(resource)
    except DefinitionError as error:
        return None, [f"{error.where}: {error.message}"]
    except (AttributeError, TypeError, ValueError, KeyError) as error:
        return None, [
            _("The form has a structure Medvirk cannot read (%(problem)s).") % {"problem": error}
        ]
    return _Prepared(
        original=original, resource=resource, warnings=warnings, title=_title(resource)
    ), []


def _forms_in(data: dict[str, Any]) -> tuple[list[dict[str, Any]], list[str]]:
    """The Questionnaires of an upload and warnings about what was skipped."""
    resource_type = data.get("resourceType")
    if resource_type == "Questionnaire":
        return [data], []
    if resource_type != "Bundle":
        raise ImportRefused(
            [
                _("The file is a %(type)s, not a FHIR Questionnaire or Bundle.")
                % {"type": resource_type or _("JSON object without resourceType")}
            ]
        )
    bundle_type = data.get("type")
    if bundle_type not in BUNDLE_TYPES:
        raise ImportRefused(
            [
                _("Bundles of type “%(type)s” cannot be imported; use a collection.")
                % {"type": bundle_type or ""}
            ]
        )
    entries = data.get("entry") or []
    if not isinstance(entries, list):
        raise ImportRefused([_("The Bundle’s “entry” must be a list.")])
    forms: list[dict[str, Any]] = []
    warnings: list[str] = []
    for index, entry in enumerate(entries, start=1):
        resource = entry.get("resource") if isinstance(entry, dict) else None
        if not isinstance(resource, dict):
            warnings.append(
                _("Bundle entry %(n)s holds no resource and was ignored.") % {"n": index}
            )
        elif resource.get("resourceType") == "Questionnaire":
            forms.append(resource)
        else:
            warnings.append(
                _("Bundle entry %(n)s is a %(type)s, not a Questionnaire, and was ignored.")
                % {"n": index, "type": resource.get("resourceType") or "?"}
            )
    if not forms:
        raise ImportRefused([_("The Bundle contains no Questionnaire.")])
    return forms, warnings


# --- Storing --------------------------------------------------------------------------------


def _language(resource: dict[str, Any]) -> str:
    language = resource.get("language")
    if isinstance(language, str) and language:
        return language[:20]
    for tag in (resource.get("meta") or {}).get("tag") or []:
        if isinstance(tag, dict) and tag.get("system") == LANGUAGE_TAG_SYSTEM and tag.get("code"):
            return str(tag["code"])[:20]
    return ""


def _text(resource: dict[str, Any], key: str, limit: int) -> str:
    value = resource.get(key)
    return value.strip()[:limit] if isinstance(value, str) else ""


def _find(organization: Organization, resource: dict[str, Any], key: str) -> Questionnaire | None:
    """The existing Questionnaire this upload is a new version of, if any."""
    mine = Questionnaire.objects.filter(organization=organization)
    if key:
        return mine.filter(key=key).first()
    for field_name, resource_key, limit in (
        ("url", "url", 500),
        ("fhir_id", "id", 64),
        ("name", "name", 200),
    ):
        value = _text(resource, resource_key, limit)
        if value:
            return mine.filter(**{field_name: value}).order_by("-pk").first()
    return None


def _store(
    organization: Organization,
    prepared: _Prepared,
    *,
    user: Any,
    origin: str,
    key: str,
    rules: dict[str, Any] | None,
    activate: bool,
) -> ImportedForm:
    resource = prepared.resource
    questionnaire = _find(organization, resource, key)
    created = questionnaire is None
    latest: QuestionnaireVersion | None = None
    if questionnaire is None:
        questionnaire = Questionnaire(organization=organization, key=key, origin=origin)
    else:
        # Lock the form so two imports at once cannot take the same version number.
        questionnaire = Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)
        latest = questionnaire.versions.order_by("-number").first()
    if (
        latest is not None
        and latest.resource == resource
        and (rules is None or rules == latest.rules)
    ):
        if activate and latest.status != VersionStatus.ACTIVE:
            set_status(latest, VersionStatus.ACTIVE)
        return ImportedForm(
            questionnaire, latest, created=False, unchanged=True, warnings=list(prepared.warnings)
        )

    questionnaire.title = prepared.title[:300]
    questionnaire.name = _text(resource, "name", 200)
    questionnaire.language = _language(resource)
    questionnaire.url = _text(resource, "url", 500) or questionnaire.url
    questionnaire.fhir_id = _text(resource, "id", 64) or questionnaire.fhir_id
    questionnaire.save()
    # A new version of an instrument keeps its scoring rules unless new ones are given.
    version = QuestionnaireVersion.objects.create(
        questionnaire=questionnaire,
        number=(latest.number + 1) if latest else 1,
        status=VersionStatus.DRAFT,
        original=prepared.original,
        resource=resource,
        rules=rules if rules is not None else (latest.rules if latest else {}),
        warnings=prepared.warnings,
        fhir_version=_text(resource, "version", 64),
        imported_by=user if getattr(user, "pk", None) else None,
    )
    if activate:
        set_status(version, VersionStatus.ACTIVE)
    return ImportedForm(
        questionnaire, version, created=created, unchanged=False, warnings=list(prepared.warnings)
    )


def import_resources(
    organization: Organization,
    raw: bytes | str | dict[str, Any],
    *,
    user: Any = None,
    origin: str = Origin.IMPORTED,
    key: str = "",
    rules: dict[str, Any] | None = None,
    activate: bool = False,
) -> list[ImportedForm]:
    """Import a Questionnaire or a Bundle of them; all forms or none.

    Each form becomes a new ``QuestionnaireVersion`` (a draft unless ``activate``) of
    the organisation's matching Questionnaire — found by ``key``, else canonical url,
    else FHIR id, else name — or of a new one. Re-importing an identical form makes
    no new version. Raises ``ImportRefused`` listing every problem of every form.
    """
    data = copy.deepcopy(raw) if isinstance(raw, dict) else read_json(raw)
    forms, bundle_warnings = _forms_in(data)
    if key and len(forms) > 1:
        raise ImportRefused([_("A key can only be given when importing a single form.")])
    prepared: list[_Prepared] = []
    errors: list[str] = []
    for index, form in enumerate(forms, start=1):
        ready, problems = _prepare(form)
        if len(forms) > 1:
            label = _("Form %(n)s (%(title)s)") % {"n": index, "title": _title(form)}
            problems = [f"{label}: {problem}" for problem in problems]
        errors.extend(problems)
        if ready is not None:
            prepared.append(ready)
    if errors:
        raise ImportRefused(errors)
    with transaction.atomic():
        imported = [
            _store(
                organization,
                ready,
                user=user,
                origin=origin,
                key=key,
                rules=rules,
                activate=activate,
            )
            for ready in prepared
        ]
    if bundle_warnings:
        imported[0].warnings[:0] = bundle_warnings
    return imported


def set_status(version: QuestionnaireVersion, status: str) -> None:
    """Set a version's status; activating it retires the questionnaire's active version.

    Done in one transaction with the questionnaire locked, retiring first, so the
    ``questionnaire_one_active_version`` constraint holds at every step.
    """
    if status not in VersionStatus.values:
        raise ValueError(f"Unknown version status {status!r}")
    with transaction.atomic():
        Questionnaire.objects.select_for_update().filter(pk=version.questionnaire_id).first()
        if status == VersionStatus.ACTIVE:
            QuestionnaireVersion.objects.filter(
                questionnaire_id=version.questionnaire_id, status=VersionStatus.ACTIVE
            ).exclude(pk=version.pk).update(status=VersionStatus.RETIRED)
        version.status = status
        version.save(update_fields=["status", "updated_at"])
