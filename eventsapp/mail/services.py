"""Writing emails to the outbox and sending them.

A service that wants an email sent calls ``queue_email`` in the same transaction as the change it
announces, so that neither is kept without the other. After the commit, the view (or the
``flask mail send`` command, run by cron) sends what is due with ``send_pending``, over one SMTP
connection. A failure keeps the email pending with a later ``next_attempt_at`` (backing off), and
after ``MAX_ATTEMPTS`` it is marked failed. Nothing here commits.

Links in emails are built by ``absolute_url`` from the ``SITE_URL`` setting, never from the
request's Host header, which anyone can set.

Without ``MAIL_SERVER`` (development), "sending" writes an ``.eml`` file to ``MAIL_FOLDER``
(``instance/mail/``) and prints its path on the console.
"""

import smtplib
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import urlsplit

import click
from flask import current_app, has_request_context, render_template, url_for
from flask.globals import app_ctx, request_ctx
from jinja2 import TemplateNotFound
from sqlalchemy import select

from ..extensions import db
from .models import EmailStatus, OutboxEmail

MAX_ATTEMPTS = 12
SMTP_TIMEOUT = 10  # seconds


@contextmanager
def links_to_site() -> Iterator[None]:
    """Within it, ``url_for(..., _external=True)`` builds links to ``SITE_URL`` (for emails and
    their attachments), whatever the Host header of the request."""
    site = urlsplit(current_app.config["SITE_URL"])
    adapter = current_app.url_map.bind(
        site.netloc, script_name=site.path or "/", url_scheme=site.scheme
    )
    context = (request_ctx if has_request_context() else app_ctx)._get_current_object()
    kept, context.url_adapter = context.url_adapter, adapter
    try:
        yield
    finally:
        context.url_adapter = kept


def absolute_url(endpoint: str, **values) -> str:
    """A link for an email: ``SITE_URL`` followed by the endpoint's path."""
    with links_to_site():
        return url_for(endpoint, _external=True, **values)


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


def send_queued(now: datetime) -> int:
    """After the commit, send the emails this session queued; how many are left to send later."""
    queued = db.session.info.pop("queued_emails", [])
    ids = [e.id for e in queued if e.id is not None]
    if not ids:
        return 0
    sent, _failed = send_pending(now, ids=ids)
    return len(ids) - sent


def one_line(value: str) -> str:
    """A header value on one line: line breaks (and runs of spaces) become one space."""
    return " ".join(value.split())


def as_message(email: OutboxEmail) -> EmailMessage:
    message = EmailMessage()
    message["From"] = one_line(current_app.config["MAIL_DEFAULT_SENDER"])
    message["To"] = one_line(email.to)
    message["Subject"] = one_line(email.subject)
    message["Message-ID"] = f"<outbox-{email.id}@{one_line(current_app.config['SITE_NAME'])}>"
    message.set_content(email.text_body)
    if email.html_body:
        message.add_alternative(email.html_body, subtype="html")
    if email.attachment is not None:
        maintype, _, subtype = (email.attachment_mimetype or "application/octet-stream").partition(
            "/"
        )
        message.add_attachment(
            email.attachment,
            maintype=maintype,
            subtype=subtype,
            filename=one_line(email.attachment_filename or "attachment"),
        )
    return message


class Postman:
    """Delivers messages over one SMTP connection, opened on the first message; without
    ``MAIL_SERVER``, writes them to ``MAIL_FOLDER``."""

    def __init__(self):
        self.config = current_app.config
        self.smtp: smtplib.SMTP | None = None

    def deliver(self, message: EmailMessage, email_id: int) -> None:
        """Raises OSError or an SMTPException (then see ``out_of_reach``)."""
        if not self.config["MAIL_SERVER"]:
            self._write(message, email_id)
            return
        if self.smtp is None:
            self.smtp = self._connect()
        self.smtp.send_message(message)

    def _write(self, message: EmailMessage, email_id: int) -> None:
        folder = Path(self.config["MAIL_FOLDER"])
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{email_id:06d}.eml"
        path.write_bytes(message.as_bytes())
        click.echo(f"Email to {message['To']} ({message['Subject']}) written to {path}", err=True)

    def _connect(self) -> smtplib.SMTP:
        config = self.config
        smtp = smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=SMTP_TIMEOUT)
        try:
            if config["MAIL_USE_TLS"]:
                smtp.starttls()
            if config["MAIL_USERNAME"]:
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        except BaseException:
            smtp.close()
            raise
        return smtp

    def out_of_reach(self, error: Exception) -> bool:
        """Whether the error means no message can go now (rather than: this one was refused)."""
        connected = self.smtp is not None or not self.config["MAIL_SERVER"]
        return isinstance(error, OSError | smtplib.SMTPServerDisconnected) or not connected

    def close(self) -> None:
        if self.smtp is not None:
            with suppress(OSError, smtplib.SMTPException):
                self.smtp.quit()
            self.smtp.close()
            self.smtp = None


def retry_delay(attempts: int) -> timedelta:
    """1, 2, 4, … minutes after each failure, at most six hours."""
    return min(timedelta(minutes=2 ** (attempts - 1)), timedelta(hours=6))


def _failed_attempt(email: OutboxEmail, error: Exception, now: datetime, retry: bool) -> None:
    email.attempts += 1
    email.last_error = f"{type(error).__name__}: {error}"[:2000]
    email.next_attempt_at = now + retry_delay(email.attempts)
    if not retry or email.attempts >= MAX_ATTEMPTS:
        email.status = EmailStatus.FAILED


def send_pending(now: datetime, ids: list[int] | None = None, limit: int = 200) -> tuple[int, int]:
    """Send the pending emails that are due (only those of ``ids`` when given), over one SMTP
    connection.

    When the server cannot be reached, the first email counts a failed attempt and the others
    stay due for the next run (``flask mail send``): a batch waits for one timeout, not one each.
    An email that cannot be written at all (a bug, bad data) is marked failed, and the others go.
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
    postman = Postman()
    try:
        for email in db.session.scalars(stmt).all():
            try:
                postman.deliver(as_message(email), email.id)
            except (OSError, smtplib.SMTPException) as error:
                _failed_attempt(email, error, now, retry=True)
                failed += 1
                if postman.out_of_reach(error):
                    break  # the rest wait for the next run
            except Exception as error:  # retrying would fail the same way
                _failed_attempt(email, error, now, retry=False)
                failed += 1
                postman.close()  # in whatever state the error left it
            else:
                email.attempts += 1
                email.status = EmailStatus.SENT
                email.sent_at = now
                sent += 1
    finally:
        postman.close()
    db.session.flush()
    return sent, failed
