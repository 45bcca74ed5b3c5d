"""Inviting authorities to nominate, and what their focal points do: nominate officials in
order, withdraw or substitute one, send the nomination letter. Until the deadline, and until
staff freeze the delegation; staff may act at any time.

Who holds a place is settled by ``places.settle`` after every change: the first nominees in
order, as many as the quota, have a registration; the others are reserves.
"""

from dataclasses import dataclass, field, replace
from datetime import date, datetime

from babel import Locale
from babel.languages import get_official_languages
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from ..catalogue.models import Event
from ..core.actions import describe, log_action
from ..core.errors import InvalidInput
from ..core.i18n import language_name
from ..core.locks import reread_locked
from ..core.uploads import UploadStore, file_kind, remove_after_commit, shown_name
from ..documents.models import Document
from ..documents.services import revoke
from ..extensions import db
from ..people.models import Country, Organisation, OrganisationKind
from ..registration.models import Access, Registration, Status
from ..registration.notifications import notify
from ..registration.seats import get_settings, lock_event
from ..registration.statuses import change_status
from .emails import NOMINATION_ENDED, tell_focal_point
from .models import Delegation, Nomination, NominationState
from .places import changing, in_play, settle

LETTERS = UploadStore("delegations")

INVITED = describe("delegation.invited", _l("Invited %(object)s to nominate officials"))
NOMINATED = describe("delegation.nominated", _l("%(object)s nominated %(nominee)s"))
WITHDREW = describe("delegation.withdrew", _l("%(object)s withdrew %(nominee)s"))
SUBSTITUTED = describe(
    "delegation.substituted", _l("%(object)s replaced %(nominee)s by %(substitute)s")
)
LETTER_SENT = describe("delegation.letter", _l("%(object)s sent its nomination letter"))
FROZEN = describe("delegation.frozen", _l("Froze the delegation of %(object)s"))
UNFROZEN = describe("delegation.unfrozen", _l("Opened again the delegation of %(object)s"))
CHANGED = describe("delegation.changed", _l("Changed the invitation of %(object)s"))


@dataclass
class InvitationInput:
    organisation_id: int
    focal_name: str
    focal_email: str
    focal_language: str
    funded_places: int
    self_funded_places: int
    deadline: date
    note: str = ""
    letter_required: bool = False


@dataclass
class NomineeInput:
    name: str
    email: str
    gender: str
    position: str = ""
    languages: list[str] = field(default_factory=list)


def delegations_of(event_id: int) -> list[Delegation]:
    return list(
        db.session.scalars(
            select(Delegation).where(Delegation.event_id == event_id).order_by(Delegation.id)
        )
    )


def get_delegation(event: Event, delegation_id: int) -> Delegation | None:
    delegation = db.session.get(Delegation, delegation_id)
    return delegation if delegation is not None and delegation.event_id == event.id else None


def _check_places(event: Event, data: InvitationInput) -> None:
    if data.funded_places + data.self_funded_places < 1:
        raise InvalidInput("funded_places", _("Give the authority at least one place."))
    if data.deadline >= event.starts_on:
        raise InvalidInput("deadline", _("Set the deadline before the event starts."))


def invite(event: Event, data: InvitationInput, now: datetime, staff) -> Delegation:
    """Invite an authority; its focal point gets the link by email, in their language. Only to
    an event taking registrations by nomination: the authorities' quotas are its quotas."""
    settings = get_settings(event.id)
    if settings is None or settings.access != Access.NOMINATION:
        raise InvalidInput(
            "organisation_id",
            _(
                "First choose “By nomination of the authorities” in the event’s registration "
                "settings."
            ),
        )
    _check_places(event, data)
    if data.deadline < now.date():
        raise InvalidInput("deadline", _("The deadline has passed already: choose a later day."))
    organisation = db.session.get(Organisation, data.organisation_id)
    if organisation is None:
        raise InvalidInput("organisation_id", _("Choose an organisation of the list."))
    if organisation.country_code is None:
        raise InvalidInput(
            "organisation_id", _("Invite an authority of a country: this one has none.")
        )
    taken = db.session.scalar(
        select(Delegation.id).where(
            Delegation.event_id == event.id, Delegation.organisation_id == organisation.id
        )
    )
    if taken is not None:
        raise InvalidInput(
            "organisation_id",
            _("%(name)s is invited to this event already.", name=organisation.name),
        )
    email = data.focal_email.strip().lower()
    delegation = Delegation(
        event=event,
        organisation=organisation,
        focal_name=data.focal_name.strip(),
        focal_email=email,
        focal_language=data.focal_language,
        funded_places=data.funded_places,
        self_funded_places=data.self_funded_places,
        deadline=data.deadline,
        note=data.note.strip(),
        letter_required=data.letter_required,
        invited_at=now,
        invited_by=staff,
    )
    db.session.add(delegation)
    db.session.flush()
    log_action(
        delegation,
        INVITED,
        staff,
        {"funded": data.funded_places, "self_funded": data.self_funded_places},
        at=now,
        label=organisation.name,
        event_id=event.id,
    )
    tell_focal_point(delegation, "delegation_invited", _l("Nominate your delegation: %(title)s"))
    return delegation


