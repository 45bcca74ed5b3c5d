"""The grammar of date phrases: tokens read into two points, completed and combined."""

from __future__ import annotations

import calendar
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import gettext as _

from .window import (
    FIRST_YEAR,
    LAST_YEAR,
    PART_DAYS,
    PRECISIONS,
    DatePhraseError,
    DateWindow,
    MissingYearError,
)
from .words import WORDS, Token, blank_tentative, tokens_of
from .writing import example, format_window

# --------------------------------------------------------------------------- points


@dataclass
class _Point:
    """One end of a phrase, as written (then completed from the other end)."""

    first: int  # index of its first and last token
    last: int
    day: int | None = None
    month: int | None = None
    year: int | None = None
    part: str | None = None  # early, mid, late
    week: int | None = None  # 1..4, -1 for the last week
    season: int | None = None  # the month it starts in
    half: int | None = None  # 1 (January-June) or 2 (July-December)

    @property
    def precision(self) -> str:
        if self.day is not None:
            return "day"
        if self.week is not None:
            return "week"
        if self.part is not None:
            return "part_of_month"
        if self.month is not None or self.half is not None:
            return "month"
        if self.season is not None:
            return "season"
        return "year"


class _Reader:
    """Recursive-descent reader over the tokens of one phrase."""

    def __init__(self, text: str, tokens: list[Token]) -> None:
        self.text = text
        self.tokens = tokens
        self.pos = 0

    # -- helpers

    def peek(self, ahead: int = 0) -> Token | None:
        index = self.pos + ahead
        return self.tokens[index] if index < len(self.tokens) else None

    def take(self) -> Token:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def words_at(self, table: dict[tuple[str, ...], object], ahead: int = 0) -> tuple | None:
        """The longest sequence of words of `table` found `ahead` tokens on, or None."""
        words = []
        for token in self.tokens[self.pos + ahead : self.pos + ahead + WORDS.longest]:
            if token.kind != "word":
                break
            words.append(token.value)
        return next(
            (tuple(words[:n]) for n in range(len(words), 0, -1) if tuple(words[:n]) in table),
            None,
        )

    def take_words(self, table: dict[tuple[str, ...], object]):
        """Take the longest sequence of words in `table`; return its meaning (or None)."""
        key = self.words_at(table)
        if key is None:
            return None
        self.pos += len(key)
        return table[key]

    def source(self, first: int, last: int) -> str:
        """The phrase as written from token `first` to token `last`."""
        return self.text[self.tokens[first].start : self.tokens[last].end]

    def error(self, message: str, kind=DatePhraseError, **values) -> DatePhraseError:
        return kind(message % {"text": self.text, **values})

    def unreadable(self, token: Token) -> DatePhraseError:
        return self.error(
            _('Could not read "%(part)s" in "%(text)s".'),
            part=self.text[token.start : token.end],
        )

    # -- grammar

    def phrase(self) -> tuple[_Point, str | None, _Point | None]:
        """Return the start, how the end is joined (range/both/alternatives) or "before" (the
        start is then what the window ends before), and the end."""
        if self.peek(1) is not None:
            self.take_words(WORDS.leads)
        if self.take_words(WORDS.befores):
            return self.before(), "before", None
        if self.peek(1) is not None:
            self.take_words(WORDS.starts)
        start = self.point()
        if self.peek() is None:
            return start, None, None
        joiner = self.joiner()
        end = self.point()
        if self.peek() is not None:
            raise self.unreadable(self.peek())
        return start, joiner, end

    def before(self) -> _Point:
        """What follows "before": "the May 2028 elections", "las elecciones de mayo de 2028"."""
        self.take_words(WORDS.articles)
        if self.skip_occasion():
            self.take_words(WORDS.ofs)
        point = self.point()
        self.skip_occasion()
        if self.peek() is not None:
            raise self.unreadable(self.peek())
        return point

    def skip_occasion(self) -> bool:
        """Skip "general elections", "référendum": whether there were such words."""
        skipped = False
        while self.take_words(WORDS.occasions):
            skipped = True
        return skipped

    def joiner(self) -> str:
        token = self.peek()
        if token.kind == "dash" or self.words_at(WORDS.ranges):
            kind = "range"
        elif self.words_at(WORDS.boths):
            kind = "both"
        elif token.kind == "slash" or self.words_at(WORDS.alternatives):
            kind = "alternatives"
        else:
            raise self.unreadable(token)
        if token.kind in ("dash", "slash"):
            self.take()
        else:
            self.take_words(WORDS.ranges) or self.take_words(WORDS.boths) or self.take_words(
                WORDS.alternatives
            )
        return kind

    def point(self) -> _Point:
        if self.peek(1) is not None:
            self.take_words(WORDS.articles)  # "the third week", "le 18 mai", "l'automne"
        token = self.peek()
        if token is None:
            before = self.tokens[self.pos - 1] if self.pos else None
            if before is None:
                raise self.error(_('"%(text)s" has no date in it.'))
            raise self.error(
                _('Expected a date after "%(part)s" in "%(text)s".'),
                part=self.text[before.start : before.end],
            )
        first = self.pos
        if token.kind == "iso":
            self.take()
            year, month, day = (int(n) for n in token.value.split("-"))
            return _Point(first, first, day=day, month=month, year=year)
        part = self.take_words(WORDS.parts)
        if part is not None:
            month, year = self.month_after(first), self.year()
            return _Point(first, self.pos - 1, part=part, month=month, year=year)
        week = self.ordinal_of(
            WORDS.week,
            (1, 2, 3, 4, -1),
            _('Could not read "%(part)s" in "%(text)s": a month has four weeks.'),
        )
        if week is not None:
            month, year = self.month_after(first), self.year()
            return _Point(first, self.pos - 1, week=week, month=month, year=year)
        half = self.ordinal_of(
            WORDS.half, (1, 2), _('Could not read "%(part)s" in "%(text)s": a year has two halves.')
        )
        if half is not None:
            year = self.year()
            return _Point(first, self.pos - 1, half=half, year=year)
        season = self.take_words(WORDS.seasons)
        if season is not None:
            year = self.year()
            return _Point(first, self.pos - 1, season=season, year=year)
        month = self.month()
        if month is not None:  # "March 2012", "January 18, 2011", "April 18th"
            day, year = self.day(), self.year()
            return _Point(first, self.pos - 1, day=day, month=month, year=year)
        if token.is_year:
            self.take()
            return _Point(first, first, year=int(token.value))
        day = self.day()
        if day is not None:  # "18 January 2011", "18th of January", "22nd", "25th, 2011"
            if self.words_at(WORDS.ofs) and self.words_at(WORDS.months, 1):
                self.take()
            month, year = self.month(), self.year()
            return _Point(first, self.pos - 1, day=day, month=month, year=year)
        raise self.unreadable(token)

    def month(self) -> int | None:
        return self.take_words(WORDS.months)

    def month_after(self, first: int) -> int:
        """The month that must follow "early", "third week of", ... (from token `first`)."""
        month = self.month()
        if month is None:
            part = self.source(first, self.pos - 1)
            raise self.error(
                _('Expected a month after "%(part)s" in "%(text)s", e.g. "%(example)s".'),
                part=part,
                example=part + ("" if part.endswith("-") else " ") + example(),
            )
        return month

    def day(self) -> int | None:
        token = self.peek()
        if token is not None and token.is_day:
            self.take()
            return int(token.value)
        return None

    def year(self) -> int | None:
        """An optional year, possibly after "of"/"de" ("abril de 2016")."""
        of = self.words_at(WORDS.ofs)
        if of and self.peek(len(of)) is not None and self.peek(len(of)).is_year:
            self.pos += len(of)
        token = self.peek()
        if token is not None and token.is_year:
            self.take()
            return int(token.value)
        return None

    def ordinal_of(self, nouns: dict, allowed: tuple[int, ...], refusal: str) -> int | None:
        """'third week of', '1st week of', 'second half', '2e semestre' -> 3, 1, 2, 2; None
        (nothing taken) when the words are not there; refused when not `allowed` ("5th week")."""
        start = self.pos
        token = self.peek()
        number = self.take_words(WORDS.ordinals)
        if number is None and token is not None and token.kind == "number" and token.ordinal:
            number = int(self.take().value)
        if number is not None and self.take_words(nouns):
            if number not in allowed:
                raise self.error(refusal, part=self.source(start, self.pos - 1))
            return number
        self.pos = start
        return None

    # -- meaning

    def complete(self, start: _Point, end: _Point | None, context_year: int | None) -> None:
        """Fill in the months and years that were not written."""
        ends = [start] if end is None else [start, end]
        if end is not None:
            self.refuse_year_joined_to_other(start, end)
            if start.day is not None and start.month is None:
                start.month = end.month
            if end.day is not None and end.month is None:
                end.month = start.month
        for point in ends:
            if point.day is not None and point.month is None:
                raise self.error(
                    _('"%(part)s" has no month in "%(text)s".'),
                    part=self.source(point.first, point.last),
                )
        # The start takes a missing year from the end, the end from the start, and only
        # then from the context: a year written in the phrase wins over the context year.
        written = [point.year for point in ends if point.year is not None]
        for point in ends:
            if point.year is None:
                point.year = written[-1] if written else context_year
            if point.year is None:
                raise self.error(
                    _('"%(text)s" has no year: add one, e.g. "%(example)s".'),
                    MissingYearError,
                    example=example(),
                )

    def refuse_year_joined_to_other(self, start: _Point, end: _Point) -> None:
        """A year alone is only joined to another year ("2017-2018"): "March-2012" may mean
        "March 2012" and "Winter 2013-2014" the winter of 2013, so they are not guessed."""
        if (start.precision == "year") == (end.precision == "year"):
            return
        year, other = (start, end) if start.precision == "year" else (end, start)
        single = self.source(other.first, other.last)
        if other.year is None:
            single += " " + self.source(year.first, year.last)
        raise self.error(
            _(
                '"%(text)s" is ambiguous: "%(part)s" is a whole year, which can only be joined'
                ' to another year (e.g. "2017-2018"). Write "%(single)s" or both ends with their'
                ' months, e.g. "%(range)s".'
            ),
            part=self.source(year.first, year.last),
            single=single,
            range=format_window(date(2017, 1, 1), date(2018, 3, 31)),
        )

    def bounds(self, point: _Point) -> tuple[date, date]:
        """The first and the last day a completed point can mean."""
        year, month = point.year, point.month
        if point.season is not None:
            last_month = point.season + 2
            end_year, end_month = year + (last_month - 1) // 12, (last_month - 1) % 12 + 1
            return (
                self.day_of(point, year, point.season, 1),
                self.day_of(point, end_year, end_month, None),
            )
        if point.half is not None:
            first_month = 6 * point.half - 5
            return (
                self.day_of(point, year, first_month, 1),
                self.day_of(point, year, first_month + 5, None),
            )
        if month is None:
            return self.day_of(point, year, 1, 1), self.day_of(point, year, 12, 31)
        if point.day is not None:
            day = self.day_of(point, year, month, point.day)
            return day, day
        if point.week is not None:
            if point.week == -1:
                last = self.day_of(point, year, month, None)
                return last.replace(day=last.day - 6), last
            return (
                self.day_of(point, year, month, 7 * point.week - 6),
                self.day_of(point, year, month, 7 * point.week),
            )
        first_day, last_day = PART_DAYS.get(point.part, (1, None))
        return self.day_of(point, year, month, first_day), self.day_of(point, year, month, last_day)

    def day_of(self, point: _Point, year: int, month: int, day: int | None) -> date:
        """date(year, month, day), refused naming `point`; day None: the month's last day."""
        part = self.source(point.first, point.last)
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise self.error(
                _('"%(part)s" is outside the years %(first)d to %(last)d in "%(text)s".'),
                part=part,
                first=FIRST_YEAR,
                last=LAST_YEAR,
            )
        if not 1 <= month <= 12:
            raise self.error(_('"%(part)s" is not a date: there are 12 months.'), part=part)
        days = calendar.monthrange(year, month)[1]
        if day is None:
            day = days
        if not 1 <= day <= days:
            raise self.error(
                _('"%(part)s" is not a date: %(month)s has %(days)d days.'),
                part=part,
                month=format_window(date(year, month, 1), date(year, month, days)),
                days=days,
            )
        return date(year, month, day)


