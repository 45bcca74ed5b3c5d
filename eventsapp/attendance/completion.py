"""Who completed an event, and their certificates: its completion rule (a minimum share of the
agenda's sessions or of the event's days attended, and optionally a minimum score in the
post-test), each participant with a place measured against it, and why those who did not
complete did not. Nothing here commits.

A share is met at its boundary: with 80 % of 10 sessions needed, 8 sessions complete and 7 do
not (compared in whole numbers: attended × 100 ≥ share × of). The shares said in words are
rounded down ("5 of 8 sessions (62 %)").

Certificates are documents (``documents``): one of completion to those who meet the rule, and,
when the event wants them, one of attendance to those who attended without completing.
"""

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, union

from ..catalogue.models import Event
from ..core.clock import utcnow
from ..core.errors import InvalidInput
from ..core.links import site_url
from ..documents.models import Document, DocumentKind
from ..documents.services import issue
from ..extensions import db
from ..knowledge.services import post_test_percents_of
from ..registration.models import Registration, Status
from ..registration.notifications import notify, participant_email
from ..registration.participants import WITH_A_PLACE
from ..registration.seats import lock_event
from ..registration.statuses import change_status
from .models import AttendanceSettings, Basis, CheckIn, SessionCheckIn
from .services import event_days, event_today, saved_settings, why_no_certificates
from .sessions import countable_sessions_of, sessions_attended_of


@dataclass(frozen=True)
class Rule:
    """An event's completion rule (its settings, or the default: every day)."""

    basis: str = Basis.DAYS
    minimum_share: int = 100
    minimum_post_score: int | None = None
    attendance_certificates: bool = False

    @property
    def text(self) -> str:
        """The rule in words, in the reader's language."""
        share, score = self.minimum_share, self.minimum_post_score
        if self.basis == Basis.SESSIONS:
            if score is None:
                return _("At least %(share)d %% of the sessions", share=share)
            return _(
                "At least %(share)d %% of the sessions and %(score)d %% in the post-test",
                share=share,
                score=score,
            )
        if score is None:
            return _("At least %(share)d %% of the days", share=share)
        return _(
            "At least %(share)d %% of the days and %(score)d %% in the post-test",
            share=share,
            score=score,
        )


def rule_of(settings: AttendanceSettings | None) -> Rule:
    if settings is None or settings.basis is None:
        return Rule()
    return Rule(
        settings.basis,
        settings.minimum_share,
        settings.minimum_post_score,
        bool(settings.attendance_certificates),
    )


def completion_rule(event_id: int) -> Rule:
    return rule_of(db.session.get(AttendanceSettings, event_id))


def stated_rule(event_id: int) -> Rule | None:
    """The rule staff set for the event (to tell participants before it), or None."""
    settings = db.session.get(AttendanceSettings, event_id)
    return rule_of(settings) if settings is not None else None


def set_completion_rule(event: Event, rule: Rule) -> None:
    """Save the event's rule; a share outside 1–100 %, a score outside 1–100 % or a basis that
    is neither sessions nor days is refused."""
    if rule.basis not in set(Basis):
        raise InvalidInput("basis", _("Choose sessions or days."))
    if not isinstance(rule.minimum_share, int) or not 1 <= rule.minimum_share <= 100:
        raise InvalidInput("minimum_share", _("A share between 1 and 100 %."))
    score = rule.minimum_post_score
    if score is not None and (not isinstance(score, int) or not 1 <= score <= 100):
        raise InvalidInput("minimum_post_score", _("A score between 1 and 100 %, or none."))
    settings = saved_settings(event.id)
    settings.basis = rule.basis
    settings.minimum_share = rule.minimum_share
    settings.minimum_post_score = score
    settings.attendance_certificates = rule.attendance_certificates


def _percent(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:.1f}"


@dataclass
class Row:
    """A participant with a place measured against the rule: ``attended`` of ``of`` sessions
    or days (by the rule's basis), ``any_day`` whether they were checked in at all."""

    registration: Registration
    attended: int
    of: int
    post_score: float | None
    any_day: bool
    completed: bool = False
    reasons: list[str] = field(default_factory=list)

    @property
    def attended_without_completing(self) -> bool:
        return not self.completed and (self.attended > 0 or self.any_day)


@dataclass
class Completion:
    rule: Rule
    rows: list[Row]

    @property
    def completed(self) -> int:
        return sum(row.completed for row in self.rows)

    @property
    def participants(self) -> int:
        return len(self.rows)

    @property
    def recorded(self) -> bool:
        """Whether anyone was checked in (by day or session): until then, nobody is known to
        have completed the event or not."""
        return any(row.any_day or row.attended for row in self.rows)


