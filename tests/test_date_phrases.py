"""Tests for the date-phrase reader (eventsapp.core.dates)."""

import ast
import calendar
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eventsapp.core import dates as dates_module
from eventsapp.core.dates import (
    PRECISIONS,
    DatePhraseError,
    DateWindow,
    format_window,
    read_date_phrase,
)

FAST = settings(
    max_examples=200,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)

D, W, P, M, S, Y = "day", "week", "part_of_month", "month", "season", "year"


def d(text):
    return date.fromisoformat(text)


# phrase, context year, first day, last day, precision, tentative
SEED_PHRASES = [
    # day ranges
    ("18-19 January 2011", None, "2011-01-18", "2011-01-19", D, False),
    ("4-5 March 2011", None, "2011-03-04", "2011-03-05", D, False),
    ("14-15 June 2011", None, "2011-06-14", "2011-06-15", D, False),
    ("23-24 August 2011", None, "2011-08-23", "2011-08-24", D, False),
    ("7-11 November 2011 (exact dates tbc)", None, "2011-11-07", "2011-11-11", D, True),
    ("28 November-9 December (exact dates tbc)", 2011, "2011-11-28", "2011-12-09", D, True),
    ("24-25 January 2012", None, "2012-01-24", "2012-01-25", D, False),
    # ordinals, US style
    ("April 18th-22nd", 2016, "2016-04-18", "2016-04-22", D, False),
    ("May 5th and 6th", 2016, "2016-05-05", "2016-05-06", D, False),
    ("October 5th-7th", 2016, "2016-10-05", "2016-10-07", D, False),
    ("October 3rd to October 7th, 2011", None, "2011-10-03", "2011-10-07", D, False),
    ("October 21st-25th, 2011", None, "2011-10-21", "2011-10-25", D, False),
    ("May 28th to June 21st, 2012", None, "2012-05-28", "2012-06-21", D, False),
    ("May 27th to May 31st, 2013", None, "2013-05-27", "2013-05-31", D, False),
    ("December 2nd-6th, 2013", None, "2013-12-02", "2013-12-06", D, False),
    ("March 11th to March 14th, 2014", None, "2014-03-11", "2014-03-14", D, False),
    ("November 9th to November 13th, 2015", None, "2015-11-09", "2015-11-13", D, False),
    ("November 23rd-27th, 2015", None, "2015-11-23", "2015-11-27", D, False),
    # single days, ISO
    ("18 January 2011", None, "2011-01-18", "2011-01-18", D, False),
    ("January 18, 2011", None, "2011-01-18", "2011-01-18", D, False),
    ("18 Jan 2011", None, "2011-01-18", "2011-01-18", D, False),
    ("2016-04-18", None, "2016-04-18", "2016-04-18", D, False),
    ("2016-04-18 to 2016-04-22", None, "2016-04-18", "2016-04-22", D, False),
    # parts of months
    ("early March (tbc)", 2011, "2011-03-01", "2011-03-10", P, True),
    ("mid-April", 2012, "2012-04-11", "2012-04-20", P, False),
    ("mid April 2012", None, "2012-04-11", "2012-04-20", P, False),
    ("end of March 2012", None, "2012-03-21", "2012-03-31", P, False),
    ("end of June 2012", None, "2012-06-21", "2012-06-30", P, False),
    ("late May", 2012, "2012-05-21", "2012-05-31", P, False),
    ("beginning of November", 2012, "2012-11-01", "2012-11-10", P, False),
    ("end of October-beginning of November 2012", None, "2012-10-21", "2012-11-10", P, False),
    ("January-mid March 2012", None, "2012-01-01", "2012-03-20", M, False),
    ("April-mid May 2012", None, "2012-04-01", "2012-05-20", M, False),
    ("end of May-mid June 2012", None, "2012-05-21", "2012-06-20", P, False),
    # weeks
    ("Third week of September 2012", None, "2012-09-15", "2012-09-21", W, False),
    ("last week of November", 2011, "2011-11-24", "2011-11-30", W, False),
    # months
    ("March 2012", None, "2012-03-01", "2012-03-31", M, False),
    ("March 2011", None, "2011-03-01", "2011-03-31", M, False),
    ("February 2012 (tbd)", None, "2012-02-01", "2012-02-29", M, True),
    ("November 2012", None, "2012-11-01", "2012-11-30", M, False),
    ("May/June 2012", None, "2012-05-01", "2012-06-30", M, True),
    ("July - September 2016", None, "2016-07-01", "2016-09-30", M, False),
    ("July-August 2016", None, "2016-07-01", "2016-08-31", M, False),
    ("September-October 2011", None, "2011-09-01", "2011-10-31", M, False),
    ("November -December 2012 (tbd)", None, "2012-11-01", "2012-12-31", M, True),
    ("January-December 2012 (tbd)", None, "2012-01-01", "2012-12-31", M, True),
    ("June 2012-June 2015 (tbd)", None, "2012-06-01", "2015-06-30", M, True),
    ("December 2012-May 2013", None, "2012-12-01", "2013-05-31", M, False),
    # seasons (northern meteorological)
    ("Fall 2016", None, "2016-09-01", "2016-11-30", S, False),
    ("Autumn 2016", None, "2016-09-01", "2016-11-30", S, False),
    ("Spring 2017", None, "2017-03-01", "2017-05-31", S, False),
    ("Winter 2013", None, "2013-12-01", "2014-02-28", S, False),
    # years
    ("2017", None, "2017-01-01", "2017-12-31", Y, False),
    ("2017-2018", None, "2017-01-01", "2018-12-31", Y, False),
    ("2016-2017", None, "2016-01-01", "2017-12-31", Y, False),
    # Spanish
    ("del 18 al 22 de abril de 2016", None, "2016-04-18", "2016-04-22", D, False),
    ("18 de abril de 2016", None, "2016-04-18", "2016-04-18", D, False),
    ("abril de 2016", None, "2016-04-01", "2016-04-30", M, False),
    ("abril 2016", None, "2016-04-01", "2016-04-30", M, False),
    ("mediados de marzo", 2012, "2012-03-11", "2012-03-20", P, False),
    ("principios de marzo", 2012, "2012-03-01", "2012-03-10", P, False),
    ("finales de octubre", 2012, "2012-10-21", "2012-10-31", P, False),
    ("primera semana de mayo", 2012, "2012-05-01", "2012-05-07", W, False),
    ("última semana de noviembre", 2012, "2012-11-24", "2012-11-30", W, False),
    ("otoño 2016", None, "2016-09-01", "2016-11-30", S, False),
    ("marzo de 2012 por confirmar", None, "2012-03-01", "2012-03-31", M, True),
    ("marzo 2012 (por confirmar)", None, "2012-03-01", "2012-03-31", M, True),
    # other spellings of the same rules
    ("1st week of May 2012", None, "2012-05-01", "2012-05-07", W, False),
    ("the third week of May 2012", None, "2012-05-15", "2012-05-21", W, False),
    ("second week of May 2012", None, "2012-05-08", "2012-05-14", W, False),
    ("fourth week of February 2012", None, "2012-02-22", "2012-02-28", W, False),
    ("last week of February 2012", None, "2012-02-23", "2012-02-29", W, False),
    ("middle of March 2012", None, "2012-03-11", "2012-03-20", P, False),
    ("the end of March 2012", None, "2012-03-21", "2012-03-31", P, False),
    ("from 18 to 19 January 2011", None, "2011-01-18", "2011-01-19", D, False),
    ("18 until 19 January 2011", None, "2011-01-18", "2011-01-19", D, False),
    ("18–19 January 2011", None, "2011-01-18", "2011-01-19", D, False),
    ("28 November – 9 December 2011", None, "2011-11-28", "2011-12-09", D, False),
    ("30 December 2011 – 2 January 2012", None, "2011-12-30", "2012-01-02", D, False),
    ("May – June 2012", None, "2012-05-01", "2012-06-30", M, False),
    ("2017 – 2018", None, "2017-01-01", "2018-12-31", Y, False),
    ("summer 2014", None, "2014-06-01", "2014-08-31", S, False),
    ("18th of January 2011", None, "2011-01-18", "2011-01-18", D, False),
    # case and spacing
    ("EARLY MARCH 2012", None, "2012-03-01", "2012-03-10", P, False),
    ("  18 -  19   January   2011 ", None, "2011-01-18", "2011-01-19", D, False),
    ("Mid-april", 2012, "2012-04-11", "2012-04-20", P, False),
    # a year in the phrase wins over the context year
    ("March 2012", 2011, "2012-03-01", "2012-03-31", M, False),
    ("28 November-9 December 2013", 2011, "2013-11-28", "2013-12-09", D, False),
]


