"""Reading the approximate dates written in work programmes.

Work programmes say "early March (tbc)", "18-19 January 2011" or "Fall 2016".
:func:`read_date_phrase` turns such a phrase into a :class:`DateWindow`: the first and
the last day it can mean, how precise it is and whether it is tentative. Nothing is
guessed: a phrase that cannot be read exactly is refused with a :class:`DatePhraseError`
naming the part that was not understood. :func:`format_window` writes a window back the
way people write it.

The reader works in four steps:

1. normalise the text (Unicode NFC) and blank out the tentative markers ("(tbc)",
   "to be confirmed", "por confirmar", a trailing "?", ...);
2. cut it into tokens: ISO dates, numbers (with an optional ordinal suffix), words,
   dashes and slashes; spaces and commas only separate tokens;
3. read the tokens with a small grammar::

       phrase  := [from] point [joiner point]
       joiner  := "-" | "to" | "until" | "al" | ...   (a range)
                | "and" | "y"                         (both ends)
                | "/" | "or" | "o"                    (alternatives: tentative)
       point   := iso-date
                | part month [year]                   ("early March", "mediados de marzo")
                | week month [year]                   ("third week of September 2012")
                | season [year]                       ("Fall 2016")
                | month [day] [year]                  ("January 18, 2011", "March 2012")
                | day [of] [month] [year]             ("18 January 2011", "18", "25th, 2011")
                | year                                ("2017")

4. complete the two ends (the start takes its missing month and year from the end; a
   bare day at the end takes the month of the start, a year-less end the year of the
   start; then the context year) and combine them: from the first day of the start to
   the last day of the end, as precise as the coarser end. A whole year is only joined
   to another whole year: "March-2012" and "Winter 2013-2014" are refused, not guessed.

The hyphen is both a range separator and part of "mid-April" and of ISO dates: the
tokenizer reads ISO dates and "mid-" as single tokens, so every other dash is a
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
    format_window,
    within_calendar_years,
)

__all__ = [
    "FIRST_YEAR",
    "LAST_YEAR",
    "PRECISIONS",
    "DatePhraseError",
    "DateWindow",
    "MissingYearError",
    "format_window",
    "read_date_phrase",
    "within_calendar_years",
]
