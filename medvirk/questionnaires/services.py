"""Writes of the questionnaire engine: starting, saving, submitting and importing responses.

A response is a FHIR QuestionnaireResponse kept whole in ``Response.resource``.
While it is a draft, the answers are stored as the form produced them so the
person can resume; on submit the resource is completed, validated with
fhir.resources (a resource that fails is a bug in Medvirk, so it raises),
scored and exploded into typed ``Answer`` rows so reports aggregate in the
database. Submitting is idempotent: the row is locked and a completed
response is returned unchanged, so a double click stores one response.

Anonymous responses hold no person, no IP address and a submit time
coarsened to the day, so that the time cannot single anyone out either.
"""

from __future__ import annotations

import copy
import re
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, Protocol

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from pydantic import ValidationError

from medvirk.questionnaires.choices import EntryMode, ResponseStatus
from medvirk.questionnaires.definition import (
    Definition,
    Item,
    Option,
    definition_for,
    value_of,
)
from medvirk.questionnaires.models import Answer, AnswerFile, QuestionnaireVersion, Response
from medvirk.questionnaires.scoring import fill_calculated, score

if TYPE_CHECKING:
    from medvirk.accounts.models import User
    from medvirk.organizations.models import Organization

ENTRY_MODE_SYSTEM = "https://medvirk.no/fhir/CodeSystem/entry-mode"
# A person is referred to by Medvirk's id only: never a name, e-mail or national id.
USER_SYSTEM = "https://medvirk.no/fhir/NamingSystem/user"

# Limits of the Answer columns; longer values are cut rather than refused.
_CODE_MAX = 255
_SYSTEM_MAX = 500
_INSTANCE_MAX = 64
_NUMBER_LIMIT = Decimal(10) ** 16  # max_digits 24, decimal_places 8
_UUID = re.compile(
    r"[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}"
)

# Which answer value[x] each item type may hold (import checks against it).
_CHOICE_VALUES = frozenset(
    {"valueCoding", "valueString", "valueInteger", "valueDate", "valueTime", "valueReference"}
)
ALLOWED_VALUES: dict[str, frozenset[str]] = {
    "boolean": frozenset({"valueBoolean"}),
    "decimal": frozenset({"valueDecimal"}),
    "integer": frozenset({"valueInteger"}),
    "date": frozenset({"valueDate"}),
    "dateTime": frozenset({"valueDateTime"}),
    "time": frozenset({"valueTime"}),
    "string": frozenset({"valueString"}),
    "text": frozenset({"valueString"}),
    "url": frozenset({"valueUri"}),
    "choice": _CHOICE_VALUES,
    "open-choice": _CHOICE_VALUES,
    "quantity": frozenset({"valueQuantity"}),
    "attachment": frozenset({"valueAttachment"}),
    "reference": frozenset({"valueReference"}),
}


class ResponseLocked(Exception):
    """A submitted response cannot be changed."""


class ResponseImportError(ValueError):
    """A QuestionnaireResponse from elsewhere that cannot be stored; ``errors`` say why."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


class PendingFileLike(Protocol):
    """What ``rendering.PendingFile`` carries: an upload checked and waiting to be stored."""

    @property
    def key(self) -> Any: ...
    @property
    def link_id(self) -> str: ...
    @property
    def upload(self) -> Any: ...
    @property
    def content_type(self) -> str: ...
    @property
    def size(self) -> int: ...
    @property
    def sha1(self) -> str: ...


# --- Starting and finding responses --------------------------------------------------------


def start_response(
    version: QuestionnaireVersion,
    *,
    organization: Organization,
    respondent: User | None = None,
    subject: User | None = None,
    entered_by: User | None = None,
    mode: EntryMode | str = EntryMode.SELF,
    anonymous: bool = False,
    submission_key: uuid.UUID | None = None,
) -> Response:
    """A new in-progress response to ``version``.

    An anonymous response names nobody: passing a respondent or subject with
    ``anonymous=True`` is a programming error and raises ``ValueError``.
    ``submission_key`` is the key the fresh form carried, so that posting the
    same form twice finds this response; a key already taken is replaced by a
    new random one.
    """
    if anonymous and (respondent is not None or subject is not None):
        raise ValueError("An anonymous response cannot name a respondent or subject.")
    if version.questionnaire.organization_id != organization.pk:
        raise ValueError("The questionnaire belongs to another organisation.")
    response = Response.objects.create(
        organization=organization,
        version=version,
        respondent=respondent,
        subject=subject,
        entered_by=entered_by,
        mode=EntryMode(mode),
        anonymous=anonymous,
        submission_key=(
            submission_key
            if submission_key is not None
            and not Response.objects.filter(submission_key=submission_key).exists()
            else uuid.uuid4()
        ),
    )
    response.resource = build_resource(response, [], status=ResponseStatus.IN_PROGRESS)
    response.save(update_fields=["resource", "updated_at"])
    return response


def draft_for(version: QuestionnaireVersion, respondent: User | None) -> Response | None:
    """The person's latest unfinished response to ``version``, to resume it."""
    if respondent is None or not getattr(respondent, "is_authenticated", False):
        return None
    return (
        Response.objects.filter(
            version=version, respondent=respondent, status=ResponseStatus.IN_PROGRESS
        )
        .order_by("-updated_at", "-pk")
        .first()
    )