def change_invitation(delegation: Delegation, data: InvitationInput, now: datetime, staff):
    """Staff change the quota, deadline, note or whether a letter is required. A quota below
    the places held is refused: decline or withdraw someone first."""
    _check_places(delegation.event, data)
    if data.deadline < now.date() and data.deadline != delegation.deadline:
        raise InvalidInput("deadline", _("The deadline has passed already: choose a later day."))
    lock(delegation)
    held = sum(1 for n in delegation.nominations if n.registration_id and in_play(n))
    if data.funded_places + data.self_funded_places < held:
        raise InvalidInput(
            "funded_places",
            _("%(num)d nominees hold a place: the quota cannot be smaller.", num=held),
        )
    before = {
        "funded": delegation.funded_places,
        "self_funded": delegation.self_funded_places,
        "deadline": delegation.deadline,
    }
    delegation.funded_places = data.funded_places
    delegation.self_funded_places = data.self_funded_places
    delegation.deadline = data.deadline
    delegation.note = data.note.strip()
    delegation.letter_required = data.letter_required
    log_action(delegation, CHANGED, staff, {"before": before}, at=now, label=_label(delegation))
    settle(delegation, now)


def lock(delegation: Delegation) -> None:
    """The event's lock, then the delegation's row: one change at a time, seen as it left it."""
    lock_event(delegation.event_id)
    reread_locked(delegation)


def _label(delegation: Delegation) -> str:
    return delegation.organisation.name


def why_focal_point_cannot_act(delegation: Delegation, today: date) -> str | None:
    """Why the focal point can no longer change the delegation, or None."""
    if delegation.frozen_at is not None:
        return _("The training centre has closed the delegation: write to it for any change.")
    if today > delegation.deadline:
        return _("The deadline for nominations has passed: write to the training centre.")
    return None


def _refuse_unless_open(delegation: Delegation, now: datetime, staff) -> None:
    if staff is None and (why := why_focal_point_cannot_act(delegation, now.date())):
        raise InvalidInput("delegation", why)


def nominate(delegation: Delegation, data: NomineeInput, now: datetime, staff=None) -> Nomination:
    """The focal point (or staff, ``staff``) adds an official at the end of the order."""
    lock(delegation)
    _refuse_unless_open(delegation, now, staff)
    email = _unused_email(delegation, data.email)
    rank = 1 + (
        db.session.scalar(
            select(func.max(Nomination.rank)).where(Nomination.delegation_id == delegation.id)
        )
        or 0
    )
    nomination = _new_nomination(delegation, data, email, rank, now)
    log_action(
        delegation,
        NOMINATED,
        staff or delegation.focal_name,
        {"nominee": nomination.name},
        at=now,
        label=_label(delegation),
    )
    settle(delegation, now, new=nomination)
    return nomination


def _new_nomination(delegation, data: NomineeInput, email: str, rank: int, now) -> Nomination:
    nomination = Nomination(
        delegation=delegation,
        rank=rank,
        name=data.name.strip(),
        email=email,
        gender=data.gender,
        position=data.position.strip(),
        languages=list(data.languages),
        nominated_at=now,
    )
    db.session.add(nomination)
    db.session.flush()
    return nomination


