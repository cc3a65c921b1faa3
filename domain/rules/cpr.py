"""Danish CPR numbers (DDMMYY-SSSS): parsing, formatting, masking and fictional numbers.

Only the form is checked: a real calendar date, with the century read from the 7th digit by the
CPR Office's table, and the sex from the parity of the last digit. There is deliberately NO
modulus-11 check: since 2007 the CPR Office issues numbers that fail it (the control digit ran out
for some birth dates), so a modulus-11 check would reject real people.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from domain.errors import ValidationFailed

_CPR_RE = re.compile(r"^(\d{2})(\d{2})(\d{2})-?(\d{4})$")


class Sex(StrEnum):
    """Legal sex as encoded in the last digit of the CPR number (odd = male, even = female)."""

    FEMALE = "female"
    MALE = "male"


@dataclass(frozen=True, slots=True)
class Cpr:
    """A parsed CPR number: the 10 digits, the birth date and the sex they encode."""

    number: str
    birth_date: date
    sex: Sex


def century(seventh_digit: int, yy: int) -> int:
    """The century (1800, 1900 or 2000) of a CPR number by the CPR Office's table.

    0-3: 1900s; 4 and 9: 2000s if YY <= 36 else 1900s; 5-8: 2000s if YY <= 57 else 1800s.
    """
    if not 0 <= seventh_digit <= 9 or not 0 <= yy <= 99:
        raise ValueError("digit out of range")
    if seventh_digit <= 3:
        return 1900
    if seventh_digit in (4, 9):
        return 2000 if yy <= 36 else 1900
    return 2000 if yy <= 57 else 1800


def parse_cpr(text: str, *, field: str = "cpr") -> Cpr:
    """Parse "DDMMYY-SSSS" or ten digits; raise `ValidationFailed` on `field` if malformed."""
    match = _CPR_RE.match(text.strip())
    if match is None:
        raise ValidationFailed.for_field(field, "CPR number must be 10 digits, as DDMMYYSSSS or DDMMYY-SSSS")
    dd, mm, yy, serial = match.groups()
    year = century(int(serial[0]), int(yy)) + int(yy)
    try:
        birth = date(year, int(mm), int(dd))
    except ValueError:
        raise ValidationFailed.for_field(field, "CPR number must start with a valid date of birth (DDMMYY)") from None
    sex = Sex.MALE if int(serial[3]) % 2 else Sex.FEMALE
    return Cpr(number=f"{dd}{mm}{yy}{serial}", birth_date=birth, sex=sex)


def _digits(number: str) -> str:
    digits = number.strip().replace("-", "")
    if len(digits) != 10 or not digits.isdigit():
        raise ValidationFailed.for_field("cpr", "CPR number must be 10 digits")
    return digits


def format_cpr(number: str) -> str:
    """Format a CPR number as "DDMMYY-SSSS"."""
    digits = _digits(number)
    return f"{digits[:6]}-{digits[6:]}"


def mask_cpr(number: str) -> str:
    """Show only the birth-date part: "DDMMYY-XXXX" (for lists, logs and calendar feeds)."""
    return f"{_digits(number)[:6]}-XXXX"


def _century_digits(year: int) -> tuple[int, ...]:
    yy = year % 100
    return tuple(d for d in range(10) if century(d, yy) + yy == year)


#: How many distinct fictional numbers `fictional_cpr` makes per birth date, sex and century digit.
SERIALS_PER_DIGIT = 500


def fictional_cpr(birth_date: date, serial: int, *, female: bool) -> str:
    """A CPR number valid in form for demo and test data (10 digits, no dash).

    The 7th digit is the first one whose century matches `birth_date`; digits 8-9 are
    `serial // 5` and the last digit `2 * (serial % 5)`, plus one for males, so that its parity
    encodes the sex. `serial` runs from 0 to 499. Such numbers may coincide with real ones; keep
    them in demo data only.
    """
    if not 0 <= serial < SERIALS_PER_DIGIT:
        raise ValidationFailed.for_field("serial", "serial must be between 0 and 499")
    digits = _century_digits(birth_date.year)
    if not digits:
        raise ValidationFailed.for_field("birth_date", "CPR numbers exist only for birth years 1858-2057")
    last = 2 * (serial % 5) + (0 if female else 1)
    return f"{birth_date:%d%m}{birth_date.year % 100:02d}{digits[0]}{serial // 5:02d}{last}"