def response_for_submission_key(key: Any) -> Response | None:
    """The response a form's submission key belongs to; None for a malformed or unknown key."""
    try:
        parsed = uuid.UUID(str(key))
    except (TypeError, ValueError, AttributeError):
        return None
    return Response.objects.select_related("version").filter(submission_key=parsed).first()


# --- Drafts and submit -----------------------------------------------------------------------


def save_draft(
    response: Response,
    items: list[dict[str, Any]],
    *,
    page: int = 0,
    files: Sequence[PendingFileLike] = (),
) -> Response:
    """Keep the answers so far (and the page the person is on); raise ``ResponseLocked``
    once the response has been submitted."""
    with transaction.atomic():
        locked = _lock(response)
        if locked.is_locked:
            raise ResponseLocked
        items = copy.deepcopy(list(items or []))
        _store_files(locked, items, files)
        locked.current_page = max(0, min(int(page), 32767))
        locked.resource = build_resource(locked, items, status=ResponseStatus.IN_PROGRESS)
        locked.save(update_fields=["resource", "current_page", "updated_at"])
    _copy_back(locked, response, ["resource", "current_page", "updated_at", "status"])
    return locked


def submit(
    response: Response,
    items: list[dict[str, Any]],
    *,
    files: Sequence[PendingFileLike] = (),
    day: date | None = None,
) -> Response:
    """Complete the response: validate, score and store one ``Answer`` row per value.

    Idempotent: a response that is already completed (a second click, a
    resent form) is returned as stored and nothing is written. ``day`` is the
    day an anonymous response was given when it is stored later (a task).
    """
    with transaction.atomic():
        locked = _lock(response)
        if locked.is_locked:
            _copy_back(locked, response, _SUBMIT_FIELDS)
            return locked
        version = locked.version
        definition = definition_for(version)
        items = fill_calculated(definition, copy.deepcopy(list(items or [])), version.resource)
        _store_files(locked, items, files)
        now = timezone.now()
        if not locked.anonymous:
            locked.submitted_at = now
        else:
            locked.submitted_at = day_start(now) if day is None else day_start_of(day)
        locked.status = ResponseStatus.COMPLETED
        locked.resource = build_resource(locked, items, status=ResponseStatus.COMPLETED)
        validate_resource(locked.resource)
        locked.scores = score(definition, items, version.rules, version.resource).as_json()
        locked.save(update_fields=_SUBMIT_FIELDS)
        Answer.objects.bulk_create(
            answer_rows(locked, locked.resource.get("item") or []), batch_size=500
        )
    _copy_back(locked, response, _SUBMIT_FIELDS)
    return locked


_SUBMIT_FIELDS = ["status", "submitted_at", "resource", "scores", "updated_at"]


def _lock(response: Response) -> Response:
    """The response's row, locked for this transaction (concurrent submits wait here)."""
    return (
        Response.objects.select_for_update(of=("self",))
        .select_related("version", "version__questionnaire")
        .get(pk=response.pk)
    )


def _copy_back(source: Response, target: Response, fields: Iterable[str]) -> None:
    """Let a caller that keeps its own instance see what was stored."""
    if source is target:
        return
    for name in fields:
        setattr(target, name, getattr(source, name))


