"""From a file to rows of cells: text (TSV), XLSX and DOCX, each bounded and read with XML hardened.

A file over a bound is refused with the bound it passed, never cut: the bytes sent; an XLSX's or
DOCX's parts unpacked (a zip bomb) and their XML elements and paragraphs, counted as the XML
streams by before any library builds a tree of it; then the lines, columns, cells and characters
of the rows. The XML of a package may declare no DTD, so no entity is declared, expanded or
fetched: defusedxml checks every part before openpyxl (which uses defusedxml too) or python-docx
(whose lxml parser resolves no entity and fetches nothing) reads it. Whatever else goes wrong
while a library reads a file is a refusal too.
"""

import io
import re
import zipfile
from collections.abc import Iterator

from babel.numbers import format_decimal
from defusedxml.ElementTree import DefusedXMLParser, fromstring
from flask_babel import get_locale
from flask_babel import gettext as _
from openpyxl.utils.cell import coordinate_to_tuple

from ...core.validation import CONTROL_IN_TEXT
from . import UnreadableDocument

EXTENSIONS = ("txt", "tsv", "xlsx", "docx")
MAX_BYTES = 2 * 1024 * 1024  # the file as sent (the form says "up to 2 MB")
MAX_UNPACKED = 20 * 1024 * 1024  # an XLSX's or DOCX's parts unpacked: XML packs ten to one
MAX_XML_ELEMENTS = 500_000  # in all its parts: Word writes 10 to 30 for each line of text
MAX_PARAGRAPHS = 100_000  # of a DOCX, one in each table cell: five for each of MAX_LINES
MAX_LINES = 20_000  # lines of text, rows of sheets or of a DOCX: the seeds have at most 690
MAX_COLUMNS = 200  # filled columns of a row: the Georgia grids use 20; a sheet may claim 16,384
MAX_CELLS = 100_000  # in the whole document: the seeds hold at most 2,100
MAX_CHARACTERS = 5_000_000  # in all cells (the seeds: 39,000); an XLSX's string may fill many

_CHUNK = 64 * 1024
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_PARAGRAPH = _W + "p"
_RUN_TEXT = {_W + tag for tag in ("br", "cr", "noBreakHyphen", "ptab", "t", "tab")}
_SHEET = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_SHEET_ROW, _SHEET_CELL, _SHEET_VALUES = _SHEET + "row", _SHEET + "c", (_SHEET + "v", _SHEET + "is")
_XML_TYPE = re.compile(r"[/+]xml$")  # application/xml, application/vnd.….main+xml


def rows_of(data: bytes, filename: str) -> list[list[str]]:
    """The rows of cells of a document, or UnreadableDocument saying why not."""
    if len(data) > MAX_BYTES:
        raise UnreadableDocument(_("The document is larger than 2 MB."))
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "txt"
    if extension not in EXTENSIONS:
        raise UnreadableDocument(
            _("Upload a text, TSV, XLSX or DOCX file (not .%(ext)s).", ext=extension[:10])
        )
    rows = _package_rows(data, extension) if extension in ("xlsx", "docx") else _text_rows(data)
    return _without_control_characters(_bounded(rows))


def _without_control_characters(rows: list[list[str]]) -> list[list[str]]:
    """Cells without the control characters no text holds (a NUL, an ESC before "="): what is
    read becomes titles of events, emails' subjects and spreadsheets' cells."""
    return [[CONTROL_IN_TEXT.sub("", cell) for cell in row] for row in rows]


def over_bound(bound: int, message: str) -> UnreadableDocument:
    """The refusal of a document over ``bound``, named in ``message`` as %(count)s."""
    count = format_decimal(bound, locale=get_locale() or "en")  # in English outside the app
    return UnreadableDocument(message % {"count": count})


def _check_lines(count: int) -> None:
    if count > MAX_LINES:
        raise over_bound(MAX_LINES, _("The document has more than %(count)s lines."))


