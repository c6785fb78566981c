"""Masking of personal data in free text, and small-group suppression."""

from __future__ import annotations

import time
from types import SimpleNamespace

import pytest
from django.utils import translation
from stdnum import luhn
from stdnum.no import fodselsnummer

from medvirk.core.privacy import (
    contains_personal_data,
    mask_personal_data,
    minimum_group_size,
    suppress,
    suppress_rows,
)

ID = "[national ID number removed]"
PHONE = "[phone number removed]"
EMAIL = "[e-mail address removed]"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def norwegian_id(first_nine: str) -> str:
    """A valid 11-digit number built with stdnum's own check-digit functions."""
    d1 = fodselsnummer.calc_check_digit1(first_nine)
    d2 = fodselsnummer.calc_check_digit2(first_nine + d1)
    assert len(d1) == len(d2) == 1, "pick another individual number"
    return first_nine + d1 + d2


def with_wrong_last_digit(number: str) -> str:
    return number[:-1] + str((int(number[-1]) + 1) % 10)


FNR = norwegian_id("150765005")  # born 15.07.1965, individual number 005
DNR = norwegian_id("550765005")  # the same date as a D-nummer (day + 40)


def test_generated_numbers_are_what_stdnum_accepts():
    assert FNR == "15076500565"
    assert fodselsnummer.is_valid(FNR)
    assert fodselsnummer.is_valid(DNR)  # stdnum accepts D-numbers itself
    assert not fodselsnummer.is_valid(with_wrong_last_digit(FNR))


@pytest.mark.parametrize("written", [FNR, f"{FNR[:6]} {FNR[6:]}", f"{FNR[:6]}-{FNR[6:]}"])
def test_valid_fodselsnummer_is_masked(written):
    assert mask_personal_data(f"Mitt nr er {written}, takk.") == f"Mitt nr er {ID}, takk."


def test_fodselsnummer_with_bad_checksum_is_kept():
    text = f"Nummer {with_wrong_last_digit(FNR)} her"
    assert mask_personal_data(text) == text
    assert not contains_personal_data(text)


def test_valid_d_nummer_is_masked_and_invalid_kept():
    assert mask_personal_data(f"D-nr {DNR}") == f"D-nr {ID}"
    bad = with_wrong_last_digit(DNR)
    assert mask_personal_data(f"D-nr {bad}") == f"D-nr {bad}"


@pytest.mark.parametrize(
    "written",
    ["811228-9874", "8112289874", "19811228-9874", "198112289874", "811228+9874"],
)
def test_valid_personnummer_is_masked_in_10_and_12_digit_forms(written):
    assert mask_personal_data(f"pnr: {written}.") == f"pnr: {ID}."


@pytest.mark.parametrize("written", ["811228-9875", "19811228-9875", "811232-9874"])
def test_invalid_personnummer_is_kept(written):
    assert mask_personal_data(f"pnr: {written}") == f"pnr: {written}"


def test_samordningsnummer_is_masked_and_invalid_kept():
    # Day 28 + 60 = 88; the Luhn digit is over the digits as written.
    digits = "811288987"
    valid = f"{digits[:6]}-{digits[6:]}{luhn.calc_check_digit(digits)}"
    assert mask_personal_data(f"samordningsnr {valid}") == f"samordningsnr {ID}"
    assert mask_personal_data(f"samordningsnr 19{valid}") == f"samordningsnr {ID}"
    bad = with_wrong_last_digit(valid)
    assert mask_personal_data(f"samordningsnr {bad}") == f"samordningsnr {bad}"


@pytest.mark.parametrize(
    "written",
    ["+47 912 34 567", "91234567", "912 34 567", "070-123 45 67", "+46 70 123 45 67"],
)
def test_phone_numbers_are_masked(written):
    assert mask_personal_data(f"Ring meg på {written} i kveld") == f"Ring meg på {PHONE} i kveld"