def day_start(moment: datetime) -> datetime:
    """00:00 of the moment's day in the project's time zone, as an aware datetime."""
    local = timezone.localtime(moment)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def day_start_of(day: date) -> datetime:
    """00:00 of ``day`` in the project's time zone, as an aware datetime."""
    return timezone.make_aware(datetime.combine(day, time.min))


def validate_resource(resource: dict[str, Any]) -> None:
    """Check a QuestionnaireResponse with fhir.resources; raise ``ValidationError`` if wrong."""
    QuestionnaireResponse.model_validate(resource)


# --- The FHIR resource ------------------------------------------------------------------------


def questionnaire_canonical(version: QuestionnaireVersion) -> str:
    """How a QuestionnaireResponse names its Questionnaire: ``url|version`` or a local id."""
    resource = version.resource or {}
    url = str(resource.get("url") or "")
    if url:
        fhir_version = str(resource.get("version") or "")
        return f"{url}|{fhir_version}" if fhir_version else url
    local_id = str(resource.get("id") or version.questionnaire.fhir_id or version.questionnaire_id)
    return f"Questionnaire/{local_id}"


def authored(response: Response, moment: datetime | None = None) -> str:
    """The FHIR ``authored`` value: to the second, or only the day for anonymous answers."""
    moment = moment or response.submitted_at or timezone.now()
    if response.anonymous:
        return timezone.localdate(moment).isoformat()
    return timezone.localtime(moment).isoformat(timespec="seconds")


def _person(user_id: int) -> dict[str, Any]:
    return {"identifier": {"system": USER_SYSTEM, "value": str(user_id)}}


def build_resource(
    response: Response, items: list[dict[str, Any]], *, status: str
) -> dict[str, Any]:
    """The QuestionnaireResponse for ``response`` holding ``items``.

    A completed resource is cleaned for FHIR (no empty values or lists, no
    unanswered questions); a draft keeps the items as the form gave them,
    empty repeats included, so the person resumes where they left off.
    People appear only as Medvirk ids, and not at all when anonymous.
    """
    completed = status == ResponseStatus.COMPLETED
    resource: dict[str, Any] = {
        "resourceType": "QuestionnaireResponse",
        "id": str(response.pk),
        "questionnaire": questionnaire_canonical(response.version),
        "status": str(status),
        "authored": authored(response),
    }
    if response.mode != EntryMode.SELF:
        mode = EntryMode(response.mode)
        resource["meta"] = {
            "tag": [{"system": ENTRY_MODE_SYSTEM, "code": mode.value, "display": str(mode.label)}]
        }
    if not response.anonymous:
        about = response.subject_id or response.respondent_id
        if about:
            resource["subject"] = _person(about)
        author = response.entered_by_id or response.respondent_id
        if author:
            resource["author"] = _person(author)
        if response.respondent_id:
            resource["source"] = _person(response.respondent_id)
    cleaned = clean_items(items) if completed else copy.deepcopy(list(items or []))
    if cleaned:
        resource["item"] = cleaned
    return resource


def _has_value(value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, str):
        return value.strip() != ""
    if isinstance(value, dict | list):
        return bool(value)
    return True


def _clean_answer(answer: dict[str, Any]) -> dict[str, Any] | None:
    cleaned: dict[str, Any] = {}
    for key, value in answer.items():
        if key == "item":
            children = clean_items(value or [])
            if children:
                cleaned["item"] = children
        elif _has_value(value):
            cleaned[key] = value
    has_value = any(key.startswith("value") for key in cleaned)
    return cleaned if has_value or "item" in cleaned else None


