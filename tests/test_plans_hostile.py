"""Hostile plan documents: each is read or refused at once, never holding a worker; a refusal is a
400 beside the file field naming the file (or the CLI's error), and nothing is written.

Each reading runs under a deadline (signal.alarm) so that a reader turned quadratic again fails
here instead of hanging the suite; no timing is asserted otherwise."""

import io
import signal
import zipfile
from contextlib import contextmanager

import pytest
from docx import Document
from sqlalchemy import func, select

from eventsapp.catalogue.models import Event
from eventsapp.logistics.models import Task
from eventsapp.plans.importing import read_document
from eventsapp.plans.models import Plan, PlanItem
from eventsapp.plans.readers import UnreadableDocument
from eventsapp.plans.readers.files import rows_of
from tests.test_plans import GRID_ROWS, ITEM_ROWS, MESSY_PROSE, _xlsx

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
SECRET = "the-content-of-a-local-file"


class Overtime(BaseException):
    """Not an Exception: no `except Exception` on the way can turn it into a refusal."""


@contextmanager
def deadline(seconds: int = 10):
    def expired(_signum, _frame):
        raise Overtime(f"the document was still being read after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _nothing_written(db) -> bool:
    return all(
        db.session.scalar(select(func.count()).select_from(model)) == 0
        for model in (Plan, PlanItem, Event, Task)
    )


def _post(client, programme, name: str, data: bytes):
    """The import page, asked to write at once (confirm) what it reads from the file."""
    form = {
        "programme_id": programme.id,
        "shape": "auto",
        "confirm": "1",
        "document": (io.BytesIO(data), name),
    }
    with deadline():
        return client.post("/manage/import", data=form, content_type="multipart/form-data")


def _refused(staff_client, db, make, name: str, data: bytes, message: str) -> None:
    """Refused by the reader and by the page, with the message beside the file field."""
    with deadline(), pytest.raises(UnreadableDocument) as refusal:
        read_document(data, name)
    assert str(refusal.value) == f"{name}: {message}"
    response = _post(staff_client, make.programme(name="Hostile"), name, data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f'<small class="error" id="document-error-1">{name}: {message}</small>' in page
    assert _nothing_written(db)


# ---------------------------------------------------------------- builders


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _members(package: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _xlsx_with_sheet(sheet_xml: str) -> bytes:
    members = _members(_xlsx([["x"]]))
    members["xl/worksheets/sheet1.xml"] = sheet_xml.encode()
    return _zip(members)


def _docx_with_body(body: str, prolog: str = "") -> bytes:
    """A DOCX made by python-docx whose document holds ``body`` (after ``prolog``)."""
    buffer = io.BytesIO()
    Document().save(buffer)
    members = _members(buffer.getvalue())
    members["word/document.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8"?>{prolog}'
        f'<w:document xmlns:w="{W}"><w:body>{body}</w:body></w:document>'
    ).encode()
    return _zip(members)


def _paragraphs(text: str) -> str:
    return "".join(f"<w:p><w:r><w:t>{line}</w:t></w:r></w:p>" for line in text.splitlines())


BILLION_LAUGHS = (  # &lol9; is ten &lol8;, each ten &lol7;…: a thousand million "lol"
    '<!DOCTYPE lolz [<!ENTITY lol0 "lol">'
    + "".join(f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10))
    + "]>"
)
XXE = '<!DOCTYPE d [<!ENTITY secret SYSTEM "file://{path}">]>'


def _sheet(cells: str, prolog: str = "", dimension: str = "A1:A1") -> str:
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>{prolog}<worksheet xmlns="{main}">'
        f'<dimension ref="{dimension}"/><sheetData>{cells}</sheetData></worksheet>'
    )


def _with_dimension(package: bytes, dimension: str) -> bytes:
    members = _members(package)
    sheet = members["xl/worksheets/sheet1.xml"].decode()
    start = sheet.index('<dimension ref="') + len('<dimension ref="')
    members["xl/worksheets/sheet1.xml"] = (
        sheet[:start] + dimension + sheet[sheet.index('"', start) :]
    ).encode()
    return _zip(members)


# ---------------------------------------------------------------- text


def test_200000_blank_lines_are_refused_at_once_pasted_or_uploaded(staff_client, db, make):
    text = MESSY_PROSE.replace("My programme\n", "My programme\n" + "\n" * 200_000)
    message = "The document has more than 20,000 lines."
    _refused(staff_client, db, make, "blank.txt", text.encode(), message)
    programme = make.programme(name="Pasted")
    form = {"programme_id": programme.id, "shape": "auto", "text": text, "confirm": "1"}
    with deadline():
        response = staff_client.post("/manage/import", data=form)
    assert response.status_code == 400
    assert f'<small class="error" id="text-error-1">{message}</small>' in response.text
    assert _nothing_written(db)


def test_blank_lines_and_tabs_under_the_bounds_are_read_at_once():
    """19,000 blank lines and a line of 99,000 tabs: the shape is still found line by line."""
    blank = MESSY_PROSE.replace("My programme\n", "My programme\n" + "\n" * 19_000)
    tabs = MESSY_PROSE.replace("My programme\n", "My programme\n" + "\t" * 99_000 + "\n")
    for text in (blank, tabs):
        with deadline():
            read = read_document(text)
        assert [event.title for event in read.events] == ["Kick-off workshop"]


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("wide.tsv", "Title\t" + "x\t" * 1_000_000, "The document has more than 200 columns."),
        ("cells.tsv", ("x\t" * 190 + "\n") * 600, "The document has more than 100,000 cells."),
    ],
)
def test_a_row_of_too_many_cells_is_refused(staff_client, db, make, name, data, message):
    _refused(staff_client, db, make, name, data.encode(), message)


