"""The results page's warning: events, and programmes' years, below their programme's aim for
women's share (its delegations' target)."""

from collections import defaultdict
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from ..catalogue.models import Event, Programme
from ..delegations.models import DelegationTarget
from ..extensions import db
from ..outcomes.measures import women_share
from ..plans.measures import Scope
from .services import ResultsQuery, narrowed


@dataclass
class GenderShortfall:
    """An event, or a programme's year, below the programme's aim for women's share."""

    label: str  # "CICIE 2016", or an event's title and year
    women_percent: float
    aim: int

    @property
    def text(self) -> str:
        return _(
            "%(what)s: %(share)s %% women, aim %(aim)s %%",
            what=self.label,
            share=f"{self.women_percent:g}",
            aim=self.aim,
        )


def gender_shortfalls(query: ResultsQuery) -> list[GenderShortfall]:
    """The counted events of programmes with a women's share aim (``DelegationTarget``) that are
    below it, each programme's year first; two queries (the share as the plan measure counts it)."""
    rows = db.session.execute(
        narrowed(
            select(
                Event.id, Event.title, Event.starts_on, Programme, DelegationTarget.women_percent
            )
            .join(Programme, Programme.id == Event.programme_id)
            .join(DelegationTarget, DelegationTarget.programme_id == Event.programme_id)
            .order_by(Programme.name, Event.starts_on, Event.title, Event.id),
            query,
        )
    ).all()
    years: dict[tuple, list] = defaultdict(list)
    for row in rows:
        years[(row.Programme, row.starts_on.year)].append(row)
    scopes = {("event", row.id): Scope((row.id,)) for row in rows}
    scopes |= {("year", *key): Scope(tuple(r.id for r in group)) for key, group in years.items()}
    shares = women_share(scopes)
    shortfalls = []
    for (programme, year), group in years.items():
        aim = group[0].women_percent
        share = shares[("year", programme, year)]
        if share is not None and share < aim:
            shortfalls.append(GenderShortfall(f"{programme.short_name} {year}", share, aim))
        for row in group:
            share = shares[("event", row.id)]
            if share is not None and share < aim:
                label = f"{row.title} ({year})"
                shortfalls.append(GenderShortfall(label, share, aim))
    return shortfalls
