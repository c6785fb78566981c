"""The access log as CSV, written row by row so that a large export streams."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from medvirk.accesslog.models import AccessLogEntry

# A cell starting with one of these is a formula to a spreadsheet; labels come
# from what people typed (e.g. a unit's name), so neutralise them (OWASP CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: str) -> str:
    return f"'{value}" if value.startswith(_FORMULA_START) else value


class _Echo:
    """A file-like object whose ``write`` hands the line back to the generator."""

    def write(self, value: str) -> str:
        return value


def csv_lines(entries: Iterable[AccessLogEntry], *, language: str) -> Iterator[str]:
    """Yield the CSV file line by line, headers and labels in ``language``.

    The generator runs after the view has returned, so it sets the language
    itself instead of relying on the request's.
    """
    writer = csv.writer(_Echo())
    with translation.override(language):
        # A byte-order mark lets spreadsheet programs read æ, ø and å as UTF-8.
        yield "\ufeff"
        yield writer.writerow(
            [
                _("Time"),
                _("Who"),
                _("Action"),
                _("Whose data"),
                _("Kind of record"),
                _("Record id"),
                _("Record"),
            ]
        )
        for entry in entries:
            yield writer.writerow(
                [
                    timezone.localtime(entry.created_at).isoformat(timespec="seconds"),
                    _cell(entry.actor_label),
                    entry.get_action_display(),
                    _cell(entry.subject_label),
                    entry.object_type_label,
                    _cell(entry.object_id),
                    _cell(entry.object_label),
                ]
            )
