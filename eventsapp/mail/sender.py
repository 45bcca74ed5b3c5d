"""Sending the outbox: the worker's part of the mail (``flask jobs worker``, ``flask mail send``).

**Parallel, each email once.** Emails go over ``MAIL_CONNECTIONS`` SMTP connections at once,
one thread each, every connection kept for many emails (opened again when the server dropped
it before an email was handed over); emails to one address go by one connection, in the order
they were queued, and the others by the connection with the fewest waiting. Emails due are
claimed in small batches, never more than three per connection in flight: one statement takes
them under ``SELECT … FOR UPDATE SKIP LOCKED`` (PostgreSQL; SQLite has one writer) and moves
their next attempt ``LEASE`` ahead, committed before any is sent, so that another sender (a
second worker) neither waits for them nor sees them as due. The threads never touch the
database: each answer of the server is recorded by the sending round in its own commit as soon
as it comes. So a sender killed (a
crash, a machine restarted) repeats at most the emails in flight, those the server took before
their commit, once each when their lease ends (with the same ``Message-ID``), and loses none; a
sender stopped by Ctrl-C or SIGTERM waits for the emails under way, records them, and gives
back those it had not begun.

A failure keeps the email pending with a later ``next_attempt_at`` (1, 2, 4 … minutes), and after
``MAX_ATTEMPTS`` it is marked failed. When the server cannot be reached, the first email counts a
failed attempt and the others wait for the next round: a batch waits for one timeout, not one
each. An email that cannot be written at all (bad data) is marked failed, and the others go.

Without ``MAIL_SERVER`` (development), "sending" writes an ``.eml`` file to ``MAIL_FOLDER``
(``instance/mail/``) and prints its path on the console.
"""

import re
import smtplib
import threading
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import urlsplit

import click
from flask import current_app
from sqlalchemy import select, update

from ..core.clock import utcnow
from ..extensions import db
from .attachments import made_attachments
from .models import EmailStatus, OutboxEmail

MAX_ATTEMPTS = 12
SMTP_TIMEOUT = 10  # seconds for each exchange with the server
# A claimed email is due again if its sending is not recorded by then (its sender was killed):
# far longer than the few exchanges of the two emails at most waiting on a connection.
LEASE = timedelta(minutes=5)
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


class _Connection(smtplib.SMTP):
    """An SMTP connection that knows whether the email being sent reached the server's DATA
    stage, after which a dropped connection may have delivered it."""

    handed_over = False

    def data(self, msg):
        self.handed_over = True
        return super().data(msg)


def _dropped(error: Exception) -> bool:
    """The server closed the connection (or said it would: 421), not: this email was refused."""
    closing = isinstance(error, smtplib.SMTPResponseException) and error.smtp_code == 421
    return closing or isinstance(error, smtplib.SMTPServerDisconnected | ConnectionError)


class Postman:
    """Delivers messages over one SMTP connection, opened on the first message and kept for the
    next ones; without ``MAIL_SERVER``, writes them to ``MAIL_FOLDER``. One thread's."""

    def __init__(self, config):
        self.config = config
        self.smtp: _Connection | None = None
        self.unreached = False  # the last delivery found no server to talk to

    def deliver(self, message: EmailMessage, email_id: int) -> None:
        """Raises OSError (an SMTPException among them: then see ``unreached``). A connection
        the server dropped since its last message (idle, or a limit of messages per connection)
        is opened again, once, when the message had not been handed over."""
        self.unreached = False
        if not self.config["MAIL_SERVER"]:
            self._write(message, email_id)
            return
        reused = self.smtp is not None
        try:
            self._send(message)
        except OSError as error:
            if not (reused and _dropped(error) and not self.smtp.handed_over):
                raise
            self.close()
            self._send(message)

    def _send(self, message: EmailMessage) -> None:
        if self.smtp is None:
            try:
                self.smtp = self._connect()
            except OSError:
                self.unreached = True
                raise
        self.smtp.handed_over = False
        self.smtp.send_message(message)

    def _write(self, message: EmailMessage, email_id: int) -> None:
        folder = Path(self.config["MAIL_FOLDER"])
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{email_id:06d}.eml"
        path.write_bytes(message.as_bytes())
        click.echo(f"Email to {message['To']} ({message['Subject']}) written to {path}", err=True)

    def _connect(self) -> _Connection:
        config = self.config
        smtp = _Connection(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=SMTP_TIMEOUT)
        try:
            if config["MAIL_USE_TLS"]:
                smtp.starttls()
            if config["MAIL_USERNAME"]:
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        except BaseException:
            smtp.close()
            raise
        return smtp

    def close(self) -> None:
        if self.smtp is not None:
            with suppress(OSError):
                self.smtp.quit()
            self.smtp.close()
            self.smtp = None


