"""Receiving requests, triage by staff, the event a request becomes, and the final report.

Every change is written in the action log (``core.actions``) with who made it and when: the
request's timeline is read from it. The authority's contact is told by email in its language
(``queue_email``: sent by the worker after the commit).
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from io import BytesIO
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from ..accounts.models import User
from ..agenda.drafting import METHODOLOGIES, apply_template
from ..agenda.models import AgendaTemplate
from ..agenda.services import default_timezone
from ..catalogue.models import LANGUAGES, Event, EventStatus, Region
from ..catalogue.services import EventInput, save_event
from ..core.actions import LoggedAction, describe, log_action, object_history
from ..core.dates import DatePhraseError, DateWindow, read_date_phrase
from ..core.errors import InvalidInput
from ..core.i18n import country_name, ranked
from ..core.links import site_url
from ..core.locks import reread_locked
from ..core.tokens import AUTHORITY_REQUEST, ids_in
from ..core.uploads import MIME_TYPES, UploadStore, file_kind, shown_name, suffix_of
from ..extensions import db
from ..mail.services import in_language, queue_email
from ..people.models import Country, Organisation, OrganisationKind
from ..people.notices import version_in_force
from ..people.persons import person_for_address
from .models import EVENT_KIND, AuthorityRequest, RequestKind, RequestStatus
from .topics import INTERNSHIP_CRITERIA, SCENARIOS, TOPICS, topic_block

S = RequestStatus
# What staff may turn a request into, from each status.
NEXT_STATUSES = {
    S.NEW: (S.UNDER_DISCUSSION, S.ACCEPTED, S.DECLINED, S.WITHDRAWN),
    S.UNDER_DISCUSSION: (S.ACCEPTED, S.DECLINED, S.WITHDRAWN),
    S.ACCEPTED: (S.SCHEDULED, S.DECLINED, S.WITHDRAWN),
    S.SCHEDULED: (S.WITHDRAWN,),
    S.DECLINED: (S.UNDER_DISCUSSION,),
    S.WITHDRAWN: (S.UNDER_DISCUSSION,),
}
REPORTS = UploadStore("requests")  # internships' final reports

# The lines of a request's timeline (``_log``); the authority's page shows all but the notes.
SENT = describe("request.sent", _l("Sent the request of %(object)s"))
STATUS_CHANGED = describe(
    "request.status_changed",
    _l("Set the request of %(object)s to “%(status)s”"),
    labels={"status": RequestStatus},
)
NOTE_ADDED = describe("request.note_added", _l("Added a note on the request of %(object)s"))
EMAILED = describe("request.emailed", _l("Emailed %(to)s: “%(subject)s”"))
REPORT_RECEIVED = describe("request.report_received", _l("Sent the final report of %(object)s"))


@dataclass
class RequestInput:
    """What the authority entered on the public form, already read from it."""

    authority_name: str
    country_code: str
    kind: str
    date_text: str
    contact_name: str
    contact_email: str
    topics: list[str] = field(default_factory=list)
    other_topics: str = ""
    scenario: str | None = None
    criteria: list[str] = field(default_factory=list)
    context: str = ""
    officials: int | None = None
    officials_profile: str = ""
    languages: list[str] = field(default_factory=list)
    interpretation: bool = False
    locale: str | None = None


def read_window(date_text: str, today: date) -> DateWindow:
    """The preferred dates, read as the event form reads them (with what authorities write:
    "second half of 2027", "before the May 2028 elections", in English, Spanish or French).
    Refused with the reader's message."""
    try:
        return read_date_phrase(date_text, today=today)
    except DatePhraseError as error:
        raise InvalidInput("date_text", str(error)) from None


def _check(data: RequestInput) -> None:
    if data.kind not in set(RequestKind):
        raise InvalidInput("kind", _("Choose one of the kinds offered."))
    if db.session.get(Country, data.country_code) is None:
        raise InvalidInput("country_code", _("Choose a country from the list."))
    if not data.topics and not data.other_topics.strip():
        raise InvalidInput("topics", _("Tick at least one topic, or describe the topics."))
    for name, values, allowed in (
        ("topics", data.topics, TOPICS),
        ("criteria", data.criteria, INTERNSHIP_CRITERIA),
        ("languages", data.languages, LANGUAGES),
    ):
        if any(v not in allowed for v in values):
            raise InvalidInput(name, _("Choose among the options offered."))
    if data.scenario and data.scenario not in SCENARIOS:
        raise InvalidInput("scenario", _("Choose one of the scenarios offered."))