# --------------------------------------------------------------------------- public


def read_date_phrase(text: str, year: int | None = None, today: date | None = None) -> DateWindow:
    """Read an approximate date ("early March (tbc)", "18-19 January 2011", "Fall 2016",
    "début mars 2027 (à confirmer)", "before the May 2028 elections").

    `year` is the context year (the section's "Activities in 2011", the programme's
    year); a year written in the phrase wins over it. `today` is the day "before ..." counts
    from (the window runs from tomorrow to the day before; tentative): only a caller that
    gives it reads "before ..." (an authority's request, read once as it arrives). Without it
    "before ..." is refused: an event's or a plan's dates would move each time they are read.
    Raises DatePhraseError when the phrase is empty, cannot be read, has no year, is not a
    calendar date or ends before it starts.
    """
    if year is not None and not FIRST_YEAR <= year <= LAST_YEAR:
        raise DatePhraseError(
            _("The year %(year)s is outside the years %(first)d to %(last)d.")
            % {"year": year, "first": FIRST_YEAR, "last": LAST_YEAR}
        )
    text = unicodedata.normalize("NFC", text).strip()
    if not text:
        raise DatePhraseError(
            _('The date is empty: write one, e.g. "%(example)s".') % {"example": example()}
        )
    blanked, tentative = blank_tentative(text)
    tokens = tokens_of(blanked)
    if not tokens:
        raise DatePhraseError(
            _('"%(text)s" only says the date is to be confirmed: add the date, e.g. "%(example)s".')
            % {"text": text, "example": example(tentative=True)}
        )
    reader = _Reader(text, tokens)
    start, joiner, end = reader.phrase()
    if joiner == "before" and today is None:
        raise reader.error(
            _(
                '"%(text)s" does not say the dates, only what they are before: write the'
                ' dates, e.g. "%(example)s".'
            ),
            example=example(),
        )
    reader.complete(start, end, year)
    starts_on, ends_on = reader.bounds(start)
    precision = start.precision
    if joiner == "before":
        return _before(reader, start, starts_on, today)
    if end is not None:
        ends_on = reader.bounds(end)[1]
        precision = max(precision, end.precision, key=PRECISIONS.index)
        if ends_on < starts_on:
            raise reader.error(
                _('The end of "%(text)s" (%(end)s) is before its start (%(start)s).'),
                end=format_window(ends_on, ends_on),
                start=format_window(starts_on, starts_on),
            )
    tentative = tentative or joiner == "alternatives"
    return DateWindow(starts_on, ends_on, precision, tentative)


def _before(reader: _Reader, until: _Point, until_starts: date, today: date) -> DateWindow:
    """ "before the May 2028 elections": from tomorrow to the day before May 2028, tentative."""
    tomorrow = today + timedelta(days=1)
    if until_starts <= tomorrow:
        raise reader.error(
            _('"%(part)s" is not after tomorrow: write the dates you would like.'),
            part=reader.source(until.first, until.last),
        )
    return DateWindow(tomorrow, until_starts - timedelta(days=1), until.precision, True)
