"""The words of date phrases (English and Spanish), tentative markers, and tokens."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# --------------------------------------------------------------------------- vocabulary

MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def _month_words() -> dict[str, int]:
    """Month names (English and Spanish, accents removed) and abbreviations (with or
    without a dot) -> month number."""
    names = (
        # (full names, abbreviations)
        (("january", "enero"), ("jan", "ene")),
        (("february", "febrero"), ("feb",)),
        (("march", "marzo"), ("mar",)),
        (("april", "abril"), ("apr", "abr")),
        (("may", "mayo"), ()),
        (("june", "junio"), ("jun",)),
        (("july", "julio"), ("jul",)),
        (("august", "agosto"), ("aug", "ago")),
        (("september", "septiembre", "setiembre"), ("sep", "sept")),
        (("october", "octubre"), ("oct",)),
        (("november", "noviembre"), ("nov",)),
        (("december", "diciembre"), ("dec", "dic")),
    )
    words: dict[str, int] = {}
    for number, (full, short) in enumerate(names, start=1):
        words.update({name: number for name in full})
        words.update({name: number for name in short})
        words.update({name + ".": number for name in short})
    return words


MONTHS = _month_words()

# Northern meteorological seasons: the month each one starts in (three months long).
SEASONS = {
    "spring": 3,
    "primavera": 3,
    "summer": 6,
    "verano": 6,
    "fall": 9,
    "autumn": 9,
    "otono": 9,
    "winter": 12,
    "invierno": 12,
}

# Parts of a month and the days they cover (None: the last day of the month).
PART_DAYS = {"early": (1, 10), "mid": (11, 20), "late": (21, None)}


def _part_words() -> dict[tuple[str, ...], str]:
    english = {
        ("early",): "early",
        ("beginning", "of"): "early",
        ("mid",): "mid",
        ("middle", "of"): "mid",
        ("end", "of"): "late",
        ("late",): "late",
    }
    spanish = {
        ("principios", "de"): "early",
        ("inicios", "de"): "early",
        ("comienzos", "de"): "early",
        ("mediados", "de"): "mid",
        ("finales", "de"): "late",
        ("fines", "de"): "late",
    }
    words = dict(english) | dict(spanish)
    # "the end of March", "a finales de marzo"
    words |= {("the", *key): part for key, part in english.items() if key[-1] == "of"}
    words |= {("a", *key): part for key, part in spanish.items()}
    return words


PARTS = _part_words()

WEEK_ORDINALS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "last": -1,
    "primera": 1,
    "primer": 1,
    "segunda": 2,
    "tercera": 3,
    "cuarta": 4,
    "ultima": -1,
}
WEEK_ARTICLES = {"the", "la"}
WEEK_WORDS = (("week", "of"), ("semana", "de"))

FROM_WORDS = {"from", "between", "del", "desde", "de", "entre"}
RANGE_WORDS = {"to", "until", "till", "through", "al", "a", "hasta"}
BOTH_WORDS = {"and", "y"}
ALTERNATIVE_WORDS = {"or", "o"}
OF_WORDS = {"of", "de", "del"}

EXAMPLE = "March 2012"

# ------------------------------------------------------------------ tentative markers

_MARKER = (
    r"(?:(?:exact\s+)?dates?\s+|(?:las\s+)?fechas?\s+(?:exactas?\s+)?)?"
    r"(?:tbc|tbd|tentative|to\s+be\s+(?:confirmed|determined)"
    r"|por\s+(?:confirmar|determinar|definir))"
)
_TENTATIVE = re.compile(
    rf"\(\s*(?:{_MARKER}|\?)\s*\)|(?<!\w){_MARKER}(?!\w)", re.IGNORECASE | re.UNICODE
)
_QUESTION = re.compile(r"^\s*¿|\?\s*$")


def blank_tentative(text: str) -> tuple[str, bool]:
    """Replace the tentative markers by spaces (so offsets into `text` stay valid)."""
    blanked = _TENTATIVE.sub(lambda m: " " * len(m.group()), text)
    tentative = blanked != text
    if blanked.rstrip().endswith("?"):
        tentative = True
        blanked = _QUESTION.sub(lambda m: " " * len(m.group()), blanked)
    return blanked, tentative


# --------------------------------------------------------------------------- tokens

_TOKEN = re.compile(
    r"""
      (?P<space>[\s,]+)
    | (?P<iso>[0-9]{4}-[0-9]{1,2}-[0-9]{1,2})(?![0-9])
    | (?P<number>[0-9]+)(?:(?P<suffix>st|nd|rd|th)(?!\w))?
    | (?P<mid>mid-)
    | (?P<word>[^\W\d_]+\.?)
    | (?P<dash>[-\u2010-\u2015\u2212])
    | (?P<slash>/)
    | (?P<other>.)
    """,
    re.VERBOSE | re.IGNORECASE,
)


@dataclass(frozen=True)
class Token:
    kind: str  # iso, number, word, dash, slash, other
    value: str  # lower case, accents removed; the digits of a number
    start: int  # offsets into the phrase as written
    end: int
    ordinal: bool = False  # a number written "18th"

    @property
    def is_year(self) -> bool:
        return self.kind == "number" and len(self.value) == 4 and not self.ordinal

    @property
    def is_day(self) -> bool:
        return self.kind == "number" and len(self.value) <= 2


def _fold(word: str) -> str:
    """Lower case without accents: "Otoño" -> "otono", "Última" -> "ultima"."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def tokens_of(text: str) -> list[Token]:
    tokens = []
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup if match.lastgroup != "suffix" else "number"
        if kind == "space":
            continue
        if kind == "number":
            value = match.group("number")
        elif kind == "mid":
            kind, value = "word", "mid"
        else:
            value = _fold(match.group())
        tokens.append(
            Token(kind, value, match.start(), match.end(), ordinal=bool(match.group("suffix")))
        )
    return tokens