def receive_request(data: RequestInput, now: datetime, account: User | None = None):
    """Store a request from the public form. A signed-in account's request counts at once; a
    stranger's waits until its contact follows the emailed link. No account is ever made."""
    _check(data)
    window = read_window(data.date_text, now.date())
    req = AuthorityRequest(
        authority_name=data.authority_name.strip(),
        country_code=data.country_code,
        kind=data.kind,
        topics=list(dict.fromkeys(data.topics)),
        other_topics=data.other_topics.strip(),
        scenario=data.scenario or None,
        criteria=sorted(set(data.criteria)) if data.kind == RequestKind.INTERNSHIP else [],
        context=data.context.strip(),
        date_text=data.date_text.strip(),
        starts_on=window.starts_on,
        ends_on=window.ends_on,
        precision=window.precision,
        tentative=window.tentative,
        officials=data.officials,
        officials_profile=data.officials_profile.strip(),
        privacy_notice_version=version_in_force(),
        languages=list(dict.fromkeys(data.languages)),
        interpretation=data.interpretation,
        contact_name=data.contact_name.strip(),
        contact_email=(account.email if account else data.contact_email).strip().lower(),
        contact_locale=data.locale,
        account_id=account.id if account else None,
        created_at=now,
        updated_at=now,
    )
    db.session.add(req)
    db.session.flush()
    if account:
        confirm_request(req, now)
    else:
        _email(req, now, _l("Confirm your request"), "request_confirm")
    return req


def confirm_request(req: AuthorityRequest, now: datetime) -> None:
    """The contact's address is confirmed: staff see the request from now on (once, however
    many clicks: the request is read again under its lock)."""
    reread_locked(req)
    if req.confirmed_at:
        return
    req.confirmed_at = now
    req.contact_person = person_for_address(
        req.contact_email,
        now,
        name=req.contact_name,
        country_code=req.country_code,
        organisation=req.organisation,
    )
    _log(req, now, req.contact_name, SENT)
    _email(req, now, _l("We received your request"), "request_received")


def request_token(req: AuthorityRequest) -> str:
    """For the request's own page, where the authority follows it: signed, ids cannot be tried."""
    return AUTHORITY_REQUEST.sign(req.id)


def request_for_token(token: str) -> AuthorityRequest | None:
    ids = ids_in(AUTHORITY_REQUEST.read(token), 1)
    if ids is None:
        return None
    return db.session.scalar(
        select(AuthorityRequest)
        .where(AuthorityRequest.id == ids[0])
        .options(joinedload(AuthorityRequest.event))
    )


def _log(req, now, by, action: str, data: dict | None = None) -> None:
    """A line of the request's timeline; ``by``: staff, the contact (by name), or the site."""
    event_id = req.event.id if req.event else None
    log_action(req, action, by, data, at=now, label=req.authority_name, event_id=event_id)
    req.updated_at = now


def timeline(req: AuthorityRequest, for_the_authority: bool = False) -> list[LoggedAction]:
    """The request's timeline, oldest first; the authority's page leaves out staff's notes."""
    return object_history("request", req.id, leaving_out=(NOTE_ADDED,) if for_the_authority else ())


def _email(req, now, subject, template: str, by: User | None = None, **context) -> None:
    queue_email(
        req.contact_email,
        subject,
        template,
        locale=req.contact_locale,
        req=req,
        link=site_url("authority_requests.follow", token=request_token(req)),
        **context,
    )
    _log(req, now, by, EMAILED, {"subject": subject, "to": req.contact_email})


def staff_requests(status: str | None = None) -> list[AuthorityRequest]:
    """The confirmed requests, newest first (one query: countries joined, events joined)."""
    stmt = (
        select(AuthorityRequest)
        .where(AuthorityRequest.confirmed_at.is_not(None))
        .options(joinedload(AuthorityRequest.event))
        .order_by(AuthorityRequest.created_at.desc(), AuthorityRequest.id.desc())
    )
    if status:
        stmt = stmt.where(AuthorityRequest.status == status)
    return list(db.session.scalars(stmt))


def status_counts() -> dict[str, int]:
    rows = db.session.execute(
        select(AuthorityRequest.status, func.count())
        .where(AuthorityRequest.confirmed_at.is_not(None))
        .group_by(AuthorityRequest.status)
    )
    return dict(rows.all())


def get_request(request_id: int) -> AuthorityRequest | None:
    return db.session.scalar(
        select(AuthorityRequest)
        .where(AuthorityRequest.id == request_id, AuthorityRequest.confirmed_at.is_not(None))
        .options(joinedload(AuthorityRequest.event))
    )


def add_note(req: AuthorityRequest, by: User, text: str, now: datetime) -> None:
    if not text.strip():
        raise InvalidInput("note", _("Write the note first."))
    _log(req, now, by, NOTE_ADDED, {"text": text.strip()})


