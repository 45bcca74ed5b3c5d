"""What a page says after an action that queued emails (no blueprint: a helper for views)."""

from flask import flash
from flask_babel import ngettext

from ..accounts.models import utcnow
from ..extensions import db
from .services import send_queued


def send_and_say(saved_message: str) -> None:
    """Send what the request queued, and tell the person whether the emails went out."""
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
