"""Forgetting a person while keeping what statistics count.

What goes: names, addresses, phone and position texts, travel and needs, answers to questions
and the files sent with them, what they wrote in follow-up surveys, staff's notes, the account's
password and sessions, the person's name in the action log. What stays: gender, country,
organisation, role, status, attendance (check-ins, per day and per session), knowledge tests'
scores, documents' existence (a certificate still verifies, naming "a participant"), evaluations
(no longer linked to them), follow-ups' scales and choices, so that every results table, chart,
map and plan report counts the same after as before.

The person's rows are found through every capability that holds a person (``persons.id`` from
accounts, registrations, speakers and requests' contacts, and the addresses they proved);
addresses that must stay unique become ``erased-<table>-<id>@erased.invalid`` (the reserved
``.invalid`` domain: no email ever leaves for them).
"""

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import joinedload

from ..accounts.models import STAFF_ROLES, LoginLinkRequest, User
from ..agenda.models import AgendaSession, Speaker, session_speakers
from ..agenda.models import name_key as speaker_key
from ..agenda.services import speaker_lines
from ..attendance.models import EvaluationResponse
from ..authority_requests.models import AuthorityRequest, RequestStatus
from ..catalogue.models import Event
from ..core.actions import (
    FORGOTTEN_ACTOR,
    FORGOTTEN_LABEL,
    LoggedAction,
    describe,
    log_action,
)
from ..core.clock import utcnow
from ..core.i18n import ERASED_DOMAIN
from ..delegations.models import Delegation, Nomination
from ..extensions import db
from ..followup.models import FollowUpSurvey
from ..followup.services import questions_for
from ..mail.models import OutboxEmail
from ..messages.models import MessageRecipient
from ..people.models import Person, PersonEmail, PersonMerge
from ..registration.models import Invitation, Registration, Status
from ..travel.letters import forget_letters_identity
from ..travel.models import TravelChange, TravelFile

# What an erased person, registration, speaker or request's contact is called where a name is
# kept in the database (a name may not be empty); pages say "a participant" in their language.
ERASED_NAME = "A participant"
# Registrations and requests that keep an erasure waiting for staff.
OPEN_REGISTRATION = (Status.PENDING, Status.APPROVED, Status.WAITLISTED)
OPEN_REQUEST = (RequestStatus.NEW, RequestStatus.UNDER_DISCUSSION, RequestStatus.ACCEPTED)
# Fields of a line's changes that name the person.
PERSONAL_FIELDS = frozenset(
    {
        "name",
        "email",
        "position",
        "notes",
        "contact_name",
        "contact_email",
        "phone",
        "role_text",
        "other",  # the other person of a pair said to be two people
        "merged",  # the record merged
        "file",  # a file's name, often the sender's
    }
)

ERASED = describe("person.erased", _l("Erased the personal data of %(object)s"))


def erased_address(table: str, row_id: int) -> str:
    return f"erased-{table}-{row_id}@{ERASED_DOMAIN}"


@dataclass
class Held:
    """The ids of a person's rows, in every capability."""

    person: Person
    accounts: list[int]
    registrations: list[int]
    speakers: list[int]
    requests: list[int]
    addresses: list[str]
    names: list[str]  # as written on any of them
    events: list[int]  # of their registrations


