"""Staff write to an event's participants, or to every participant of a programme's year:
compose, preview, send (the worker sends in the background), and the log."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ..catalogue.models import Event, Programme
from ..catalogue.services import get_event
from ..core.clock import utcnow
from ..core.dates import FIRST_YEAR, LAST_YEAR
from ..core.errors import InvalidInput
from ..core.navigation import BAR, event_tab
from ..core.validation import number_argument, parse_number
from ..core.web import page_number, show_beside_field
from ..extensions import db
from ..people.models import OrganisationKind
from ..registration.models import ParticipantRole
from .audience import (
    Audience,
    event_country_choices,
    event_recipients,
    programme_year_country_choices,
    programme_year_recipients,
    status_choices,
)
from .forms import PROGRAMME_HINT, EventMessageForm, MessageForm
from .models import Message
from .services import (
    Preview,
    already_sent,
    messages_of,
    preview_message,
    progress_of,
    recipients_of,
    send_message,
    word_message,
)

bp = Blueprint("messages", __name__)
event_tab(
    "messages.messages_page", _l("Messages"), 60, (BAR,), also_current_on=("messages.message_page",)
)
RECIPIENTS_PER_PAGE = 100


def _ticked() -> set[int]:
    return {n for n in map(parse_number, request.form.getlist("ids")) if n is not None}


def _compose(form: MessageForm, message: Message, recipients: list, audience: str):
    """Preview or send what the form holds. Returns a Preview, a redirect once sent, or None
    (nothing submitted, or refused: the refusal is beside its field)."""
    if not form.validate_on_submit():
        return None
    message.calendar_file = "calendar_file" in form and form.calendar_file.data
    message.audience = audience[:500]
    message.sent_by_id = current_user.id
    again = redirect(url_for(request.endpoint, **{**request.args.to_dict(), **request.view_args}))
    try:
        word_message(
            message, form.language.data, form.subject.data, form.body.data, form.versions()
        )
        if "send" not in request.form:
            return preview_message(message, recipients)
        if already_sent(form.send_key.data):
            flash(_("This message was sent already: it is not sent twice."), "warning")
            return again
        send_message(message, recipients, utcnow(), form.send_key.data)
        db.session.flush()
    except InvalidInput as error:
        show_beside_field(form, error)
        return None
    except IntegrityError:  # the same form sent twice at once: the other request recorded it
        db.session.rollback()
        flash(_("This message was sent already: it is not sent twice."), "warning")
        return again
    flash(
        ngettext(
            "The message goes to %(num)d participant. It is sent in the background, at most "
            "%(rate)d a minute: its progress is shown below.",
            "The message goes to %(num)d participants. It is sent in the background, at most "
            "%(rate)d a minute: its progress is shown below.",
            len(recipients),
            rate=current_app.config["MESSAGES_PER_MINUTE"],
        ),
        "success",
    )
    return again


def _page(template: str, **context):
    messages = context["messages"]
    return render_template(
        template,
        progress=progress_of([m.id for m in messages]),
        statuses=status_choices(),
        roles=ParticipantRole.choices(),
        organisation_kinds=OrganisationKind.choices(),
        **context,
    )


@bp.route("/manage/events/<int:event_id>/messages/", methods=["GET", "POST"])
def messages_page(event_id: int):
    event = get_event(event_id) or abort(404)
    audience = Audience.from_args(request.args)
    people = event_recipients(event.id, audience)
    ticked = _ticked()
    to_ticked = request.form.get("to") == "ticked"
    described = audience.describe()
    if to_ticked:
        described = _("Ticked among: %(audience)s", audience=described)
    form = EventMessageForm()
    outcome = _compose(
        form,
        Message(event_id=event.id),
        [r for r in people if r.id in ticked] if to_ticked else people,
        described,
    )
    if outcome is not None and not isinstance(outcome, Preview):
        return outcome
    return _page(
        "messages/messages.html",
        event=event,
        form=form,
        audience=audience,
        people=people,
        ticked=ticked,
        to_ticked=to_ticked,
        preview=outcome,
        countries=event_country_choices(event.id),
        messages=messages_of(event_id=event.id),
    )


def _programme_years(programme_id: int) -> list[int]:
    year = func.extract("year", Event.starts_on)
    rows = db.session.scalars(
        select(year).where(Event.programme_id == programme_id).distinct().order_by(year.desc())
    )
    return [int(y) for y in rows]


@bp.route("/manage/programmes/<int:programme_id>/messages/", methods=["GET", "POST"])
def programme_messages_page(programme_id: int):
    """Write to every participant of the programme's events starting in a year (``?year=``)."""
    programme = db.session.get(Programme, programme_id) or abort(404)
    years = _programme_years(programme.id)
    form = MessageForm()
    form.body.description = PROGRAMME_HINT
    year_error = None
    try:
        year = number_argument(request.args, "year", FIRST_YEAR, LAST_YEAR, _("Year"))
    except InvalidInput as error:
        year, year_error = None, error.message
    if year is None and year_error is None:  # this year, or the programme's latest
        this_year = utcnow().year
        year = this_year if this_year in years or not years else years[0]
    audience = Audience.from_args(request.args)
    people = [] if year is None else programme_year_recipients(programme.id, year, audience)
    outcome = None
    if year is not None:
        outcome = _compose(
            form,
            Message(programme_id=programme.id, year=year),
            people,
            _("%(year)d · %(audience)s", year=year, audience=audience.describe()),
        )
    if outcome is not None and not isinstance(outcome, Preview):
        return outcome
    return _page(
        "messages/programme.html",
        programme=programme,
        year=year,
        years=years,
        year_error=year_error,
        form=form,
        audience=audience,
        people=people,
        preview=outcome,
        countries=[] if year is None else programme_year_country_choices(programme.id, year),
        messages=messages_of(programme_id=programme.id),
    )


@bp.route("/manage/messages/<int:message_id>")
def message_page(message_id: int):
    """One message: its text, its progress, and who it went to."""
    message = db.session.get(Message, message_id) or abort(404)
    pagination = db.paginate(
        recipients_of(message.id),
        page=page_number(),
        per_page=RECIPIENTS_PER_PAGE,
        error_out=False,
    )
    return render_template(
        "messages/message.html",
        message=message,
        event=get_event(message.event_id) if message.event_id else None,
        programme=db.session.get(Programme, message.programme_id) if message.programme_id else None,
        progress=progress_of([message.id]).get(message.id),
        pagination=pagination,
    )
