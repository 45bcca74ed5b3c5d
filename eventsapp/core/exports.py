"""Spreadsheet downloads (CSV and XLSX) of a header and rows, shared by every export.

Cells are written so that a spreadsheet never runs them as formulas: in CSV a text beginning with
``=``, ``+``, ``-``, ``@`` (or a tab or carriage return) gets a leading apostrophe; in XLSX text is
stored as text, and such a text is quote-prefixed too (Excel's own apostrophe: shown as written,
still text after an edit). Dates stay dates: ISO dates in CSV, date cells in XLSX. Every XLSX the
product writes comes from here (xlsxwriter); openpyxl only reads the files people upload.
"""

import csv
import io
import math
import re
from datetime import date, datetime
from decimal import Decimal

import xlsxwriter
from flask import Response

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MAX_COLUMN_WIDTH = 60


def neutralise_formula(value):
    """A CSV cell that a spreadsheet shows as written: ``'=1+1`` for ``=1+1``."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _csv_cell(value):
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else neutralise_formula(value)


def csv_bytes(header: list[str], rows: list[list]) -> bytes:
    """UTF-8 with a byte order mark, so that spreadsheets read accented names right."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_csv_cell(v) for v in header])
    writer.writerows([_csv_cell(v) for v in row] for row in rows)
    return out.getvalue().encode("utf-8-sig")


def xlsx_bytes(title: str, header: list[str], rows: list[list]) -> bytes:
    """One sheet: a bold header row with filters, frozen below it; dates in date cells."""
    return xlsx_book_bytes([(title, header, rows)])


def xlsx_book_bytes(sheets: list[tuple[str, list[str], list[list]]]) -> bytes:
    """A workbook of one sheet per (title, header, rows), each as ``xlsx_bytes`` writes it.

    Written by xlsxwriter in constant-memory mode: each row goes out to a temporary file as the
    next one begins, its cells as inline text, numbers and dates, never read as formulas, numbers
    or links whatever the text says."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, XLSX_OPTIONS)
    formats = _Formats(book)
    taken: set[str] = set()
    for title, header, rows in sheets:
        sheet = book.add_worksheet(sheet_title(title, taken))
        sheet.freeze_panes(1, 0)
        sheet.autofilter(0, 0, len(rows), max(len(header) - 1, 0))
        widths = [len(str(h)) for h in header]
        for column, text in enumerate(header):
            text = _xlsx_text(str(text))  # headers may be lazy, and name questions staff wrote
            sheet.write_string(0, column, text, formats.header(text))
        for number, row in enumerate(rows, start=1):
            for column, value in enumerate(row):
                if value is not None and value != "":
                    width = _write_cell(sheet, number, column, value, formats)
                    if width > widths[column]:
                        widths[column] = width
        for column, width in enumerate(widths):
            sheet.set_column(column, column, min(width + 2, MAX_COLUMN_WIDTH))
    book.close()
    return out.getvalue()


XLSX_OPTIONS = {
    "constant_memory": True,  # rows written out one by one, inline text (no shared strings)
    "strings_to_formulas": False,
    "strings_to_numbers": False,
    "strings_to_urls": False,
    "remove_timezone": True,
}
# What XLSX cannot hold: control characters but tab, line feed and carriage return; lone halves
# of surrogate pairs; and the two non-characters U+FFFE and U+FFFF.
XLSX_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# What Excel refuses in a sheet's name, and its longest (in UTF-16 units).
SHEET_TITLE_ILLEGAL = re.compile(r"[\[\]:*?/\\]")
SHEET_TITLE_MAX = 31


class _Formats:
    """The workbook's cell formats: bold headers, dates, and text shown as written (Excel's
    quote prefix: the cell stays text even when someone edits it)."""

    def __init__(self, book):
        self.bold = book.add_format({"bold": True})
        self.bold_text = book.add_format({"bold": True, "quote_prefix": True})
        self.text = book.add_format({"quote_prefix": True})
        self.date = book.add_format({"num_format": "yyyy-mm-dd"})
        self.moment = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})  # as the CSV writes it

    def header(self, text: str):
        return self.bold_text if text.startswith(FORMULA_STARTS) else self.bold


def _write_cell(sheet, row: int, column: int, value, formats: _Formats) -> int:
    """Text as text (once what XLSX cannot hold is taken out; quote-prefixed when it begins like
    a formula); numbers as numbers (but NaN and infinities, which XLSX cannot hold), dates as
    date cells and moments with their time, anything else as its text. Returns the
    width the value asks of its column."""
    if isinstance(value, str):
        width = len(value)
        if not value.isprintable():  # quicker than the expression, and rarely false
            value = _xlsx_text(value)
        text_format = formats.text if value.startswith(FORMULA_STARTS) else None
        sheet.write_string(row, column, value, text_format)
        return width
    if isinstance(value, bool):
        sheet.write_boolean(row, column, value)
    elif isinstance(value, int | float | Decimal) and math.isfinite(value):
        sheet.write_number(row, column, value)
    elif isinstance(value, date):  # datetimes too, with their time
        moment = isinstance(value, datetime)
        sheet.write_datetime(row, column, value, formats.moment if moment else formats.date)
    else:
        return _write_cell(sheet, row, column, str(value), formats)
    return len(str(value))


def _xlsx_text(text: str) -> str:
    """Without the characters that XLSX cannot hold."""
    return XLSX_ILLEGAL.sub("", text)


def sheet_title(title, taken: set[str]) -> str:
    """A name Excel accepts for a sheet, not one of ``taken`` (their lower case; the name's is
    added): without the characters it refuses, at most 31 long, made unique by a number."""
    name = " ".join(SHEET_TITLE_ILLEGAL.sub(" ", _xlsx_text(str(title))).split()).strip("' ")
    name = name or "Sheet"
    candidate, number = _cut(name, SHEET_TITLE_MAX), 1
    while candidate.lower() in taken or candidate.lower() == "history":  # Excel reserves it
        number += 1
        suffix = f" ({number})"
        candidate = _cut(name, SHEET_TITLE_MAX - len(suffix)) + suffix
    taken.add(candidate.lower())
    return candidate


def _cut(text: str, units: int) -> str:
    """The longest start of ``text`` of at most ``units`` UTF-16 code units (as Excel counts),
    without spaces or apostrophes at its end."""
    length = 0
    for index, character in enumerate(text):
        length += 2 if ord(character) > 0xFFFF else 1
        if length > units:
            text = text[:index]
            break
    return text.rstrip(" '")


CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def csv_response(filename: str, header: list[str], rows: list[list]) -> Response:
    return download(csv_bytes(header, rows), CSV_TYPE, filename)


def xlsx_response(filename: str, title: str, header: list[str], rows: list[list]) -> Response:
    return download(xlsx_bytes(title, header, rows), XLSX_TYPE, filename)


def download(body: bytes, content_type: str, filename: str) -> Response:
    """A file to save (``Content-Disposition: attachment``)."""
    return Response(
        body,
        headers={
            "Content-Type": content_type,
            "Content-Disposition": f'attachment; filename="{filename}"',
        },
    )
