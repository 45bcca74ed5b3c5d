"""Follow-up surveys sent, reminded and answered: who receives them (those who took part),
the worker's periods due, the link, the answers, and the figures others build on
(``response_counts``, ``follow_up_summaries``, ``non_responders``)."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.orm import joinedload

from ..attendance.models import CheckIn
from ..catalogue.models import Event, EventStatus
from ..core.errors import InvalidInput
from ..core.i18n import ERASED_DOMAIN
from ..core.links import site_url
from ..core.locks import added_unless_taken, reread_locked
from ..core.questions import Summary, read_answers
from ..core.tokens import FOLLOW_UP
from ..extensions import db
from ..registration.models import Registration, Status
from ..registration.notifications import notify, participant_email
from ..registration.participants import WITH_A_PLACE
from .models import FollowUpSurvey
from .questions import questions_by_programme, survey_questions
from .schedule import due_on, schedule_of, schedules

# A period due longer ago than this is not sent by the worker (switching surveys on for an old
# programme would otherwise mail people about events of years ago); staff may send it by hand.
SEND_WITHIN = timedelta(days=60)
REMIND_AFTER = timedelta(days=14)

SURVEY_EMAIL = participant_email("follow_up", _l("A few months after %(title)s: a short survey"))
REMINDER_EMAIL = participant_email(
    "follow_up_reminder", _l("Reminder: a short survey about %(title)s")
)


# ---------------------------------------------------------------- who receives it


def _not_erased():
    return ~Registration.email.endswith("@" + ERASED_DOMAIN)


def _took_part(event_id: int):
    """Attended, or checked in at least once; approved too when the event recorded no
    check-in at all. Never the withdrawn, declined or erased."""
    anyone_checked_in = db.session.scalar(
        select(
            exists().where(
                CheckIn.registration_id == Registration.id, Registration.event_id == event_id
            )
        )
    )
    checked_in = exists().where(CheckIn.registration_id == Registration.id)
    came = Registration.status == Status.ATTENDED
    if anyone_checked_in:
        came = or_(came, and_(Registration.status == Status.APPROVED, checked_in))
    else:
        came = Registration.status.in_(WITH_A_PLACE)
    return and_(Registration.event_id == event_id, came, _not_erased())


def recipients(event_id: int) -> list[Registration]:
    """Those who took part in the event, by name."""
    return list(
        db.session.scalars(
            select(Registration)
            .where(_took_part(event_id))
            .order_by(Registration.name, Registration.id)
        )
    )


# ---------------------------------------------------------------- sending


def survey_token(survey: FollowUpSurvey) -> str:
    return FOLLOW_UP.sign({"r": survey.registration_id, "m": survey.months})


def survey_url(survey: FollowUpSurvey) -> str:
    return site_url("followup.survey_page", token=survey_token(survey))


def _already_sent(event_id: int, months: int) -> set[int]:
    return set(
        db.session.scalars(
            select(FollowUpSurvey.registration_id)
            .join(Registration, Registration.id == FollowUpSurvey.registration_id)
            .where(Registration.event_id == event_id, FollowUpSurvey.months == months)
        )
    )


def send_period(event: Event, months: int, now: datetime) -> int:
    """Email the period's survey to those who took part and were not sent it yet (once each:
    a row another transaction has just added is left to it); returns how many were emailed."""
    sent = _already_sent(event.id, months)
    emailed = 0
    for registration in recipients(event.id):
        if registration.id in sent:
            continue
        survey = FollowUpSurvey(registration_id=registration.id, months=months, sent_at=now)
        if not added_unless_taken(survey):
            continue
        notify(registration, SURVEY_EMAIL, survey_url=survey_url(survey), months=months)
        emailed += 1
    return emailed


def _remind(survey: FollowUpSurvey, now: datetime) -> None:
    survey.reminded_at = now
    notify(
        survey.registration,
        REMINDER_EMAIL,
        survey_url=survey_url(survey),
        months=survey.months,
        sent_on=survey.sent_at.date(),
    )


def remind_period(event: Event, months: int, now: datetime) -> int:
    """Staff's "send a reminder now": to every participant who has not answered the period."""
    unanswered = unanswered_surveys(event.id, months)
    for survey in unanswered:
        _remind(survey, now)
    return len(unanswered)


def periods_due(event: Event, months: tuple[int, ...], today: date) -> list[int]:
    """The periods the worker sends: due, and not longer ago than ``SEND_WITHIN``."""
    return [m for m in months if today - SEND_WITHIN < due_on(event, m) <= today]


def events_due(now: datetime) -> list[tuple[Event, list[int]]]:
    """Events with a period the worker sends today, with those periods: the events that ended
    within the longest period (and the margin) are read, and their schedules, in two queries."""
    today = now.date()
    earliest = today - timedelta(days=36 * 31) - SEND_WITHIN
    events = list(
        db.session.scalars(
            select(Event)
            .where(
                Event.ends_on >= earliest,
                Event.ends_on < today,
                Event.status.not_in((EventStatus.CANCELLED, EventStatus.POSTPONED)),
            )
            .order_by(Event.ends_on, Event.id)
        )
    )
    found = schedules(events)
    due = [(event, periods_due(event, found[event.id].months, today)) for event in events]
    return [(event, months) for event, months in due if months]


