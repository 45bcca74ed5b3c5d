"""Everything held about a person, as a ZIP (``/account/data``): ``data.json`` and the files they
sent (``files/registrations/<registration>/<name>``, ``files/requests/<request>/<name>``).

``data.json`` holds the person, the addresses they proved, their accounts (not the password's
hash), every registration with its event, answers, documents, check-ins and evaluations
answered, the requests they sent, their speaker entries with the sessions, and the action log's
lines about any of them or done by their accounts. Each row is given with every column of its
table, so that a column added later is in the download too.
"""

import io
import json
import zipfile
from datetime import date, datetime
from decimal import Decimal

from flask import render_template
from sqlalchemy import inspect, or_, select

from ..accounts.models import User
from ..agenda.models import AgendaSession, Speaker, session_speakers
from ..attendance.models import CheckIn, EvaluationReceipt, SessionCheckIn
from ..authority_requests.models import AuthorityRequest
from ..authority_requests.services import REPORTS
from ..catalogue.models import Event
from ..core.actions import LoggedAction, sentence
from ..core.clock import utcnow
from ..core.uploads import shown_name
from ..documents.models import Document
from ..extensions import db
from ..followup.models import FollowUpSurvey
from ..knowledge.models import TestAttempt
from ..people.models import Person
from ..registration.models import Registration
from ..registration.uploads import stored_path
from .erasure import held_by, lines_about

# Columns never given: secrets of the site and its own bookkeeping, not data about the person.
LEFT_OUT = {
    "users": {"password_hash", "feed_token_version", "session_version"},
    "documents": {"code"},
    "persons": {"name_key"},
}


def row(obj) -> dict:
    """Every column of ``obj``'s table, as JSON keeps it."""
    table = obj.__table__.name
    return {
        column.key: _plain(getattr(obj, column.key))
        for column in inspect(type(obj)).columns
        if column.key not in LEFT_OUT.get(table, ())
    }


def _plain(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def person_data(person: Person) -> tuple[dict, list[tuple[str, object]], str]:
    """What ``data.json`` holds about ``person``, the files to add (name in the ZIP, path) and
    the summary to read."""
    held = held_by(person)
    registrations = db.session.scalars(
        select(Registration)
        .where(Registration.id.in_(held.registrations))
        .order_by(Registration.id)
    ).all()
    events = {
        e.id: e
        for e in db.session.scalars(
            select(Event).where(Event.id.in_({r.event_id for r in registrations}))
        )
    }
    by_registration = _by_registration(held.registrations)
    files = []
    shown = []
    for registration in registrations:
        entry = row(registration)
        entry["event"] = {"id": registration.event_id, "title": events[registration.event_id].title}
        entry.update(
            {key: found.get(registration.id, []) for key, found in by_registration.items()}
        )
        shown.append(entry)
        for answer in (registration.answers or {}).values():
            path = stored_path(registration.event_id, answer)
            if path is not None and path.exists():
                files.append((f"files/registrations/{registration.id}/{answer['stored']}", path))
    requests = db.session.scalars(
        select(AuthorityRequest)
        .where(AuthorityRequest.id.in_(held.requests))
        .order_by(AuthorityRequest.id)
    ).all()
    for request in requests:
        path = REPORTS.path(request.report_stored_as)
        if path is not None and path.exists():
            name = shown_name(request.report_filename or "") or request.report_stored_as
            files.append((f"files/requests/{request.id}/{name}", path))
    data = {
        "person": {
            **row(person),
            "country": person.country.local_name if person.country else None,
            "organisation": person.organisation.display_name if person.organisation else None,
        },
        "addresses": [row(e) for e in person.emails],
        "accounts": [
            row(a) for a in db.session.scalars(select(User).where(User.id.in_(held.accounts)))
        ],
        "registrations": shown,
        "requests": [row(r) for r in requests],
        "speaker_entries": _speaker_entries(held.speakers),
        "action_log": _log_lines(held),
    }
    summary = render_template(
        "privacy/summary.txt",
        person=person,
        registrations=[(r, events[r.event_id]) for r in registrations],
        today=utcnow().date(),
    )
    return data, files, summary


def _by_registration(ids: list[int]) -> dict[str, dict[int, list]]:
    kinds = (
        (Document, "documents"),
        (CheckIn, "check_ins"),
        (SessionCheckIn, "session_check_ins"),
        (EvaluationReceipt, "evaluations_answered"),
        (TestAttempt, "knowledge_tests"),
        (FollowUpSurvey, "follow_up_surveys"),
    )
    found = {key: {} for _model, key in kinds}
    for model, key in kinds:
        for obj in db.session.scalars(
            select(model).where(model.registration_id.in_(ids)).order_by(model.registration_id)
        ):
            found[key].setdefault(obj.registration_id, []).append(row(obj))
    return found


def _speaker_entries(ids: list[int]) -> list[dict]:
    sessions = {}
    for speaker_id, session in db.session.execute(
        select(session_speakers.c.speaker_id, AgendaSession)
        .join(AgendaSession, AgendaSession.id == session_speakers.c.session_id)
        .where(session_speakers.c.speaker_id.in_(ids))
        .order_by(AgendaSession.starts_at)
    ):
        sessions.setdefault(speaker_id, []).append(
            {"event_id": session.event_id, "title": session.title, "day": session.day.isoformat()}
        )
    return [
        {**row(speaker), "sessions": sessions.get(speaker.id, [])}
        for speaker in db.session.scalars(select(Speaker).where(Speaker.id.in_(ids)))
    ]


def _log_lines(held) -> list[dict]:
    about = or_(
        lines_about(held),
        (LoggedAction.object_type == "request") & LoggedAction.object_id.in_(held.requests),
        LoggedAction.actor_id.in_(held.accounts),
    )
    lines = db.session.scalars(
        select(LoggedAction).where(about).order_by(LoggedAction.at, LoggedAction.id)
    )
    return [{**row(line), "said": sentence(line)} for line in lines]


def data_zip(person: Person) -> bytes:
    """The ZIP: a summary to read (``summary.txt``, in the visitor's language), ``data.json``
    and the files."""
    data, files, summary = person_data(person)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("summary.txt", summary)
        archive.writestr("data.json", json.dumps(data, ensure_ascii=False, indent=2, default=str))
        for name, path in files:
            archive.write(path, name)
    return buffer.getvalue()
