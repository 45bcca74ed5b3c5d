"""Spreadsheet cells that would run as formulas are neutralised; whatever a cell holds, the XLSX
opens and shows it as written."""

import io
import zipfile
from datetime import date, datetime
from decimal import Decimal

import pytest

from eventsapp.core.exports import neutralise_formula, xlsx_book_bytes


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+52 55 1234", "'+52 55 1234"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("Benoît", "Benoît"),
        ("a=b", "a=b"),
        ("", ""),
        (-2, -2),
        (None, None),
        (date(2030, 5, 1), date(2030, 5, 1)),
    ],
)
def test_formulas_are_neutralised(value, expected):
    assert neutralise_formula(value) == expected


HOSTILE = "=cmd|' /C calc'!A0"


def _book(sheets):
    from openpyxl import load_workbook

    return load_workbook(io.BytesIO(xlsx_book_bytes(sheets)))


def test_hostile_cells_are_shown_as_written_and_never_run():
    header = ["Name", '=HYPERLINK("http://x")', "When", "Count"]
    long_text = "é" * 40_000
    rows = [
        [HOSTILE, "+52 55 1234", date(2031, 5, 1), 3],
        ["-2", "@SUM(A1)", datetime(2031, 5, 1, 9, 30), Decimal("2.5")],
        ["a\x00b\x1fc\x7f", "\x01" + HOSTILE, None, -2],
        [long_text, "_x0041_ stays", "", True],
        ["\ud800lone half", "tab\tand\nline", "http://example.org", float("nan")],
    ]
    body = xlsx_book_bytes([("Hostile", header, rows)])
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml  # not one formula, whatever the text says
    assert "<hyperlink" not in sheet_xml
    # Excel reads "_xHHHH_" as an escaped character: written so that it shows as typed.
    assert "_x005F_x0041_ stays" in sheet_xml

    sheet = _book([("Hostile", header, rows)]).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0] == header
    assert values[1] == [HOSTILE, "+52 55 1234", datetime(2031, 5, 1), 3]
    assert values[2] == ["-2", "@SUM(A1)", datetime(2031, 5, 1, 9, 30), 2.5]
    assert values[3] == ["abc\x7f", HOSTILE, None, -2]  # what XLSX cannot hold is taken out
    assert values[4][0] == "é" * 32_767  # the longest text Excel holds
    assert values[4][2:] == [None, True]
    assert values[5] == ["lone half", "tab\tand\nline", "http://example.org", "nan"]
    # Text that begins like a formula stays text when someone edits it (Excel's quote prefix).
    for coordinate in ("B1", "A2", "B2", "A3", "B3", "B4"):
        assert sheet[coordinate].data_type == "s"
        assert sheet[coordinate].quotePrefix, coordinate
    assert not sheet["A5"].quotePrefix
    assert sheet["C2"].is_date and sheet["C3"].is_date
    assert sheet["A1"].font.bold and sheet["B1"].font.bold
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:D6"


def test_several_sheets_get_names_excel_accepts():
    sheets = [
        ("Budget 2031/2032: [draft]?*", ["A"], [[1]]),
        ("'Quoted'", ["A"], [[2]]),
        ("A title much longer than the thirty-one characters allowed", ["A"], [[3]]),
        ("a title much longer than the thirty-one characters allowed", ["A"], [[4]]),
        ("History", ["A"], [[5]]),
        ("\x00", ["A"], [[6]]),
    ]
    book = _book(sheets)
    assert book.sheetnames == [
        "Budget 2031 2032 draft",
        "Quoted",
        "A title much longer than the th",
        "a title much longer than th (2)",
        "History (2)",
        "Sheet",
    ]
    assert [sheet["A2"].value for sheet in book] == [1, 2, 3, 4, 5, 6]


def test_an_empty_sheet_has_its_header():
    sheet = _book([("Nobody yet", ["Name", "Country"], [])]).active
    assert [c.value for c in sheet[1]] == ["Name", "Country"]
    assert sheet.max_row == 1