def send_due_reminders(now: datetime) -> int:
    """The worker's one reminder, 14 days after a survey went, to who has not answered (and
    still took part); surveys sent longer ago than the sending margin are left alone."""
    surveys = db.session.scalars(
        select(FollowUpSurvey)
        .join(Registration, Registration.id == FollowUpSurvey.registration_id)
        .where(
            FollowUpSurvey.sent_at <= now - REMIND_AFTER,
            FollowUpSurvey.sent_at > now - REMIND_AFTER - SEND_WITHIN,
            FollowUpSurvey.reminded_at.is_(None),
            FollowUpSurvey.answered_at.is_(None),
            Registration.status.in_(WITH_A_PLACE),
            _not_erased(),
        )
        .options(joinedload(FollowUpSurvey.registration))
        .order_by(FollowUpSurvey.id)
    ).all()
    for survey in surveys:
        _remind(survey, now)
    return len(surveys)


# ---------------------------------------------------------------- answering


def survey_of_token(token: str) -> FollowUpSurvey | None:
    """The survey a link names, while its participant still took part (not withdrawn or
    erased); None for a forged or unknown link."""
    value = FOLLOW_UP.read(token)
    if not isinstance(value, dict):
        return None
    registration_id, months = value.get("r"), value.get("m")
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (registration_id, months)):
        return None
    survey = db.session.scalar(
        select(FollowUpSurvey).where(
            FollowUpSurvey.registration_id == registration_id, FollowUpSurvey.months == months
        )
    )
    registration = survey.registration if survey else None
    if registration is None or registration.status not in WITH_A_PLACE:
        return None
    if registration.email.endswith("@" + ERASED_DOMAIN):
        return None
    return survey


def questions_for(survey: FollowUpSurvey) -> list:
    return survey_questions(survey.registration.event.programme_id)


def submit_answers(survey: FollowUpSurvey, given: dict, now: datetime) -> None:
    """Keep a participant's answers (``given``: ``{field name: value}``), once: a second
    answer (a second click, a second tab) is refused."""
    reread_locked(survey)
    if survey.answered_at is not None:
        raise InvalidInput("answered", _("Thank you, we have your answers."))
    survey.answers = read_answers(questions_for(survey), given)
    survey.answered_at = now


# ---------------------------------------------------------------- figures


@dataclass(frozen=True)
class FollowUpCount:
    months: int
    sent: int
    answered: int

    @property
    def rate(self) -> float | None:
        """The share who answered, in percent (None before anyone was sent it)."""
        return round(100 * self.answered / self.sent, 1) if self.sent else None


def response_counts(event_ids) -> dict[int, list[FollowUpCount]]:
    """Per event, one count per period (scheduled, or sent before the schedule changed), in
    order of months. Three queries whatever the number of events."""
    event_ids = list(event_ids)
    if not event_ids:
        return {}
    events = db.session.scalars(select(Event).where(Event.id.in_(event_ids))).all()
    planned = schedules(events)
    rows = db.session.execute(
        select(
            Registration.event_id,
            FollowUpSurvey.months,
            func.count(),
            func.sum(case((FollowUpSurvey.answered_at.is_not(None), 1), else_=0)),
        )
        .join(Registration, Registration.id == FollowUpSurvey.registration_id)
        .where(Registration.event_id.in_(event_ids))
        .group_by(Registration.event_id, FollowUpSurvey.months)
    )
    counted = {(e, m): (sent, int(answered or 0)) for e, m, sent, answered in rows}
    counts = {}
    for event in events:
        periods = set(planned[event.id].months) | {m for e, m in counted if e == event.id}
        counts[event.id] = [
            FollowUpCount(m, *counted.get((event.id, m), (0, 0))) for m in sorted(periods)
        ]
    return counts


def response_by_gender(event_ids) -> dict[str, tuple[int, int]]:
    """``{gender: (sent, answered)}`` over every period of these events; one query."""
    rows = db.session.execute(
        select(
            Registration.gender,
            func.count(),
            func.sum(case((FollowUpSurvey.answered_at.is_not(None), 1), else_=0)),
        )
        .join(Registration, Registration.id == FollowUpSurvey.registration_id)
        .where(Registration.event_id.in_(list(event_ids)))
        .group_by(Registration.gender)
    )
    return {gender: (sent, int(answered or 0)) for gender, sent, answered in rows}


def periods_of(event_ids, also=()) -> list[int]:
    """Every period of these events, in order: scheduled (their programme's or their own) or
    sent, with ``also`` (a programme's months, which may have no event yet)."""
    months = set(also)
    for counts in response_counts(event_ids).values():
        months.update(c.months for c in counts)
    return sorted(months)