def change_status(
    req: AuthorityRequest, status: str, by: User | None, now: datetime, reason: str = ""
) -> None:
    """Staff (or, withdrawing, the authority: ``by`` None) move the request on; the authority is
    told. Accepting drafts the proposed event; scheduling needs it. The request is read again
    under a lock, so that two clicks at once change it (and draft its event) once."""
    reread_locked(req)
    if by is None:  # the authority itself, while the request is still open
        open_request = req.confirmed_at and req.status in (S.NEW, S.UNDER_DISCUSSION, S.ACCEPTED)
        allowed = (S.WITHDRAWN,) if open_request else ()
    else:
        allowed = NEXT_STATUSES[S(req.status)]
    if status not in allowed:
        raise InvalidInput(
            "status",
            _("A request that is %(status)s cannot become that.", status=req.status_label.lower()),
        )
    if status == S.DECLINED and not reason.strip():
        raise InvalidInput("reason", _("Say why: the reason is sent to the authority."))
    if status == S.SCHEDULED and req.event_id is None:
        raise InvalidInput("status", _("Accept the request first: it drafts the event."))
    req.status = status
    req.decline_reason = reason.strip() if status == S.DECLINED else ""
    if status == S.ACCEPTED and req.event_id is None:
        req.event = draft_event(req, by)
    _log(
        req,
        now,
        by or req.contact_name,
        STATUS_CHANGED,
        {"status": status, "text": req.decline_reason},
    )
    with in_language(req.contact_locale):
        subject = _("Your request: %(status)s", status=req.status_label)
    _email(req, now, subject, "request_status", by)


def _authority(req: AuthorityRequest) -> Organisation:
    """The requesting authority among the organisations, added when it is not there yet."""
    if req.organisation_id:
        return req.organisation
    found = db.session.scalar(
        select(Organisation).where(func.lower(Organisation.name) == req.authority_name.lower())
    )
    if found is None:
        found = Organisation(
            name=req.authority_name,
            kind=OrganisationKind.ELECTORAL_MANAGEMENT_BODY,
            country_code=req.country_code,
        )
        db.session.add(found)
        db.session.flush()
    req.organisation = found
    return found


def draft_event(req: AuthorityRequest, by: User) -> Event:
    """A proposed event of the request's kind, for its authority and country, on its topics,
    window and languages, with the agenda of its kind's template when there is one (``by``:
    the staff member accepting the request)."""
    themes = [t for t in req.topics if topic_block(t)]
    labels = req.topic_labels or [req.other_topics[:100]]
    authority = _authority(req)
    kind = EVENT_KIND[RequestKind(req.kind)]
    title = f"{RequestKind(req.kind).label}: {', '.join(labels[:3])} ({authority.short_name})"
    event = save_event(
        Event(),
        EventInput(
            title=title[:300],
            kind=kind,
            status=EventStatus.PROPOSED,
            window=DateWindow(req.starts_on, req.ends_on, req.precision, True),
            date_text=req.date_text,
            languages=req.languages,
            interpretation=req.interpretation,
            purpose=req.topic_labels
            + [line for line in req.other_topics.splitlines() if line.strip()],
            theme=", ".join(str(TOPICS[t]) for t in themes)[:300] or None,
            block=topic_block(themes[0]) if themes else None,
            requesting_authority_id=authority.id,
            requesting_countries=[req.country_code],
            notes=_("Drafted from request %(id)d.", id=req.id),
        ),
        by,
    )
    template = (
        "kind"
        if kind in METHODOLOGIES
        else db.session.scalar(
            select(AgendaTemplate.id)
            .where(AgendaTemplate.event_kind == kind)
            .order_by(AgendaTemplate.id)
        )
    )
    if template is not None:
        apply_template(event, str(template), default_timezone(event) or "UTC")
    return event


def requests_of_events(event_ids: list[int]) -> dict[int, AuthorityRequest]:
    """The request each event came from, for pages about events."""
    if not event_ids:
        return {}
    rows = db.session.scalars(
        select(AuthorityRequest).where(AuthorityRequest.event_id.in_(event_ids))
    )
    return {r.event_id: r for r in rows}


# ---------------------------------------------------------------- the final report


def report_due(req: AuthorityRequest, today) -> bool:
    """An internship's report is asked for once its event is over and until it arrives."""
    return (
        req.kind == RequestKind.INTERNSHIP
        and req.event is not None
        and req.event.ends_on < today
        and req.status == S.SCHEDULED
    )


def report_max_bytes() -> int:
    return current_app.config["REQUEST_REPORT_MAX_BYTES"]