def clean_items(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Items fit for a completed resource: empty answers, empty lists and bare items dropped."""
    cleaned_items: list[dict[str, Any]] = []
    for item in items or []:
        if not isinstance(item, dict) or not item.get("linkId"):
            continue
        cleaned: dict[str, Any] = {}
        for key, value in item.items():
            if key == "answer":
                answers = [a for a in (_clean_answer(x) for x in value or []) if a is not None]
                if answers:
                    cleaned["answer"] = answers
            elif key == "item":
                children = clean_items(value or [])
                if children:
                    cleaned["item"] = children
            elif _has_value(value):
                cleaned[key] = value
        if "answer" in cleaned or "item" in cleaned:
            cleaned_items.append(cleaned)
    return cleaned_items


# --- Answer rows ---------------------------------------------------------------------------


def answer_rows(response: Response, items: list[dict[str, Any]]) -> list[Answer]:
    """One typed ``Answer`` per answer value, walking groups and answers' children.

    ``instance`` is the path of occurrence numbers from the top, e.g. "1.0" for
    the first question in the second instance of a repeating group; a child
    of an answer adds the answer's position ("0.2.0").
    """
    definition = definition_for(response.version)
    rows: list[Answer] = []
    _walk_rows(response, definition, items or [], "", rows)
    return rows


def _walk_rows(
    response: Response,
    definition: Definition,
    items: list[dict[str, Any]],
    prefix: str,
    rows: list[Answer],
) -> None:
    seen: dict[str, int] = defaultdict(int)
    for item in items:
        if not isinstance(item, dict):
            continue
        link_id = str(item.get("linkId") or "")
        occurrence = seen[link_id]
        seen[link_id] += 1
        path = f"{prefix}.{occurrence}" if prefix else str(occurrence)
        node = definition.by_link_id.get(link_id)
        for position, answer in enumerate(item.get("answer") or []):
            if not isinstance(answer, dict):
                continue
            row = _answer_row(response, node, link_id, path, position, answer)
            if row is not None:
                rows.append(row)
            if answer.get("item"):
                _walk_rows(response, definition, answer["item"], f"{path}.{position}", rows)
        if item.get("item"):
            _walk_rows(response, definition, item["item"], path, rows)


def _number(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    if not number.is_finite() or abs(number) >= _NUMBER_LIMIT:
        return None
    return number.quantize(Decimal("0.00000001"))


def option_for(node: Item | None, coding: dict[str, Any]) -> Option | None:
    """The definition's option a coded answer chose, matched by system and code.

    An answer without a system matches an option by code alone (forms from
    other systems often leave it out).
    """
    if node is None:
        return None
    code = str(coding.get("code") or "")
    system = str(coding.get("system") or "")
    fallback: Option | None = None
    for option in node.options:
        if option.value_type != "Coding" or option.code != code:
            continue
        if option.system == system:
            return option
        if not system or not option.system:
            fallback = option
    return fallback


def ordinal_for(node: Item | None, coding: dict[str, Any]) -> Decimal | None:
    """The ordinal of a coded answer from the definition, never from the answer itself."""
    option = option_for(node, coding)
    return option.ordinal if option is not None else None


def _date_of(value: str, *, with_time: bool) -> date | None:
    """The calendar date of a FHIR date or dateTime; None when only a year or month is known."""
    if with_time and "T" in value:
        moment = parse_datetime(value)
        if moment is None:
            return None
        return timezone.localtime(moment).date() if timezone.is_aware(moment) else moment.date()
    try:
        return parse_date(value) if len(value) == 10 else None
    except ValueError:
        return None


def _answer_row(
    response: Response,
    node: Item | None,
    link_id: str,
    path: str,
    position: int,
    answer: dict[str, Any],
) -> Answer | None:
    found = value_of(answer, "value")
    if found is None:
        return None
    value_type, value = found
    row = Answer(
        response=response,
        version_id=response.version_id,
        link_id=link_id[:255],
        instance=path[:_INSTANCE_MAX],
        position=min(position, 32767),
        item_type=(node.type if node else value_type[:1].lower() + value_type[1:])[:20],
    )
    if value_type == "Coding" and isinstance(value, dict):
        row.value_code = str(value.get("code") or "")[:_CODE_MAX]
        row.value_system = str(value.get("system") or "")[:_SYSTEM_MAX]
        option = option_for(node, value)
        row.value_text = str(value.get("display") or (option.label if option else ""))
        row.value_number = _number(option.ordinal if option else None)
    elif value_type == "Boolean":
        row.value_code = "true" if value else "false"
        row.value_number = Decimal(1 if value else 0)
    elif value_type in {"Integer", "Decimal"}:
        row.value_number = _number(value)
    elif value_type == "Quantity" and isinstance(value, dict):
        row.value_number = _number(value.get("value"))
        row.value_code = str(value.get("code") or value.get("unit") or "")[:_CODE_MAX]
        row.value_system = str(value.get("system") or "")[:_SYSTEM_MAX]
    elif value_type in {"Date", "DateTime"}:
        row.value_text = str(value)
        row.value_date = _date_of(str(value), with_time=value_type == "DateTime")
    elif value_type == "Attachment" and isinstance(value, dict):
        row.value_text = str(value.get("title") or "")
        row.value_code = str(value.get("contentType") or "")[:_CODE_MAX]
    elif value_type == "Reference" and isinstance(value, dict):
        row.value_code = str(value.get("reference") or "")[:_CODE_MAX]
        row.value_text = str(value.get("display") or value.get("reference") or "")
    else:  # Time, String, Uri and anything else readable as text
        row.value_text = str(value)
    return row


# --- Attached files ----------------------------------------------------------------------------


def attachment_keys(items: list[dict[str, Any]]) -> set[str]:
    """The keys of stored files the answers refer to (a UUID in the attachment's url or id)."""
    keys: set[str] = set()

    def visit(entries: list[dict[str, Any]]) -> None:
        for item in entries or []:
            if not isinstance(item, dict):
                continue
            for answer in item.get("answer") or []:
                if not isinstance(answer, dict):
                    continue
                attachment = answer.get("valueAttachment")
                if isinstance(attachment, dict):
                    for field_name in ("url", "id"):
                        for match in _UUID.findall(str(attachment.get(field_name) or "")):
                            keys.add(str(uuid.UUID(match)))
                visit(answer.get("item") or [])
            visit(item.get("item") or [])

    visit(items)
    return keys


def _store_files(
    response: Response, items: list[dict[str, Any]], files: Sequence[PendingFileLike]
) -> None:
    """Store new uploads the answers use and remove stored files no answer refers to any more."""
    wanted = attachment_keys(items)
    existing = {str(f.key): f for f in AnswerFile.objects.filter(response=response)}
    for pending in files:
        key = str(uuid.UUID(str(pending.key)))
        if key in existing or key not in wanted:
            continue
        stored = AnswerFile(
            response=response,
            link_id=str(pending.link_id)[:255],
            key=uuid.UUID(key),
            filename=_base_name(str(getattr(pending.upload, "name", "") or "")) or key,
            content_type=str(pending.content_type)[:100],
            size=int(pending.size),
            sha1=str(pending.sha1)[:40],
        )
        stored.file = pending.upload
        stored.save()
        existing[key] = stored
    for key, stored in existing.items():
        if key not in wanted:
            _delete_file(stored)


def _base_name(name: str) -> str:
    """The uploaded file's own name without any folder a browser sent along."""
    return name.replace("\\", "/").rsplit("/", 1)[-1][-255:]


def _delete_file(stored: AnswerFile) -> None:
    """Remove the row now and the stored bytes once the transaction has committed."""
    name = stored.file.name
    storage = stored.file.storage
    stored.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))


