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


def _xlsx_cell(value):
    """Text without the control characters that XLSX cannot hold."""
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def xlsx_bytes(title: str, header: list[str], rows: list[list]) -> bytes:
    """One sheet: a bold header row with filters, frozen below it; dates in date cells."""
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]  # the longest sheet name Excel accepts
    sheet.append([str(h) for h in header])  # headers may be lazy translations
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    widths = [len(str(h)) for h in header]
    for row in rows:
        sheet.append([_xlsx_cell(v) for v in row])
        for index, value in enumerate(row):
            widths[index] = max(widths[index], len(str(value or "")))
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text, even when it begins with "="
            elif isinstance(cell.value, date | datetime):
                cell.number_format = "yyyy-mm-dd"
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(width + 2, MAX_COLUMN_WIDTH)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_response(filename: str, header: list[str], rows: list[list]) -> Response:
    return _download(csv_bytes(header, rows), "text/csv; charset=utf-8", filename)


def xlsx_response(filename: str, title: str, header: list[str], rows: list[list]) -> Response:
    mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return _download(xlsx_bytes(title, header, rows), mimetype, filename)


def _download(body: bytes, content_type: str, filename: str) -> Response:
    return Response(
        body,
        headers={
            "Content-Type": content_type,
            "Content-Disposition": f'attachment; filename="{filename}"',
        },
    )