def _check_columns(count: int) -> None:
    if count > MAX_COLUMNS:
        raise over_bound(MAX_COLUMNS, _("The document has more than %(count)s columns."))


def _check_cells(count: int) -> None:
    if count > MAX_CELLS:
        raise over_bound(MAX_CELLS, _("The document has more than %(count)s cells."))


def _check_characters(count: int) -> None:
    if count > MAX_CHARACTERS:
        raise over_bound(MAX_CHARACTERS, _("The document has more than %(count)s characters."))


class _Gathered:
    """Rows gathered from a package, refused as soon as they pass a bound."""

    def __init__(self) -> None:
        self.rows: list[list[str]] = []
        self.cells = self.characters = 0

    def add(self, row: list[str]) -> None:
        self.rows.append(row)
        self.cells += len(row)
        self.characters += sum(map(len, row))
        _check_lines(len(self.rows))
        _check_cells(self.cells)
        _check_characters(self.characters)


def _filled_width(row: list[str]) -> int:
    width = len(row)
    while width and not row[width - 1].strip():
        width -= 1
    return width


def _bounded(rows: list[list[str]]) -> list[list[str]]:
    _check_lines(len(rows))
    _check_columns(max(map(_filled_width, rows), default=0))
    _check_cells(sum(map(len, rows)))
    _check_characters(sum(len(cell) for row in rows for cell in row))
    return rows