@dataclass(frozen=True)
class Outcome:
    """What became of one email given to a connection."""

    error: Exception | None = None
    retry: bool = True  # the error may pass (refused now, the server away)
    unreached: bool = False  # no connection to the server could be opened
    begun: bool = True  # False: the sender was stopping and never tried it


NOT_BEGUN = Outcome(begun=False)


class Postmen:
    """A ``Postman`` per sending thread, each with its connection; ``stopping`` makes the
    threads take no more emails (the round was interrupted)."""

    def __init__(self, config):
        self.config = {k: v for k, v in config.items() if k.startswith("MAIL_")}
        self.local = threading.local()
        self.all: list[Postman] = []
        self.lock = threading.Lock()
        self.stopping = threading.Event()

    def _mine(self) -> Postman:
        postman = getattr(self.local, "postman", None)
        if postman is None:
            postman = self.local.postman = Postman(self.config)
            with self.lock:
                self.all.append(postman)
        return postman

    def send(self, message: EmailMessage, email_id: int) -> Outcome:
        """Run in a sending thread: never touches the database."""
        if self.stopping.is_set():
            return NOT_BEGUN
        postman = self._mine()
        try:
            postman.deliver(message, email_id)
        except OSError as error:
            return Outcome(error, unreached=postman.unreached)
        except Exception as error:  # retrying would fail the same way
            postman.close()  # in whatever state the error left it
            return Outcome(error, retry=False)
        except BaseException:  # the sender is being stopped: no other email begins
            self.stopping.set()
            raise
        return Outcome()

    def close(self) -> None:
        for postman in self.all:
            postman.close()


def retry_delay(attempts: int) -> timedelta:
    """1, 2, 4, … minutes after each failure, at most six hours."""
    return min(timedelta(minutes=2 ** (attempts - 1)), timedelta(hours=6))


def _failed_attempt(email: OutboxEmail, error: Exception, now: datetime, retry: bool) -> None:
    email.attempts += 1
    email.last_error = f"{type(error).__name__}: {error}"[:2000]
    email.next_attempt_at = now + retry_delay(email.attempts)
    if not retry or email.attempts >= MAX_ATTEMPTS:
        email.status = EmailStatus.FAILED


def claim(now: datetime, batch: int) -> list[OutboxEmail]:
    """Up to ``batch`` emails due, leased to this sender (not committed yet)."""
    due = (
        select(OutboxEmail.id)
        .where(OutboxEmail.status == EmailStatus.PENDING, OutboxEmail.next_attempt_at <= now)
        .order_by(OutboxEmail.next_attempt_at, OutboxEmail.id)
        .limit(batch)
        .with_for_update(skip_locked=True)
    )
    claimed = db.session.scalars(
        update(OutboxEmail)
        .where(OutboxEmail.id.in_(due.scalar_subquery()))
        .values(next_attempt_at=now + LEASE)
        .returning(OutboxEmail),
        execution_options={"synchronize_session": False},
    ).all()
    return sorted(claimed, key=lambda email: email.id)


@dataclass(frozen=True)
class Claimed:
    """An email handed to a line: what recording its outcome needs."""

    id: int
    attempts: int
    at: datetime  # when it was claimed
    line: int
    address: str


