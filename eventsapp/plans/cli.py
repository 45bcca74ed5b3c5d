"""``flask plan import FILE --programme NAME``: a work programme or action plan from a file."""

import json
from pathlib import Path

import click
from sqlalchemy import func, select

from ..catalogue.models import Programme
from ..catalogue.services import find_programme
from ..core.dates import FIRST_YEAR, LAST_YEAR
from ..extensions import db
from .importing import apply_plan, read_document
from .readers import SHAPES, ReadPlan, UnreadableDocument
from .readers.files import MAX_BYTES

plan = click.Group("plan", help="Work programmes and action plans.")


def _day(value) -> str | None:
    return value.isoformat() if value else None


def as_json(read: ReadPlan) -> dict:
    """What was read, in the shape the issue names (dates as YYYY-MM-DD or null)."""
    return {
        "events": [
            {
                "title": e.title,
                "kind": e.kind,
                "starts_on": _day(e.window and e.window.starts_on),
                "ends_on": _day(e.window and e.window.ends_on),
                "precision": e.window.precision if e.window else None,
                "tentative": bool(e.window and e.window.tentative),
                "venue": _venue(e.venue_text),
                "tasks": e.tasks,
            }
            for e in read.events
        ],
        "items": [
            {
                "ref": i.ref,
                "title": i.title,
                "responsible": i.responsible,
                "starts_on": _day(i.window and i.window.starts_on),
                "ends_on": _day(i.window and i.window.ends_on),
                "months": i.months,
                "indicators": [x["text"] for x in i.indicators],
                "event": bool(i.event_kind and i.window),
            }
            for i in read.items
        ],
        "not_understood": [{"line": n, "text": t} for n, t in read.not_understood],
    }


def _venue(text: str) -> dict | None:
    if not text:
        return None
    parts = [p.strip() for p in text.split(",")]
    return {"city": parts[0] if len(parts) > 1 else None, "country": parts[-1]}


@plan.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--programme", "programme_name", required=True, help="Name, acronym or key.")
@click.option("--year", type=click.IntRange(FIRST_YEAR, LAST_YEAR))
@click.option("--format", "shape", type=click.Choice(["auto", *SHAPES]), default="auto")
@click.option("--dry-run", is_flag=True, help="Read and report; write nothing.")
@click.option("--json", "as_json_output", is_flag=True, help="Print what was read as JSON.")
def plan_import(path, programme_name, year, shape, dry_run, as_json_output):
    """Import a work programme (prose), an action items table or a month grid."""
    programme = find_programme(programme_name) or db.session.scalar(
        select(Programme).where(func.lower(Programme.name) == programme_name.strip().lower())
    )
    if programme is None:
        raise click.ClickException(f"No programme named {programme_name!r}.")
    with path.open("rb") as file:
        data = file.read(MAX_BYTES + 1)  # enough to know it is too large
    try:
        read = read_document(data, path.name, shape, year)
        if not dry_run:
            counts = apply_plan(read, programme)
            db.session.commit()
    except UnreadableDocument as error:  # nothing written: the command's session is not committed
        raise click.ClickException(str(error)) from None
    if as_json_output:
        click.echo(json.dumps(as_json(read), ensure_ascii=False))
    elif dry_run:
        click.echo(f"Would import {len(read.events)} events and {len(read.items)} items.")
    else:
        click.echo(
            f"Imported {counts.events} events, {counts.items} items and {counts.tasks} tasks "
            f"({counts.created} new) into {programme.name}."
        )
    for number, text in read.not_understood if not as_json_output else ():
        click.echo(f"line {number}: not understood: {text[:120]}", err=True)
