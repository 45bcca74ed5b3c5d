"""The check-in page: staff choose the day or one of its sessions (by default the session
running now, else the day) and check participants in by badge (QR code) or name."""

from datetime import date

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...core.clock import utcnow
from ...core.errors import InvalidInput
from ...core.validation import MAX_ID, parse_number
from ...extensions import db
from ...registration.models import Registration
from ..services import (
    check_in,
    check_in_days,
    checked_in_on,
    dates_confirmed,
    event_today,
    find_participants,
    places_count,
    registration_of_badge,
    why_no_check_in,
)
from ..sessions import (
    check_in_to_session,
    checked_in_to,
    running_session,
    session_to_check_in,
    sessions_of_day,
)
from . import bp, event_or_404


def _day(event, raw: str | None) -> date | None:
    """The day asked for, if one may be checked in for now; else today, or the last day so far
    (None before the event, or while its dates are not confirmed)."""
    days = check_in_days(event, utcnow())
    try:
        asked = date.fromisoformat(raw or "")
    except ValueError:
        asked = event_today(event, utcnow())
    return asked if asked in days else (days[-1] if days else None)


def _session(event, day: date | None, sessions: list):
    """The session asked for (``session``: an id, or empty for the whole day); without the
        parameter, the session running now on ``day`` (for a page; a check-in sent without it is
    for the day). None: the day."""
    if "session" not in request.values:
        return running_session(sessions, utcnow()) if request.method == "GET" else None
    number = parse_number(request.values.get("session"))
    return next((s for s in sessions if number is not None and s.id == number), None)


def _wants_json() -> bool:
    """The check-in page's script asks for JSON; a form without script gets a page."""
    return request.accept_mimetypes.best == "application/json"


def _registration(event) -> Registration | None:
    """The participant the form names, by badge or id, if one of this event's."""
    token = request.form.get("token", "")
    number = parse_number(request.form.get("registration_id"))
    if token:
        return registration_of_badge(event, token)
    if number is not None and number <= MAX_ID:
        registration = db.session.get(Registration, number)
        if registration is not None and registration.event_id == event.id:
            return registration
    return None


def _check_in_outcome(event, day: date | None) -> tuple[str, str]:
    """Check in the participant the form names for the day, or the session, it names:
    (outcome, message), outcome being "in", "already" or "refused"."""
    if day is None or day.isoformat() != request.form.get("day", day.isoformat()):
        why = why_no_check_in(event, utcnow())
        return "refused", why or _("This day is not one of the event's days so far.")
    session = None
    raw_session = request.form.get("session", "")
    try:
        if raw_session:
            number = parse_number(raw_session)
            session = session_to_check_in(
                event, number if number is not None and number <= MAX_ID else -1, utcnow()
            )
            if session.day != day:
                raise InvalidInput("session", _("This session is not on the day chosen."))
        registration = _registration(event)
        if registration is None:
            return "refused", _("This badge is not one of this event's participants.")
        if session is not None:
            new = check_in_to_session(registration, session, utcnow(), current_user)
        else:
            new = check_in(registration, day, utcnow(), current_user)
    except InvalidInput as error:
        db.session.rollback()
        return "refused", error.message
    if session is not None:
        if new:
            return "in", _(
                "%(name)s is checked in to %(session)s.",
                name=registration.name,
                session=session.title,
            )
        return "already", _(
            "%(name)s was checked in to %(session)s already.",
            name=registration.name,
            session=session.title,
        )
    if new:
        return "in", _("%(name)s is checked in.", name=registration.name)
    return "already", _("%(name)s was checked in already today.", name=registration.name)


def _present(event, day, session) -> set[int]:
    if session is not None:
        return checked_in_to(session.id)
    return checked_in_on(event.id, day) if day else set()


def _counter(event, present: set[int], session=None) -> dict:
    """The counter "N of M in" (at the session, when one is chosen), ``present`` being who is
    checked in on the day or to the session."""
    expected = places_count(event.id)
    counts = {"present": len(present), "expected": expected}
    if session is None:
        return {**counts, "counter": _("%(present)d of %(expected)d in", **counts)}
    return {
        **counts,
        "counter": _("%(present)d of %(expected)d in %(session)s", session=session.title, **counts),
        "session": {"id": session.id, "title": session.title},
    }


@bp.route("/manage/events/<int:event_id>/check-in", methods=["GET", "POST"])
def check_in_page(event_id: int):
    event = event_or_404(event_id)
    day = _day(event, request.values.get("day"))
    sessions = sessions_of_day(event, day) if day else []
    session = _session(event, day, sessions)
    if request.method == "POST":
        outcome, message = _check_in_outcome(event, day)
        present = _present(event, day, session)
        if _wants_json():
            return jsonify(outcome=outcome, message=message, **_counter(event, present, session))
        flash(message, "error" if outcome == "refused" else "success")
        return redirect(
            url_for(
                ".check_in_page",
                event_id=event.id,
                day=day and day.isoformat(),
                session=session.id if session else "",
            )
        )
    words = request.args.get("q", "")[:100]
    present = _present(event, day, session)
    return render_template(
        "attendance/check_in.html",
        event=event,
        day=day,
        days=check_in_days(event, utcnow()),
        sessions=sessions,
        session=session,
        closed=why_no_check_in(event, utcnow()),
        confirmed=dates_confirmed(event),
        words=words,
        found=find_participants(event.id, words) if words.strip() else [],
        present=present,
        counter=_counter(event, present, session)["counter"],
    )


@bp.get("/manage/events/<int:event_id>/check-in/people")
def check_in_people(event_id: int):
    """``?q=words&day=YYYY-MM-DD[&session=id]``: who matches, as JSON, for the search as one
    types."""
    event = event_or_404(event_id)
    day = _day(event, request.args.get("day"))
    session = _session(event, day, sessions_of_day(event, day) if day else [])
    words = request.args.get("q", "")[:100]
    found = find_participants(event.id, words) if words.strip() else []
    present = _present(event, day, session)
    return jsonify(
        people=[
            {
                "id": r.id,
                "name": r.name,
                "organisation": r.organisation.display_name if r.organisation else "",
                "in": r.id in present,
            }
            for r in found
        ],
        **_counter(event, present, session),
    )