def _unused_email(delegation: Delegation, email: str, besides: Nomination | None = None) -> str:
    """The address, once no one else at the event has it (nominated by any authority, or
    registered)."""
    email = email.strip().lower()
    nominated = [
        n
        for n in db.session.scalars(
            select(Nomination)
            .join(Delegation)
            .where(
                Delegation.event_id == delegation.event_id,
                Nomination.email == email,
                Nomination.id != (besides.id if besides else -1),
            )
        )
        if in_play(n)
    ]
    registered = db.session.scalar(
        select(Registration.status).where(
            Registration.event_id == delegation.event_id, Registration.email == email
        )
    )
    if registered in (Status.WITHDRAWN, Status.DECLINED):
        raise InvalidInput(
            "email",
            _(
                "This address's registration for the event was declined or withdrawn: write to "
                "the training centre."
            ),
        )
    if nominated or registered is not None:
        raise InvalidInput("email", _("Someone with this address takes part in the event already."))
    return email


def withdraw(nomination: Nomination, now: datetime, staff=None) -> None:
    """The focal point withdraws a nominee (a reserve, or one with a place, which passes to the
    first reserve)."""
    delegation = nomination.delegation
    lock(delegation)
    _refuse_unless_open(delegation, now, staff)
    with changing():
        _end(nomination, NominationState.WITHDRAWN, now, staff or delegation.focal_name)
    log_action(
        delegation,
        WITHDREW,
        staff or delegation.focal_name,
        {"nominee": nomination.name},
        at=now,
        label=_label(delegation),
    )
    settle(delegation, now)


def substitute(nomination: Nomination, data: NomineeInput, now: datetime, staff=None) -> Nomination:
    """Another official takes the nominee's place in the order; the nominee's registration ends
    and their badge, certificate and letters are revoked (the substitute's are issued to them as
    to anyone)."""
    delegation = nomination.delegation
    lock(delegation)
    _refuse_unless_open(delegation, now, staff)
    if nomination.state != NominationState.NOMINATED:
        raise InvalidInput("nomination", _("Only a nominee still nominated can be replaced."))
    email = _unused_email(delegation, data.email, besides=nomination)
    if email == nomination.email:
        raise InvalidInput("email", _("A substitute is another person, with another address."))
    replacement = _new_nomination(delegation, data, email, nomination.rank, now)
    replacement.substitutes_id = nomination.id
    with changing():
        _end(nomination, NominationState.SUBSTITUTED, now, staff or delegation.focal_name)
    log_action(
        delegation,
        SUBSTITUTED,
        staff or delegation.focal_name,
        {"nominee": nomination.name, "substitute": replacement.name},
        at=now,
        label=_label(delegation),
    )
    settle(delegation, now, new=replacement)
    return replacement


def _end(nomination: Nomination, state: str, now: datetime, actor) -> None:
    if nomination.state != NominationState.NOMINATED:
        raise InvalidInput("nomination", _("This nominee was withdrawn or replaced already."))
    nomination.state = state
    registration = nomination.registration
    if registration is None:
        return
    if registration.status in (Status.PENDING, Status.APPROVED, Status.WAITLISTED):
        change_status(registration, "withdraw", now, actor, tell=False)
        notify(registration, NOMINATION_ENDED, replaced=state == NominationState.SUBSTITUTED)
    for document in db.session.scalars(
        select(Document).where(
            Document.registration_id == registration.id, Document.revoked_at.is_(None)
        )
    ):
        revoke(document, now, None)


