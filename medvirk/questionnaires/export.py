"""Submitted responses out of Medvirk: a FHIR Bundle, CSV and XLSX.

Exports are for analysis, so they carry the answers and Medvirk's ids only:
never a name or an e-mail address (a response does not store them anyway;
anonymous responses store no person at all). Only completed responses are
exported; drafts are the person's unfinished work.

Spreadsheet cells that begin like a formula (= + - @, tab, carriage return)
get a leading apostrophe so that opening an export never runs what someone
typed into a free-text answer (CSV/formula injection). Plain numbers such as
"-3" are left as they are: they are not formulas.

Responses are read with ``.iterator(chunk_size=...)`` so memory stays flat
however many there are (the Bundle, being one JSON document, is the exception).
"""

from __future__ import annotations

import csv
import io
import re
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from medvirk.accesslog.models import AccessAction
from medvirk.accesslog.services import log_access
from medvirk.questionnaires.choices import ResponseStatus
from medvirk.questionnaires.definition import Definition, Item, definition_for, value_of
from medvirk.questionnaires.models import Questionnaire, QuestionnaireVersion, Response
from medvirk.questionnaires.scoring import localized, scored_link_ids
from medvirk.questionnaires.services import option_for

if TYPE_CHECKING:
    from medvirk.accounts.models import User

CHUNK_SIZE = 500
# The namespace of the stable urn:uuid a response gets in a Bundle.
RESPONSE_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://medvirk.no/fhir/QuestionnaireResponse")
FORMATS = ("fhir", "csv", "xlsx")

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")

Source = Questionnaire | QuestionnaireVersion


# --- Choosing responses -----------------------------------------------------------------------


def completed_responses(source: Source) -> QuerySet[Response]:
    """The completed responses to a questionnaire (all versions) or to one version."""
    queryset = Response.objects.filter(status=ResponseStatus.COMPLETED)
    if isinstance(source, QuestionnaireVersion):
        queryset = queryset.filter(version=source)
    else:
        queryset = queryset.filter(version__questionnaire=source)
    return queryset.order_by("submitted_at", "pk")


def _iterate(responses: Iterable[Response]) -> Iterator[Response]:
    """Completed responses only, read in chunks when given a queryset."""
    if isinstance(responses, QuerySet):
        queryset = responses.filter(status=ResponseStatus.COMPLETED).select_related("version")
        if not queryset.query.order_by:
            queryset = queryset.order_by("submitted_at", "pk")
        yield from queryset.iterator(chunk_size=CHUNK_SIZE)
        return
    for response in responses:
        if response.status == ResponseStatus.COMPLETED:
            yield response


def _restricted(source: Source, responses: Iterable[Response]) -> Iterable[Response]:
    """A queryset limited to the source, so columns always fit the rows."""
    if isinstance(responses, QuerySet):
        if isinstance(source, QuestionnaireVersion):
            return responses.filter(version=source)
        return responses.filter(version__questionnaire=source)
    return responses


# --- FHIR ---------------------------------------------------------------------------------------


def full_url(response: Response) -> str:
    """A stable ``urn:uuid`` for the response (not its submission key, which stays private)."""
    return f"urn:uuid:{uuid.uuid5(RESPONSE_NAMESPACE, str(response.pk))}"


def responses_bundle(responses: Iterable[Response]) -> dict[str, Any]:
    """A FHIR Bundle (type collection) of the stored QuestionnaireResponses."""
    entries = [
        {"fullUrl": full_url(response), "resource": response.resource}
        for response in _iterate(responses)
    ]
    bundle: dict[str, Any] = {
        "resourceType": "Bundle",
        "type": "collection",
        "timestamp": timezone.localtime().isoformat(timespec="seconds"),
    }
    # No "total": FHIR allows it only on search and history bundles (bdl-1).
    if entries:
        bundle["entry"] = entries
    return bundle


# --- Tables -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    link_id: str
    header: str


def _versions(source: Source) -> list[QuestionnaireVersion]:
    if isinstance(source, QuestionnaireVersion):
        return [source]
    return list(source.versions.order_by("-number"))


def item_columns(source: Source) -> list[Column]:
    """One column per answerable item: the newest version's order, then older versions' extras."""
    columns: list[Column] = []
    seen: set[str] = set()
    for version in _versions(source):
        for item in definition_for(version).answerable_items():
            if item.link_id in seen:
                continue
            seen.add(item.link_id)
            label = item.label
            columns.append(
                Column(item.link_id, f"{item.link_id}: {label}" if label else item.link_id)
            )
    return columns


def _scoring(source: Source) -> tuple[bool, bool]:
    """Whether any version is scored, and whether any has bands."""
    scored = banded = False
    for version in _versions(source):
        rules = version.rules or {}
        if scored_link_ids(definition_for(version), rules):
            scored = True
        if rules.get("bands"):
            scored = banded = True
    return scored, banded


