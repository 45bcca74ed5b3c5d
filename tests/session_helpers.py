"""Agenda sessions for the attendance tests."""

from datetime import date, datetime

from eventsapp.agenda.models import AgendaSession


def add_sessions(db, event, per_day: dict[date, list[str]], with_break=True):
    """Sessions at 09:00, 10:00… (UTC) on each day, titled as given; a break at 12:00 a day."""
    made = []
    for day, titles in per_day.items():
        for n, title in enumerate(titles):
            made.append(
                AgendaSession(
                    event_id=event.id,
                    day=day,
                    starts_at=datetime(day.year, day.month, day.day, 9 + n),
                    ends_at=datetime(day.year, day.month, day.day, 9 + n, 50),
                    timezone="UTC",
                    title=title,
                    kind="presentation",
                )
            )
        if with_break:
            db.session.add(
                AgendaSession(
                    event_id=event.id,
                    day=day,
                    starts_at=datetime(day.year, day.month, day.day, 12),
                    ends_at=datetime(day.year, day.month, day.day, 13),
                    timezone="UTC",
                    title="Lunch",
                    kind="break",
                )
            )
    db.session.add_all(made)
    db.session.commit()
    return made