# --- Importing a QuestionnaireResponse ----------------------------------------------------------


def _parents(definition: Definition) -> dict[str, str | None]:
    parents: dict[str, str | None] = {}

    def visit(item: Item, parent: str | None) -> None:
        parents[item.link_id] = parent
        for child in item.children:
            visit(child, item.link_id)

    for top in definition.items:
        visit(top, None)
    return parents


class _Matcher:
    """Matches a foreign QuestionnaireResponse's items to a definition, collecting warnings."""

    def __init__(self, definition: Definition) -> None:
        self.definition = definition
        self.parents = _parents(definition)
        self.warnings: list[str] = []

    def items(self, entries: Any, parent: str | None) -> list[dict[str, Any]]:
        kept: list[dict[str, Any]] = []
        for entry in entries or []:
            if not isinstance(entry, dict):
                continue
            item = self.item(entry, parent)
            if item is not None:
                kept.append(item)
        return kept

    def item(self, entry: dict[str, Any], parent: str | None) -> dict[str, Any] | None:
        link_id = str(entry.get("linkId") or "")
        node = self.definition.by_link_id.get(link_id)
        if node is None:
            self.warnings.append(
                _("Question %(id)s is not in the form; its answers were left out.")
                % {"id": link_id or "?"}
            )
            return None
        if self.parents.get(link_id) != parent:
            self.warnings.append(
                _("Question %(id)s is not where the form has it; its answers were left out.")
                % {"id": link_id}
            )
            return None
        text = entry.get("text")
        if text is not None and str(text) != node.text:
            self.warnings.append(
                _("Question %(id)s has a different text; the form's text was kept.")
                % {"id": link_id}
            )
        item: dict[str, Any] = {"linkId": link_id}
        if node.text:
            item["text"] = node.text
        answers = self.answers(node, entry.get("answer"))
        if answers:
            item["answer"] = answers
        children = self.items(entry.get("item"), link_id)
        if children:
            item["item"] = children
        return item

    def answers(self, node: Item, entries: Any) -> list[dict[str, Any]]:
        if entries and not node.answerable:
            self.warnings.append(
                _("%(id)s is a group and cannot have answers; they were left out.")
                % {"id": node.link_id}
            )
            return []
        allowed = ALLOWED_VALUES.get(node.type, frozenset())
        kept: list[dict[str, Any]] = []
        for entry in entries or []:
            if not isinstance(entry, dict):
                continue
            answer: dict[str, Any] = {}
            found = value_of(entry, "value")
            if found is not None:
                key = f"value{found[0]}"
                if key in allowed:
                    answer[key] = found[1]
                    self._check_option(node, key, found[1])
                else:
                    self.warnings.append(
                        _("An answer to %(id)s has the wrong type (%(type)s); it was left out.")
                        % {"id": node.link_id, "type": found[0]}
                    )
            children = self.items(entry.get("item"), node.link_id)
            if children:
                answer["item"] = children
            if answer:
                kept.append(answer)
        return kept

    def _check_option(self, node: Item, key: str, value: Any) -> None:
        if node.type != "choice" or key != "valueCoding" or not isinstance(value, dict):
            return
        codes = {option.code for option in node.options}
        if str(value.get("code") or "") not in codes:
            self.warnings.append(
                _("An answer to %(id)s is not one of the form's options.") % {"id": node.link_id}
            )