def _display(node: Item | None, answer: dict[str, Any]) -> Any:
    """An answer as one cell value: numbers stay numbers, the rest becomes text."""
    found = value_of(answer, "value")
    if found is None:
        return None
    value_type, value = found
    if value_type in {"Integer", "Decimal"} and not isinstance(value, bool):
        return Decimal(str(value))
    if value_type == "Boolean":
        return "true" if value else "false"
    if isinstance(value, dict):
        if value_type == "Coding":
            option = option_for(node, value)
            label = option.label if option is not None else ""
            return str(value.get("display") or label or value.get("code") or "")
        if value_type == "Quantity":
            number = value.get("value")
            return Decimal(str(number)) if number is not None else None
        if value_type == "Attachment":
            return str(value.get("title") or value.get("contentType") or "")
        if value_type == "Reference":
            return str(value.get("display") or value.get("reference") or "")
        return str(value)
    return str(value)


def _collect(
    definition: Definition, items: list[dict[str, Any]], found: dict[str, list[Any]]
) -> None:
    """Every answer value per linkId, in order, across repeats and nesting."""
    for item in items or []:
        if not isinstance(item, dict):
            continue
        link_id = str(item.get("linkId") or "")
        node = definition.by_link_id.get(link_id)
        for answer in item.get("answer") or []:
            if not isinstance(answer, dict):
                continue
            shown = _display(node, answer)
            if shown is not None and shown != "":
                found.setdefault(link_id, []).append(shown)
            _collect(definition, answer.get("item") or [], found)
        _collect(definition, item.get("item") or [], found)


def _number_text(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _cell(values: list[Any] | None) -> Any:
    """The cell for one item: a lone number as a number, else the answers joined by "; "."""
    if not values:
        return ""
    if len(values) == 1 and isinstance(values[0], Decimal):
        return values[0]
    return "; ".join(_number_text(v) if isinstance(v, Decimal) else str(v) for v in values)


def escape_formula(value: Any) -> Any:
    """Neutralise a text cell that a spreadsheet would read as a formula."""
    if not isinstance(value, str) or not value.startswith(_FORMULA_START):
        return value
    if _PLAIN_NUMBER.match(value):
        return value
    return "'" + value


def _submitted(response: Response) -> str:
    if response.submitted_at is None:
        return ""
    if response.anonymous:
        return timezone.localdate(response.submitted_at).isoformat()
    return timezone.localtime(response.submitted_at).strftime("%Y-%m-%d %H:%M")


def _score_cells(response: Response, scored: bool, banded: bool) -> list[Any]:
    if not scored:
        return []
    scores = response.scores or {}
    total = scores.get("total")
    cells: list[Any] = [Decimal(str(total)) if isinstance(total, int | float) else ""]
    if banded:
        band = scores.get("band") or {}
        cells.append(localized(band.get("labels"), str(band.get("label") or "")) if band else "")
    return cells


def table_rows(source: Source, responses: Iterable[Response]) -> Iterator[list[Any]]:
    """The header, then one row per completed response (unescaped, numbers as Decimal)."""
    columns = item_columns(source)
    scored, banded = _scoring(source)
    header: list[Any] = [_("Response"), _("Submitted"), _("Version"), _("Answered how")]
    if scored:
        header.append(_("Total score"))
    if banded:
        header.append(_("Band"))
    header.extend(column.header for column in columns)
    yield header
    for response in _iterate(_restricted(source, responses)):
        found: dict[str, list[Any]] = {}
        _collect(definition_for(response.version), response.resource.get("item") or [], found)
        row: list[Any] = [
            response.pk,
            _submitted(response),
            response.version.number,
            response.mode,
            *_score_cells(response, scored, banded),
        ]
        row.extend(_cell(found.get(column.link_id)) for column in columns)
        yield row


def _csv_value(value: Any) -> str:
    if isinstance(value, Decimal):
        return _number_text(value)
    return str(escape_formula(str(value)))


def responses_csv_lines(source: Source, responses: Iterable[Response]) -> Iterator[str]:
    """The CSV line by line, for a streaming HTTP response."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in table_rows(source, responses):
        writer.writerow([_csv_value(value) for value in row])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


def responses_csv(source: Source, responses: Iterable[Response]) -> str:
    """The completed responses as CSV: one row per response, one column per question."""
    return "".join(responses_csv_lines(source, responses))


def responses_xlsx(source: Source, responses: Iterable[Response]) -> bytes:
    """The same table as ``responses_csv`` as an Excel workbook (numbers stay numbers)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_("Responses")[:31])
    for row in table_rows(source, responses):
        sheet.append([escape_formula(value) for value in row])
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


# --- Access log ---------------------------------------------------------------------------------


def log_export(*, actor: User, source: Source, fmt: str) -> None:
    """Write the access-log entry every export of individual responses needs."""
    questionnaire = source.questionnaire if isinstance(source, QuestionnaireVersion) else source
    label = _("Responses to %(title)s (%(format)s)") % {
        "title": questionnaire.title,
        "format": fmt.upper(),
    }
    log_access(
        actor=actor,
        action=AccessAction.EXPORT,
        organization=questionnaire.organization,
        obj=questionnaire,
        object_label=label,
    )