def held_by(person: Person) -> Held:
    """The rows that hold ``person`` (their accounts' registrations and requests among them)."""
    accounts = list(db.session.scalars(select(User.id).where(User.person_id == person.id)))
    proven = [e.email for e in person.emails]
    mine = or_(
        Registration.person_id == person.id,
        Registration.user_id.in_(accounts),
        # Sent again from the form and not confirmed yet, or written by an authority nominating
        # them and not completed: no person yet, but their address.
        Registration.person_id.is_(None) & Registration.email.in_(proven),
    )
    registrations = list(db.session.scalars(select(Registration.id).where(mine)))
    speakers = list(db.session.scalars(select(Speaker.id).where(Speaker.person_id == person.id)))
    requests = list(
        db.session.scalars(
            select(AuthorityRequest.id).where(
                or_(
                    AuthorityRequest.contact_person_id == person.id,
                    AuthorityRequest.account_id.in_(accounts),
                )
            )
        )
    )
    addresses, names, events = {e.email for e in person.emails}, {person.name}, set()
    for email, name in db.session.execute(
        select(User.email, User.name).where(User.id.in_(accounts))
    ):
        addresses.add(email)
        names.add(name)
    for email, name, event_id in db.session.execute(
        select(Registration.email, Registration.name, Registration.event_id).where(
            Registration.id.in_(registrations)
        )
    ):
        addresses.add(email)
        names.add(name)
        events.add(event_id)
    names |= set(db.session.scalars(select(Speaker.name).where(Speaker.id.in_(speakers))))
    names |= set(
        db.session.scalars(
            select(AuthorityRequest.contact_name).where(AuthorityRequest.id.in_(requests))
        )
    )
    names -= {"", ERASED_NAME}
    return Held(
        person,
        accounts,
        registrations,
        speakers,
        requests,
        sorted(addresses),
        sorted(names),
        sorted(events),
    )


def erasure_blockers(person: Person, today: date) -> list[dict]:
    """Why staff must confirm before ``person`` is erased (none: erased at once), as data that
    each reader's page words in their language (``blocking_events``): a place or a waiting
    registration at an event not yet over (``{"event": id}``), an open request
    (``{"request": True}``), a staff account (``{"staff": True}``)."""
    held = held_by(person)
    events = db.session.scalars(
        select(Event.id)
        .join(Registration, Registration.event_id == Event.id)
        .where(
            Registration.id.in_(held.registrations),
            Registration.status.in_(OPEN_REGISTRATION),
            Event.ends_on >= today,
        )
        .order_by(Event.starts_on)
    )
    blockers: list[dict] = [{"event": event_id} for event_id in events]
    open_requests = db.session.scalar(
        select(db.func.count(AuthorityRequest.id)).where(
            AuthorityRequest.id.in_(held.requests),
            AuthorityRequest.confirmed_at.is_not(None),
            AuthorityRequest.status.in_(OPEN_REQUEST),
        )
    )
    if open_requests:
        blockers.append({"request": True})
    staff = db.session.scalar(
        select(db.func.count(User.id)).where(User.id.in_(held.accounts), User.role.in_(STAFF_ROLES))
    )
    if staff:
        blockers.append({"staff": True})
    return blockers


def erase_person(person: Person, actor, now: datetime) -> dict[str, int]:
    """Anonymise ``person`` and every row that holds them (see the module's docstring), in the
    caller's transaction; logged. Returns how many rows of each kind were anonymised."""
    held = held_by(person)
    counts = {
        "registrations": _erase_registrations(held, now),
        "accounts": _erase_accounts(held),
        "requests": _erase_requests(held),
        "speaker entries": _erase_speakers(held),
        "nominations": _erase_nominations(held),
        "emails": _forget_emails(held),
        "log lines": _erase_log_lines(held),
        "merged records": _erase_merged_records(person),
    }
    person.name = ERASED_NAME
    person.name_key = ""
    person.position = ""
    person.languages = []
    person.notes = ""
    person.alumni_since = None
    person.alumni_shows_email = False
    person.erased_at = now
    db.session.execute(delete(PersonEmail).where(PersonEmail.person_id == person.id))
    db.session.expire(person, ["emails"])
    log_action(person, ERASED, actor, counts, at=now, label=FORGOTTEN_LABEL, account_id=None)
    return counts


def _erase_merged_records(person: Person) -> int:
    """The records merged into the person (kept, empty, for an undo) lose their names too, and
    the merges' records the details they kept: an erased person's merge is never undone."""
    ids, found = {person.id}, {person.id}
    while found:  # merged into them, or into a record merged into them...
        found = set(db.session.scalars(select(Person.id).where(Person.merged_into_id.in_(found))))
        found -= ids
        ids |= found
    merged = ids - {person.id}
    if merged:
        db.session.execute(
            update(Person)
            .where(Person.id.in_(merged))
            .values(name=ERASED_NAME, name_key="", position="", notes="", languages=[])
        )
    db.session.execute(
        update(PersonMerge)
        .where(or_(PersonMerge.keep_id.in_(ids), PersonMerge.other_id.in_(ids)))
        .values(kept_before={})
    )
    return len(merged)