def receive_report_file(
    req: AuthorityRequest, filename: str, content: bytes, now: datetime
) -> None:
    """A final report sent as a file: a PDF or DOCX by its content and its name, kept in the
    ``requests`` store under a name of ours (the sender's is only shown, cleaned)."""
    if len(content) > report_max_bytes():
        megabytes = f"{report_max_bytes() / 1024 / 1024:g}"
        raise InvalidInput("file", _("The file is larger than %(mb)s MB.", mb=megabytes))
    kind = file_kind(BytesIO(content))
    suffix = suffix_of(filename, kind) if kind in ("pdf", "docx") else None
    if suffix is None:
        raise InvalidInput("file", _("Send the report as a PDF or a Word (.docx) document."))
    _refuse_a_second_report(req, "file")
    req.report_stored_as = REPORTS.keep(content, suffix)
    req.report_filename = shown_name(filename)
    _report_received(req, now)


def receive_report_form(
    req: AuthorityRequest, experience: str, adaptations: str, recommendations: str, now: datetime
) -> None:
    if not experience.strip():
        raise InvalidInput("experience", _("Tell us about your experience of the internship."))
    _refuse_a_second_report(req, "experience")
    req.report_experience = experience.strip()
    req.report_adaptations = adaptations.strip()
    req.report_recommendations = recommendations.strip()
    _report_received(req, now)


def _refuse_a_second_report(req: AuthorityRequest, field: str) -> None:
    """The request read again under its lock: a report sent twice at once is received once."""
    reread_locked(req)
    if req.has_report:
        raise InvalidInput(field, _("The final report was received already: thank you."))


def _report_received(req: AuthorityRequest, now: datetime) -> None:
    req.report_received_at = now
    _log(req, now, req.contact_name, REPORT_RECEIVED)


def report_file(req: AuthorityRequest) -> tuple[Path, str] | None:
    """The stored report and its type, for staff to download."""
    path = REPORTS.path(req.report_stored_as)
    return (path, MIME_TYPES[path.suffix]) if path else None


def remind_final_reports(now: datetime) -> int:
    """Email the authorities whose internship ended ``FINAL_REPORT_DAYS`` ago (14 by default) and
    whose report has not arrived, again every as many days until it does."""
    days = timedelta(days=current_app.config["FINAL_REPORT_DAYS"])
    due = db.session.scalars(
        select(AuthorityRequest)
        .join(AuthorityRequest.event)
        .where(
            AuthorityRequest.kind == RequestKind.INTERNSHIP,
            AuthorityRequest.status == S.SCHEDULED,
            AuthorityRequest.report_received_at.is_(None),
            Event.ends_on <= (now - days).date(),
            (AuthorityRequest.report_reminded_at.is_(None))
            | (AuthorityRequest.report_reminded_at <= now - days),
        )
    ).all()
    for req in due:
        req.report_reminded_at = now
        _email(req, now, _l("Your internship's final report"), "request_report_reminder")
    return len(due)


# ---------------------------------------------------------------- results


@dataclass(frozen=True)
class Demand:
    """The requests for some years (by the year their preferred dates start), counted."""

    total: int
    became_events: int
    reports: int
    by_country: list[tuple[str, int]]
    by_region: list[tuple[str, int]]
    by_kind: list[tuple[str, int]]
    by_topic: list[tuple[str, int]]


def demand(first_year: int, last_year: int) -> Demand:
    """What authorities asked for in the years, for the results summary (one query)."""
    rows = db.session.execute(
        select(
            AuthorityRequest.kind,
            AuthorityRequest.topics,
            AuthorityRequest.event_id,
            AuthorityRequest.report_received_at,
            Country.code,
            Country.name,
            Country.region,
        )
        .join(AuthorityRequest.country)
        .where(
            AuthorityRequest.confirmed_at.is_not(None),
            AuthorityRequest.starts_on >= date(first_year, 1, 1),
            AuthorityRequest.starts_on <= date(last_year, 12, 31),
        )
    ).all()
    countries, regions, kinds, topics = Counter(), Counter(), Counter(), Counter()
    for kind, chosen, _event, _report, code, name, region in rows:
        countries[country_name(code, name)] += 1
        regions[Region(region).label if region else "—"] += 1
        kinds[RequestKind(kind).label] += 1
        topics.update(str(TOPICS[t]) for t in chosen if t in TOPICS)
    return Demand(
        total=len(rows),
        became_events=sum(1 for r in rows if r.event_id),
        reports=sum(1 for r in rows if r.report_received_at),
        by_country=ranked(countries),
        by_region=ranked(regions),
        by_kind=ranked(kinds),
        by_topic=ranked(topics)[:10],
    )