@pytest.mark.parametrize(
    "phrase, year, first, last, precision, tentative",
    SEED_PHRASES,
    ids=[row[0] for row in SEED_PHRASES],
)
def test_reads_phrase(phrase, year, first, last, precision, tentative):
    assert read_date_phrase(phrase, year) == DateWindow(d(first), d(last), precision, tentative)


TENTATIVE_MARKERS = [
    "(tbc)",
    "(tbd)",
    "tbc",
    "tbd",
    "TBC",
    "tentative",
    "(tentative)",
    "(exact dates tbc)",
    "exact dates tbc",
    "to be confirmed",
    "(to be confirmed)",
    "to be determined",
    "por confirmar",
    "(por confirmar)",
    "?",
]


@pytest.mark.parametrize("marker", TENTATIVE_MARKERS)
def test_tentative_markers(marker):
    window = read_date_phrase(f"14-15 June 2011 {marker}")
    assert window == DateWindow(d("2011-06-14"), d("2011-06-15"), D, True)
    if marker != "?":  # only a trailing question mark is a marker
        assert read_date_phrase(f"{marker} March", 2012).tentative


MONTH_ABBREVIATIONS = {
    "Jan": 1,
    "Feb": 2,
    "Mar": 3,
    "Apr": 4,
    "Jun": 6,
    "Jul": 7,
    "Aug": 8,
    "Sep": 9,
    "Sept": 9,
    "Oct": 10,
    "Nov": 11,
    "Dec": 12,
}


