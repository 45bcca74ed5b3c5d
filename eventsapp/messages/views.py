"""Staff write to an event's participants: compose, preview, send, and the log."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from ..catalogue.services import get_event
from ..core.clock import utcnow
from ..core.errors import InvalidInput
from ..core.validation import parse_number
from ..core.web import show_beside_field
from ..registration.participants import participants_with_a_place
from .forms import MessageForm
from .services import fill_placeholders, messages_of, send_message

bp = Blueprint("messages", __name__)


def _ids() -> list[int]:
    return [n for n in map(parse_number, request.form.getlist("ids")) if n is not None]


@bp.route("/manage/events/<int:event_id>/messages/", methods=["GET", "POST"])
def messages_page(event_id: int):
    event = get_event(event_id) or abort(404)
    people = participants_with_a_place(event.id)
    form = MessageForm()
    preview = None
    if form.validate_on_submit():
        ticked = set(_ids())
        to_all = request.form.get("to") != "ticked"
        recipients = [r for r in people if to_all or r.id in ticked]
        if "preview" in request.form:
            if recipients:
                first = recipients[0]
                preview = (
                    first,
                    fill_placeholders(form.subject.data, first, event),
                    fill_placeholders(form.body.data, first, event),
                    len(recipients),
                )
            else:
                form.subject.errors.append(_("Tick at least one participant, or write to all."))
        else:
            try:
                send_message(
                    event, form.subject.data, form.body.data, recipients, current_user, utcnow()
                )
            except InvalidInput as error:
                show_beside_field(form, error, "subject")
            else:
                flash(
                    ngettext(
                        "Sent the message to %(num)d participant.",
                        "Sent the message to %(num)d participants.",
                        len(recipients),
                    ),
                    "success",
                )
                return redirect(url_for(".messages_page", event_id=event.id))
    return render_template(
        "messages/messages.html",
        event=event,
        form=form,
        people=people,
        ticked=set(_ids()),
        preview=preview,
        messages=messages_of(event.id),
    )
