"""What the plan indicators are computed by (registered in ``plans.measures``).

Each function receives ``{key: Scope}`` (a key per indicator or per item; a scope names the
events counted) and answers ``{key: value}``. It reads the events of every scope at once, per
event, in one grouped query, then adds the events up per key in Python: shares and means are
computed from the sums of all the scope's events, never from averaging per-event figures, and
what is counted once (a country, an authority) is counted once per scope.

Adding a measure is one function here, decorated with ``@measure(name, label, unit,
unit_label)``, ``name`` one of ``plans.measures.MEASURE_NAMES``.
"""

from collections import defaultdict
from collections.abc import Hashable

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, union

from ..attendance.models import EvaluationResponse
from ..catalogue.models import CountryRole, Event, EventCountry
from ..core.numbers import half_up, ratio
from ..extensions import db
from ..knowledge.services import learning_gains
from ..people.models import Gender, Organisation, OrganisationKind
from ..plans.measures import Scope, measure
from ..registration.models import ParticipantRole, Registration
from ..registration.participants import WITH_A_PLACE
from .services import answered_of, completed_of, share

Scopes = dict[Hashable, Scope]
AUTHORITIES = (OrganisationKind.ELECTORAL_MANAGEMENT_BODY, OrganisationKind.ELECTORAL_COURT)
# Who a training of trainers trains: its delegates, and those registered as future facilitators
# (speakers, experts, observers and staff train or watch; they are not counted).
TRAINEE_ROLES = (ParticipantRole.DELEGATE, ParticipantRole.FACILITATOR)
PEOPLE = _l("people")


def _all_events(scopes: Scopes, trainers: bool = False) -> set[int]:
    return {
        event_id
        for scope in scopes.values()
        for event_id in (scope.trainer_event_ids if trainers else scope.event_ids)
    }


def _took_part(event_ids: set[int]):
    return Registration.event_id.in_(event_ids), Registration.status.in_(WITH_A_PLACE)


def gender_counts(event_ids: set[int]) -> dict[int, dict[str, int]]:
    """{event id: {gender: participants}} of the registrations with a place; one query."""
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    if event_ids:
        rows = db.session.execute(
            select(Registration.event_id, Registration.gender, func.count())
            .where(*_took_part(event_ids))
            .group_by(Registration.event_id, Registration.gender)
        )
        for event_id, gender, number in rows:
            counts[event_id][gender] = number
    return counts


def _summed(scopes: Scopes, per_event: dict[int, float], trainers: bool = False) -> dict:
    return {
        key: sum(
            per_event.get(event_id, 0)
            for event_id in (scope.trainer_event_ids if trainers else scope.event_ids)
        )
        for key, scope in scopes.items()
    }


def _distinct(scopes: Scopes, pairs) -> dict:
    """The number of distinct things per key, from (event id, thing) rows."""
    things: dict[int, set] = defaultdict(set)
    for event_id, thing in pairs:
        things[event_id].add(thing)
    return {
        key: len(set().union(*(things[event_id] for event_id in scope.event_ids)))
        for key, scope in scopes.items()
    }


@measure("events_held", _l("Events held"), "count", _l("events"))
def events_held(scopes: Scopes) -> dict:
    return {key: len(scope.event_ids) for key, scope in scopes.items()}


@measure("participants", _l("Participants"), "count", PEOPLE)
def participants(scopes: Scopes) -> dict:
    """Registrations with a place, plus the number entered on a past event without
    registrations (as the results summary counts them)."""
    event_ids = _all_events(scopes)
    per_event: dict[int, int] = {}
    if event_ids:
        registered = func.count(Registration.id)
        rows = db.session.execute(
            select(Event.id, Event.participants_count, registered)
            .outerjoin(
                Registration,
                (Registration.event_id == Event.id) & Registration.status.in_(WITH_A_PLACE),
            )
            .where(Event.id.in_(event_ids))
            .group_by(Event.id, Event.participants_count)
        )
        per_event = {event_id: count or (reported or 0) for event_id, reported, count in rows}
    return _summed(scopes, per_event)


def _of_gender(scopes: Scopes, gender: str) -> dict:
    counts = gender_counts(_all_events(scopes))
    return _summed(scopes, {e: by.get(gender, 0) for e, by in counts.items()})


@measure("women", _l("Participants (women)"), "count", PEOPLE)
def women(scopes: Scopes) -> dict:
    return _of_gender(scopes, Gender.FEMALE)


@measure("men", _l("Participants (men)"), "count", PEOPLE)
def men(scopes: Scopes) -> dict:
    return _of_gender(scopes, Gender.MALE)


