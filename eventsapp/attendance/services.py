"""After approval: badges, check-in per day, certificates, and the attendance settings of an event.
Nothing here commits; emails go through the outbox (evaluations are in ``evaluations``)."""

import secrets
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import segno
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from ..accounts.models import User
from ..catalogue.models import Event
from ..core.actions import describe, log_action
from ..core.errors import InvalidInput
from ..core.links import site_url
from ..core.locks import reread_locked
from ..core.tokens import BADGE, ids_in
from ..extensions import db
from ..registration.models import Registration, Status
from ..registration.notifications import notify, participant_email
from ..registration.participants import WITH_A_PLACE, participants_with_a_place
from ..registration.seats import lock_event
from ..registration.statuses import change_status
from .models import AttendanceSettings, Certificate, CheckIn

CHECKED_IN = describe("registration.checked_in", _l("Checked in %(object)s for %(day)s"))
CERTIFICATE_ISSUED = describe(
    "certificate.issued", _l("Issued a certificate to %(object)s (days attended: %(days)s)")
)
CERTIFICATE_REVOKED = describe("certificate.revoked", _l("Revoked the certificate of %(object)s"))

# ---------------------------------------------------------------- settings


def attendance_settings(event_id: int) -> AttendanceSettings:
    """The event's attendance settings; the defaults (not saved) when staff set none."""
    return db.session.get(AttendanceSettings, event_id) or AttendanceSettings(
        event_id=event_id, evaluation_anonymous=True
    )


def saved_settings(event_id: int) -> AttendanceSettings:
    """The event's settings row, added when missing, for a change to be saved."""
    settings = attendance_settings(event_id)
    if settings not in db.session:
        db.session.add(settings)
    return settings


def certificate_minimum(event: Event) -> int:
    """The days a participant must attend for a certificate: as set, else every day; never more
    than the event's days (it may have been shortened since the minimum was set)."""
    length = len(event_days(event))
    return min(attendance_settings(event.id).certificate_minimum_days or length, length)


def set_certificate_minimum(event: Event, minimum_days: int | None) -> None:
    if minimum_days is None or not 1 <= minimum_days <= len(event_days(event)):
        raise InvalidInput(
            "minimum_days",
            _("Between 1 and %(num)d days, the event's length.", num=len(event_days(event))),
        )
    saved_settings(event.id).certificate_minimum_days = minimum_days


# ---------------------------------------------------------------- badges and check-in


def badge_token(registration: Registration) -> str:
    """What a badge's QR code holds: the registration, signed (nobody can make one up)."""
    return BADGE.sign([registration.event_id, registration.id])


def registration_of_badge(event: Event, token: str) -> Registration | None:
    ids = ids_in(BADGE.read(token.strip()), 2)
    if ids is None or ids[0] != event.id:
        return None
    registration_id = ids[1]
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.status not in WITH_A_PLACE:
        return None
    return registration


@dataclass
class Badge:
    registration: Registration
    qr_image: str  # a PNG data: URI (WeasyPrint draws PNGs faster than SVGs)


def badges(event: Event) -> list[Badge]:
    """A badge for each participant with a place, by name (one query)."""
    return [
        Badge(r, segno.make(badge_token(r), error="m").png_data_uri(scale=6, border=0))
        for r in participants_with_a_place(event.id)
    ]


def event_days(event: Event) -> list[date]:
    return [
        event.starts_on + timedelta(days=n)
        for n in range((event.ends_on - event.starts_on).days + 1)
    ]


def check_in(registration: Registration, day: date, now: datetime, staff) -> bool:
    """Mark the participant present on ``day`` (``staff``: who checks them in); False when they
    were already (nothing changes)."""
    if registration.status not in WITH_A_PLACE:
        raise InvalidInput(
            "token", _("%(name)s has no place at this event.", name=registration.name)
        )
    if day not in event_days(registration.event):
        raise InvalidInput("day", _("This day is not one of the event's."))
    exists = db.session.scalar(
        select(CheckIn.id).where(CheckIn.registration_id == registration.id, CheckIn.day == day)
    )
    if exists:
        return False
    db.session.add(CheckIn(registration_id=registration.id, day=day, checked_in_at=now))
    db.session.flush()
    log_action(registration, CHECKED_IN, staff, {"day": day}, at=now)
    return True


def find_participants(event_id: int, words: str, limit: int = 20) -> list[Registration]:
    """Participants with a place whose name or organisation holds ``words``."""
    pattern = f"%{words.strip().lower()}%"
    return list(
        db.session.scalars(
            select(Registration)
            .where(
                Registration.event_id == event_id,
                Registration.status.in_(WITH_A_PLACE),
                or_(
                    func.lower(Registration.name).like(pattern),
                    func.lower(Registration.email).like(pattern),
                ),
            )
            .options(joinedload(Registration.organisation))
            .order_by(Registration.name)
            .limit(limit)
        )
    )