@pytest.mark.parametrize("abbreviation, month", MONTH_ABBREVIATIONS.items())
@pytest.mark.parametrize("dot", ["", "."])
def test_month_abbreviations(abbreviation, month, dot):
    day = date(2012, month, 3)
    for phrase in (f"3 {abbreviation}{dot} 2012", f"{abbreviation.upper()}{dot} 3rd, 2012"):
        assert read_date_phrase(phrase) == DateWindow(day, day, D, False)


@pytest.mark.parametrize(
    "phrase, year, part",
    [
        ("sometime soon", None, '"sometime"'),
        ("sometime soon", 2012, '"sometime"'),
        ("30 February 2012", None, '"30 February 2012"'),
        ("32 March 2012", None, '"32 March 2012"'),
        ("29 February 2011", None, '"29 February 2011"'),
        ("2016-02-30", None, '"2016-02-30"'),
        ("March 2012 soon", None, '"soon"'),
        ("mid 2012", None, '"mid"'),
        ("fifth week of May 2012", None, '"fifth"'),
        ("18-19", 2012, '"18"'),
        ("March 2012 -", None, '"-"'),
        ("March 12th 2012 (at noon)", None, '"("'),
        # a whole year is only joined to another whole year: nothing is guessed
        ("March-2012", None, '"2012" is a whole year'),
        ("Winter 2013-2014", None, '"2014" is a whole year'),
        ("2012/March", None, '"2012" is a whole year'),
        ("early-mid March", 2012, '"early"'),
        ("2012-13-01", None, '"2012-13-01"'),
        ("winter 9999", None, '"winter 9999" is outside the years 1900 to 2200'),
        ("late December 9999", None, "outside the years 1900 to 2200"),
        ("0001-01-01", None, '"0001-01-01" is outside the years 1900 to 2200'),
        ("December 2200 - January 2201", None, '"January 2201" is outside'),
        ("1899", None, '"1899" is outside'),
    ],
)
def test_refuses_naming_the_part(phrase, year, part):
    with pytest.raises(DatePhraseError) as refused:
        read_date_phrase(phrase, year)
    assert part in str(refused.value)


