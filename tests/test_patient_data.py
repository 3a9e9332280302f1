"""The patient data guard finds NHS numbers (with a valid check digit), dates of birth and the
scheme's hospital numbers, and leaves ordinary numbers alone."""

from __future__ import annotations

import pytest

from conversations.patient_data import (
    find_patient_data,
    nhs_number_is_valid,
    remove_patient_data,
)

HOSPITAL = r"\b[A-Z]{1,3}\d{6,8}\b"


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("Patient 943 476 5919 was discussed", ["an NHS number"]),
        ("nhs no 9434765919.", ["an NHS number"]),
        ("ref 943-476-5919", ["an NHS number"]),
        ("943 476 5918 fails its check digit", []),
        ("Budget of 1234567890 is not an NHS number", []),
        ("call 01632 960123 about rota", []),
        ("DOB 12/03/1985 came up", ["a date of birth"]),
        ("date of birth: 3 March 1980", ["a date of birth"]),
        ("born on 3rd March 1980", ["a date of birth"]),
        ("we met on 12/03/2026", []),
        ("hospital no RX1234567 again", ["a hospital number"]),
        ("nothing here but a 60 minute meeting", []),
    ],
)
def test_what_the_guard_finds(text: str, kinds: list[str]) -> None:
    assert [f.kind for f in find_patient_data(text, HOSPITAL)] == kinds


def test_modulus_11() -> None:
    assert nhs_number_is_valid("9434765919")
    assert nhs_number_is_valid("4010232137")
    assert not nhs_number_is_valid("9434765910")
    assert not nhs_number_is_valid("123456789")


def test_removal_keeps_the_rest_of_the_sentence() -> None:
    text = "Mrs X (943 476 5919, DOB 01/02/1950) was discussed"
    assert remove_patient_data(text, find_patient_data(text)) == (
        "Mrs X ([removed], DOB [removed]) was discussed"
    )


def test_a_broken_scheme_pattern_does_not_break_saving() -> None:
    assert find_patient_data("RX1234567", "([unclosed") == []
