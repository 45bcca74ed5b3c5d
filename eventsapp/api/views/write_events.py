"""Writes of events (created, changed) and of registrations (decided), through the staff forms
and services (see ``writes`` for what every write does)."""

from flask import jsonify
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from spectree import Response as Answers
from werkzeug.datastructures import MultiDict
from wtforms import SelectField

from ...catalogue.forms import EventForm
from ...catalogue.models import Event
from ...catalogue.services import get_event, save_event
from ...core.clock import utcnow
from ...core.errors import InvalidInput
from ...core.forms import Form
from ...core.links import site_url
from ...extensions import db
from ...registration.models import Registration
from ...registration.statuses import apply_staff_action
from .. import schemas
from ..schemas import api_spec
from ..scopes import DECIDE, WRITE, requires
from ..services import event_json
from . import bp, documented
from .writes import (
    API_NAMES,
    REFUSALS,
    Refused,
    as_formdata,
    checked_form,
    not_found,
    put,
    read_body,
    write,
)

# ---------------------------------------------------------------- events


def _event_formdata(body: schemas.EventWrite, data: MultiDict) -> MultiDict:
    """``data`` (the event's current form, or nothing) with the fields the body gives."""
    for name in body.model_fields_set:
        value = getattr(body, name)
        if name == "venue":
            put(data, "venue_country", value and value.country)
            put(data, "venue_city", value and value.city)
            put(data, "venue_place", value and value.place)
            put(data, "venue_tentative", bool(value and value.tentative))
        elif name == "purpose":
            put(data, "purpose", "\n".join(value or []))
        else:
            form_name = next((k for k, v in API_NAMES.items() if v == name), name)
            put(data, form_name, "" if value is None else value)
    return data


def _event_answer(event_id: int, status: int):
    response = jsonify(event_json(event_id))
    response.status_code = status
    response.headers["Location"] = site_url("api.event", event_id=event_id)
    return response


@bp.route("/events", methods=["POST"])
@requires(WRITE)
@api_spec.validate(
    json=schemas.EventCreate,
    headers=schemas.WriteHeaders,
    resp=Answers(HTTP_201=schemas.Event, **REFUSALS),
    tags=["events"],
    **documented,
)
@write
def create_event():
    """Create an event

    The fields of the staff form, read and checked as it reads them: `date_text` is a date phrase
    (`year` when it has none). Answers the event as `GET /api/v1/events/{id}` gives it, with its
    address in `Location`. Send an `Idempotency-Key` header to retry safely.
    """
    body = read_body(schemas.EventCreate)
    blank = EventForm(formdata=None, meta={"csrf": False})  # as a browser sends a new form
    form = checked_form(EventForm, _event_formdata(body, as_formdata(blank)))
    event = save_event(Event(), form.to_input(), actor=current_user)
    return _event_answer(event.id, 201)


@bp.route("/events/<int:event_id>", methods=["PATCH"])
@requires(WRITE)
@api_spec.validate(
    json=schemas.EventWrite,
    headers=schemas.WriteHeaders,
    resp=Answers(HTTP_200=schemas.Event, **REFUSALS),
    tags=["events"],
    **documented,
)
@write
def change_event(event_id: int):
    """Change some fields of an event

    Fields left out keep their value; a new `date_text` is read again (in the event's year
    unless `year` is given). `{"status": "cancelled"}` cancels the event.
    """
    body = read_body(schemas.EventWrite)
    event = get_event(event_id)
    if event is None:
        raise not_found(_("There is no event with this id."))
    shown = EventForm(formdata=None, meta={"csrf": False})
    shown.fill_from(event)
    form = checked_form(EventForm, _event_formdata(body, as_formdata(shown)))
    save_event(event, form.to_input(), actor=current_user)
    return _event_answer(event.id, 200)


# ---------------------------------------------------------------- decisions


class DecisionForm(Form):
    decision = SelectField(_l("Decision"), choices=[(d, d) for d in schemas.DECISIONS])


REASON_MAX = 2000


@bp.route("/registrations/<int:registration_id>/decision", methods=["POST"])
@requires(DECIDE)
@api_spec.validate(
    json=schemas.Decision,
    headers=schemas.WriteHeaders,
    resp=Answers(HTTP_200=schemas.RegistrationStatus, **REFUSALS),
    tags=["registrations"],
    **documented,
)
@write
def decide(registration_id: int):
    """Approve, decline or waitlist a registration

    The rules of the participants page: approving needs a free seat (unless the registration
    holds one), a registration cannot be decided again the way it was (409), funded places are
    settled again and the delegate is emailed. Nominees of a delegation are decided on the
    delegations page (409). The reason is kept in the event's history.
    """
    body = read_body(schemas.Decision)
    form = checked_form(DecisionForm, MultiDict({"decision": body.decision}))
    if len(body.reason) > REASON_MAX:
        raise InvalidInput(
            "reason", _("Write the reason in %(max)d characters at most.", max=REASON_MAX)
        )
    registration = db.session.get(Registration, registration_id)
    missing = not_found(_("There is no registration with this id."))
    if registration is None:
        raise missing
    done, problems = apply_staff_action(
        registration.event,
        form.decision.data,
        [registration.id],
        utcnow(),
        current_user,
        reason=body.reason.strip(),
    )
    if problems:
        raise Refused(problems[0], "conflict", 409)
    if not done:  # awaiting its email's confirmation: staff never see it
        raise missing
    return jsonify(
        id=registration.id,
        event_id=registration.event_id,
        name=registration.name,
        status=registration.status,
    )