def _erase_registrations(held: Held, now: datetime) -> int:
    ids = held.registrations
    # Never confirmed: they count nowhere, and go (with their files).
    for registration in db.session.scalars(
        select(Registration).where(
            Registration.id.in_(ids), Registration.status == Status.UNCONFIRMED
        )
    ):
        db.session.delete(registration)
    kept = db.session.scalars(
        select(Registration).where(
            Registration.id.in_(ids), Registration.status != Status.UNCONFIRMED
        )
    ).all()
    for registration in kept:  # one by one: the files of their answers go after the commit
        registration.person_id = held.person.id
        registration.name = ERASED_NAME
        registration.email = erased_address("registration", registration.id)
        registration.position = ""
        registration.interpretation_languages = []
        registration.accessibility_needs = ""
        registration.dietary_needs = ""
        registration.visa_letter = False
        registration.arrival_on = registration.departure_on = None
        registration.answers = {}
    forget_letters_identity(ids, now)
    db.session.execute(delete(TravelFile).where(TravelFile.registration_id.in_(ids)))
    db.session.execute(delete(TravelChange).where(TravelChange.registration_id.in_(ids)))
    db.session.execute(
        update(MessageRecipient)
        .where(MessageRecipient.registration_id.in_(ids))
        .values(name=ERASED_NAME, email=f"erased@{ERASED_DOMAIN}")
    )
    db.session.execute(
        update(EvaluationResponse)
        .where(EvaluationResponse.registration_id.in_(ids))
        .values(registration_id=None)
    )
    _forget_follow_up_texts(ids)
    return len(kept)


def _forget_follow_up_texts(ids: list[int]) -> None:
    """What a person wrote in follow-up surveys goes; their scales, choices and the fact that
    they answered stay, counted in the results."""
    surveys = db.session.scalars(
        select(FollowUpSurvey).where(
            FollowUpSurvey.registration_id.in_(ids), FollowUpSurvey.answered_at.is_not(None)
        )
    )
    for survey in surveys:
        written = {q.key for q in questions_for(survey) if q.kind_rules.written}
        survey.answers = {k: v for k, v in survey.answers.items() if k not in written}


def _erase_accounts(held: Held) -> int:
    for account in db.session.scalars(select(User).where(User.id.in_(held.accounts))):
        account.email = erased_address("account", account.id)
        account.name = ""
        account.password_hash = None
        account.active = False
        account.email_confirmed_at = None
        account.last_login_at = None
        account.session_version += 1  # every session and cookie of it ends
        account.feed_token_version += 1  # its calendar feed's address too
    return len(held.accounts)


def _erase_requests(held: Held) -> int:
    for request in db.session.scalars(
        select(AuthorityRequest).where(AuthorityRequest.id.in_(held.requests))
    ):
        request.contact_name = ERASED_NAME
        request.contact_email = erased_address("request", request.id)
    return len(held.requests)


def _erase_nominations(held: Held) -> int:
    """Their nominations by an authority (name, address, position, languages), and the
    delegations they were the focal point of (the authority's delegation stays)."""
    nominations = db.session.scalars(
        select(Nomination).where(
            or_(
                Nomination.registration_id.in_(held.registrations),
                Nomination.email.in_(held.addresses),
            )
        )
    ).all()
    for nomination in nominations:
        nomination.name = ERASED_NAME
        nomination.email = erased_address("nomination", nomination.id)
        nomination.position = ""
        nomination.languages = []
    delegations = db.session.scalars(
        select(Delegation).where(
            or_(
                Delegation.focal_person_id == held.person.id,
                Delegation.focal_email.in_(held.addresses),
            )
        )
    ).all()
    for delegation in delegations:
        delegation.focal_name = ERASED_NAME
        delegation.focal_email = erased_address("delegation", delegation.id)
    return len(nominations) + len(delegations)