def test_refuses_end_before_start():
    with pytest.raises(DatePhraseError, match=r"end .* is before its start") as refused:
        read_date_phrase("9-3 May 2012")
    assert '"9-3 May 2012"' in str(refused.value)
    with pytest.raises(DatePhraseError, match="before"):
        read_date_phrase("June/May 2012")
    with pytest.raises(DatePhraseError, match="before"):
        read_date_phrase("December-January 2013")  # nothing is guessed: both in 2013


@pytest.mark.parametrize("phrase", ["", "   ", "\t\n"])
def test_refuses_empty(phrase):
    with pytest.raises(DatePhraseError, match="empty"):
        read_date_phrase(phrase, 2012)


def test_refuses_only_a_tentative_marker():
    with pytest.raises(DatePhraseError, match=r'"\(tbc\)" only says'):
        read_date_phrase("(tbc)", 2012)


@pytest.mark.parametrize("phrase", ["March", "early March (tbc)", "18-19 January", "Winter"])
def test_refuses_phrase_without_year(phrase):
    with pytest.raises(DatePhraseError, match="has no year") as refused:
        read_date_phrase(phrase)
    assert f'"{phrase}"' in str(refused.value)
    assert "March 2012" in str(refused.value)  # the example


def test_error_is_a_value_error():
    assert issubclass(DatePhraseError, ValueError)


def test_messages_go_through_gettext(monkeypatch):
    monkeypatch.setattr(dates_module.reader, "_", lambda message: "[T]" + message)
    with pytest.raises(DatePhraseError, match=r"^\[T\]Could not read"):
        read_date_phrase("sometime soon")


def test_module_uses_only_the_standard_library():
    imported = set()
    files = Path(dates_module.__file__).parent.glob("*.py")
    for node in (n for f in files for n in ast.walk(ast.parse(f.read_text(encoding="utf-8")))):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and not node.level:
            imported.add((node.module or "").split(".")[0])
    assert imported <= set(sys.stdlib_module_names) | {"__future__", "babel", "flask_babel"}


@pytest.mark.parametrize(
    "first, last, text",
    [
        ("2011-01-18", "2011-01-18", "18 January 2011"),
        ("2011-01-18", "2011-01-19", "18–19 January 2011"),
        ("2011-11-28", "2011-12-09", "28 November – 9 December 2011"),
        ("2011-12-30", "2012-01-02", "30 December 2011 – 2 January 2012"),
        ("2011-03-01", "2011-03-31", "March 2011"),
        ("2012-05-01", "2012-06-30", "May – June 2012"),
        ("2012-12-01", "2013-05-31", "December 2012 – May 2013"),
        ("2017-01-01", "2017-12-31", "2017"),
        ("2017-01-01", "2018-12-31", "2017 – 2018"),
        ("2012-02-01", "2012-02-29", "February 2012"),
        ("2012-02-01", "2012-02-28", "1–28 February 2012"),
    ],
)
def test_format_window(first, last, text):
    assert format_window(d(first), d(last)) == text


def test_format_window_refuses_end_before_start():
    with pytest.raises(ValueError):
        format_window(d("2012-05-09"), d("2012-05-03"))


# ------------------------------------------------------------------ property-based tests

MONTHS = [calendar.month_name[number] for number in range(1, 13)]
SPANISH_MONTHS = [
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
]
DATES = st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31))
YEARS = st.integers(min_value=1901, max_value=2200)  # "winter {year - 1}" is read too
SEPARATORS = st.sampled_from(["-", " - ", "–", " – ", " to ", " until ", " -"])


