"""The table readers: action items (goal → item → responsible → time line, WEM-International)
and month grids (pillar → objective → activity, indicator, months I–XII, result, unit: the
Georgia CEC action plans). Both read rows of cells, from TSV text or a spreadsheet."""

import re
from dataclasses import dataclass, field

from ...core.dates.words import MONTH_NAMES
from . import ReadHeading, ReadItem, ReadPlan, clean, item_event_kind, read_window

_ROMAN_PART = re.compile(r"^([IVX]{1,6})\.\s+(.+)$")
_GOAL = re.compile(r"^(\d{1,4}\.\d{1,4})\.?\s+(.+)$")
_ITEM = re.compile(r"^(\d{1,4}(?:\.\d{1,3}){2,3})\.?\s*[–\-:]?\s*(.*)$")
_MARK = re.compile(r"^[xX✓✔•+*■●vV1]$")
_PILLAR = re.compile(r"Strategic Pillar\s*(\d{1,4})\s*[:.]\s*(.+)$", re.I)
_MONTHS = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")
_TARGET = re.compile(
    r"\b(?:not less than|at least|approximately|equals to)\s+(\d[\d,]*)\s+(\w+)", re.I
)


def _cells(row: list[str], width: int) -> list[str]:
    cells = [clean(cell) for cell in row]
    return cells + [""] * (width - len(cells))


@dataclass
class _Items:
    """Where the reading of an action items table stands: the part, goal and item above, and
    the texts continued on the rows below, joined once all is read (adding each row's cell to
    the text above would copy that text again for each row)."""

    plan: ReadPlan
    part: str | None = None
    goal: str | None = None
    item: ReadItem | None = None
    continued: dict[tuple[int, str], tuple[object, str, list[str]]] = field(default_factory=dict)

    def add(self, target: ReadItem | ReadHeading, name: str, text: str) -> None:
        """``text`` after the text of ``target.name``, with a space between."""
        key = id(target), name
        if key not in self.continued:
            self.continued[key] = target, name, [getattr(target, name)]
        self.continued[key][2].append(text)

    def join(self) -> None:
        for target, name, parts in self.continued.values():
            setattr(target, name, " ".join(parts))


def read_items(rows: list[list[str]]) -> ReadPlan:
    """Goal rows and item rows; broken cells continue the goal, item or responsible above."""
    reading = _Items(ReadPlan(shape="items"))
    for number, row in enumerate(rows, 1):
        first, title, responsible, timeline = _cells(row, 4)[:4]
        if not any((first, title, responsible, timeline)):
            continue
        if first.upper().startswith("GOALS"):
            continue  # the header row, repeated on each page
        if _part_or_goal(reading, number, first, bool(title or responsible or timeline)):
            continue
        if match := _ITEM.match(title):
            _new_item(reading, number, match, responsible, timeline)
        elif reading.item is None:
            if title or responsible or timeline:
                reading.plan.not_understood.append((number, " ".join(filter(None, row))))
        else:
            _continue_item(reading, title, responsible, timeline)
    reading.join()
    return reading.plan


def _part_or_goal(reading: _Items, number: int, first: str, more: bool) -> bool:
    """The first column: a part ("I. CAPACITY"), a goal ("1.1 …"), the rest of a goal's title
    or the document's title. True when the row holds nothing else to read."""
    plan = reading.plan
    if match := _ROMAN_PART.match(first):
        reading.part, reading.goal, reading.item = match.group(1), None, None
        plan.headings.append(ReadHeading("part", reading.part, match.group(2)))
        return True
    if match := _GOAL.match(first):
        reading.goal = match.group(1)
        plan.headings.append(ReadHeading("goal", reading.goal, match.group(2), reading.part))
    elif first and plan.headings and (more or reading.goal):
        reading.add(plan.headings[-1], "title", first)
    elif first and not more:
        if not plan.title:
            plan.title = first
        else:
            plan.not_understood.append((number, first))
        return True
    return False