def test_long_titles_and_phrases_are_read_at_once():
    """Words repeated across a whole line: no pattern runs back over the line for each one."""
    commission = "commission " * 100_000
    holds = "hold " * 100_000
    phrase = "(" * 100_000
    prose = f"Title\n{commission}\nDates: March 2014\nVenue: x\n"
    items = f"I. PART\n1.1 Goal\t1.1.1 {holds}\tX\t{phrase}\n"
    with deadline():
        (event,) = read_document(prose).events
        (item,) = read_document(items, "items.tsv", "items").items
    assert event.kind == "other" and item.event_kind is None and item.window is None


MEETINGS = "".join(f"\t1.1.{n} Hold a meeting\tIWG\tMarch 2017\n" for n in range(501))
EVENTS = "The document has more than 500 events."


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("events.txt", "T\n1. Activities in 2014\n" + "Workshop\nDates: 1 May\n" * 501, EVENTS),
        ("meetings.tsv", "I. PART\n1.1 Goal\n" + MEETINGS, EVENTS),
        (
            "tasks.txt",
            "T\n1. Activities in 2014\nA\nDates: 1 May\nTasks:\n" + "- Go\n" * 2001,
            "The document has more than 2,000 tasks.",
        ),
    ],
)
def test_a_document_holding_too_much_to_write_is_refused(
    staff_client, db, make, name, text, message
):
    """Writing an event takes milliseconds: an import writes at most 500, with 2,000 tasks."""
    _refused(staff_client, db, make, name, text.encode(), message)


# ---------------------------------------------------------------- XLSX


FORTY_ROWS = {  # the plans of test_plans, grown to 40 rows
    "grid": GRID_ROWS
    + [["", "", f"1.1.{n}", f"Activity {n}", "Indicator", "x", "", "Done"] for n in range(3, 37)],
    "items": ITEM_ROWS + [["", f"1.1.{n} Write note {n}", "Secretariat", ""] for n in range(3, 39)],
}


@pytest.mark.parametrize("dimension", ["A1:XFD40", "A1:XFD1048576"])
@pytest.mark.parametrize("shape", ["grid", "items"])
def test_an_xlsx_claiming_16384_columns_is_read_as_the_cells_it_holds(
    staff_client, db, make, shape, dimension
):
    honest = _xlsx(FORTY_ROWS[shape])
    padded = _with_dimension(honest, dimension)
    with deadline():
        read = read_document(padded, "plan.xlsx")
    assert read.shape == shape and read == read_document(honest, "plan.xlsx")
    assert len(read.items) == (36 if shape == "grid" else 38)
    programme = make.programme(name="Padded")
    response = _post(staff_client, programme, "plan.xlsx", padded)
    assert response.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(PlanItem)) == len(read.items)