def ordinal(day):
    if day in (11, 12, 13):
        return f"{day}th"
    return f"{day}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(day % 10, 'th') }"


@st.composite
def day_ranges(draw):
    first = draw(DATES)
    length = draw(st.one_of(st.integers(0, 40), st.integers(0, 800)))
    return first, min(first + timedelta(days=length), date(2200, 12, 31))


def written_styles(first, last, to):
    """The same day range written out in several styles."""

    def day_month(day):
        return f"{day.day} {MONTHS[day.month - 1]}"

    def month_day(day):
        return f"{MONTHS[day.month - 1]} {ordinal(day.day)}"

    styles = [
        f"{first.isoformat()}{to}{last.isoformat()}",
        f"{day_month(first)} {first.year}{to}{day_month(last)} {last.year}",
        f"{month_day(first)}, {first.year}{to}{month_day(last)}, {last.year}",
        format_window(first, last),
    ]
    if first.year == last.year:
        styles += [
            f"{day_month(first)}{to}{day_month(last)} {last.year}",
            f"{month_day(first)}{to}{month_day(last)}, {last.year}",
        ]
        if first.month == last.month:
            month = MONTHS[first.month - 1]
            spanish = SPANISH_MONTHS[first.month - 1]
            styles += [
                f"{first.day}{to}{last.day} {month} {last.year}",
                f"{month_day(first)}{to}{ordinal(last.day)}, {last.year}",
                f"del {first.day} al {last.day} de {spanish} de {last.year}",
            ]
    return styles


@FAST
@given(day_ranges(), SEPARATORS)
def test_day_range_styles_read_back_the_same(day_range, to):
    first, last = day_range
    for phrase in written_styles(first, last, to):
        window = read_date_phrase(phrase)
        assert (window.starts_on, window.ends_on, window.tentative) == (first, last, False), phrase
        whole_months = first.day == 1 and last == last.replace(
            day=calendar.monthrange(last.year, last.month)[1]
        )
        if not whole_months or phrase != format_window(first, last):
            assert window.precision == "day", phrase


@FAST
@given(day_ranges(), st.randoms(use_true_random=False), st.sampled_from([" ", "  ", " \t "]))
def test_case_and_spaces_do_not_matter(day_range, random, space):
    first, last = day_range
    phrase = written_styles(first, last, " to ")[2]
    flipped = "".join(c.upper() if random.random() < 0.5 else c.lower() for c in phrase)
    assert read_date_phrase(flipped.replace(" ", space)) == read_date_phrase(phrase)


@FAST
@given(DATES, DATES)
def test_format_window_round_trip(one, other):
    first, last = min(one, other), max(one, other)
    window = read_date_phrase(format_window(first, last))
    assert (window.starts_on, window.ends_on, window.tentative) == (first, last, False)
    whole_months = first.day == 1 and last.day == calendar.monthrange(last.year, last.month)[1]
    if not whole_months:
        assert window.precision == "day"


VOCABULARY = [
    "18",
    "19",
    "3",
    "31",
    "0",
    "99",
    "2012",
    "2013",
    "0000",
    "9999",
    "18th",
    "1st",
    "2016-04-18",
    "2016-02-30",
    "mid",
    "mid-",
    "early",
    "late",
    "end",
    "of",
    "the",
    "beginning",
    "week",
    "third",
    "last",
    "March",
    "Feb",
    "Dec.",
    "winter",
    "fall",
    "-",
    "–",
    "/",
    "to",
    "until",
    "and",
    "or",
    "from",
    "tbc",
    "(tbc)",
    "?",
    ",",
    "de",
    "del",
    "al",
    "a",
    "finales",
    "semana",
    "primera",
    "otoño",
]


_DAYS = st.integers(min_value=0, max_value=33).map(str)
_YEAR_TEXTS = st.integers(min_value=998, max_value=9999).map(lambda year: f"{year:04d}")
_MONTH_TEXTS = st.sampled_from(MONTHS + SPANISH_MONTHS + ["Feb", "Sept.", "dec"])