def _new_item(reading: _Items, number: int, match: re.Match, responsible: str, timeline: str):
    reading.item = ReadItem(
        ref=match.group(1),
        title=match.group(2),
        heading_ref=reading.goal,
        responsible=responsible,
        date_text=timeline,
        window=read_window(timeline),
        event_kind=item_event_kind(match.group(2)),
    )
    reading.plan.items.append(reading.item)
    if timeline and reading.item.window is None:
        reading.plan.not_understood.append((number, timeline))


def _continue_item(reading: _Items, title: str, responsible: str, timeline: str) -> None:
    """A row broken by the extraction: its cells continue the item above."""
    item = reading.item
    if title:
        reading.add(item, "title", title)
    if responsible and item.responsible:
        reading.add(item, "responsible", responsible)
    elif responsible:
        item.responsible = responsible
    if timeline and not item.date_text:
        item.date_text, item.window = timeline, read_window(timeline)


def _indicators(raw: str) -> list[dict]:
    """An indicator cell cut into indicators (paragraphs, or runs of two spaces)."""
    parts = [clean(part) for part in re.split(r"</p>|\s{2,}", raw or "")]
    found = []
    for text in filter(None, parts):
        match = _TARGET.search(text)
        target = int(match.group(1).replace(",", "")) if match else None
        found.append({"text": text, "target": target, "unit": match.group(2) if match else None})
    return found


def _year_of(text: str) -> int | None:
    match = re.search(r"\b(19[5-9]\d|2[01]\d\d)\b", text)
    return int(match.group(1)) if match else None


@dataclass
class _Grid:
    """Where the reading of a month grid stands: the pillar and objective above, whether the
    header has a Result column, the activities already read."""

    plan: ReadPlan
    pillar: str | None = None
    objective: str | None = None
    has_result: bool = True
    seen: set[str] = field(default_factory=set)


def read_grid(rows: list[list[str]], year: int | None = None) -> ReadPlan:
    """Pillars, objectives and activities with indicators, marked months, result and unit."""
    grid = _Grid(ReadPlan(shape="grid", year=year))
    for number, row in enumerate(rows, 1):
        raw = list(row)
        cells = [clean(cell) for cell in raw]
        if not any(cells):
            continue
        joined = " ".join(filter(None, cells))
        if not any(step(grid, cells, joined) for step in _GRID_HEADINGS):
            _activity_row(grid, number, raw, cells, joined)
    return grid.plan


def _title_row(grid: _Grid, cells: list[str], joined: str) -> bool:
    """ "Action Plan 2016", alone on its row: the title, and the year of the months."""
    plan = grid.plan
    if plan.title or "action plan" not in joined.lower() or sum(map(bool, cells)) > 2:
        return False
    plan.title = joined.strip("# ")
    plan.year = plan.year or _year_of(joined)
    return True


def _column_header(grid: _Grid, cells: list[str], joined: str) -> bool:
    if "Activity" not in cells or not ("Indicator" in joined or "Objective" in cells):
        return False
    grid.has_result = "Result" in cells
    return True


def _month_header(_grid: _Grid, cells: list[str], _joined: str) -> bool:
    return sum(cell in _MONTHS for cell in cells) >= 6


def _pillar_row(grid: _Grid, _cells: list[str], joined: str) -> bool:
    """ "Strategic Pillar 1: …" anywhere in the row."""
    if not (match := _PILLAR.search(joined)):
        return False
    grid.pillar, grid.objective = match.group(1), None
    grid.plan.headings.append(ReadHeading("pillar", grid.pillar, match.group(2)))
    return True


