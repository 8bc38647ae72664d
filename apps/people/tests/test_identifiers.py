"""UPN (domain file §7.3) and ULN (§7.4), with property-based tests."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from apps.people.identifiers import (
    UPN_ALPHABET,
    is_temporary_upn,
    is_valid_uln,
    is_valid_upn,
    make_upn,
    uln_check_digit,
    upn_check_letter,
    validate_uln,
    validate_upn,
)

digits = st.text(alphabet="0123456789", min_size=12, max_size=12)
temporary = st.builds(
    lambda d, letter: d + letter,
    st.text(alphabet="0123456789", min_size=11, max_size=11),
    st.sampled_from(UPN_ALPHABET),
)


def test_worked_example_from_the_domain_file():
    assert upn_check_letter("801200005001") == "B"
    assert validate_upn(" b801200005001 ") == "B801200005001"


def test_the_alphabet_has_no_i_o_or_s():
    assert len(UPN_ALPHABET) == 23
    assert not set("IOS") & set(UPN_ALPHABET)


@given(body=digits)
def test_a_upn_with_its_check_letter_is_valid(body):
    assert is_valid_upn(upn_check_letter(body) + body)


@given(body=temporary)
def test_a_temporary_upn_is_valid_and_recognised(body):
    upn = upn_check_letter(body) + body
    assert is_valid_upn(upn)
    assert is_temporary_upn(upn)


@given(body=digits, wrong=st.sampled_from(UPN_ALPHABET))
def test_any_other_check_letter_is_refused(body, wrong):
    if wrong == upn_check_letter(body):
        return
    with pytest.raises(ValidationError, match="check letter"):
        validate_upn(wrong + body)


@given(body=digits, position=st.integers(min_value=0, max_value=11), new=st.sampled_from("0123456789"))
def test_a_single_mistyped_digit_is_caught(body, position, new):
    """Weights 2..13 are all below and coprime with 23, so changing one digit always changes the
    check letter."""
    if body[position] == new:
        return
    upn = upn_check_letter(body) + body
    typo = upn[: position + 1] + new + upn[position + 2 :]
    assert not is_valid_upn(typo)


@pytest.mark.parametrize(
    ("upn", "message"),
    [
        ("B80120000500", "13 characters"),
        ("I801200005001", "starts with a check letter"),
        ("B8012000X5001", "digits"),
        ("B80120000500I", "last character"),
    ],
)
def test_malformed_upns_say_what_is_wrong(upn, message):
    with pytest.raises(ValidationError, match=message):
        validate_upn(upn)


def test_make_upn_encodes_the_school_and_year():
    upn = make_upn("999", "4001", 2019, 42)
    assert upn[1:] == "999400119042"
    assert is_valid_upn(upn)


def test_uln_worked_example():
    assert is_valid_uln("9276308686")
    assert validate_uln(" 9276308686") == "9276308686"


@given(first=st.integers(min_value=1, max_value=9), rest=st.text(alphabet="0123456789", min_size=8, max_size=8))
def test_a_uln_with_its_check_digit_is_valid(first, rest):
    nine = f"{first}{rest}"
    check = uln_check_digit(nine)
    if check is None:
        # No digit completes these nine: every candidate is refused.
        assert not any(is_valid_uln(f"{nine}{d}") for d in range(10))
    else:
        assert is_valid_uln(f"{nine}{check}")
        assert sum(is_valid_uln(f"{nine}{d}") for d in range(10)) == 1


@pytest.mark.parametrize(
    ("uln", "message"),
    [("123", "10 digits"), ("0276308686", "cannot start with 0"), ("9276308687", "check digit")],
)
def test_bad_ulns_say_what_is_wrong(uln, message):
    with pytest.raises(ValidationError, match=message):
        validate_uln(uln)


def test_the_pupil_model_validates_both(personas):
    pupil = personas.pupil
    pupil.upn = "A801200005001"
    pupil.uln = "9276308687"
    with pytest.raises(ValidationError) as error:
        pupil.full_clean()
    assert set(error.value.message_dict) >= {"upn", "uln"}