def _authored_time(resource: dict[str, Any]) -> datetime | None:
    value = str(resource.get("authored") or "")
    if not value:
        return None
    try:
        moment = parse_datetime(value)
        if moment is None:
            day = parse_date(value)
            if day is None:
                return None
            moment = datetime(day.year, day.month, day.day)
    except ValueError:
        return None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def import_response(
    version: QuestionnaireVersion,
    resource: dict[str, Any],
    *,
    organization: Organization,
    respondent: User | None = None,
    mode: EntryMode | str = EntryMode.SELF,
) -> tuple[Response, list[str]]:
    """Store a QuestionnaireResponse from another system as a completed response.

    Items are matched by linkId against the version's definition: unknown
    or misplaced items and answers of the wrong type are left out with a
    warning each, and a differing question text is replaced by the form's
    (warning too). Answers without a value but with nested items are kept.
    The stored resource is Medvirk's own (its id, its canonical, no foreign
    identifiers); scores and Answer rows are made as on submit.
    ``ResponseImportError`` when the result is not a valid QuestionnaireResponse.
    """
    if not isinstance(resource, dict) or resource.get("resourceType") != "QuestionnaireResponse":
        raise ResponseImportError([_("This is not a FHIR QuestionnaireResponse.")])
    if version.questionnaire.organization_id != organization.pk:
        raise ValueError("The questionnaire belongs to another organisation.")
    definition = definition_for(version)
    matcher = _Matcher(definition)
    items = clean_items(matcher.items(resource.get("item"), None))
    submitted_at = _authored_time(resource) or timezone.now()
    with transaction.atomic():
        response = Response.objects.create(
            organization=organization,
            version=version,
            respondent=respondent,
            mode=EntryMode(mode),
            status=ResponseStatus.COMPLETED,
            submitted_at=submitted_at,
        )
        response.resource = build_resource(response, items, status=ResponseStatus.COMPLETED)
        try:
            validate_resource(response.resource)
        except ValidationError as error:
            raise ResponseImportError(
                [_("The response is not valid FHIR: %(error)s") % {"error": error}]
            ) from error
        response.scores = score(definition, items, version.rules, version.resource).as_json()
        response.save(update_fields=["resource", "scores", "updated_at"])
        Answer.objects.bulk_create(answer_rows(response, items), batch_size=500)
    return response, matcher.warnings