def letter_problem(upload: FileStorage, max_bytes: int) -> str | None:
    """Why a nomination letter cannot be taken: it must be a PDF, by its content."""
    stream = upload.stream
    content = stream.read(max_bytes + 1)
    stream.seek(0)
    if not content:
        return _("This file is empty.")
    if len(content) > max_bytes:
        return _("This file is larger than %(mb)s MB: send a smaller one.", mb=max_bytes // 2**20)
    if file_kind(stream) != "pdf":
        stream.seek(0)
        return _("Send the nomination letter as a PDF.")
    stream.seek(0)
    return None


def send_letter(delegation: Delegation, upload: FileStorage, now: datetime, staff=None) -> None:
    """Keep the nomination letter (checked by ``letter_problem``), replacing any earlier one."""
    lock(delegation)
    _refuse_unless_open(delegation, now, staff)
    before = LETTERS.paths([delegation.letter_stored or ""], str(delegation.event_id))
    delegation.letter_stored = LETTERS.keep(
        upload.stream.read(), ".pdf", within=str(delegation.event_id)
    )
    delegation.letter_name = shown_name(upload.filename or "letter.pdf")
    delegation.letter_at = now
    remove_after_commit(db.session(), before)
    log_action(
        delegation, LETTER_SENT, staff or delegation.focal_name, at=now, label=_label(delegation)
    )


def letter_path(delegation: Delegation):
    return LETTERS.path(delegation.letter_stored, str(delegation.event_id))


def freeze(delegation: Delegation, frozen: bool, now: datetime, staff) -> None:
    """Staff close the delegation to the focal point's changes (logistics are booked), or open
    it again."""
    lock(delegation)
    if frozen == (delegation.frozen_at is not None):
        return
    delegation.frozen_at = now if frozen else None
    log_action(delegation, FROZEN if frozen else UNFROZEN, staff, at=now, label=_label(delegation))


def read_invitation_lines(text: str, common: InvitationInput) -> list[InvitationInput]:
    """Several invitations from lines "authority; focal point; email; language" (the authority
    by its name or acronym; the language by its code or name, else the country's), with the
    quota, deadline and note of ``common``. Lines that cannot be read are refused, each named:
    nothing is invited until every line reads."""
    organisations = db.session.scalars(select(Organisation)).all()
    by_name = {o.name.lower(): o for o in organisations}
    by_name.update({o.acronym.lower(): o for o in organisations if o.acronym})
    invitations, problems = [], []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split(";")]
        parts += [""] * (4 - len(parts))
        name, focal_name, email, language = parts[:4]
        organisation = by_name.get(name.lower())
        try:
            if organisation is None:
                raise ValueError(_("no authority is called %(name)s", name=name[:100]))
            if not focal_name or len(focal_name) > 200:
                raise ValueError(_("write the focal point's name (up to 200 characters)"))
            email = validate_email(email, check_deliverability=False).normalized.lower()
            code = _language(language, organisation)
        except EmailNotValidError:
            problems.append(
                _("Line %(n)d: %(email)s is not an email address.", n=number, email=email[:100])
            )
            continue
        except ValueError as problem:
            problems.append(_("Line %(n)d: %(problem)s.", n=number, problem=problem))
            continue
        invitations.append(
            replace(
                common,
                organisation_id=organisation.id,
                focal_name=focal_name,
                focal_email=email,
                focal_language=code,
            )
        )
    if problems:
        raise InvalidInput("lines", " ".join(problems[:10]))
    if not invitations:
        raise InvalidInput("lines", _("Write one authority a line."))
    return invitations


def _language(written: str, organisation: Organisation) -> str:
    """The site's language a line names (its code, or its name in any of the site's languages:
    "es", "Spanish", "español"); else the country's official one the site speaks; else the
    site's first."""
    languages = current_app.config["LANGUAGES"]
    written = written.strip().lower()
    for code in languages:
        names = {
            code,
            *(Locale.parse(other).languages.get(code, "").lower() for other in languages),
        }
        if written in names:
            return code
    if written:
        raise ValueError(_("write English, Spanish or French as the language"))
    official = get_official_languages(organisation.country_code or "", de_facto=True)
    return next((code for code in official if code in languages), languages[0])


def region_lines(region: str) -> str:
    """Lines to invite every electoral body of a region, for staff to add the focal points."""
    rows = db.session.scalars(
        select(Organisation)
        .join(Country, Country.code == Organisation.country_code)
        .where(
            Country.region == region,
            Organisation.kind.in_(
                (OrganisationKind.ELECTORAL_MANAGEMENT_BODY, OrganisationKind.ELECTORAL_COURT)
            ),
        )
        .order_by(Country.name, Organisation.name)
    )
    return "\n".join(f"{o.acronym or o.name}; ; ; {language_name(_language('', o))}" for o in rows)
