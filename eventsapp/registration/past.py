"""A delegate's past, in short, beside her registration waiting for approval: "Attended:
International workshop 2014 and 2016 · certificate 2016", so that staff approving know who is
coming back (and the person's page, a click away, says the rest).

Read for a page of registrations in two queries whatever their number: the other registrations
of their people that were attended (with their events' kinds and years), and which of those hold
a certificate, asked of documents (above registration) through ``core.signals``.
"""

from collections import defaultdict
from dataclasses import dataclass

from babel.lists import format_list
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from sqlalchemy import extract, select

from ..catalogue.models import Event, EventKind
from ..core.signals import ask, registration_certificates
from ..extensions import db
from .models import Registration, Status


@dataclass(frozen=True)
class Past:
    person_id: int
    summary: str  # in the visitor's language


def pasts_of(registrations: list[Registration]) -> dict[int, Past]:
    """``{registration id: Past}`` for the pending registrations among ``registrations`` whose
    person attended other events; nothing for a newcomer."""
    pending = {
        r.id: r for r in registrations if r.status == Status.PENDING and r.person_id is not None
    }
    if not pending:
        return {}
    rows = db.session.execute(
        select(
            Registration.id,
            Registration.person_id,
            Registration.event_id,
            Event.kind,
            extract("year", Event.starts_on).label("year"),
        )
        .join(Event, Event.id == Registration.event_id)
        .where(
            Registration.person_id.in_({r.person_id for r in pending.values()}),
            Registration.status == Status.ATTENDED,
        )
    ).all()
    certified = ask(registration_certificates, None, registration_ids=[row.id for row in rows])
    attended = defaultdict(list)  # person id → rows
    for row in rows:
        attended[row.person_id].append(row)
    pasts = {}
    for registration in pending.values():
        person_id, event_id = registration.person_id, registration.event_id
        before = [row for row in attended[person_id] if row.event_id != event_id]
        if before:
            certificates = {int(row.year) for row in before if row.id in (certified or ())}
            pasts[registration.id] = Past(person_id, _summary(before, certificates))
    return pasts


def _summary(rows, certificate_years: set[int]) -> str:
    locale = get_locale()

    def years_listed(years) -> str:
        return format_list([str(year) for year in sorted(years)], locale=locale)

    years_by_kind = defaultdict(set)
    for row in rows:
        years_by_kind[row.kind].add(int(row.year))
    events = [
        f"{EventKind(kind).label} {years_listed(years)}"
        for kind, years in sorted(years_by_kind.items(), key=lambda item: min(item[1]))
    ]
    summary = _("Attended: %(events)s", events="; ".join(events))
    if certificate_years:
        summary += " · " + ngettext(
            "certificate %(years)s",
            "certificates %(years)s",
            len(certificate_years),
            years=years_listed(certificate_years),
        )
    return summary
