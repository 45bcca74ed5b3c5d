"""The words of date phrases, one table per language; the tentative markers; and the tokens.

A language is a :class:`Language`: its words as people write them. The reader does not care which
language a word comes from: the tables are merged (:data:`WORDS`) and a phrase may mix them, as
work programmes do ("18-19 enero 2011 (tbc)"). A word that two languages share must mean the same
in both ("fin", "de", "a"): merging refuses a word with two meanings. Adding a language is adding
a table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from functools import cached_property

from ..i18n import folded  # case and accents aside

# --------------------------------------------------------------------------- languages


@dataclass(frozen=True)
class Language:
    """The words of one language, written as people write them (case and accents do not matter;
    a phrase of several words is cut into tokens as a date phrase is)."""

    months: tuple[tuple[str, ...], ...]  # per month, its names and abbreviations ("sept", "sept.")
    seasons: dict[str, int]  # the month each (northern meteorological) season starts in
    parts: dict[str, str]  # "beginning of" -> "early", "mid", "late"
    ordinals: dict[str, int]  # of weeks and halves: "first" -> 1, "last" -> -1
    ordinal_suffixes: tuple[str, ...]  # "18th", "1er", "1º"
    week: tuple[str, ...]  # "week of"
    half: tuple[str, ...]  # "half" ("second half of 2027")
    articles: tuple[str, ...]  # skipped before a date: "the", "la", "l'"
    leads: tuple[str, ...]  # what may open a phrase and means nothing: "in", "courant"
    starts: tuple[str, ...]  # open a range: "from", "between"
    ranges: tuple[str, ...]  # join a range: "to", "until"
    boths: tuple[str, ...]  # join two days: "and"
    alternatives: tuple[str, ...]  # "or": tentative
    ofs: tuple[str, ...]  # "18th of January", "abril de 2016"
    befores: tuple[str, ...]  # "before the May 2028 elections"
    occasions: tuple[str, ...]  # the words around the date of "before": "general elections"
    tentative: str  # a regular expression of the tentative markers (matched case-insensitively)


ENGLISH = Language(
    months=(
        ("january", "jan"),
        ("february", "feb"),
        ("march", "mar"),
        ("april", "apr"),
        ("may",),
        ("june", "jun"),
        ("july", "jul"),
        ("august", "aug"),
        ("september", "sep", "sept"),
        ("october", "oct"),
        ("november", "nov"),
        ("december", "dec"),
    ),
    seasons={"spring": 3, "summer": 6, "fall": 9, "autumn": 9, "winter": 12},
    parts={
        "early": "early",
        "beginning of": "early",
        "mid": "mid",
        "mid-": "mid",
        "middle of": "mid",
        "end of": "late",
        "late": "late",
    },
    ordinals={"first": 1, "second": 2, "third": 3, "fourth": 4, "last": -1},
    ordinal_suffixes=("st", "nd", "rd", "th"),
    week=("week of",),
    half=("half",),
    articles=("the",),
    leads=("in", "during"),
    starts=("from", "between"),
    ranges=("to", "until", "till", "through"),
    boths=("and",),
    alternatives=("or",),
    ofs=("of",),
    befores=("before",),
    occasions=(
        "election",
        "elections",
        "general",
        "presidential",
        "parliamentary",
        "legislative",
        "local",
        "municipal",
        "reform",
        "referendum",
    ),
    tentative=(
        r"(?:(?:exact\s+)?dates?\s+)?"
        r"(?:tbc|tbd|tentative|to\s+be\s+(?:confirmed|determined|decided))"
    ),
)

SPANISH = Language(
    months=(
        ("enero", "ene"),
        ("febrero", "feb"),
        ("marzo", "mar"),
        ("abril", "abr"),
        ("mayo",),
        ("junio", "jun"),
        ("julio", "jul"),
        ("agosto", "ago"),
        ("septiembre", "setiembre", "sep", "sept", "set"),
        ("octubre", "oct"),
        ("noviembre", "nov"),
        ("diciembre", "dic"),
    ),
    seasons={"primavera": 3, "verano": 6, "otoño": 9, "invierno": 12},
    parts={
        **{
            f"{at}{words} de": part
            for at in ("", "a ")
            for words, part in (
                ("principios", "early"),
                ("inicios", "early"),
                ("comienzos", "early"),
                ("mediados", "mid"),
                ("finales", "late"),
                ("fines", "late"),
                ("fin", "late"),
            )
        },
    },
    ordinals={
        "primera": 1,
        "primer": 1,
        "segunda": 2,
        "segundo": 2,
        "tercera": 3,
        "cuarta": 4,
        "última": -1,
    },
    ordinal_suffixes=("º", "ª"),
    week=("semana de",),
    half=("semestre",),
    articles=("el", "la", "los", "las"),
    leads=("en", "durante"),
    starts=("del", "desde", "de", "entre"),
    ranges=("al", "a", "hasta"),
    boths=("y",),
    alternatives=("o",),
    ofs=("de", "del"),
    befores=("antes de", "antes del"),
    occasions=(
        "elección",
        "elecciones",
        "generales",
        "presidenciales",
        "parlamentarias",
        "legislativas",
        "locales",
        "municipales",
        "reforma",
        "referéndum",
    ),
    tentative=(
        r"(?:(?:las\s+)?fechas?\s+(?:exactas?\s+)?)?"
        r"(?:por\s+(?:confirmar|determinar|definir))"
    ),
)

FRENCH = Language(
    months=(
        ("janvier", "janv"),
        ("février", "févr", "fév"),
        ("mars",),
        ("avril", "avr"),
        ("mai",),
        ("juin",),
        ("juillet", "juil"),
        ("août",),
        ("septembre", "sept"),
        ("octobre", "oct"),
        ("novembre", "nov"),
        ("décembre", "déc"),
    ),
    seasons={"printemps": 3, "été": 6, "automne": 9, "hiver": 12},
    parts={
        "début": "early",
        "début de": "early",
        "début d'": "early",
        "au début de": "early",
        "au début d'": "early",
        "mi-": "mid",
        "à la mi-": "mid",
        "milieu de": "mid",
        "milieu d'": "mid",
        "au milieu de": "mid",
        "au milieu d'": "mid",
        "fin": "late",
        "fin de": "late",
        "fin d'": "late",
        "à la fin de": "late",
        "à la fin d'": "late",
    },
    ordinals={
        "premier": 1,
        "première": 1,
        "second": 2,
        "seconde": 2,
        "deuxième": 2,
        "troisième": 3,
        "quatrième": 4,
        "dernier": -1,
        "dernière": -1,
    },
    ordinal_suffixes=("er", "re", "ère", "e", "ème", "nde"),
    week=("semaine de", "semaine d'"),
    half=("semestre",),
    articles=("le", "la", "les", "l'"),
    leads=("en", "au", "à", "courant", "durant", "pendant", "au cours de", "au cours d'"),
    starts=("du", "de", "d'", "depuis", "entre"),
    ranges=("au", "à", "jusqu'au", "jusqu'à"),
    boths=("et",),
    alternatives=("ou",),
    ofs=("de", "d'", "du"),
    befores=("avant",),
    occasions=(
        "élection",
        "élections",
        "générales",
        "présidentielle",
        "présidentielles",
        "législatives",
        "locales",
        "municipales",
        "réforme",
        "référendum",
    ),
    tentative=(
        r"(?:(?:les\s+)?dates?\s+(?:exactes?\s+)?)?"
        r"(?:[àa]\s+(?:confirmer|d[ée]terminer|pr[ée]ciser|d[ée]finir)|provisoires?)"
    ),
)

LANGUAGES = {"en": ENGLISH, "es": SPANISH, "fr": FRENCH}

# The English month names, for the readers of work programmes that write months as numbers.
MONTH_NAMES = tuple(names[0].capitalize() for names in ENGLISH.months)

EXAMPLE = "March 2012"

# ------------------------------------------------------------------ tentative markers

_MARKER = "(?:" + "|".join(language.tentative for language in LANGUAGES.values()) + ")"
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


_SUFFIXES = sorted(
    {form for lang in LANGUAGES.values() for s in lang.ordinal_suffixes for form in (s, folded(s))},
    key=len,
    reverse=True,
)
_TOKEN = re.compile(
    rf"""
      (?P<space>[\s,]+)
    | (?P<iso>[0-9]{{4}}-[0-9]{{1,2}}-[0-9]{{1,2}})(?![0-9])
    | (?P<number>[0-9]+)(?:(?P<suffix>{"|".join(_SUFFIXES)})(?!\w))?
    | (?P<mid>mid-|mi-)
    | (?P<word>[^\W\d_]+(?:['’](?=[^\W\d_]|$)|\.)?)
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
    ordinal: bool = False  # a number written "18th", "1er"

    @property
    def is_year(self) -> bool:
        return self.kind == "number" and len(self.value) == 4 and not self.ordinal

    @property
    def is_day(self) -> bool:
        return self.kind == "number" and len(self.value) <= 2


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
            value = folded(match.group())
        tokens.append(
            Token(kind, value, match.start(), match.end(), ordinal=bool(match.group("suffix")))
        )
    return tokens


# --------------------------------------------------------------------------- merged


def _key(words: str) -> tuple[str, ...]:
    """A phrase of words as the tokens it is read as: "jusqu'au" -> ("jusqu'", "au")."""
    return tuple(token.value for token in tokens_of(words))


@dataclass(frozen=True)
class Words:
    """The words of every language together, as tokens: a sequence of words -> its meaning."""

    months: dict[tuple[str, ...], int] = field(default_factory=dict)
    seasons: dict[tuple[str, ...], int] = field(default_factory=dict)
    parts: dict[tuple[str, ...], str] = field(default_factory=dict)
    ordinals: dict[tuple[str, ...], int] = field(default_factory=dict)
    week: dict[tuple[str, ...], bool] = field(default_factory=dict)
    half: dict[tuple[str, ...], bool] = field(default_factory=dict)
    articles: dict[tuple[str, ...], bool] = field(default_factory=dict)
    leads: dict[tuple[str, ...], bool] = field(default_factory=dict)
    starts: dict[tuple[str, ...], bool] = field(default_factory=dict)
    ranges: dict[tuple[str, ...], bool] = field(default_factory=dict)
    boths: dict[tuple[str, ...], bool] = field(default_factory=dict)
    alternatives: dict[tuple[str, ...], bool] = field(default_factory=dict)
    ofs: dict[tuple[str, ...], bool] = field(default_factory=dict)
    befores: dict[tuple[str, ...], bool] = field(default_factory=dict)
    occasions: dict[tuple[str, ...], bool] = field(default_factory=dict)

    @cached_property
    def longest(self) -> int:
        """The most words an entry has."""
        return max(len(key) for table in fields(self) for key in getattr(self, table.name))

    def add(self, table: str, words: str, meaning: object = True) -> None:
        key, known = _key(words), getattr(self, table)
        if known.get(key, meaning) != meaning:
            raise ValueError(f"{words!r} means both {known[key]!r} and {meaning!r} ({table})")
        known[key] = meaning


def merge(languages) -> Words:
    """The tables of `languages` merged into one :class:`Words`."""
    words = Words()
    for language in languages:
        for number, names in enumerate(language.months, start=1):
            for name in names:
                words.add("months", name, number)
                if name != names[0]:  # an abbreviation, with or without its dot
                    words.add("months", name + ".", number)
        for table in ("seasons", "parts", "ordinals"):
            for text, meaning in getattr(language, table).items():
                words.add(table, text, meaning)
        for table in (
            "week",
            "half",
            "articles",
            "leads",
            "starts",
            "ranges",
            "boths",
            "alternatives",
            "ofs",
            "befores",
            "occasions",
        ):
            for text in getattr(language, table):
                words.add(table, text)
    return words


WORDS = merge(LANGUAGES.values())