def _answered_rows(event_ids, months: int | None):
    query = (
        select(FollowUpSurvey, Registration.name)
        .join(Registration, Registration.id == FollowUpSurvey.registration_id)
        .where(Registration.event_id.in_(list(event_ids)), FollowUpSurvey.answered_at.is_not(None))
        .order_by(FollowUpSurvey.months, FollowUpSurvey.answered_at, FollowUpSurvey.id)
    )
    if months is not None:
        query = query.where(FollowUpSurvey.months == months)
    return db.session.execute(query).all()


def period_summaries(event_ids, months: int | None = None) -> list[Summary]:
    """The question engine's summaries of the answers to these events' surveys (of one period,
    or all): counts, means, and texts with who wrote them; each programme's questions (or the
    built-in ones) once. Three queries."""
    event_ids = list(event_ids)
    if not event_ids:
        return []
    programmes = db.session.scalars(
        select(Event.programme_id).where(Event.id.in_(event_ids)).distinct()
    ).all()
    asked = questions_by_programme(programmes)
    rows = _answered_rows(event_ids, months)
    summaries, seen = [], set()
    for programme_id in sorted(asked, key=lambda p: (p is None, p or 0)):
        for question in asked[programme_id]:
            if question.key in seen:
                continue
            seen.add(question.key)
            # Keys are the stored questions' ids or the built-in ones' words: an answer's keys
            # are those of the questions it was given to.
            given = [
                (name, survey.answers[question.key])
                for survey, name in rows
                if question.key in survey.answers
            ]
            summaries.append(question.kind_rules.summarise(question, given))
    return summaries


def follow_up_summaries(event_ids) -> list[Summary]:
    """The answers to these events' follow-up surveys, every period, summarised per question."""
    return period_summaries(event_ids)


def unanswered_surveys(event_id: int, months: int) -> list[FollowUpSurvey]:
    """The period's surveys sent and not answered, of those who still took part, by name, with
    their registration, organisation and country: one query."""
    return list(
        db.session.scalars(
            select(FollowUpSurvey)
            .join(Registration, Registration.id == FollowUpSurvey.registration_id)
            .where(
                Registration.event_id == event_id,
                FollowUpSurvey.months == months,
                FollowUpSurvey.answered_at.is_(None),
                Registration.status.in_(WITH_A_PLACE),
                _not_erased(),
            )
            .options(
                joinedload(FollowUpSurvey.registration).joinedload(Registration.organisation),
                joinedload(FollowUpSurvey.registration).joinedload(Registration.country),
            )
            .order_by(Registration.name, Registration.id)
        )
    )


def non_responders(event_id: int, months: int) -> list[Registration]:
    """Who was sent the period's survey and has not answered, by name."""
    return [survey.registration for survey in unanswered_surveys(event_id, months)]


def not_sent_count(event: Event, months: int) -> int:
    """How many who took part were not sent the period's survey yet."""
    return db.session.scalar(
        select(func.count())
        .select_from(Registration)
        .where(
            _took_part(event.id),
            ~exists().where(
                FollowUpSurvey.registration_id == Registration.id, FollowUpSurvey.months == months
            ),
        )
    )


def survey_export(event: Event) -> tuple[list[str], list[list]]:
    """Every survey of the event one a row: who, the period, when sent, reminded, answered,
    and the answers (for XLSX)."""
    questions = survey_questions(event.programme_id)
    surveys = db.session.scalars(
        select(FollowUpSurvey)
        .join(Registration, Registration.id == FollowUpSurvey.registration_id)
        .where(Registration.event_id == event.id)
        .options(
            joinedload(FollowUpSurvey.registration).joinedload(Registration.organisation),
            joinedload(FollowUpSurvey.registration).joinedload(Registration.country),
        )
        .order_by(FollowUpSurvey.months, Registration.name, Registration.id)
    ).all()
    header = [
        _("Months after"),
        _("Participant"),
        _("Organisation"),
        _("Country"),
        _("Sent on"),
        _("Reminded on"),
        _("Answered on"),
        *(str(q.label) for q in questions),
    ]
    rows = [
        [
            s.months,
            s.registration.name,
            s.registration.organisation.display_name if s.registration.organisation else "",
            s.registration.country.name,
            s.sent_at,
            s.reminded_at or "",
            s.answered_at or "",
            *(q.kind_rules.export(s.answers.get(q.key)) for q in questions),
        ]
        for s in surveys
    ]
    return header, rows


def survey_periods(event: Event, today: date) -> list[dict]:
    """What the event's page shows per period: its due day, counts, whether it may be sent now
    (due, someone not sent yet) and who has not answered."""
    counts = {c.months: c for c in response_counts([event.id]).get(event.id, [])}
    planned = schedule_of(event).months
    periods = []
    for months in sorted(set(planned) | set(counts)):
        due = due_on(event, months)
        periods.append(
            {
                "months": months,
                "due": due,
                "count": counts.get(months, FollowUpCount(months, 0, 0)),
                "to_send": not_sent_count(event, months) if due <= today else 0,
                "unanswered": unanswered_surveys(event.id, months),
            }
        )
    return periods
