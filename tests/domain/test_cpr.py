from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.errors import ValidationFailed
from domain.rules.cpr import Sex, fictional_cpr, format_cpr, mask_cpr, parse_cpr
from tests.domain.strategies import PROPERTY


def test_a_cpr_number_with_a_dash_gives_birth_date_and_sex() -> None:
    cpr = parse_cpr("010190-1234")
    assert cpr.number == "0101901234"
    assert cpr.birth_date == date(1990, 1, 1)
    assert cpr.sex is Sex.FEMALE  # last digit 4 is even


def test_ten_digits_without_a_dash_are_accepted() -> None:
    cpr = parse_cpr(" 0101901235 ")
    assert cpr.sex is Sex.MALE
    assert format_cpr(cpr.number) == "010190-1235"


@pytest.mark.parametrize(
    ("text", "born"),
    [
        ("0101003000", date(1900, 1, 1)),  # 7th digit 0-3: 1900s
        ("0101364000", date(2036, 1, 1)),  # 4 with YY <= 36: 2000s
        ("0101374000", date(1937, 1, 1)),  # 4 with YY > 36: 1900s
        ("0101369000", date(2036, 1, 1)),  # 9 with YY <= 36: 2000s
        ("0101579000", date(1957, 1, 1)),  # 9 with YY > 36: 1900s
        ("0101575000", date(2057, 1, 1)),  # 5-8 with YY <= 57: 2000s
        ("0101588000", date(1858, 1, 1)),  # 5-8 with YY > 57: 1800s
    ],
)
def test_the_century_comes_from_the_seventh_digit(text: str, born: date) -> None:
    assert parse_cpr(text).birth_date == born


def test_29_february_exists_in_2000_but_not_in_1900() -> None:
    assert parse_cpr("290200-4000").birth_date == date(2000, 2, 29)
    with pytest.raises(ValidationFailed) as excinfo:
        parse_cpr("290200-1000")
    assert excinfo.value.errors[0].field == "cpr"
    assert "date" in excinfo.value.errors[0].message


def test_a_number_failing_modulus_11_is_still_accepted() -> None:
    # 0101901234: 4*0+3*1+2*0+7*1+6*9+5*0+4*1+3*2+2*3+1*4 = 84, not divisible by 11.
    assert parse_cpr("0101901234").birth_date == date(1990, 1, 1)


@pytest.mark.parametrize("text", ["", "010190", "010190-12345", "0101901-234", "abcdefghij"])
def test_malformed_numbers_are_rejected_on_the_named_field(text: str) -> None:
    with pytest.raises(ValidationFailed) as excinfo:
        parse_cpr(text, field="members.0.cpr")
    assert excinfo.value.errors[0].field == "members.0.cpr"


def test_a_masked_number_shows_only_the_birth_date() -> None:
    assert mask_cpr("0101901234") == "010190-XXXX"
    assert mask_cpr("010190-1234") == "010190-XXXX"


def test_fictional_numbers_outside_the_cpr_range_are_refused() -> None:
    with pytest.raises(ValidationFailed):
        fictional_cpr(date(1850, 1, 1), 0, female=True)
    with pytest.raises(ValidationFailed):
        fictional_cpr(date(2000, 1, 1), 500, female=True)


@PROPERTY
@given(
    st.dates(min_value=date(1858, 1, 1), max_value=date(2057, 12, 31)),
    st.integers(min_value=0, max_value=499),
    st.booleans(),
)
def test_fictional_numbers_round_trip_through_parse_and_format(born: date, serial: int, female: bool) -> None:
    number = fictional_cpr(born, serial, female=female)
    parsed = parse_cpr(format_cpr(number))
    assert parsed.number == number
    assert parsed.birth_date == born
    assert parsed.sex is (Sex.FEMALE if female else Sex.MALE)
    assert mask_cpr(number) == f"{number[:6]}-XXXX"