def _numbered_heading(grid: _Grid, cells: list[str], _joined: str) -> bool:
    """ "1.2 | Objective | …": a heading of the kind its second cell names."""
    if not (
        len(cells) > 2
        and cells[1].lower() in _HEADING_KINDS
        and re.match(r"^\d{1,4}(\.\d{1,3}){0,3}\.?$", cells[0])
    ):
        return False
    ref, kind = cells[0].rstrip("."), _HEADING_KINDS[cells[1].lower()]
    headings = grid.plan.headings
    parent = headings[-1].ref if headings and kind != "pillar" else None
    headings.append(ReadHeading(kind, ref, cells[2], parent_ref=parent))
    grid.pillar = ref if kind == "pillar" else grid.pillar
    grid.objective = ref
    return True


_HEADING_KINDS = {"strategic pillar": "pillar", "goal": "goal", "objective": "objective"}
_GRID_HEADINGS = (_title_row, _column_header, _month_header, _pillar_row, _numbered_heading)


def _activity_row(grid: _Grid, number: int, raw: list[str], cells: list[str], joined: str):
    """An activity ("1.1.1 | title | indicator | months… | result | unit"), perhaps after its
    objective ("1.1 | title"); a row of neither is not understood."""
    start = _objective_cells(grid, cells)
    found = next((i for i in range(start, len(cells)) if cells[i] and _ITEM.match(cells[i])), None)
    if found is None or found > start + 2:
        if grid.plan.headings or grid.plan.items:
            grid.plan.not_understood.append((number, joined))
        return
    match = _ITEM.match(cells[found])
    ref, title, rest = match.group(1), match.group(2), found + 1
    if not title and rest < len(cells):
        title, rest = cells[rest], rest + 1
    if ref in grid.seen or _misread(grid.objective, ref, title):
        grid.plan.not_understood.append((number, joined))
        return
    grid.seen.add(ref)
    grid.plan.items.append(_activity(grid, ref, title, raw, cells, rest))


def _objective_cells(grid: _Grid, cells: list[str]) -> int:
    """Where the activity starts: after an objective's "1.1 | title" opening the row."""
    start = next(i for i, cell in enumerate(cells) if cell)
    if not (
        re.match(r"^\d{1,4}\.\d{1,4}$", cells[start])
        and start + 1 < len(cells)
        and cells[start + 1]
    ):
        return start
    grid.objective = cells[start]
    heading = ReadHeading("objective", grid.objective, cells[start + 1], parent_ref=grid.pillar)
    grid.plan.headings.append(heading)
    return start + 2


def _misread(objective: str | None, ref: str, title: str) -> bool:
    """An activity too shallow for its objective, or a title garbled by the extraction."""
    too_shallow = objective and objective.count(".") >= 2 and ref.count(".") <= 2
    return bool(
        too_shallow
        or len(title) < 3
        or not re.search(r"[^\W\d_]", title)
        or title.startswith("Objective")
        or re.search(r"\b\d+\.\d+\.\d+", title)  # rows merged by the extraction: "N 4.2.1.1"
    )


def _activity(grid: _Grid, ref: str, title: str, raw, cells: list[str], indicator_at: int):
    """The activity's item: its indicator cell, then marked months and words (result, unit)."""
    marks = [i - indicator_at for i in range(indicator_at + 1, len(cells)) if _MARK.match(cells[i])]
    words = [c for c in cells[indicator_at + 1 :] if c and not _MARK.match(c)]
    result, responsible = (
        (words[0], " ".join(words[1:])) if grid.has_result and words else ("", " ".join(words))
    )
    months = sorted({m for m in marks if 1 <= m <= 12}) or None
    window = None
    if months and grid.plan.year:
        first, last = _month_name(months[0]), _month_name(months[-1])
        window = read_window(f"{first}-{last} {grid.plan.year}")
    return ReadItem(
        ref=ref,
        title=title,
        heading_ref=grid.objective,
        responsible=responsible,
        months=months,
        window=window,
        indicators=_indicators(raw[indicator_at] if indicator_at < len(raw) else ""),
        result=result,
        event_kind=item_event_kind(title),
    )


def _month_name(month: int) -> str:
    return MONTH_NAMES[month - 1]
