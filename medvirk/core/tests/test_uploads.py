"""Upload checks: the real type from the content, the allow-list, the size limit, messages."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from medvirk.core.uploads import SNIFF_BYTES, check_upload, type_names

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64
DOCUMENTS = ("application/pdf", "image/png", "image/jpeg")


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def refusal(upload, **kwargs) -> ValidationError:
    kwargs.setdefault("allowed", DOCUMENTS)
    kwargs.setdefault("max_bytes", 1024)
    with pytest.raises(ValidationError) as caught:
        check_upload(upload, **kwargs)
    return caught.value


@pytest.mark.parametrize(("content", "mime"), [(PDF, "application/pdf"), (PNG, "image/png")])
def test_real_files_pass_with_their_real_type(content, mime):
    # The browser's word and the name do not matter: the content does.
    upload = SimpleUploadedFile("scan.bin", content, content_type="application/octet-stream")
    upload.read(5)
    assert check_upload(upload, allowed=DOCUMENTS, max_bytes=1024) == mime
    assert upload.tell() == 0  # left at its start, ready to be stored


def test_a_plain_file_object_works_too():
    file = io.BytesIO(PDF)
    file.size = len(PDF)  # type: ignore[attr-defined]
    assert check_upload(file, allowed=DOCUMENTS, max_bytes=1024) == "application/pdf"


@pytest.mark.parametrize(
    ("name", "content", "declared"),
    [
        ("report.pdf", EXE, "application/pdf"),  # a renamed program
        ("photo.png", b"just some words", "image/png"),  # renamed text
        ("notes.txt", b"just some words", "text/plain"),  # text, but text is not allowed
    ],
)
def test_files_of_other_types_are_refused_naming_what_is_allowed(name, content, declared):
    error = refusal(SimpleUploadedFile(name, content, content_type=declared))
    assert error.code == "type"
    assert error.messages == ["This type of file cannot be uploaded. Allowed: PDF, PNG, JPEG."]


def test_a_type_the_content_shows_but_the_list_lacks_is_refused():
    error = refusal(SimpleUploadedFile("scan.png", PNG), allowed=("application/pdf",))
    assert error.code == "type"


def test_too_large_files_are_refused_with_the_limit():
    error = refusal(SimpleUploadedFile("big.pdf", PDF + b"0" * 2000), max_bytes=1024)
    assert error.code == "too_large"
    assert error.messages == ["The file is too large. Files can be at most 1.0\xa0KB."]


def test_exactly_the_limit_passes():
    content = PDF + b"0" * (1024 - len(PDF))
    assert check_upload(SimpleUploadedFile("a.pdf", content), allowed=DOCUMENTS, max_bytes=1024)


def test_a_file_of_unknown_size_is_refused():
    assert refusal(io.BytesIO(PDF)).code == "too_large"


def test_empty_files_are_refused():
    error = refusal(SimpleUploadedFile("empty.pdf", b""))
    assert error.code == "empty"
    assert error.messages == ["The file is empty."]


def test_callers_may_word_the_refusals_themselves():
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * 2000)
    assert refusal(big, too_large="Over %(max)s.").messages == ["Over 1.0\xa0KB."]
    assert refusal(big, too_large="The file is larger than 1 KB.").messages == [
        "The file is larger than 1 KB."
    ]
    odd = SimpleUploadedFile("x.pdf", EXE)
    assert refusal(odd, wrong_type="Only %(types)s.").messages == ["Only PDF, PNG, JPEG."]


def test_declared_text_counts_only_when_allowed_and_the_content_is_text():
    allowed = ("application/pdf", "text/plain")
    text = SimpleUploadedFile("notes.txt", "Blåbær og tyttebær".encode(), content_type="text/plain")
    assert check_upload(text, allowed=allowed, max_bytes=1024) == "text/plain"
    binary = SimpleUploadedFile("notes.txt", b"abc\x00def", content_type="text/plain")
    assert refusal(binary, allowed=allowed).code == "type"
    latin1 = SimpleUploadedFile("notes.txt", "blåbær".encode("latin-1"), content_type="text/plain")
    assert refusal(latin1, allowed=allowed).code == "type"


def test_text_cut_in_the_middle_of_a_letter_is_still_text():
    # The check reads only the first SNIFF_BYTES; a two-byte letter may straddle the cut.
    content = b"a" * (SNIFF_BYTES - 1) + "ø".encode() * 10
    text = SimpleUploadedFile("long.txt", content, content_type="text/plain")
    assert check_upload(text, allowed=("text/plain",), max_bytes=SNIFF_BYTES * 2) == "text/plain"


def test_type_names_use_the_names_people_know_and_keep_the_order():
    assert type_names(["image/png", "application/pdf", "text/csv"]) == "PNG, PDF, text/csv"
