"""Sending the outbox: the worker's part of the mail (``flask jobs worker``, ``flask mail send``).

Each email is marked sent in its own commit as soon as the mail server accepts it, so that a
sender stopped at any point (killed, a machine restarted) repeats at most the one email in
flight, never a batch, and loses none. Rows are locked while sending (``SKIP LOCKED`` on
PostgreSQL): two senders never take the same email.

A failure keeps the email pending with a later ``next_attempt_at`` (1, 2, 4 … minutes), and after
``MAX_ATTEMPTS`` it is marked failed. When the server cannot be reached, the first email counts a
failed attempt and the others wait for the next round: a batch waits for one timeout, not one
each. An email that cannot be written at all (bad data) is marked failed, and the others go.

Without ``MAIL_SERVER`` (development), "sending" writes an ``.eml`` file to ``MAIL_FOLDER``
(``instance/mail/``) and prints its path on the console.
"""

import re
import smtplib
from collections.abc import Callable
from contextlib import suppress
from datetime import datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import urlsplit

import click
from flask import current_app
from sqlalchemy import select

from ..core.clock import utcnow
from ..extensions import db
from .attachments import made_attachments
from .models import EmailStatus, OutboxEmail

MAX_ATTEMPTS = 12
SMTP_TIMEOUT = 10  # seconds
_HOST_NAME = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?")


def one_line(value: str) -> str:
    """A header value on one line: line breaks (and runs of spaces) become one space."""
    return " ".join(value.split())


def message_id(email: OutboxEmail) -> str:
    """The same on every attempt to send this email, so that a repeat (a sender killed after
    the server took it) can be told apart; unique across databases and sites:
    ``<outbox-42.20260115093012123456@events.example.org>``."""
    created = email.created_at.strftime("%Y%m%d%H%M%S%f")
    return f"<outbox-{email.id}.{created}@{_site_host()}>"


def _site_host() -> str:
    """The host name of SITE_URL (in ASCII), or "localhost" if it has none that fits a
    Message-ID."""
    host = urlsplit(current_app.config["SITE_URL"]).hostname or ""
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError:
        return "localhost"
    return host if _HOST_NAME.fullmatch(host) else "localhost"


def as_message(email: OutboxEmail) -> EmailMessage:
    message = EmailMessage()
    message["From"] = one_line(current_app.config["MAIL_DEFAULT_SENDER"])
    message["To"] = one_line(email.to)
    message["Subject"] = one_line(email.subject)
    message["Message-ID"] = message_id(email)
    message.set_content(email.text_body)
    if email.html_body:
        message.add_alternative(email.html_body, subtype="html")
    files = made_attachments(email.attachments_to_make)
    if email.attachment is not None:
        files.insert(0, (email.attachment_filename, email.attachment_mimetype, email.attachment))
    for filename, mimetype, content in files:
        maintype, subtype, params = content_type(mimetype)
        message.add_attachment(
            content,
            maintype=maintype,
            subtype=subtype,
            filename=one_line(filename or "attachment"),
            params=params,
        )
    return message


def content_type(mimetype: str | None) -> tuple[str, str, dict[str, str]]:
    """``"text/calendar; method=PUBLISH"`` as ``("text", "calendar", {"method": "PUBLISH",
    "charset": "utf-8"})``: text attachments (calendar files) are UTF-8, and say so, so that mail
    clients read them as written."""
    kind, *parameters = (mimetype or "application/octet-stream").split(";")
    maintype, _, subtype = kind.strip().partition("/")
    params = {}
    for parameter in parameters:
        name, _, value = parameter.partition("=")
        if name.strip() and value.strip():
            params[name.strip().lower()] = value.strip().strip('"')
    if maintype == "text":
        params.setdefault("charset", "utf-8")
    return maintype, subtype, params


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


def _next_due(now: datetime) -> OutboxEmail | None:
    return db.session.scalar(
        select(OutboxEmail)
        .where(OutboxEmail.status == EmailStatus.PENDING, OutboxEmail.next_attempt_at <= now)
        .order_by(OutboxEmail.next_attempt_at, OutboxEmail.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    )


def send_due(limit: int = 500, clock: Callable[[], datetime] = utcnow) -> tuple[int, int]:
    """Send the emails that are due, one commit each, over one SMTP connection. Returns (sent,
    failed attempts). The one place, with the worker's jobs, where mail code commits."""
    sent = failed = 0
    postman = Postman()
    try:
        for _ in range(limit):
            now = clock()
            email = _next_due(now)
            if email is None:
                break
            try:
                postman.deliver(as_message(email), email.id)
            except (OSError, smtplib.SMTPException) as error:
                _failed_attempt(email, error, now, retry=True)
                failed += 1
                db.session.commit()
                if postman.out_of_reach(error):
                    break  # the rest wait for the next round
                continue
            except Exception as error:  # retrying would fail the same way
                _failed_attempt(email, error, now, retry=False)
                failed += 1
                db.session.commit()
                postman.close()  # in whatever state the error left it
                continue
            email.attempts += 1
            email.status = EmailStatus.SENT
            email.sent_at = now
            db.session.commit()
            sent += 1
    finally:
        postman.close()
        db.session.rollback()
    return sent, failed
