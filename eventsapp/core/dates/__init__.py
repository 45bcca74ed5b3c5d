"""Reading the approximate dates written in work programmes.

Work programmes say "early March (tbc)", "18-19 January 2011" or "Fall 2016", in English,
Spanish ("principios de marzo de 2027") or French ("début mars 2027 (à confirmer)");
authorities add "second half of 2027" or "before the May 2028 elections".
:func:`read_date_phrase` turns such a phrase into a :class:`DateWindow`: the first and
the last day it can mean, how precise it is and whether it is tentative. Nothing is
guessed: a phrase that cannot be read exactly is refused with a :class:`DatePhraseError`
naming the part that was not understood. :func:`format_window` writes a window's days back
the way people write them and :func:`describe_window` writes it as a phrase ("early March
2027 (tbc)"), both in the visitor's language (writing.py).

The words of each language are one table (words.py); the grammar does not depend on the
language, so a phrase may mix them.

The reader works in four steps:

1. normalise the text (Unicode NFC) and blank out the tentative markers ("(tbc)",
   "to be confirmed", "por confirmar", "à confirmer", a trailing "?", ...);
2. cut it into tokens: ISO dates, numbers (with an optional ordinal suffix: "18th", "1er"),
   words (an elided "d'" or "l'" is a word), dashes and slashes; spaces and commas only
   separate tokens;
3. read the tokens with a small grammar::

       phrase  := [lead] [from] point [joiner point]
                | [lead] before [the] [occasion [of]] point [occasion]
       lead    := "in" | "en" | "courant" | ...       (means nothing)
       before  := "before" | "antes de" | "avant"     ("before the May 2028 elections")
       joiner  := "-" | "to" | "until" | "al" | "au" | ...   (a range)
                | "and" | "y" | "et"                  (both ends)
                | "/" | "or" | "o" | "ou"             (alternatives: tentative)
       point   := [the] (iso-date
                | part month [year]                   ("early March", "mediados de marzo")
                | ordinal week month [year]           ("third week of September 2012")
                | ordinal half [of] [year]            ("second half of 2027", "2e semestre 2027")
                | season [year]                       ("Fall 2016")
                | month [day] [year]                  ("January 18, 2011", "March 2012")
                | day [of] [month] [year]             ("18 January 2011", "18", "25th, 2011")
                | year)                               ("2017")

4. complete the two ends (the start takes its missing month and year from the end; a
   bare day at the end takes the month of the start, a year-less end the year of the
   start; then the context year) and combine them: from the first day of the start to
   the last day of the end, as precise as the coarser end. A whole year is only joined
   to another whole year: "March-2012" and "Winter 2013-2014" are refused, not guessed.

"before X" is a window from tomorrow (`today` + 1) to the day before X, tentative; X must be
after tomorrow. It is read only when the caller gives `today` (an authority's request, read once):
elsewhere (events, plans, the API) it is refused, as dates that would move with the clock. A half
is six months (month precision).

The hyphen is both a range separator and part of "mid-April", "mi-avril" and of ISO dates:
the tokenizer reads ISO dates, "mid-" and "mi-" as single tokens, so every other dash is a
separator.
"""

from .reader import read_date_phrase
from .window import (
    FIRST_YEAR,
    LAST_YEAR,
    PRECISIONS,
    DatePhraseError,
    DateWindow,
    MissingYearError,
    within_calendar_years,
)
from .words import blank_tentative
from .writing import describe_window, format_window

__all__ = [
    "FIRST_YEAR",
    "LAST_YEAR",
    "PRECISIONS",
    "DatePhraseError",
    "DateWindow",
    "MissingYearError",
    "blank_tentative",
    "describe_window",
    "format_window",
    "read_date_phrase",
    "within_calendar_years",
]
