"""Phone numbers and postcodes."""

import pytest

from portal.core.validators import format_phone, normalise_phone, normalise_postcode


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("07700 900123", "+447700900123"),
        ("+44 (0)7700-900123", "+447700900123"),
        ("0044 7700 900123", "+447700900123"),
        ("0116 305 5875", "+441163055875"),
        ("(0116) 2323232", "+441162323232"),
        ("01772 530595", "+441772530595"),
        ("+33 1 23 45 67 89", "+33123456789"),
    ],
)
def test_phone_numbers_are_stored_in_one_form(typed, stored):
    assert normalise_phone(typed) == stored


@pytest.mark.parametrize("typed", ["", "12345", "07700 90012", "hello", "+44 123", "0800 11"])
def test_things_that_are_not_phone_numbers_are_refused(typed):
    assert normalise_phone(typed) is None


def test_stored_numbers_read_naturally():
    assert format_phone("+447700900123") == "07700 900123"
    assert format_phone("+441163055875") == "0116 305 5875"
    assert format_phone("+442079460000") == "020 7946 0000"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("le3 8sa", "LE3 8SA"),
        ("PR10LD", "PR1 0LD"),
        (" sw1a 1aa ", "SW1A 1AA"),
        ("M1 2WD", "M1 2WD"),
    ],
)
def test_postcodes_are_stored_in_capitals_with_one_space(typed, stored):
    assert normalise_postcode(typed) == stored


@pytest.mark.parametrize("typed", ["", "LE3", "12345", "QQ1 1QQ", "LE3 8SAA"])
def test_things_that_are_not_postcodes_are_refused(typed):
    assert normalise_postcode(typed) is None
