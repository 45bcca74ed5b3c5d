"""Spreadsheet cells that would run as formulas are neutralised."""

from datetime import date

import pytest

from eventsapp.core.exports import neutralise_formula


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+52 55 1234", "'+52 55 1234"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("Benoît", "Benoît"),
        ("a=b", "a=b"),
        ("", ""),
        (-2, -2),
        (None, None),
        (date(2030, 5, 1), date(2030, 5, 1)),
    ],
)
def test_formulas_are_neutralised(value, expected):
    assert neutralise_formula(value) == expected