class _Round:
    """One call of ``send_due``: claims, hands the emails to the connections' threads, and
    records each answer in its own commit."""

    def __init__(self, limit: int, clock: Callable[[], datetime]):
        config = current_app.config
        self.connections = config["MAIL_CONNECTIONS"]
        self.postmen = Postmen(config)
        # One thread per connection, each taking its emails in order: those to one address go
        # by one connection, in the order they were queued (a waiting list's place, then the
        # seat offered).
        self.lines = [
            ThreadPoolExecutor(1, thread_name_prefix=f"mail-{n}") for n in range(self.connections)
        ]
        self.clock = clock
        self.left = limit  # emails this round may still claim
        self.sending: dict[Future, Claimed] = {}
        self.load = [0] * self.connections  # emails waiting on each line, or under way
        self.in_flight: dict[str, tuple[int, int]] = {}  # address: its line, how many
        self.reachable = True
        self.sent = self.failed = 0

    def run(self) -> None:
        while True:
            if self.reachable and self.left and len(self.sending) <= 2 * self.connections:
                self._claim()
            if not self.sending:
                return
            done, _ = wait(self.sending, return_when=FIRST_COMPLETED)
            for future in done:
                outcome = future.result()  # raises what stopped a thread (then see close)
                self._record(self.sending.pop(future), outcome)

    def _claim(self) -> None:
        now = self.clock()
        wanted = min(3 * self.connections - len(self.sending), self.left)
        emails = claim(now, wanted)
        if len(emails) < wanted:
            self.left = 0  # the outbox is empty for now: the next round takes what comes
        else:
            self.left -= len(emails)
        handed = []
        for email in emails:
            try:
                message = as_message(email)
            except Exception as error:  # an email that cannot be written at all
                _failed_attempt(email, error, now, retry=False)
                self.failed += 1
                continue
            handed.append((message, email.id, email.attempts, email.to.lower()))
        db.session.commit()  # the lease, before any is sent
        for message, email_id, attempts, address in handed:
            claimed = Claimed(email_id, attempts, now, self._line_for(address), address)
            line = self.lines[claimed.line]
            self.sending[line.submit(self.postmen.send, message, email_id)] = claimed

    def _line_for(self, address: str) -> int:
        """The line of the address's emails in flight (so that they keep their order), or the
        least loaded."""
        line, count = self.in_flight.get(address, (None, 0))
        if line is None:
            line = min(range(self.connections), key=self.load.__getitem__)
        self.in_flight[address] = (line, count + 1)
        self.load[line] += 1
        return line

    def _record(self, claimed: Claimed, outcome: Outcome) -> None:
        email_id, attempts, claimed_at = claimed.id, claimed.attempts, claimed.at
        self.load[claimed.line] -= 1
        line, count = self.in_flight.pop(claimed.address)
        if count > 1:
            self.in_flight[claimed.address] = (line, count - 1)
        now = self.clock()
        if outcome.error is None and outcome.begun:
            values = {"status": EmailStatus.SENT, "sent_at": now, "attempts": attempts + 1}
            self.sent += 1
        elif not outcome.begun or (outcome.unreached and not self.reachable):
            values = {"next_attempt_at": claimed_at}  # given back, not tried: the next round's
        else:
            attempts += 1
            values = {
                "attempts": attempts,
                "last_error": f"{type(outcome.error).__name__}: {outcome.error}"[:2000],
                "next_attempt_at": now + retry_delay(attempts),
            }
            if not outcome.retry or attempts >= MAX_ATTEMPTS:
                values["status"] = EmailStatus.FAILED
            self.failed += 1
            if outcome.unreached:
                self._unreachable()
        db.session.execute(update(OutboxEmail).where(OutboxEmail.id == email_id).values(values))
        db.session.commit()

    def _unreachable(self) -> None:
        """The server cannot be reached: the emails not begun wait for the next round."""
        self.reachable = False
        for future in list(self.sending):
            if future.cancel():
                self._record(self.sending.pop(future), NOT_BEGUN)

    def close(self) -> None:
        """Whatever happened: the threads take no more emails, those under way end and are
        recorded, and those never begun are given back."""
        self.postmen.stopping.set()
        for line in self.lines:
            line.shutdown(wait=False, cancel_futures=True)
        for line in self.lines:
            line.shutdown(wait=True)
        db.session.rollback()
        with suppress(Exception):  # the database may be what failed
            while self.sending:
                future, claimed = self.sending.popitem()
                ended = not future.cancelled() and future.exception() is None
                self._record(claimed, future.result() if ended else NOT_BEGUN)
        self.postmen.close()
        db.session.rollback()


def send_due(limit: int = 500, clock: Callable[[], datetime] = utcnow) -> tuple[int, int]:
    """Send the emails that are due, at most ``limit``, over ``MAIL_CONNECTIONS`` connections,
    each recorded in its own commit. Returns (sent, failed attempts). The one place, with the
    worker's jobs, where mail code commits."""
    sending = _Round(limit, clock)
    try:
        sending.run()
    finally:
        sending.close()
    return sending.sent, sending.failed
