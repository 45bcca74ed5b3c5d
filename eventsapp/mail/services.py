"""Writing emails to the outbox and sending them.

A service that wants an email sent calls ``queue_email`` in the same transaction as the change it
announces, so that neither is kept without the other. After the commit, the view (or the
``flask mail send`` command, run by cron) sends what is due with ``send_pending``. A failure keeps
the email pending with a later ``next_attempt_at`` (backing off), and after ``MAX_ATTEMPTS`` it is
marked failed. Nothing here commits.

Without ``MAIL_SERVER`` (development), "sending" writes an ``.eml`` file to ``MAIL_FOLDER``
(``instance/mail/``) and prints its path on the console.
"""

import smtplib
from datetime import datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

import click
from flask import current_app, render_template
from jinja2 import TemplateNotFound
from sqlalchemy import select

from ..extensions import db
from .models import EmailStatus, OutboxEmail

MAX_ATTEMPTS = 12
SMTP_TIMEOUT = 10  # seconds


def queue_email(
    to: str,
    subject: str,
    template: str,
    attachment: tuple[str, str, bytes] | None = None,
    **context,
) -> OutboxEmail:
    """Render ``templates/emails/<template>.txt`` (and ``.html`` if there is one) into the outbox.

    ``attachment`` is ``(filename, mimetype, content)``.
    """
    context.setdefault("site_name", current_app.config["SITE_NAME"])
    try:
        html = render_template(f"emails/{template}.html", **context)
    except TemplateNotFound:
        html = None
    email = OutboxEmail(
        to=to,
        subject=subject,
        text_body=render_template(f"emails/{template}.txt", **context),
        html_body=html,
    )
    if attachment:
        email.attachment_filename, email.attachment_mimetype, email.attachment = attachment
    db.session.add(email)
    db.session.info.setdefault("queued_emails", []).append(email)
    return email


def send_queued(now: datetime) -> bool:
    """After the commit, send the emails this session queued. True when all went out."""
    queued = db.session.info.pop("queued_emails", [])
    ids = [e.id for e in queued if e.id is not None]
    if not ids:
        return True
    sent, _failed = send_pending(now, ids=ids)
    return sent == len(ids)


def as_message(email: OutboxEmail) -> EmailMessage:
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    message["To"] = email.to
    message["Subject"] = email.subject
    message["Message-ID"] = f"<outbox-{email.id}@{current_app.config['SITE_NAME']}>"
    message.set_content(email.text_body)
    if email.html_body:
        message.add_alternative(email.html_body, subtype="html")
    if email.attachment is not None:
        maintype, _, subtype = (email.attachment_mimetype or "application/octet-stream").partition(
            "/"
        )
        message.add_attachment(
            email.attachment, maintype=maintype, subtype=subtype, filename=email.attachment_filename
        )
    return message


def _deliver(message: EmailMessage, email_id: int) -> None:
    config = current_app.config
    if not config["MAIL_SERVER"]:
        folder = Path(config["MAIL_FOLDER"])
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{email_id:06d}.eml"
        path.write_bytes(message.as_bytes())
        click.echo(f"Email to {message['To']} ({message['Subject']}) written to {path}", err=True)
        return
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=SMTP_TIMEOUT) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(message)


def retry_delay(attempts: int) -> timedelta:
    """1, 2, 4, … minutes after each failure, at most six hours."""
    return min(timedelta(minutes=2 ** (attempts - 1)), timedelta(hours=6))


def send_pending(now: datetime, ids: list[int] | None = None, limit: int = 200) -> tuple[int, int]:
    """Send the pending emails that are due (only those of ``ids`` when given).

    Rows are locked while sending (``SKIP LOCKED`` on PostgreSQL), so that a cron run and a request
    never send the same email twice. Returns (sent, failed attempts).
    """
    stmt = (
        select(OutboxEmail)
        .where(OutboxEmail.status == EmailStatus.PENDING, OutboxEmail.next_attempt_at <= now)
        .order_by(OutboxEmail.next_attempt_at, OutboxEmail.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    if ids is not None:
        stmt = stmt.where(OutboxEmail.id.in_(ids))
    sent = failed = 0
    for email in db.session.scalars(stmt).all():
        try:
            _deliver(as_message(email), email.id)
        except (OSError, smtplib.SMTPException) as error:
            email.attempts += 1
            email.last_error = f"{type(error).__name__}: {error}"[:2000]
            email.next_attempt_at = now + retry_delay(email.attempts)
            if email.attempts >= MAX_ATTEMPTS:
                email.status = EmailStatus.FAILED
            failed += 1
        else:
            email.attempts += 1
            email.status = EmailStatus.SENT
            email.sent_at = now
            sent += 1
    db.session.flush()
    return sent, failed