@pytest.mark.parametrize(
    "text",
    [
        "Fakturanr 12345678901",
        "I 2025 ble det bedre",
        "Det kostet 1 500 kr",
        "Møtet var 15.07.2025 kl. 10",
        "Budsjettet er 45 000 000 kr",
        "Vi fikk kr 45 000 000 i år",
        "Saksnummer 2025/1234",
        "",
    ],
)
def test_ordinary_numbers_are_kept(text):
    assert mask_personal_data(text) == text
    assert not contains_personal_data(text)


@pytest.mark.parametrize(
    "written", ["ola.nordmann@example.no", "kari+medvirk@kommune.example.org", "åse@bø.no"]
)
def test_email_addresses_are_masked(written):
    assert mask_personal_data(f"Skriv til {written}.") == f"Skriv til {EMAIL}."


def test_email_digits_are_not_taken_for_a_phone_number():
    assert mask_personal_data("ola91234567@example.no") == EMAIL


def test_several_kinds_in_one_text_and_surrounding_text_kept():
    text = (
        f"Jeg heter Ola ({FNR}), tlf 912 34 567, e-post ola@example.no. "
        "Min svenske venn 811228-9874 har 070-123 45 67. Det kostet 1 500 kr."
    )
    assert mask_personal_data(text) == (
        f"Jeg heter Ola ({ID}), tlf {PHONE}, e-post {EMAIL}. "
        f"Min svenske venn {ID} har {PHONE}. Det kostet 1 500 kr."
    )
    assert contains_personal_data(text)


def test_id_number_is_not_reported_as_phone_number():
    assert PHONE not in mask_personal_data(FNR)


def test_placeholders_are_translated():
    with translation.override("nb"):
        masked = mask_personal_data("ola@example.no")
    assert masked.startswith("[")
    assert masked.endswith("]")


def test_masking_ten_thousand_comments_is_fast():
    # A survey-like mix: most comments hold no numbers; 1 in 10 has a phone + ID number.
    comments = (
        ["Personalet var hyggelige og jeg ble godt mottatt, men ventetiden var lang."] * 14
        + ["Det kostet 1 500 kr og timen var 15.07.2025."] * 4
        + [f"Ring meg på 912 34 567 eller {FNR}"] * 2
    ) * 500
    start = time.perf_counter()
    for comment in comments:
        mask_personal_data(comment)
    assert time.perf_counter() - start < 1.0


def test_minimum_group_size_is_the_organisations_but_never_below_three():
    assert minimum_group_size(SimpleNamespace(minimum_group_size=5)) == 5
    assert minimum_group_size(SimpleNamespace(minimum_group_size=12)) == 12
    assert minimum_group_size(SimpleNamespace(minimum_group_size=1)) == 3


def test_suppress():
    assert suppress(4, 5)
    assert not suppress(5, 5)
    assert suppress(0, 5)
    assert suppress(None, 5)
    assert suppress(2, 1)  # the floor of 3 holds even for a lower minimum
    assert not suppress(3, 1)


def test_suppress_rows_blanks_groups_below_the_minimum():
    rows = [
        {"unit": "A", "count": 4, "mean": 3.2},
        {"unit": "B", "count": 5, "mean": 4.0},
    ]
    result = suppress_rows(rows, minimum=5, keep=["unit"])
    assert result == [
        {"unit": "A", "count": None, "mean": None, "suppressed": True},
        {"unit": "B", "count": 5, "mean": 4.0, "suppressed": False},
    ]
    assert rows[0] == {"unit": "A", "count": 4, "mean": 3.2}  # input untouched


def test_suppress_rows_custom_count_key_and_floor():
    rows = [{"label": "x", "n": 2}, {"label": "y", "n": 3}]
    result = suppress_rows(rows, count_key="n", minimum=1)
    assert [row["suppressed"] for row in result] == [True, False]
    assert result[0] == {"label": None, "n": None, "suppressed": True}
