"""Checking an uploaded file before it is stored: its size and its real type.

The type is read from the file's first bytes (``filetype``), never from its
name or the browser's word, so a renamed program is refused. Plain text has
no signature to read: a file the browser declares as ``text/…`` counts as
that type only when its first bytes are UTF-8 without NUL bytes (and only
where the caller allows that type).

Each caller keeps its own allow-list and size limit, and may pass its own
messages; they are formatted with ``%(max)s`` (the limit, e.g. "20.0 MB")
and ``%(types)s`` (the allowed types by name, e.g. "PDF, PNG").
"""

from __future__ import annotations

import codecs
from collections.abc import Collection, Iterable
from typing import IO

import filetype
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# Bytes read to recognise a type: DOCX, XLSX and ODT are zip archives that
# filetype tells apart by their first entries.
SNIFF_BYTES = 8192

# What people call the types, for messages and help texts.
TYPE_NAMES = {
    "application/pdf": "PDF",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "DOCX",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "XLSX",
    "application/vnd.oasis.opendocument.text": "ODT",
    "image/png": "PNG",
    "image/jpeg": "JPEG",
    "image/gif": "GIF",
    "image/webp": "WebP",
    "image/heic": "HEIC",
    "text/plain": "TXT",
}

TOO_LARGE = _("The file is too large. Files can be at most %(max)s.")
EMPTY = _("The file is empty.")
WRONG_TYPE = _("This type of file cannot be uploaded. Allowed: %(types)s.")


def type_names(types: Iterable[str]) -> str:
    """The types by the names people know (``"PDF, PNG"``), in the order given."""
    return ", ".join(TYPE_NAMES.get(mime, mime) for mime in types)


def check_upload(
    file: UploadedFile | IO[bytes],
    *,
    allowed: Collection[str],
    max_bytes: int,
    too_large: str | Promise = TOO_LARGE,
    wrong_type: str | Promise = WRONG_TYPE,
) -> str:
    """Return the file's real MIME type, or raise ValidationError if it may not be stored.

    Refused: a file larger than ``max_bytes`` (or of unknown size), an empty
    file, and a file whose type read from its content is not in ``allowed``.
    The error codes are ``too_large``, ``empty`` and ``type``. The file is left
    at its start.
    """
    params = {"max": filesizeformat(max_bytes), "types": type_names(allowed)}
    size = getattr(file, "size", None)
    if size is None or size > max_bytes:
        raise ValidationError(str(too_large) % params, code="too_large")
    if size == 0:
        raise ValidationError(str(EMPTY), code="empty")
    file.seek(0)
    head = file.read(SNIFF_BYTES)
    file.seek(0)
    guess = filetype.guess(head)
    content_type = guess.mime if guess is not None else ""
    if not content_type:
        declared = (getattr(file, "content_type", None) or "").split(";")[0].strip()
        if declared.startswith("text/") and _looks_like_text(head):
            content_type = declared
    if content_type not in allowed:
        raise ValidationError(str(wrong_type) % params, code="type")
    return content_type


def _looks_like_text(head: bytes) -> bool:
    # Incremental, so that a character cut in two at the end of ``head`` is not an error.
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return False
    return b"\x00" not in head