def _optional(strategy):
    return st.one_of(st.just(""), strategy)


# One end of a phrase, loosely following the grammar (so that many reads succeed).
POINTS = st.one_of(
    st.tuples(_DAYS, _MONTH_TEXTS, _optional(_YEAR_TEXTS)),
    st.tuples(_MONTH_TEXTS, _optional(_DAYS.map(lambda day: day + "th")), _optional(_YEAR_TEXTS)),
    st.tuples(
        st.sampled_from(["early", "mid-", "end of", "finales de", "third week of", "last week of"]),
        _MONTH_TEXTS,
        _optional(_YEAR_TEXTS),
    ),
    st.tuples(st.sampled_from(["winter", "Fall", "spring", "otoño"]), _optional(_YEAR_TEXTS)),
    st.tuples(_YEAR_TEXTS),
    st.tuples(_DAYS),
    st.tuples(st.dates().map(date.isoformat)),
).map(lambda parts: " ".join(part for part in parts if part))

PHRASES = st.one_of(
    st.tuples(
        POINTS,
        _optional(st.sampled_from(["-", " - ", " to ", " and ", "/", " al "])),
        _optional(POINTS),
        _optional(st.sampled_from([" (tbc)", " tbd", "?"])),
    ).map("".join),
    st.lists(st.sampled_from(VOCABULARY), max_size=7).map(" ".join),
    st.text(max_size=30),
)


@FAST
@given(PHRASES, st.one_of(st.none(), st.integers(min_value=1, max_value=9999)))
def test_any_successful_read_is_a_valid_window(phrase, year):
    try:
        window = read_date_phrase(phrase, year)
    except DatePhraseError as refused:
        assert str(refused)
        return
    assert window.starts_on <= window.ends_on
    assert window.precision in PRECISIONS


@FAST
@given(YEARS)
def test_leap_years(year):
    leap = calendar.isleap(year)
    february_ends = date(year, 2, 29 if leap else 28)
    if leap:
        assert read_date_phrase(f"29 February {year}").starts_on == date(year, 2, 29)
    else:
        with pytest.raises(DatePhraseError, match=f'"29 February {year}"'):
            read_date_phrase(f"29 February {year}")
    assert read_date_phrase(f"end of February {year}").ends_on == february_ends
    assert read_date_phrase("last week of February", year).starts_on == february_ends - timedelta(
        days=6
    )
    winter = read_date_phrase(f"winter {year - 1}")
    assert (winter.starts_on, winter.ends_on) == (date(year - 1, 12, 1), february_ends)


@FAST
@given(YEARS, st.integers(min_value=1, max_value=12))
def test_month_ends(year, month):
    last_day = calendar.monthrange(year, month)[1]
    name = MONTHS[month - 1]
    assert read_date_phrase(f"end of {name} {year}") == DateWindow(
        date(year, month, 21), date(year, month, last_day), P, False
    )
    assert read_date_phrase(f"{name}", year) == DateWindow(
        date(year, month, 1), date(year, month, last_day), M, False
    )
    with pytest.raises(DatePhraseError, match=f'"{last_day + 1} {name} {year}"'):
        read_date_phrase(f"{last_day + 1} {name} {year}")


def test_month_ends_examples():
    assert read_date_phrase("end of April 2012").ends_on == date(2012, 4, 30)
    assert read_date_phrase("end of February 2012").ends_on == date(2012, 2, 29)
    assert read_date_phrase("winter 2011").ends_on == date(2012, 2, 29)
    assert read_date_phrase("29 February 2012").starts_on == date(2012, 2, 29)


def test_a_missing_year_is_its_own_refusal_so_that_forms_can_ask_for_it():
    from eventsapp.core.dates import MissingYearError

    with pytest.raises(MissingYearError):
        read_date_phrase("early March (tbc)")
    with pytest.raises(DatePhraseError) as refusal:
        read_date_phrase("sometime soon", 2011)
    assert not isinstance(refusal.value, MissingYearError)