def _attendance_reason(rule: Rule, attended: int, of: int) -> str | None:
    if of == 0:
        return _("the agenda has no sessions that take attendance")
    if attended * 100 >= rule.minimum_share * of:
        return None
    share = attended * 100 // of
    if rule.basis == Basis.SESSIONS:
        return _(
            "attended %(num)d of %(total)d sessions (%(share)d %%), %(minimum)d %% needed",
            num=attended,
            total=of,
            share=share,
            minimum=rule.minimum_share,
        )
    return _(
        "attended %(num)d of %(total)d days (%(share)d %%), %(minimum)d %% needed",
        num=attended,
        total=of,
        share=share,
        minimum=rule.minimum_share,
    )


def _post_test_reason(rule: Rule, score: float | None) -> str | None:
    if rule.minimum_post_score is None:
        return None
    if score is None:
        return _("did not take the post-test")
    if score >= rule.minimum_post_score:
        return None
    return _(
        "post-test %(score)s %%, %(minimum)d %% needed",
        score=_percent(score),
        minimum=rule.minimum_post_score,
    )


def _judged(rule: Rule, row: Row) -> Row:
    row.reasons = [
        reason
        for reason in (
            _attendance_reason(rule, row.attended, row.of),
            _post_test_reason(rule, row.post_score),
        )
        if reason
    ]
    row.completed = not row.reasons
    return row


def _days_attended_of(events: list[Event], now: datetime) -> dict[int, int]:
    """``{registration id: days checked in}`` counting each event's days so far (one query)."""
    last = {e.id: min(e.ends_on, event_today(e, now)) for e in events}
    first = {e.id: e.starts_on for e in events}
    rows = db.session.execute(
        select(Registration.id, Registration.event_id, CheckIn.day)
        .join(CheckIn, CheckIn.registration_id == Registration.id)
        .where(Registration.event_id.in_(list(last)), Registration.status.in_(WITH_A_PLACE))
    )
    days: dict[int, int] = {}
    for registration_id, event_id, day in rows:
        if first[event_id] <= day <= last[event_id]:
            days[registration_id] = days.get(registration_id, 0) + 1
    return days


def _completions(events: list[Event], now: datetime) -> dict[int, Completion]:
    """Each event's completion, in a fixed number of queries whatever the number of events
    and participants."""
    ids = [e.id for e in events]
    if not ids:
        return {}
    settings = {
        s.event_id: s
        for s in db.session.scalars(
            select(AttendanceSettings).where(AttendanceSettings.event_id.in_(ids))
        )
    }
    rules = {event_id: rule_of(settings.get(event_id)) for event_id in ids}
    sessions = countable_sessions_of(ids)
    by_session = sessions_attended_of(ids)
    by_day = _days_attended_of(events, now)
    people = db.session.scalars(
        select(Registration)
        .where(Registration.event_id.in_(ids), Registration.status.in_(WITH_A_PLACE))
        .order_by(Registration.name, Registration.id)
    )
    scored = [event_id for event_id, rule in rules.items() if rule.minimum_post_score is not None]
    scores = post_test_percents_of(scored) if scored else {}
    found = {event.id: Completion(rules[event.id], []) for event in events}
    length = {event.id: len(event_days(event)) for event in events}
    for registration in people:
        event_id = registration.event_id
        rule = rules[event_id]
        days = by_day.get(registration.id, 0)
        if rule.basis == Basis.SESSIONS:
            attended, of = by_session.get(registration.id, 0), len(sessions[event_id])
        else:
            attended, of = days, length[event_id]
        score = scores.get(registration.id)
        row = Row(registration, attended, of, score, days > 0)
        found[event_id].rows.append(_judged(rule, row))
    return found


def completion(event: Event, now: datetime) -> Completion:
    """Who of the event's participants with a place completed it, and why the others did
    not."""
    return _completions([event], now)[event.id]


def _checked_in(event_ids: list[int]) -> list[int]:
    """Those of the events where someone with a place was checked in, to a day or a session
    (one query, reading the check-ins rather than the registrations)."""
    of_theirs = (
        Registration.event_id.in_(event_ids),
        Registration.status.in_(WITH_A_PLACE),
    )
    days = select(Registration.event_id).join(CheckIn, CheckIn.registration_id == Registration.id)
    sessions = select(Registration.event_id).join(
        SessionCheckIn, SessionCheckIn.registration_id == Registration.id
    )
    return list(db.session.scalars(union(days.where(*of_theirs), sessions.where(*of_theirs))))