@measure("women_share", _l("Women's share of participants"), "percent", "%")
def women_share(scopes: Scopes) -> dict:
    counts = gender_counts(_all_events(scopes))
    women_by_event = {e: by.get(Gender.FEMALE, 0) for e, by in counts.items()}
    all_by_event = {e: sum(by.values()) for e, by in counts.items()}
    women_of, all_of = _summed(scopes, women_by_event), _summed(scopes, all_by_event)
    return {key: share(women_of[key], all_of[key]) for key in scopes}


@measure(
    "authorities",
    _l("Authorities reached (electoral bodies and courts)"),
    "count",
    _l("authorities"),
)
def authorities(scopes: Scopes) -> dict:
    event_ids = _all_events(scopes)
    pairs = []
    if event_ids:
        pairs = db.session.execute(
            select(Registration.event_id, Registration.organisation_id)
            .join(Organisation, Organisation.id == Registration.organisation_id)
            .where(*_took_part(event_ids), Organisation.kind.in_(AUTHORITIES))
            .distinct()
        ).all()
    return _distinct(scopes, pairs)


@measure("countries", _l("Countries reached"), "count", _l("countries"))
def countries(scopes: Scopes) -> dict:
    """The countries an event names (requesting or taking part) and those of its participants."""
    event_ids = _all_events(scopes)
    pairs = []
    if event_ids:
        named = select(EventCountry.event_id, EventCountry.country_code).where(
            EventCountry.event_id.in_(event_ids),
            EventCountry.role.in_((CountryRole.REQUESTING, CountryRole.PARTICIPANT)),
        )
        sent = select(Registration.event_id, Registration.country_code).where(
            *_took_part(event_ids)
        )
        pairs = db.session.execute(union(named, sent)).all()
    return _distinct(scopes, pairs)


@measure("trained_trainers", _l("Trained trainers"), "count", PEOPLE, of_trainings=True)
def trained_trainers(scopes: Scopes) -> dict:
    """Delegates and facilitators with a place at the events linked as a training of trainers."""
    event_ids = _all_events(scopes, trainers=True)
    per_event: dict[int, int] = {}
    if event_ids:
        per_event = dict(
            db.session.execute(
                select(Registration.event_id, func.count())
                .where(*_took_part(event_ids), Registration.role.in_(TRAINEE_ROLES))
                .group_by(Registration.event_id)
            ).all()
        )
    return _summed(scopes, per_event, trainers=True)


@measure("evaluation_mean", _l("Evaluation mean (1–5)"), "mean", "1–5")
def evaluation_mean(scopes: Scopes) -> dict:
    """The mean of the evaluations' overall scale, each answer of the scope's events weighing
    the same."""
    event_ids = _all_events(scopes)
    sums: dict[int, tuple[int, int]] = {}
    if event_ids:
        answers = func.count(EvaluationResponse.satisfaction)
        sums = {
            event_id: (total or 0, count)
            for event_id, total, count in db.session.execute(
                select(
                    EvaluationResponse.event_id, func.sum(EvaluationResponse.satisfaction), answers
                )
                .where(EvaluationResponse.event_id.in_(event_ids))
                .group_by(EvaluationResponse.event_id)
            )
        }
    totals = _summed(scopes, {e: s for e, (s, _n) in sums.items()})
    answered = _summed(scopes, {e: n for e, (_s, n) in sums.items()})
    return {key: ratio(totals[key], answered[key], 2) for key in scopes}


def _rate(scopes: Scopes, per_event: dict[int, tuple[int, int]]) -> dict:
    """The share, per key, of the sums of ``(part, whole)`` over the scope's events."""
    parts = _summed(scopes, {e: part for e, (part, _whole) in per_event.items()})
    wholes = _summed(scopes, {e: whole for e, (_part, whole) in per_event.items()})
    return {key: share(parts[key], wholes[key]) for key in scopes}


@measure("completion_rate", _l("Completion rate"), "percent", "%")
def completion_rate(scopes: Scopes) -> dict:
    """Participants with a place who met their event's completion rule, of all of them."""
    return _rate(scopes, completed_of(_all_events(scopes)))


@measure("learning_gain", _l("Learning gain (normalised, 0–1)"), "mean", "0–1")
def learning_gain(scopes: Scopes) -> dict:
    """The normalised gain of the means of those who took both tests of the scope's events."""
    gains = learning_gains({key: scope.event_ids for key, scope in scopes.items()})
    return {key: half_up(g.gain, 2) for key, g in gains.items()}


@measure("follow_up_response_rate", _l("Follow-up response rate"), "percent", "%")
def follow_up_response_rate(scopes: Scopes) -> dict:
    """Follow-up surveys answered, of those sent, over every period."""
    answered = answered_of(_all_events(scopes))
    return _rate(scopes, {e: (done, sent) for e, (sent, done) in answered.items()})