def _erase_speakers(held: Held) -> int:
    """Their speaker entries lose their names, and the sessions they spoke in their lines in the
    speakers' text (shown on agendas, booklets and calendars: changed, so feeds change too)."""
    keys = {speaker_key(name) for name in held.names}
    sessions = db.session.scalars(
        select(AgendaSession)
        .join(session_speakers, session_speakers.c.session_id == AgendaSession.id)
        .where(session_speakers.c.speaker_id.in_(held.speakers))
        .options(joinedload(AgendaSession.event))
    ).unique()
    for session in sessions:
        lines = speaker_lines(session.speakers)
        kept = [(name, role) for name, role in lines if speaker_key(name) not in keys]
        if len(kept) != len(lines):
            session.speakers = "\n".join(f"{n}, {r}" if r else n for n, r in kept)
            session.sequence += 1
            session.event.updated_at = utcnow()
    for speaker in db.session.scalars(select(Speaker).where(Speaker.id.in_(held.speakers))):
        speaker.name = ERASED_NAME
        speaker.name_key = f"erased {speaker.id}"
        speaker.role = ""
    return len(held.speakers)


def _forget_emails(held: Held) -> int:
    """Emails to their addresses (sent or waiting), sign-in links asked for, invitations."""
    for invitation in db.session.scalars(
        select(Invitation).where(Invitation.email.in_(held.addresses))
    ):
        invitation.email = erased_address("invitation", invitation.id)
    db.session.execute(delete(LoginLinkRequest).where(LoginLinkRequest.email.in_(held.addresses)))
    return db.session.execute(
        delete(OutboxEmail).where(OutboxEmail.to.in_(held.addresses))
    ).rowcount


def lines_about(held: Held):
    """The action log's lines about the person, their registrations, speaker entries and
    accounts (a condition)."""
    return or_(
        (LoggedAction.object_type == "registration")
        & LoggedAction.object_id.in_(held.registrations),
        (LoggedAction.object_type == "person") & (LoggedAction.object_id == held.person.id),
        (LoggedAction.object_type == "speaker") & LoggedAction.object_id.in_(held.speakers),
        (LoggedAction.object_type == "account") & LoggedAction.object_id.in_(held.accounts),
    )


def _erase_log_lines(held: Held) -> int:
    """Lines about them read "a participant" and lose what named them; lines they wrote as an
    account or as a request's contact name nobody."""
    about = lines_about(held)
    by_them = or_(
        LoggedAction.actor_id.in_(held.accounts),
        (LoggedAction.object_type == "request")
        & LoggedAction.object_id.in_(held.requests)
        & LoggedAction.actor_id.is_(None)
        & LoggedAction.actor_name.is_not(None),
    )
    # Lines about their documents, check-ins... in their events, labelled with their name.
    named = LoggedAction.event_id.in_(held.events) & LoggedAction.label.in_(held.names)
    lines = db.session.scalars(select(LoggedAction).where(or_(about, by_them, named))).all()
    for line in lines:
        # Named without an account: the person on their own registration or request.
        if line.actor_id in held.accounts or (line.actor_id is None and line.actor_name):
            line.actor_name = FORGOTTEN_ACTOR
        if line.label in held.names or _about_them(line, held):
            line.label = FORGOTTEN_LABEL
        line.data = _without_personal(line.data or {})
    return len(lines)


def _about_them(line: LoggedAction, held: Held) -> bool:
    ids = {
        "registration": held.registrations,
        "person": [held.person.id],
        "speaker": held.speakers,
        "account": held.accounts,
    }
    return line.object_id in ids.get(line.object_type, ())


def _without_personal(data: dict) -> dict:
    changes = {
        name: change
        for name, change in (data.get("changes") or {}).items()
        if name not in PERSONAL_FIELDS
    }
    kept = {k: v for k, v in data.items() if k != "changes" and k not in PERSONAL_FIELDS}
    return {**kept, "changes": changes} if changes else kept