def places_count(event_id: int) -> int:
    """How many participants have a place (the check-in counter's "of M")."""
    return db.session.scalar(
        select(func.count(Registration.id)).where(
            Registration.event_id == event_id, Registration.status.in_(WITH_A_PLACE)
        )
    )


def checked_in_on(event_id: int, day: date) -> set[int]:
    return set(
        db.session.scalars(
            select(CheckIn.registration_id)
            .join(Registration, Registration.id == CheckIn.registration_id)
            .where(Registration.event_id == event_id, CheckIn.day == day)
        )
    )


def days_attended(event_id: int) -> dict[int, int]:
    """``{registration id: days checked in}`` for the event."""
    rows = db.session.execute(
        select(CheckIn.registration_id, func.count(CheckIn.id))
        .join(Registration, Registration.id == CheckIn.registration_id)
        .where(Registration.event_id == event_id)
        .group_by(CheckIn.registration_id)
    )
    return dict(rows.all())


def counts_per_day(event_id: int) -> Counter:
    rows = db.session.execute(
        select(CheckIn.day, func.count(CheckIn.id))
        .join(Registration, Registration.id == CheckIn.registration_id)
        .where(Registration.event_id == event_id)
        .group_by(CheckIn.day)
    )
    return Counter(dict(rows.all()))


# ---------------------------------------------------------------- certificates

CERTIFICATE_EMAIL = participant_email(
    "certificate", _l("Your certificate of participation: %(title)s")
)


def certificates_of(event_id: int) -> dict[int, Certificate]:
    """``{registration id: certificate}`` for the event."""
    rows = db.session.scalars(
        select(Certificate)
        .join(Registration, Registration.id == Certificate.registration_id)
        .where(Registration.event_id == event_id)
    )
    return {c.registration_id: c for c in rows}


def issue_certificates(event: Event, now: datetime, staff) -> int:
    """A certificate (emailed) for each participant with a place who attended at least the
    event's minimum of days, who is marked as attended (by ``staff``); those who have one keep
    it. Returns how many were issued."""
    lock_event(event.id)  # for the registrations' change of status
    minimum_days = certificate_minimum(event)
    attended = days_attended(event.id)
    issued = certificates_of(event.id)
    count = 0
    for registration in participants_with_a_place(event.id):
        days = attended.get(registration.id, 0)
        if days < minimum_days or registration.id in issued:
            continue
        certificate = Certificate(
            registration=registration,
            code=secrets.token_urlsafe(12),
            days_attended=days,
            issued_at=now,
        )
        db.session.add(certificate)
        log_action(
            certificate,
            CERTIFICATE_ISSUED,
            staff,
            {"days": days},
            at=now,
            label=registration.name,
            event_id=event.id,
            account_id=registration.user_id,
        )
        if registration.status == Status.APPROVED:
            change_status(registration, "attended", now, staff)
        notify(
            registration,
            CERTIFICATE_EMAIL,
            certificate_url=site_url("attendance.certificate_page", code=certificate.code),
        )
        count += 1
    return count


def certificate_by_code(code: str) -> Certificate | None:
    return db.session.scalar(
        select(Certificate)
        .where(Certificate.code == code)
        .options(joinedload(Certificate.registration).joinedload(Registration.event))
    )


def may_download_certificate(certificate: Certificate, user: User) -> bool:
    """The PDF of a certificate is for its holder (the account the registration belongs to)
    and for staff; anyone may check it on its page."""
    return user.is_staff or certificate.registration.user_id == user.id


def certificate_codes(registration_ids: list[int]) -> dict[int, str]:
    """The valid certificates' codes of some registrations (for "My registrations"): not
    revoked, of participants who still have a place."""
    rows = db.session.execute(
        select(Certificate.registration_id, Certificate.code)
        .join(Registration, Registration.id == Certificate.registration_id)
        .where(
            Certificate.registration_id.in_(registration_ids),
            Certificate.revoked_at.is_(None),
            Registration.status.in_(WITH_A_PLACE),
        )
    )
    return dict(rows.all())


def revoke_certificate(certificate: Certificate, now: datetime, staff) -> None:
    """Revoke once, however many clicks (the certificate is read again under its lock)."""
    reread_locked(certificate)
    if certificate.revoked_at is not None:
        return
    certificate.revoked_at = now
    registration = certificate.registration
    log_action(
        certificate,
        CERTIFICATE_REVOKED,
        staff,
        at=now,
        label=registration.name,
        event_id=registration.event_id,
        account_id=registration.user_id,
    )
