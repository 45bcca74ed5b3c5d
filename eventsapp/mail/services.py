"""Writing emails to the outbox, in the recipient's language.

A service that wants an email sent calls ``queue_email`` in the same transaction as the change it
announces, so that neither is kept without the other. Nothing is sent in the request: after the
commit the worker (``flask jobs worker``, see ``mail.sender``) sends what is due. On PostgreSQL
the transaction also wakes the worker (``NOTIFY``, delivered at the commit), so that the email
leaves within moments: for an email, the outbox's own trigger sends it with the row's INSERT (no
round trip of its own; migration 0042); for other work, ``wake_the_worker``. Elsewhere the worker
looks every few seconds. Nothing here commits.

Links in emails are built by ``core.links.site_url`` from the ``SITE_URL`` setting, never from the
request's Host header, which anyone can set.
"""

from flask import current_app, render_template
from flask_babel import force_locale
from jinja2 import TemplateNotFound
from sqlalchemy import text

from ..extensions import db
from .models import OutboxEmail

# The PostgreSQL channel on which a committed transaction tells the worker emails are waiting.
OUTBOX_CHANNEL = "eventsapp_outbox"


def queue_email(
    to: str,
    subject: str,
    template: str,
    locale: str | None = None,
    attachment: tuple[str, str, bytes] | None = None,
    attachments_to_make: list[dict] | None = None,
    **context,
) -> OutboxEmail:
    """Render ``templates/emails/<template>.txt`` (and ``.html`` if there is one) in ``locale``
    (the site's default when None) into the outbox.

    ``subject`` may be lazy: it is written in ``locale`` too. ``attachment`` is
    ``(filename, mimetype, content)``; ``attachments_to_make`` name files made as the email is
    sent (``mail.attachments``).
    """
    context.setdefault("site_name", current_app.config["SITE_NAME"])
    with in_language(locale):
        try:
            html = render_template(f"emails/{template}.html", **context)
        except TemplateNotFound:
            html = None
        email = OutboxEmail(
            to=to,
            # A title of the longest (300) in a longer sentence would not fit: cut, not refused.
            subject=str(subject)[: OutboxEmail.subject.type.length],
            text_body=render_template(f"emails/{template}.txt", **context),
            html_body=html,
            attachments_to_make=attachments_to_make or [],
        )
    if attachment:
        email.attachment_filename, email.attachment_mimetype, email.attachment = attachment
    db.session.add(email)  # its INSERT wakes the worker on PostgreSQL (the outbox's trigger)
    return email


def in_language(locale: str | None):
    """Within it, gettext and dates speak ``locale`` (an email's recipient's), or the site's
    default language when None."""
    return force_locale(locale or current_app.config["BABEL_DEFAULT_LOCALE"])


def wake_the_worker() -> None:
    """Once per transaction on PostgreSQL: a NOTIFY is delivered when the transaction commits,
    and never if it rolls back, for work other than email that the worker does at once (an
    email's row sends it by itself)."""
    session = db.session()
    transaction = session.get_transaction()
    if session.info.get("worker_woken_by") is transaction or db.engine.dialect.name != "postgresql":
        return
    with session.no_autoflush:  # what the transaction changes is written when it must, at once
        session.execute(text(f"NOTIFY {OUTBOX_CHANNEL}"))
    session.info["worker_woken_by"] = transaction