def test_an_xlsx_with_a_value_in_its_last_column_is_refused(staff_client, db, make):
    sheet = _sheet(
        '<row r="1"><c r="A1" t="inlineStr"><is><t>Action Plan 2016</t></is></c>'
        '<c r="XFD1" t="inlineStr"><is><t>far away</t></is></c></row>',
        dimension="A1:XFD1",
    )
    message = "The document has more than 200 columns."
    _refused(staff_client, db, make, "far.xlsx", _xlsx_with_sheet(sheet), message)


def test_an_xlsx_of_a_million_rows_is_refused(staff_client, db, make):
    rows = "".join(f'<row r="{n}"><c r="A{n}"><v>{n}</v></c></row>' for n in range(1, 20_002))
    sheet = _sheet(rows + '<row r="1048576"><c r="A1048576"><v>1</v></c></row>')
    message = "The document has more than 20,000 lines."
    _refused(staff_client, db, make, "rows.xlsx", _xlsx_with_sheet(sheet), message)


@pytest.mark.parametrize(
    ("prolog", "cell"),
    [
        (BILLION_LAUGHS, "&lol9;"),
        (XXE, "&secret;"),
        ("", "<t>never closed"),
    ],
    ids=["billion-laughs", "xxe", "malformed"],
)
def test_hostile_xml_in_an_xlsx_is_refused(staff_client, db, make, tmp_path, prolog, cell):
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET)
    sheet = _sheet(
        f'<row r="1"><c r="A1" t="inlineStr"><is><t>{cell}</t></is></c></row>',
        prolog.format(path=secret),
    )
    message = "This file is not a readable XLSX document."
    _refused(staff_client, db, make, "hostile.xlsx", _xlsx_with_sheet(sheet), message)


# ---------------------------------------------------------------- DOCX


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("<w:p/>" * 1_400_000, "The document has more than 100,000 paragraphs."),
        (
            "<w:p>" + "<w:r/>" * 600_000 + "</w:p>",
            "The document has more than 500,000 XML elements.",
        ),
    ],
    ids=["paragraphs", "runs"],
)
def test_a_docx_of_a_million_empty_paragraphs_or_runs_is_refused(
    staff_client, db, make, body, message
):
    data = _docx_with_body(body)
    assert len(data) < 50_000
    _refused(staff_client, db, make, "empty.docx", data, message)


@pytest.mark.parametrize(
    ("prolog", "text"),
    [
        (BILLION_LAUGHS, "&lol9;"),
        (XXE, "&secret;"),
        ("", "Title</w:t></w:p>"),
        ("", "&undeclared;"),
    ],
    ids=["billion-laughs", "xxe", "malformed", "undeclared-entity"],
)
def test_hostile_xml_in_a_docx_is_refused(staff_client, db, make, tmp_path, prolog, text):
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET)
    body = f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>" + _paragraphs(MESSY_PROSE)
    data = _docx_with_body(body, prolog.format(path=secret))
    message = "This file is not a readable DOCX document."
    _refused(staff_client, db, make, "hostile.docx", data, message)
    response = _post(staff_client, make.programme(name="Again"), "hostile.docx", data)
    assert SECRET not in response.get_data(as_text=True)


def test_the_docx_parser_itself_neither_resolves_nor_fetches(tmp_path):
    """Beneath the refusal of any DTD, python-docx's own parser keeps entities unexpanded."""
    from docx.oxml.parser import parse_xml
    from lxml import etree

    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET)
    xml = XXE.format(path=secret) + f'<w:t xmlns:w="{W}">&secret;</w:t>'
    assert SECRET not in etree.tostring(parse_xml(xml)).decode()


