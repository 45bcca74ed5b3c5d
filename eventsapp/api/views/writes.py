"""The write API: what integrations do, through the same forms, services and action log as the
staff pages.

Every write (``@write``, under ``@api_spec.validate``):

- needs the ``X-CSRFToken`` header when it comes with a session cookie; a call with
  ``Authorization: Bearer`` is exempt (a browser never sends that header across sites unasked);
- reads a JSON object (``read_body``): not one, or of the wrong types, is a 400 ``malformed``; then
  its values go through the staff form and the services, whose refusal is a 422 ``invalid`` naming
  the field (``checked_form``; ``InvalidInput``); an unknown id is a 404 ``not_found``, a state
  that refuses the change a 409 ``conflict``;
- honours ``Idempotency-Key`` (``api.idempotency``): a retry gets the first answer and acts no more;
- notes the API token it came with in each line it logs (``{"token": ...}``).
"""

from functools import wraps

from flask import current_app, g, has_request_context, jsonify, make_response, request
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from pydantic import ValidationError
from sqlalchemy import event as sa_event
from werkzeug.datastructures import MultiDict
from wtforms import BooleanField, SelectField, SelectMultipleField, TextAreaField

from ...core.actions import LoggedAction
from ...core.clock import utcnow
from ...core.errors import InvalidInput
from ...core.validation import CONTROL_IN_TEXT
from ...extensions import csrf
from ..idempotency import HEADER, KEY_FORMAT, claim, fingerprint, keep_answer, kept_answer
from ..schemas import Error, Malformed, NotFound, WriteError
from ..tokens import actor_label, token_of_request

# The form's names of fields the API names otherwise (errors name the API's).
API_NAMES = {
    "programme_id": "programme",
    "section_id": "section",
    "requesting_authority_id": "requesting_authority",
    "partner_ids": "partners",
    "venue_country": "venue.country",
    "venue_city": "venue.city",
    "venue_place": "venue.place",
    "venue_tentative": "venue.tentative",
    "owner_id": "owner_email",
    "days": "due",
    "anchor": "due",
}


class Refused(Exception):
    """A write refused before or after the services: its answer's message, code and status."""

    def __init__(self, message: str, code: str, status: int, field: str | None = None):
        super().__init__(message)
        self.message, self.code, self.status, self.field = message, code, status, field


def refusal(message: str, code: str, status: int, field: str | None = None):
    body = {"error": message, "code": code}
    if field is not None:
        body["field"] = field
    response = jsonify(body)
    response.status_code = status
    return response


def not_found(message) -> Refused:
    return Refused(str(message), "not_found", 404)


# What every write may answer besides its success, in the document (401 and 403: not staff, or
# without the scope, as every staff route of the API answers; 405: an id too large for an id).
REFUSALS = {
    "HTTP_400": Malformed,
    "HTTP_401": Error,
    "HTTP_403": Error,
    "HTTP_404": NotFound,
    "HTTP_405": Error,
    "HTTP_409": WriteError,
    "HTTP_422": WriteError,
}


# ---------------------------------------------------------------- the token in the action log


@sa_event.listens_for(LoggedAction, "before_insert")
def _note_token(_mapper, _connection, line: LoggedAction) -> None:
    if has_request_context() and (token := g.get("api_write_token")):
        line.data = {**(line.data or {}), "token": token}


# ---------------------------------------------------------------- every write


def write(view):
    """CSRF for sessions, idempotency keys, JSON errors and the token in the log, around a
    write view (see the module's docstring)."""

    @wraps(view)
    def run(**kwargs):
        if (refused := _csrf_refusal()) is not None:
            return refused
        key = request.headers.get(HEADER)
        if key is None:
            return _acting(view, kwargs)
        if not KEY_FORMAT.fullmatch(key):
            message = _("The Idempotency-Key header takes 1 to 200 printable ASCII characters.")
            return refusal(message, "malformed", 400, HEADER)
        if not claim(current_user.id, key):
            return _in_progress()
        now = utcnow()
        print_ = fingerprint(request.method, request.full_path, request.get_data())
        if (kept := kept_answer(current_user.id, key, now)) is not None:
            if kept.fingerprint != print_:
                message = _("This Idempotency-Key was used with another request: use a new key.")
                return refusal(message, "idempotency_key_reused", 422, HEADER)
            replay = current_app.response_class(
                kept.body, status=kept.status, mimetype="application/json"
            )
            if kept.location:
                replay.headers["Location"] = kept.location
            replay.headers["Idempotent-Replayed"] = "true"
            return replay
        response = _acting(view, kwargs)
        if response.status_code < 400:
            answer = (response.status_code, response.get_data(as_text=True), response.location)
            if not keep_answer(current_user.id, key, print_, answer, now):
                return _in_progress()  # another request with the key answered meanwhile
        return response

    csrf.exempt(run)  # checked in ``_csrf_refusal``: a session needs the header, a token not
    return run


