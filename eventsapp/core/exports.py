"""Spreadsheet downloads (CSV and XLSX) of a header and rows, shared by every export.

Cells are written so that a spreadsheet never runs them as formulas: in CSV a text beginning with
``=``, ``+``, ``-``, ``@`` (or a tab or carriage return) gets a leading apostrophe; in XLSX text is
stored as text. Dates stay dates: ISO dates in CSV, date cells in XLSX.
"""

import csv
import io
from datetime import date, datetime

from flask import Response
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

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

    Written in openpyxl's write-only mode: each row goes out as it is appended, without a cell
    object per value (but for the header, dates and text beginning with "=")."""
    book = Workbook(write_only=True)
    bold = Font(bold=True)
    for title, header, rows in sheets:
        sheet = book.create_sheet(title[:31])  # the longest sheet name Excel accepts
        widths = [len(str(h)) for h in header]
        for row in rows:
            for index, value in enumerate(row):
                widths[index] = max(widths[index], len(str(value or "")))
        for index, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = min(
                width + 2, MAX_COLUMN_WIDTH
            )
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(header))}{len(rows) + 1}"
        sheet.append([_header_cell(sheet, h, bold) for h in header])  # headers may be lazy
        for row in rows:
            sheet.append([_xlsx_cell(sheet, v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _header_cell(sheet, text, font: Font) -> WriteOnlyCell:
    """A bold header, as text whatever it says (headers name questions staff wrote)."""
    cell = _text_cell(sheet, str(text))
    cell.font = font
    return cell


def _xlsx_cell(sheet, value):
    """Text as text (even when it begins with "=", once what XLSX cannot hold is taken out);
    dates as date cells, moments with their time (as the CSV writes them)."""
    if isinstance(value, str):
        value = _xlsx_text(value)
        return _text_cell(sheet, value) if value.startswith("=") else value
    if isinstance(value, date | datetime):
        cell = WriteOnlyCell(sheet, value)
        cell.number_format = "yyyy-mm-dd hh:mm" if isinstance(value, datetime) else "yyyy-mm-dd"
        return cell
    return value


def _text_cell(sheet, text: str) -> WriteOnlyCell:
    """A cell that a spreadsheet shows as written, never runs as a formula."""
    cell = WriteOnlyCell(sheet, _xlsx_text(text))
    cell.data_type = "s"
    return cell


def _xlsx_text(text: str) -> str:
    """Without the control characters that XLSX cannot hold."""
    return ILLEGAL_CHARACTERS_RE.sub("", text)


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