@pytest.mark.parametrize("kind", ["docx", "xlsx"])
def test_a_zip_bomb_is_refused_before_it_is_unpacked(staff_client, db, make, kind):
    package = _docx_with_body(_paragraphs(MESSY_PROSE)) if kind == "docx" else _xlsx(GRID_ROWS)
    buffer = io.BytesIO(package)
    name = "word/media/zeros.bin" if kind == "docx" else "xl/media/zeros.bin"
    with (
        zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as archive,
        archive.open(name, "w") as member,
    ):
        for _ in range(64):
            member.write(bytes(1024 * 1024))
    assert len(buffer.getvalue()) < 2 * 1024 * 1024
    message = "The document unpacks to more than 20 MB."
    _refused(staff_client, db, make, f"bomb.{kind}", buffer.getvalue(), message)


def test_a_docx_cell_spanning_a_million_columns_is_refused(staff_client, db, make):
    row = '<w:tr><w:tc><w:tcPr><w:gridSpan w:val="1000000"/></w:tcPr><w:p/></w:tc></w:tr>'
    data = _docx_with_body(_paragraphs(MESSY_PROSE) + f"<w:tbl>{row}</w:tbl>")
    message = "The document has more than 200 columns."
    _refused(staff_client, db, make, "span.docx", data, message)


def test_a_docx_merged_down_thousands_of_rows_is_read_at_once():
    """Each merged cell takes the text above it, without walking up the table for each row."""
    goal = '<w:tcPr><w:vMerge w:val="restart"/></w:tcPr>' + _paragraphs("1.1 A goal")
    below = "<w:tcPr><w:vMerge/></w:tcPr><w:p/>"  # merged with the cell above
    rows = [
        f"<w:tr><w:tc>{goal if n == 1 else below}</w:tc>"
        f"<w:tc>{_paragraphs(f'1.1.{n} Item {n}')}</w:tc></w:tr>"
        for n in range(1, 5_000)
    ]
    data = _docx_with_body(_paragraphs("I. PART") + "<w:tbl>" + "".join(rows) + "</w:tbl>")
    with deadline():
        read = read_document(data, "merged.docx", "items")
    assert len(read.items) == 4_999 and {h.ref for h in read.headings} == {"I", "1.1"}


def test_merged_cells_are_read_as_python_docx_reads_them(app):
    document = Document()
    table = document.add_table(rows=4, cols=4)
    for r, row in enumerate(table.rows):
        for c, cell in enumerate(row.cells):
            cell.text = f"r{r}c{c}"
    table.cell(0, 1).merge(table.cell(0, 2))  # across
    table.cell(0, 0).merge(table.cell(3, 0))  # down
    table.cell(1, 2).merge(table.cell(2, 3))  # across and down
    expected = [[cell.text for cell in row.cells] for row in table.rows]
    buffer = io.BytesIO()
    document.save(buffer)
    with app.test_request_context():
        assert rows_of(buffer.getvalue(), "merged.docx") == expected
    block = "r1c2\nr1c3\nr2c2\nr2c3"  # merged down and across: repeated in each grid column
    assert expected[2] == ["r0c0\nr1c0\nr2c0\nr3c0", "r2c1", block, block]


def test_comments_and_instructions_in_a_docx_body_are_skipped():
    body = "<!-- a comment --><?instruction here?>" + _paragraphs(MESSY_PROSE)
    read = read_document(_docx_with_body(body), "commented.docx")
    assert [event.title for event in read.events] == ["Kick-off workshop"]


# ---------------------------------------------------------------- the command


def test_the_command_refuses_a_hostile_file_naming_it(app, db, make, tmp_path):
    make.programme(name="Command")
    path = tmp_path / "laughs.docx"
    path.write_bytes(_docx_with_body(_paragraphs(MESSY_PROSE), BILLION_LAUGHS))
    with deadline():
        result = app.test_cli_runner().invoke(
            args=["plan", "import", str(path), "--programme", "Command"]
        )
    assert result.exit_code != 0
    assert "laughs.docx: This file is not a readable DOCX document." in result.output
    assert _nothing_written(db)