def _recorded(event_ids: list[int], now: datetime | None) -> dict[int, Completion]:
    """The completions of the events whose attendance was recorded (someone checked in): where
    nobody was, nobody is known to have completed or not, and the event is left out rather than
    counted as nobody completing. Only the events with a check-in are measured: the others'
    participants are never read."""
    if not (event_ids := _checked_in(list(event_ids))):
        return {}
    events = list(db.session.scalars(select(Event).where(Event.id.in_(event_ids))))
    found = _completions(events, now or utcnow())
    return {event_id: c for event_id, c in found.items() if c.recorded}


def completion_counts(
    event_ids: list[int], now: datetime | None = None
) -> dict[int, tuple[int, int]]:
    """``{event id: (completed, participants)}`` for many events, in a fixed number of
    queries (events whose attendance was recorded only)."""
    return completion_tallies(event_ids, now)[0]


def completion_tallies(
    event_ids: list[int], now: datetime | None = None
) -> tuple[dict[int, tuple[int, int]], dict[str, tuple[int, int]]]:
    """``(completed, participants)`` by event and by gender over the events whose attendance
    was recorded, read once, in a fixed number of queries."""
    by_event, by_gender = {}, {}
    for event_id, completion in _recorded(event_ids, now).items():
        by_event[event_id] = (completion.completed, completion.participants)
        for row in completion.rows:
            completed, participants = by_gender.get(row.registration.gender, (0, 0))
            by_gender[row.registration.gender] = (completed + row.completed, participants + 1)
    return by_event, by_gender


# ---------------------------------------------------------------- certificates

CERTIFICATE_EMAIL = participant_email(
    "certificate", _l("Your certificate of completion: %(title)s")
)
ATTENDANCE_EMAIL = participant_email(
    "certificate_attendance", _l("Your certificate of attendance: %(title)s")
)
CERTIFICATE_KINDS = (DocumentKind.CERTIFICATE, DocumentKind.ATTENDANCE_CERTIFICATE)


def certificates_of(event_id: int) -> dict[int, Document]:
    """``{registration id: certificate}`` for the event: the last of completion or of
    attendance issued to each (revoked or not); one of completion before one of attendance."""
    rows = db.session.scalars(
        select(Document)
        .join(Registration, Registration.id == Document.registration_id)
        .where(Registration.event_id == event_id, Document.kind.in_(CERTIFICATE_KINDS))
        .order_by(Document.issued_at, Document.id)
    )
    found: dict[int, Document] = {}
    for document in rows:
        held = found.get(document.registration_id)
        if held is None or held.kind == document.kind or document.kind == DocumentKind.CERTIFICATE:
            found[document.registration_id] = document
    return found


def _facts(rule: Rule, row: Row) -> dict:
    key = "sessions" if rule.basis == Basis.SESSIONS else "days"
    return {key: row.attended, "of": row.of}


@dataclass
class Issued:
    completion: int
    attendance: int


def issue_certificates(event: Event, now: datetime, staff) -> Issued:
    """A certificate of completion (emailed) for each participant with a place who meets the
    rule and, when the event wants them, a certificate of attendance to each who attended
    without completing; each is marked as attended (by ``staff``). Those who hold a
    certificate of completion (even revoked) keep it; one of attendance is followed by one of
    completion once its holder completes (a post-test entered later). Only once the event's
    first day has passed, and for confirmed dates."""
    if problem := why_no_certificates(event, now):
        raise InvalidInput("certificates", problem)
    lock_event(event.id)  # for the registrations' change of status
    result = completion(event, now)
    held = certificates_of(event.id)
    complete = [
        row
        for row in result.rows
        if row.completed
        and (
            row.registration.id not in held
            or held[row.registration.id].kind != DocumentKind.CERTIFICATE
        )
    ]
    attended = [
        row
        for row in result.rows
        if result.rule.attendance_certificates
        and row.attended_without_completing
        and row.registration.id not in held
    ]
    for kind, rows, email in (
        (DocumentKind.CERTIFICATE, complete, CERTIFICATE_EMAIL),
        (DocumentKind.ATTENDANCE_CERTIFICATE, attended, ATTENDANCE_EMAIL),
    ):
        facts = {row.registration.id: _facts(result.rule, row) for row in rows}
        for document in issue(kind, [row.registration for row in rows], now, staff, facts):
            registration = document.registration
            if registration.status == Status.APPROVED:
                change_status(registration, "attended", now, staff)
            notify(
                registration,
                email,
                certificate_url=site_url("documents.verify", code=document.code),
            )
    return Issued(len(complete), len(attended))
