"""Agenda templates: the methodologies of the seeds per event kind, and agendas staff saved as
templates. Applying one drafts an event's agenda across its days, in its time zone; staff then
edit the drafted sessions (they are not published until staff say so).

A template's sessions each have a day (1 for the first). Its days are spread over the event's:
template day ``d`` of ``K`` lands on event day ``(d - 1) * D // K`` of ``D``, so a five-stage course
of five days fills a five-day course and a ten-day one every other day; on a shorter event the
sessions of merged days follow each other (each keeping its length).
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..catalogue.models import Event, EventKind
from ..catalogue.services import time_zone
from ..core.errors import InvalidInput
from ..extensions import db
from .models import AgendaSession, AgendaTemplate, AgendaTemplateItem, SessionKind
from .services import SessionInput, save_session


@dataclass(frozen=True)
class Stage:
    day: int
    starts: time
    ends: time
    title: str
    kind: str
    shares_room: bool = False


def _stage(day: int, starts: str, ends: str, title, kind: str, shares_room=False) -> Stage:
    return Stage(
        day, time.fromisoformat(starts), time.fromisoformat(ends), title, kind, shares_room
    )


S = SessionKind
# From the CICIE programme description (seeds/003): the methodology of each kind of programme.
METHODOLOGIES: dict[str, tuple[str, list[Stage]]] = {
    EventKind.WORKSHOP: (
        _l("International workshop: three stages"),
        [
            _stage(1, "09:00", "10:30", _l("The visiting authority's challenges"), S.PRESENTATION),
            _stage(1, "10:30", "11:00", _l("Break"), S.BREAK, True),
            _stage(1, "11:00", "12:30", _l("The Mexican experience"), S.PRESENTATION),
            _stage(1, "14:00", "15:30", _l("The international comparative perspective"), S.PANEL),
            _stage(1, "15:30", "16:30", _l("Exchange of ideas"), S.QUESTIONS_ANSWERS),
        ],
    ),
    EventKind.SPECIALIZATION_COURSE: (
        _l("Specialization course: five stages"),
        [
            _stage(
                1,
                "09:00",
                "13:00",
                _l("The topic from the legal, political and technical perspectives"),
                S.PRESENTATION,
            ),
            _stage(2, "09:00", "13:00", _l("Plenary discussion"), S.PLENARY_DISCUSSION),
            _stage(
                3,
                "09:00",
                "13:00",
                _l("Team work: common problems, actions taken and proposed solutions"),
                S.TEAM_WORK,
            ),
            _stage(4, "09:00", "13:00", _l("Country presentations"), S.COUNTRY_PRESENTATIONS),
            _stage(
                5,
                "09:00",
                "12:00",
                _l("Recommendations and conclusions"),
                S.RECOMMENDATIONS_CONCLUSIONS,
            ),
        ],
    ),
    EventKind.SEMINAR: (
        _l("Seminar or forum: expert panels with questions and answers"),
        [
            _stage(1, "09:00", "09:30", _l("Opening"), S.PRESENTATION),
            _stage(1, "09:30", "11:00", _l("Expert panel I"), S.PANEL),
            _stage(1, "11:00", "11:30", _l("Questions and answers"), S.QUESTIONS_ANSWERS),
            _stage(1, "11:30", "12:00", _l("Break"), S.BREAK, True),
            _stage(1, "12:00", "13:30", _l("Expert panel II"), S.PANEL),
            _stage(1, "13:30", "14:00", _l("Questions and answers"), S.QUESTIONS_ANSWERS),
        ],
    ),
}
# Meetings whose agenda is their purposes (PPIEP's advisory group and commission meetings).
PURPOSE_KINDS = (EventKind.ADVISORY_GROUP_MEETING, EventKind.COMMISSION_MEETING)
PURPOSE_SLOTS = (("09:00", "10:30"), ("11:00", "12:30"), ("14:00", "15:30"), ("16:00", "17:30"))


def template_choices(event: Event) -> list[tuple[str, str]]:
    """The templates offered for an event: its kind's methodology, then the saved ones (those of
    its kind first). Keys are ``kind`` for the methodology and the id for saved ones."""
    choices = []
    if event.kind in METHODOLOGIES:
        choices.append(("kind", str(METHODOLOGIES[event.kind][0])))
    elif event.kind in PURPOSE_KINDS and event.purpose:
        choices.append(("kind", _("One session per purpose of the meeting")))
    saved = db.session.scalars(
        select(AgendaTemplate).order_by(
            (AgendaTemplate.event_kind == event.kind).desc(), AgendaTemplate.name
        )
    )
    choices.extend((str(t.id), t.name) for t in saved)
    return choices


def template_stages(event: Event, key: str) -> tuple[list[Stage], int]:
    """The stages of a template, and the number of days it spans."""
    if key == "kind":
        if event.kind in METHODOLOGIES:
            stages = METHODOLOGIES[event.kind][1]
            return stages, max(s.day for s in stages)
        if event.kind in PURPOSE_KINDS and event.purpose:
            stages = [
                _stage(
                    1 + i // len(PURPOSE_SLOTS),
                    *PURPOSE_SLOTS[i % len(PURPOSE_SLOTS)],
                    p[:300],
                    S.PLENARY_DISCUSSION,
                )
                for i, p in enumerate(event.purpose)
            ]
            return stages, max(s.day for s in stages)
        return [], 1
    template = db.session.get(AgendaTemplate, int(key)) if key.isdigit() else None
    if template is None or not template.items:
        return [], 1
    stages = [
        Stage(i.day, i.starts, i.ends, i.title, i.kind, i.shares_room) for i in template.items
    ]
    return stages, max(template.days, *(s.day for s in stages))


def place_stages(
    stages: list[Stage], template_days: int, first_day: date, days: int
) -> list[tuple[date, Stage]]:
    """Where each stage goes: the template's days spread over the event's ``days``, the sessions
    of one day following each other when merged days overlap. Refused when a day would run past
    midnight."""
    placed: list[tuple[date, Stage]] = []
    ends_by_day: dict[date, time] = {}
    for stage in sorted(stages, key=lambda s: (s.day, s.starts)):
        day = first_day + timedelta(days=(stage.day - 1) * days // template_days)
        starts, ends = stage.starts, stage.ends
        latest = ends_by_day.get(day)
        if latest is not None and starts < latest:
            length = _minutes(ends) - _minutes(starts)
            if _minutes(latest) + length >= 24 * 60:
                raise InvalidInput(
                    "template",
                    _("This template does not fit in the event's %(days)d days.", days=days),
                )
            starts = latest
            ends = (datetime.combine(day, latest) + timedelta(minutes=length)).time()
        ends_by_day[day] = ends
        placed.append(
            (day, Stage(stage.day, starts, ends, stage.title, stage.kind, stage.shares_room))
        )
    return placed


def _minutes(moment: time) -> int:
    return moment.hour * 60 + moment.minute


def apply_template(event: Event, key: str, timezone: str) -> list[AgendaSession]:
    """Draft the agenda of an event that has none from a template, unpublished."""
    if db.session.scalar(select(AgendaSession.id).where(AgendaSession.event_id == event.id)):
        raise InvalidInput(
            "template",
            _("This event has an agenda already: templates draft only an empty one."),
        )
    stages, template_days = template_stages(event, key)
    if not stages:
        raise InvalidInput("template", _("Choose one of the templates offered."))
    zone = time_zone(timezone).key
    days = (event.ends_on - event.starts_on).days + 1
    return [
        save_session(
            event,
            AgendaSession(),
            SessionInput(
                day=day,
                start_time=stage.starts,
                end_time=stage.ends,
                timezone=zone,
                title=str(stage.title),
                kind=stage.kind,
                published=False,
                shares_room=stage.shares_room,
            ),
        )
        for day, stage in place_stages(stages, template_days, event.starts_on, days)
    ]


def save_as_template(event: Event, sessions: list[AgendaSession], name: str) -> AgendaTemplate:
    """A new template from an event's agenda: each session on its day counted from the first."""
    name = " ".join(name.split())
    if not sessions:
        raise InvalidInput("name", _("The agenda is empty: add sessions first."))
    if db.session.scalar(select(AgendaTemplate.id).where(AgendaTemplate.name == name)):
        raise InvalidInput("name", _("A template is called %(name)s already.", name=name))
    days = (event.ends_on - event.starts_on).days + 1
    template = AgendaTemplate(name=name, event_kind=event.kind, days=days)
    template.items = [
        AgendaTemplateItem(
            position=position,
            day=max(1, (s.day - event.starts_on).days + 1),
            starts=s.local_start,
            ends=s.local_end,
            title=s.title,
            kind=s.kind,
            shares_room=s.shares_room,
        )
        for position, s in enumerate(sessions)
        if s.local_end > s.local_start
    ]
    db.session.add(template)
    db.session.flush()
    return template
