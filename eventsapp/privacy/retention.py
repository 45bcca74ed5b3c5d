"""Retention: what is deleted once it has served, by a daily job (``cron.py``) that writes in
the action log how much it removed of each kind.

- Travel details and needs (arrival and departure, accessibility and dietary needs, a visa
  letter asked for) ``travel_days`` after the event's end: logistics are over.
- Answers to registration questions and the files sent with them, and internships' final
  report files, ``answers_years`` after the event's (the request's window's) end.
- Requests never confirmed by their contact, ``unconfirmed_days`` after they were sent
  (registrations never confirmed go sooner, after 48 hours: ``registration.services``).
- Emails sent (and the texts of those given up), ``email_days`` after they were queued: they
  hold sign-in and confirmation links and the texts sent to each person. (Sessions hold
  nothing on the server: they are signed cookies that end at sign-out and after
  ``REMEMBER_COOKIE_DURATION``.)

What statistics count (status, role, gender, country, organisation, attendance) is never
touched.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, or_, select, update

from ..authority_requests.models import AuthorityRequest
from ..authority_requests.services import REPORTS
from ..catalogue.models import Event
from ..core.actions import describe, log_action
from ..core.uploads import remove_after_commit
from ..extensions import db
from ..mail.models import EmailStatus, OutboxEmail
from ..registration.models import Registration
from ..registration.uploads import files_of
from ..travel.letters import forget_letters_identity
from ..travel.models import TravelChange, TravelFile

APPLIED = describe(
    "retention.applied",
    _l(
        "Applied the retention rules: travel details of %(travel)s registrations, answers of "
        "%(answers)s registrations, %(report_files)s report files, %(unconfirmed_requests)s "
        "requests never confirmed and %(emails)s emails deleted"
    ),
)


@dataclass(frozen=True)
class Rules:
    travel_days: int = 90
    answers_years: int = 5
    unconfirmed_days: int = 10
    email_days: int = 30

    @classmethod
    def from_settings(cls, config) -> "Rules":
        return cls(
            config["RETENTION_TRAVEL_DAYS"],
            config["RETENTION_ANSWERS_YEARS"],
            config["RETENTION_UNCONFIRMED_DAYS"],
            config["RETENTION_EMAIL_DAYS"],
        )


def apply_retention(now: datetime, rules: Rules) -> dict[str, int]:
    """Delete what the rules let go at ``now``; log it when anything went. Never commits."""
    today = now.date()
    removed = {
        "travel": _forget_travel(today - timedelta(days=rules.travel_days), now),
        "answers": _forget_answers(_years_before(today, rules.answers_years)),
        "report_files": _forget_report_files(_years_before(today, rules.answers_years)),
        "unconfirmed_requests": db.session.execute(
            delete(AuthorityRequest).where(
                AuthorityRequest.confirmed_at.is_(None),
                AuthorityRequest.created_at < now - timedelta(days=rules.unconfirmed_days),
            )
        ).rowcount,
        "emails": _forget_emails(now - timedelta(days=rules.email_days)),
    }
    if any(removed.values()):
        log_action(None, APPLIED, None, removed, at=now, label="")
    return removed


def _forget_emails(before: datetime) -> int:
    """Emails sent before ``before`` are deleted; those given up keep their row, emptied, so
    that a message still counts them as not delivered."""
    old = OutboxEmail.created_at < before
    sent = delete(OutboxEmail).where(old, OutboxEmail.status == EmailStatus.SENT)
    failed = (
        update(OutboxEmail)
        .where(old, OutboxEmail.status == EmailStatus.FAILED, OutboxEmail.text_body != "")
        .values(
            text_body="",
            html_body=None,
            attachment=None,
            attachment_filename=None,
            attachments_to_make=[],
            last_error=None,
        )
    )
    return db.session.execute(sent).rowcount + db.session.execute(failed).rowcount


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _ended_before(day: date):
    return select(Event.id).where(Event.ends_on < day).scalar_subquery()


def _forget_travel(ended_before: date, now: datetime) -> int:
    """Travel details and needs on the registrations, and the travel files (with their
    passport data) and the changes asked to them."""
    ended = select(Registration.id).where(Registration.event_id.in_(_ended_before(ended_before)))
    forget_letters_identity(list(db.session.scalars(ended)), now)
    files = db.session.execute(
        delete(TravelFile).where(TravelFile.registration_id.in_(ended))
    ).rowcount
    db.session.execute(delete(TravelChange).where(TravelChange.registration_id.in_(ended)))
    return (
        files
        + db.session.execute(
            update(Registration)
            .where(
                Registration.event_id.in_(_ended_before(ended_before)),
                or_(
                    Registration.arrival_on.is_not(None),
                    Registration.departure_on.is_not(None),
                    Registration.accessibility_needs != "",
                    Registration.dietary_needs != "",
                    Registration.visa_letter.is_(True),
                ),
            )
            .values(
                arrival_on=None,
                departure_on=None,
                accessibility_needs="",
                dietary_needs="",
                visa_letter=False,
            )
            .execution_options(synchronize_session=False)
        ).rowcount
    )


def _forget_answers(ended_before: date) -> int:
    rows = db.session.execute(
        select(Registration.id, Registration.event_id, Registration.answers).where(
            Registration.event_id.in_(_ended_before(ended_before))
        )
    ).all()
    answered = [(id_, event_id, answers) for id_, event_id, answers in rows if answers]
    for _id, event_id, answers in answered:
        remove_after_commit(db.session(), files_of(event_id, answers.values()))
    if answered:
        db.session.execute(
            update(Registration)
            .where(Registration.id.in_([id_ for id_, _e, _a in answered]))
            .values(answers={})
            .execution_options(synchronize_session=False)
        )
    return len(answered)


def _forget_report_files(ended_before: date) -> int:
    requests = db.session.scalars(
        select(AuthorityRequest).where(
            AuthorityRequest.ends_on < ended_before, AuthorityRequest.report_stored_as.is_not(None)
        )
    ).all()
    for request in requests:
        remove_after_commit(db.session(), REPORTS.paths([request.report_stored_as]))
        request.report_stored_as = request.report_filename = None
    return len(requests)
