"""The stylesheets parse as written: a brace too many or too few makes a browser drop a rule, or
apply every rule after an unclosed ``@media`` only on the screens it names (phones), silently."""

import re
from pathlib import Path

import pytest

STATIC = Path(__file__).resolve().parents[1] / "static" / "css"
COMMENT_OR_STRING = re.compile(r"/\*.*?\*/|\"(?:\\.|[^\"\\])*\"|'(?:\\.|[^'\\])*'", re.S)


def unbalanced(text: str) -> str | None:
    """Where the braces of a stylesheet do not nest, or None."""
    depth = 0
    for number, line in enumerate(COMMENT_OR_STRING.sub("", text).splitlines(), 1):
        for character in line:
            depth += {"{": 1, "}": -1}.get(character, 0)
            if depth < 0:
                return f"line {number} closes a block that is not open"
    return f"{depth} block(s) left open at the end" if depth else None


@pytest.mark.parametrize("sheet", sorted(STATIC.glob("*.css")), ids=lambda p: p.name)
def test_every_stylesheet_nests_its_braces(sheet):
    assert unbalanced(sheet.read_text()) is None, sheet.name


def test_the_check_finds_a_brace_too_many_and_one_missing():
    too_many = "@media print { a { b: c; } }\n}\n"
    assert unbalanced(too_many) == "line 2 closes a block that is not open"
    assert unbalanced("@media print { a { b: c; }\n") == "1 block(s) left open at the end"
    assert unbalanced('a::before { content: "}"; } /* { */') is None
