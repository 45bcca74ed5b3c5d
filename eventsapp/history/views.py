"""The History pages: 25 lines a page, newest first, in a fixed number of queries."""

from flask import Blueprint, abort, render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from ..accounts.models import Role, User
from ..catalogue.models import Event
from ..core.actions import account_history, event_history
from ..core.navigation import BAR, event_tab
from ..core.web import page_number
from ..extensions import db

PER_PAGE = 25

bp = Blueprint("history", __name__, url_prefix="/manage")
event_tab("history.event_page", _l("History"), 200, (BAR,))  # last: the whole event's log


def _page(stmt):
    return db.paginate(stmt, page=page_number(), per_page=PER_PAGE, error_out=False)


@bp.route("/events/<int:event_id>/history")
def event_page(event_id: int):
    event = db.session.get(Event, event_id) or abort(404)
    return render_template(
        "history/event.html", event=event, pagination=_page(event_history(event.id))
    )


@bp.route("/accounts/<int:user_id>/history")
def account_page(user_id: int):
    """What an account did and what was done concerning it: for administrators, as the
    accounts' pages are."""
    if current_user.role != Role.ADMIN:
        abort(403, description=_("Only administrators manage accounts."))
    user = db.session.get(User, user_id) or abort(404)
    pagination = _page(account_history(user.id))
    event_ids = {line.event_id for line in pagination.items if line.event_id}
    events = dict(
        db.session.execute(select(Event.id, Event.title).where(Event.id.in_(event_ids))).all()
        if event_ids
        else ()
    )
    return render_template("history/account.html", user=user, pagination=pagination, events=events)
