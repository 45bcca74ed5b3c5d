"""What a page says after an action that queued emails (no blueprint: a helper for views)."""

from flask import flash
from flask_babel import ngettext

from ..accounts.models import utcnow
from ..extensions import db
from .services import send_queued


def send_and_say(saved_message: str) -> None:
    """Commit what the request did, send the emails it queued, and say whether they went out.

    The change is committed first: a failing mail server never loses it.
    """
    db.session.commit()
    left = send_queued(utcnow())
    db.session.commit()
    if not left:
        flash(saved_message, "success")
        return
    later = ngettext(
        "The email could not be sent just now; we will retry sending it shortly.",
        "%(num)d emails could not be sent just now; we will retry sending them shortly.",
        left,
    )
    flash(f"{saved_message} {later}", "warning")
