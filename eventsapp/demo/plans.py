"""The demo's plans: WEM-International 2016–2018 and the Georgia CEC action plans, imported from
data files made from the seeds (tab-separated, as extracted) through the plans import."""

from pathlib import Path

from sqlalchemy import func, select

from ..catalogue.models import Programme
from ..catalogue.services import ProgrammeInput, save_programme
from ..extensions import db
from ..plans.importing import apply_plan, read_document

DATA_DIR = Path(__file__).parent / "data" / "plans"
PLANS = (  # file, programme (name, acronym, first and last year), the plan's title, its shape
    (
        "wem-international-2016-2018.tsv",
        ("Women in Electoral Management International", "WEM-International", 2016, 2018),
        "WEM-International action items 2016–2018",
        "items",
    ),
    (
        "georgia-cec-2016.tsv",
        ("Election Administration of Georgia action plans", "CEC Georgia", 2016, 2021),
        "Action Plan of Election Administration for 2016",
        "grid",
    ),
    (
        "georgia-cec-2021.tsv",
        ("Election Administration of Georgia action plans", "CEC Georgia", 2016, 2021),
        "Action Plan 2021 of Election Administration",
        "grid",  # its month header was garbled when the PDF became text
    ),
)


def _programme(name: str, acronym: str, first: int, last: int) -> Programme:
    programme = db.session.scalar(
        select(Programme).where(func.lower(Programme.name) == name.lower())
    )
    if programme is None:
        programme = save_programme(
            Programme(),
            ProgrammeInput(name=name, acronym=acronym, first_year=first, last_year=last),
        )
    return programme


def load() -> dict[str, int]:
    """The events added, by programme (short name → count), as for the other programmes."""
    added: dict[str, int] = {}
    for filename, programme_data, title, shape in PLANS:
        programme = _programme(*programme_data)
        path = DATA_DIR / filename
        counts = apply_plan(read_document(path.read_bytes(), path.name, shape), programme, title)
        added[programme.short_name] = added.get(programme.short_name, 0) + counts.new_events
    return added
