"""The table readers: action items (goal → item → responsible → time line, WEM-International)
and month grids (pillar → objective → activity, indicator, months I–XII, result, unit: the
Georgia CEC action plans). Both read rows of cells, from TSV text or a spreadsheet."""

import re

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


def read_items(rows: list[list[str]]) -> ReadPlan:
    """Goal rows and item rows; broken cells continue the goal, item or responsible above."""
    plan = ReadPlan(shape="items")
    part = goal = None
    item: ReadItem | None = None
    for number, row in enumerate(rows, 1):
        first, title, responsible, timeline = _cells(row, 4)[:4]
        if not any((first, title, responsible, timeline)):
            continue
        if first.upper().startswith("GOALS"):
            continue  # the header row, repeated on each page
        if match := _ROMAN_PART.match(first):
            part, goal, item = match.group(1), None, None
            plan.headings.append(ReadHeading("part", part, match.group(2)))
            continue
        if match := _GOAL.match(first):
            goal = match.group(1)
            plan.headings.append(ReadHeading("goal", goal, match.group(2), parent_ref=part))
        elif first and plan.headings and (title or goal):
            plan.headings[-1].title += " " + first
        elif first and not (title or responsible or timeline):
            if not plan.title:
                plan.title = first
            else:
                plan.not_understood.append((number, first))
            continue
        if match := _ITEM.match(title):
            item = ReadItem(
                ref=match.group(1),
                title=match.group(2),
                heading_ref=goal,
                responsible=responsible,
                date_text=timeline,
                window=read_window(timeline),
                event_kind=item_event_kind(match.group(2)),
            )
            plan.items.append(item)
            if timeline and item.window is None:
                plan.not_understood.append((number, timeline))
            continue
        if item is None:
            if title or responsible or timeline:
                plan.not_understood.append((number, " ".join(filter(None, row))))
            continue
        if title:
            item.title += " " + title
        if responsible:
            item.responsible = f"{item.responsible} {responsible}".strip()
        if timeline and not item.date_text:
            item.date_text, item.window = timeline, read_window(timeline)
    return plan


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


def read_grid(rows: list[list[str]], year: int | None = None) -> ReadPlan:
    """Pillars, objectives and activities with indicators, marked months, result and unit."""
    plan = ReadPlan(shape="grid", year=year)
    pillar = objective = None
    has_result = True
    seen: set[str] = set()
    for number, row in enumerate(rows, 1):
        raw = list(row)
        cells = [clean(cell) for cell in raw]
        if not any(cells):
            continue
        joined = " ".join(filter(None, cells))
        if "action plan" in joined.lower() and sum(map(bool, cells)) <= 2 and not plan.title:
            plan.title = joined.strip("# ")
            plan.year = plan.year or _year_of(joined)
            continue
        if "Activity" in cells and ("Indicator" in joined or "Objective" in cells):
            has_result = "Result" in cells
            continue
        if sum(cell in _MONTHS for cell in cells) >= 6:
            continue  # the month header
        if match := _PILLAR.search(joined):
            pillar, objective = match.group(1), None
            plan.headings.append(ReadHeading("pillar", pillar, match.group(2)))
            continue
        kinds = {"strategic pillar": "pillar", "goal": "goal", "objective": "objective"}
        if (
            len(cells) > 2
            and cells[1].lower() in kinds
            and re.match(r"^\d{1,4}(\.\d{1,3}){0,3}\.?$", cells[0])
        ):
            ref, kind = cells[0].rstrip("."), kinds[cells[1].lower()]
            parent = plan.headings[-1].ref if plan.headings and kind != "pillar" else None
            plan.headings.append(ReadHeading(kind, ref, cells[2], parent_ref=parent))
            pillar = ref if kind == "pillar" else pillar
            objective = ref
            continue
        start = next(i for i, cell in enumerate(cells) if cell)
        if (
            re.match(r"^\d{1,4}\.\d{1,4}$", cells[start])
            and start + 1 < len(cells)
            and cells[start + 1]
        ):
            objective = cells[start]
            plan.headings.append(
                ReadHeading("objective", objective, cells[start + 1], parent_ref=pillar)
            )
            start += 2
        found = next(
            (i for i in range(start, len(cells)) if _ITEM.match(cells[i]) and cells[i]), None
        )
        if found is None or found > start + 2:
            if plan.headings or plan.items:
                plan.not_understood.append((number, joined))
            continue
        match = _ITEM.match(cells[found])
        ref, title, rest = match.group(1), match.group(2), found + 1
        if not title and rest < len(cells):
            title, rest = cells[rest], rest + 1
        too_shallow = objective and objective.count(".") >= 2 and ref.count(".") <= 2
        garbled = (
            len(title) < 3
            or not re.search(r"[^\W\d_]", title)
            or title.startswith("Objective")
            or re.search(r"\b\d+\.\d+\.\d+", title)
            is not None  # rows merged by the extraction: "N 4.2.1.1"
        )
        if ref in seen or too_shallow or garbled:
            plan.not_understood.append((number, joined))
            continue
        seen.add(ref)
        indicator_at = rest
        marks = [
            i - indicator_at for i in range(indicator_at + 1, len(cells)) if _MARK.match(cells[i])
        ]
        words = [c for c in cells[indicator_at + 1 :] if c and not _MARK.match(c)]
        result, responsible = (
            (words[0], " ".join(words[1:])) if has_result and words else ("", " ".join(words))
        )
        months = sorted({m for m in marks if 1 <= m <= 12}) or None
        window = None
        if months and plan.year:
            window = read_window(f"{_month_name(months[0])}-{_month_name(months[-1])} {plan.year}")
        plan.items.append(
            ReadItem(
                ref=ref,
                title=title,
                heading_ref=objective,
                responsible=responsible,
                months=months,
                window=window,
                indicators=_indicators(raw[indicator_at] if indicator_at < len(raw) else ""),
                result=result,
                event_kind=item_event_kind(title),
            )
        )
    return plan


def _month_name(month: int) -> str:
    return MONTH_NAMES[month - 1]
