"""Pupil identifiers: UPN (domain file §7.3) and ULN (§7.4).

UPN: 13 characters, a check letter then 12 characters: 3-digit LA number, 4-digit establishment
number, 2-digit year, 3-character serial. A permanent UPN ends in three digits; a temporary UPN ends
in two digits and a letter. The check letter is the weighted sum (position 2..13 times the
character's value) mod 23, as a letter of ABCDEFGHJKLMNPQRTUVWXYZ (no I, O or S). Source: DfE
GovTalk UPN data standard v2.0.

ULN: 10 digits, first not zero, valid when the sum of digit x weight (10 down to 1) is 10 mod 11.
Source: HESA ULN field definition.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError

UPN_ALPHABET = "ABCDEFGHJKLMNPQRTUVWXYZ"


def upn_check_letter(body: str) -> str:
    """The check letter for the 12 characters that follow it."""
    if len(body) != 12:
        raise ValueError("A UPN has 12 characters after its check letter.")
    total = 0
    for position, char in enumerate(body.upper(), start=2):
        if char.isdigit():
            value = int(char)
        elif char in UPN_ALPHABET:
            value = UPN_ALPHABET.index(char)
        else:
            raise ValueError(f"{char!r} cannot appear in a UPN.")
        total += position * value
    return UPN_ALPHABET[total % 23]


def upn_problem(upn: str) -> str | None:
    """Why `upn` is not a valid UPN, in words a data manager understands; None when it is valid."""
    value = upn.strip().upper()
    if len(value) != 13:
        return f"A UPN has 13 characters; {value!r} has {len(value)}."
    if value[0] not in UPN_ALPHABET:
        return f"A UPN starts with a check letter (not I, O or S); {value!r} starts with {value[0]!r}."
    if not value[1:12].isdigit():
        return f"Characters 2 to 12 of a UPN are digits; {value!r} has something else."
    if not (value[12].isdigit() or value[12] in UPN_ALPHABET):
        return f"The last character of a UPN is a digit or a letter other than I, O or S; {value!r} is not."
    expected = upn_check_letter(value[1:])
    if value[0] != expected:
        return f"The check letter of {value!r} should be {expected!r}: the UPN has been mistyped."
    return None


def is_valid_upn(upn: str) -> bool:
    return upn_problem(upn) is None


def is_temporary_upn(upn: str) -> bool:
    return is_valid_upn(upn) and upn.strip().upper()[12].isalpha()


def validate_upn(upn: str) -> str:
    """Return the UPN in canonical form (upper case, trimmed) or raise `ValidationError`."""
    problem = upn_problem(upn)
    if problem:
        raise ValidationError(problem, code="invalid_upn")
    return upn.strip().upper()


def make_upn(la_code: str, establishment: str, year: int, serial: int) -> str:
    """A permanent UPN for a pupil allocated by the school `la_code`+`establishment` in `year`."""
    body = f"{int(la_code):03d}{int(establishment):04d}{year % 100:02d}{serial:03d}"
    return upn_check_letter(body) + body


def uln_problem(uln: str) -> str | None:
    value = uln.strip()
    if len(value) != 10 or not value.isdigit():
        return f"A ULN is 10 digits; {value!r} is not."
    if value[0] == "0":
        return "A ULN cannot start with 0."
    if sum(int(d) * w for d, w in zip(value, range(10, 0, -1), strict=True)) % 11 != 10:
        return f"The check digit of ULN {value!r} is wrong: it has been mistyped."
    return None


def is_valid_uln(uln: str) -> bool:
    return uln_problem(uln) is None


def validate_uln(uln: str) -> str:
    problem = uln_problem(uln)
    if problem:
        raise ValidationError(problem, code="invalid_uln")
    return uln.strip()


def uln_check_digit(first_nine: str) -> int | None:
    """The check digit for nine leading digits, or None when no digit can make a valid ULN."""
    remainder = sum(int(d) * w for d, w in zip(first_nine, range(10, 1, -1), strict=True)) % 11
    check = 10 - remainder
    return check if 0 <= check <= 9 else None