def _text_rows(data: bytes) -> list[list[str]]:
    if b"\x00" in data[:8192]:
        raise UnreadableDocument(_("This file is binary, not text."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    lines = text.splitlines()
    _check_lines(len(lines))  # before each line becomes a list of cells
    return [line.split("\t") for line in lines]


# ---------------------------------------------------------------- XLSX and DOCX


def _package_rows(data: bytes, extension: str) -> list[list[str]]:
    try:
        _check_package(data)
        return _xlsx_rows(data) if extension == "xlsx" else _docx_rows(data)
    except UnreadableDocument:
        raise
    except Exception:  # a broken or hostile file, whatever the library says of it
        raise UnreadableDocument(
            _("This file is not a readable %(ext)s document.", ext=extension.upper())
        ) from None


class _Census:
    """Counts the elements and paragraphs of a package's XML as it streams by, keeping no tree,
    and finds a sheet's values past MAX_COLUMNS (placed as openpyxl places them: by their
    reference, or next to the cell before). defusedxml refuses a DTD, and so any entity."""

    def __init__(self) -> None:
        self.elements = self.paragraphs = self.column = 0

    def start(self, tag: str, attributes: dict[str, str]) -> None:
        self.elements += 1
        if self.elements > MAX_XML_ELEMENTS:
            raise over_bound(
                MAX_XML_ELEMENTS, _("The document has more than %(count)s XML elements.")
            )
        if tag == _PARAGRAPH:
            self.paragraphs += 1
            if self.paragraphs > MAX_PARAGRAPHS:
                raise over_bound(
                    MAX_PARAGRAPHS, _("The document has more than %(count)s paragraphs.")
                )
        elif tag == _SHEET_CELL:
            reference = attributes.get("r")
            self.column = coordinate_to_tuple(reference)[1] if reference else self.column + 1
        elif tag == _SHEET_ROW:
            self.column = 0
        elif tag in _SHEET_VALUES:
            _check_columns(self.column)  # of the cell it is in

    def read(self, archive: zipfile.ZipFile, name: str) -> None:
        self.column = 0
        parser = DefusedXMLParser(target=self, forbid_dtd=True)
        with archive.open(name) as part:
            while chunk := part.read(_CHUNK):
                parser.feed(chunk)
        parser.close()


def _check_package(data: bytes) -> None:
    """Refuse a package that would unpack too far, or whose XML is hostile or too large, before a
    library reads it. (zipfile reads no part past the size the package's directory gives it.)"""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        if sum(part.file_size for part in archive.infolist()) > MAX_UNPACKED:
            raise over_bound(
                MAX_UNPACKED >> 20, _("The document unpacks to more than %(count)s MB.")
            )
        census = _Census()
        named = {name for name in archive.namelist() if name.lower().endswith((".xml", ".rels"))}
        for name in sorted(named):  # [Content_Types].xml among them, read below once checked
            census.read(archive, name)
        for name in sorted(_declared_xml(archive) - named):
            census.read(archive, name)


def _declared_xml(archive: zipfile.ZipFile) -> set[str]:
    """The parts the package declares XML, whatever their names: the libraries parse them so."""
    try:
        types = fromstring(archive.read("[Content_Types].xml"), forbid_dtd=True)
    except KeyError:
        return set()
    declared = {  # "word/document.xml" by its part name, or "xml" by its extension
        (entry.get("PartName") or entry.get("Extension") or "").lstrip("/").lower()
        for entry in types
        if _XML_TYPE.search(entry.get("ContentType", ""))
    }
    return {
        name
        for name in archive.namelist()
        if name.lower() in declared or name.rsplit(".", 1)[-1].lower() in declared
    }


def _xlsx_rows(data: bytes) -> list[list[str]]:
    """The rows of every sheet, without their empty cells at the end, as wide as the sheet's
    widest row (as an honest <dimension> would have made them). A row is read no wider than
    MAX_COLUMNS: the census refused a value past it."""
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    gathered = _Gathered()
    for sheet in book.worksheets:
        sheet.reset_dimensions()  # its <dimension> may claim 16,384 columns and every row
        first = len(gathered.rows)
        for values in sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True):
            gathered.add(_trimmed(values))
        table = gathered.rows[first:]
        width = max(map(len, table), default=0)
        gathered.rows[first:] = [row + [""] * (width - len(row)) for row in table]
    return gathered.rows


def _trimmed(values: tuple) -> list[str]:
    cells = ["" if value is None else str(value) for value in values]
    del cells[_filled_width(cells) :]
    return cells


def _docx_rows(data: bytes) -> list[list[str]]:
    """Paragraphs as one-cell rows (a row for each line) and tables as rows of cells, in order."""
    from docx import Document

    gathered = _Gathered()
    for child in Document(io.BytesIO(data)).element.body.iterchildren(_W + "p", _W + "tbl"):
        if child.tag == _W + "p":
            found = [[line] for line in _paragraph_text(child).splitlines() or [""]]
        else:
            found = _table_rows(child)
        for row in found:
            gathered.add(row)
    return gathered.rows


def _paragraph_text(paragraph) -> str:
    """python-docx's ``Paragraph.text`` (its runs and its links' runs: text, tabs, breaks, each
    as its element class writes it), in one walk rather than an XPath query for each run."""
    parts = []
    for child in paragraph:
        if child.tag == _W + "r":
            runs = (child,)
        elif child.tag == _W + "hyperlink":
            runs = child.iterchildren(_W + "r")
        else:
            continue
        parts += [str(part) for run in runs for part in run if part.tag in _RUN_TEXT]
    return "".join(parts)


def _table_rows(table) -> Iterator[list[str]]:
    """A DOCX table's rows as python-docx's ``row.cells`` gives them: a cell spanning columns
    repeated, a cell merged with the one above taking its text. ``row.cells`` walks up the
    table for each merged cell (quadratic, and recursive) and repeats a span of any width."""
    above: dict[int, tuple[str, int]] = {}  # by grid column: the text and span of the cell
    for tr in table.iterchildren(_W + "tr"):
        row: list[str] = []
        here: dict[int, tuple[str, int]] = {}
        column = tr.grid_before
        for count, tc in enumerate(tr.iterchildren(_W + "tc"), 1):
            if tc.vMerge == "continue":
                text, span = above.get(column, ("", tc.grid_span))
            else:
                text = "\n".join(map(_paragraph_text, tc.iterchildren(_W + "p")))
                span = tc.grid_span
            _check_columns(max(len(row) + span, count))
            here[column] = text, span
            row += [text] * span
            column += tc.grid_span
        above = here
        yield row