def _in_progress():
    message = _("A request with this Idempotency-Key is still running: try again in a moment.")
    return refusal(message, "in_progress", 409, HEADER)


def _csrf_refusal():
    if token_of_request() is not None or not current_app.config["WTF_CSRF_ENABLED"]:
        return None
    try:
        csrf.protect()
    except CSRFError:
        message = _(
            "Send the X-CSRFToken header with a session; scripts use a token "
            "(Authorization: Bearer)."
        )
        return refusal(message, "csrf", 400)
    return None


def _acting(view, kwargs):
    g.api_write_token = actor_label()
    try:
        return make_response(view(**kwargs))
    except Refused as error:
        return refusal(error.message, error.code, error.status, error.field)
    except InvalidInput as error:
        field = API_NAMES.get(error.field, error.field)
        return refusal(error.message, "invalid", 422, field)


# ---------------------------------------------------------------- reading the body


def read_body(model):
    """The request's JSON body as ``model``; a 400 ``malformed`` when it is not one."""
    if not request.is_json:
        raise Refused(
            _("Send a JSON object, with the header Content-Type: application/json."),
            "malformed",
            400,
        )
    try:
        body = model.model_validate_json(request.get_data())
    except ValidationError as error:
        problem = error.errors(include_url=False)[0]
        field = ".".join(str(part) for part in problem["loc"]) or None
        raise Refused(
            _(
                "The body is not the JSON this operation takes: %(problem)s.",
                problem=problem["msg"],
            ),
            "malformed",
            400,
            field,
        ) from None
    for name, value in _texts(body.model_dump()):
        if CONTROL_IN_TEXT.search(value):
            raise Refused(
                _(
                    "The request holds control characters (such as NUL) that no field takes. "
                    "Remove them and send it again."
                ),
                "malformed",
                400,
                name,
            )
    return body


def _texts(value, name: str = ""):
    if isinstance(value, str):
        yield name, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _texts(item, f"{name}.{key}" if name else key)
    elif isinstance(value, list):
        for item in value:
            yield from _texts(item, name)


def checked_form(form_class, formdata: MultiDict, prepare=None):
    """The staff form filled with ``formdata`` (and given its choices by ``prepare``, as the page
    does) and validated; its first error an InvalidInput."""
    form = form_class(formdata=formdata, meta={"csrf": False})
    if prepare is not None:
        prepare(form)
    if not form.validate():
        name, messages = next(iter(form.errors.items()))
        raise InvalidInput(name, str(messages[0]))
    return form


def as_formdata(form) -> MultiDict:
    """What a filled form would send back unchanged: its fields' values as form data."""
    data = MultiDict()
    for field in form:
        if isinstance(field, BooleanField):
            put(data, field.name, bool(field.data))
        elif isinstance(field, SelectMultipleField):
            put(data, field.name, list(field.data or []))
        elif isinstance(field, SelectField):
            put(data, field.name, "" if field.data is None else field.data)
        elif isinstance(field, TextAreaField):
            put(data, field.name, field.data or "")
        elif field.name != "csrf_token":
            put(data, field.name, field._value())
    return data


def put(data: MultiDict, name: str, value) -> None:
    """Set a form field's value as the browser sends it: lists as repeated values, true as "y",
    false and null as nothing."""
    if value is None or value is False:
        data.setlist(name, [])
    elif value is True:
        data.setlist(name, ["y"])
    elif isinstance(value, list):
        data.setlist(name, [str(item) for item in value])
    else:
        data.setlist(name, [str(value)])


# The writes themselves (imported last: they use what is above).
from . import write_events, write_work  # noqa: E402, F401
