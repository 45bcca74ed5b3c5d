"""Registration settings of an event, registrations (participants) and invitations."""

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..catalogue.models import Event
from ..core.clock import utcnow
from ..core.dates import within_calendar_years
from ..core.labels import Labelled, sql_in
from ..core.validation import one_line_sql
from ..extensions import db
from ..people.models import Country, Gender, Organisation, OrganisationKind, Person


class Status(Labelled):
    # From the public form, until the address's owner follows the link emailed to it: it holds
    # no seat and no staff list shows it (``services.confirm_registration``).
    UNCONFIRMED = "unconfirmed", _l("Awaiting confirmation by email")
    PENDING = "pending", _l("Pending approval")
    APPROVED = "approved", _l("Approved")
    WAITLISTED = "waitlisted", _l("On the waiting list")
    DECLINED = "declined", _l("Declined")
    WITHDRAWN = "withdrawn", _l("Withdrawn")
    ATTENDED = "attended", _l("Attended")


# Statuses that hold a seat. Pending holds one too (an approval hold, as in pretix): a delegate
# waiting for approval is never bumped by later arrivals. A waitlisted delegate holds one while an
# offer of a seat runs (``offer_expires_at`` in the future).
SEAT_HOLDING = (Status.PENDING, Status.APPROVED, Status.ATTENDED)

# The statuses of registrations that count: in staff lists, counts, quotas and exports.
CONFIRMED = tuple(s for s in Status if s != Status.UNCONFIRMED)


class ParticipantRole(Labelled):
    DELEGATE = "delegate", _l("Delegate")
    SPEAKER = "speaker", _l("Speaker or expert")
    FACILITATOR = "facilitator", _l("Facilitator")
    OBSERVER = "observer", _l("Observer")
    STAFF = "staff", _l("Staff")


# A role as its holder is called in languages that mark gender (a badge reads "Delegada"), for
# a registration that says female or male; otherwise the role's label, with both endings.
ROLE_OF_A_WOMAN = {
    ParticipantRole.DELEGATE: lazy_pgettext("a woman's role", "Delegate"),
    ParticipantRole.SPEAKER: lazy_pgettext("a woman's role", "Speaker or expert"),
    ParticipantRole.FACILITATOR: lazy_pgettext("a woman's role", "Facilitator"),
    ParticipantRole.OBSERVER: lazy_pgettext("a woman's role", "Observer"),
}
ROLE_OF_A_MAN = {
    ParticipantRole.DELEGATE: lazy_pgettext("a man's role", "Delegate"),
    ParticipantRole.SPEAKER: lazy_pgettext("a man's role", "Speaker or expert"),
    ParticipantRole.FACILITATOR: lazy_pgettext("a man's role", "Facilitator"),
    ParticipantRole.OBSERVER: lazy_pgettext("a man's role", "Observer"),
}
ROLES_BY_GENDER = {Gender.FEMALE: ROLE_OF_A_WOMAN, Gender.MALE: ROLE_OF_A_MAN}


class Funding(Labelled):
    FUNDED = "funded", _l("Funded place")
    SELF_FUNDED = "self_funded", _l("Self-funded (at the authority's own cost)")


class Access(Labelled):
    OPEN = "open", _l("Open to all")
    INVITATION = "invitation", _l("By invitation only")
    # Officials nominated by their authority's focal point (delegations), not the public form.
    NOMINATION = "nomination", _l("By nomination of the authorities")


class RegistrationSettings(db.Model):
    """How an event takes registrations. An event without this row takes none online."""

    __tablename__ = "registration_settings"
    __table_args__ = (
        CheckConstraint(f"access IN ({sql_in(Access)})", name="access"),
        CheckConstraint(
            "closes_on IS NULL OR opens_on IS NULL OR closes_on >= opens_on", name="dates_in_order"
        ),
        CheckConstraint(
            "quota_per_organisation IS NULL OR quota_per_organisation >= 1", name="quota"
        ),
        CheckConstraint("offer_hours >= 1", name="offer_hours"),
        CheckConstraint("reminder_days >= 0", name="reminder_days"),
        *(
            CheckConstraint(within_calendar_years(column), name=f"{column}_in_calendar")
            for column in ("opens_on", "closes_on")
        ),
    )

    event_id: Mapped[int] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )
    opens_on: Mapped[date | None]  # None: open from now
    closes_on: Mapped[date | None]  # None: until the day before the event starts (inclusive)
    access: Mapped[str] = mapped_column(String(20), default=Access.OPEN)
    approval_required: Mapped[bool] = mapped_column(default=True)
    waiting_list: Mapped[bool] = mapped_column(default=True)  # False: a full event refuses
    # The first N registrations of an organisation are funded; later ones are self-funded.
    quota_per_organisation: Mapped[int | None]
    offer_hours: Mapped[int] = mapped_column(default=48)  # to accept a seat freed for the waitlist
    reminder_days: Mapped[int] = mapped_column(default=7)  # reminder this many days before

    event: Mapped[Event] = relationship()


class Registration(db.Model):
    __tablename__ = "registrations"
    __table_args__ = (
        UniqueConstraint("event_id", "email"),
        CheckConstraint("email = lower(email)", name="email_lower_case"),
        CheckConstraint(f"status IN ({sql_in(Status)})", name="status"),
        CheckConstraint(f"role IN ({sql_in(ParticipantRole)})", name="role"),
        CheckConstraint(f"gender IN ({sql_in(Gender)})", name="gender"),
        CheckConstraint(f"funding IN ({sql_in(Funding)})", name="funding"),
        CheckConstraint(
            "departure_on IS NULL OR arrival_on IS NULL OR departure_on >= arrival_on",
            name="travel_in_order",
        ),
        CheckConstraint("length(name) > 0", name="name_not_empty"),
        CheckConstraint(one_line_sql("name"), name="name_one_line"),
        CheckConstraint(
            "(new_organisation IS NULL) = (new_organisation_kind IS NULL)"
            " AND (new_organisation IS NULL OR organisation_id IS NULL)",
            name="new_organisation_or_chosen",
        ),
        CheckConstraint(
            "new_organisation_kind IS NULL"
            f" OR new_organisation_kind IN ({sql_in(OrganisationKind)})",
            name="new_organisation_kind",
        ),
        *(
            CheckConstraint(within_calendar_years(column), name=f"{column}_in_calendar")
            for column in ("arrival_on", "departure_on")
        ),
        Index("ix_registrations_event_id_status", "event_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    # Whose it is across the years: set once the address is proven (``persons.person_of``).
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("persons.id", ondelete="SET NULL"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    gender: Mapped[str] = mapped_column(String(20))
    email: Mapped[str] = mapped_column(String(254))
    position: Mapped[str] = mapped_column(String(200), default="")
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL")
    )
    # An organisation the delegate typed in, not in the list, while the address is unconfirmed:
    # added to the list (for everyone) only once the address is confirmed, and forgotten with
    # the registration otherwise (``services.confirm_registration``).
    new_organisation: Mapped[str | None] = mapped_column(String(200))
    new_organisation_kind: Mapped[str | None] = mapped_column(String(40))
    country_code: Mapped[str] = mapped_column(ForeignKey("countries.code"))
    role: Mapped[str] = mapped_column(String(20), default=ParticipantRole.DELEGATE)
    status: Mapped[str] = mapped_column(String(20))
    funding: Mapped[str] = mapped_column(String(20), default=Funding.FUNDED)
    interpretation_languages: Mapped[list] = mapped_column(JSON, default=list)
    accessibility_needs: Mapped[str] = mapped_column(Text, default="")
    dietary_needs: Mapped[str] = mapped_column(Text, default="")
    visa_letter: Mapped[bool] = mapped_column(default=False)
    arrival_on: Mapped[date | None]
    departure_on: Mapped[date | None]
    consent_at: Mapped[datetime]
    # The version of the privacy notice consented to (None: before notices had versions).
    privacy_notice_version: Mapped[int | None]
    waitlisted_at: Mapped[datetime | None]  # the waiting list's order
    offer_expires_at: Mapped[datetime | None]  # a freed seat offered until then
    reminded_at: Mapped[datetime | None]
    locale: Mapped[str | None] = mapped_column(String(20))  # the language of its emails
    # Written by an authority's nomination (delegations): staff decide on it on the
    # delegation's page, never from the participants list, and the waiting list offers it no
    # seat (a place of the authority's quota is not the public's).
    nominated: Mapped[bool] = mapped_column(default=False)
    # Answers to the event's own questions (``questions.py``): {question id: text}.
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    event: Mapped[Event] = relationship()
    user: Mapped[User | None] = relationship()
    person: Mapped[Person | None] = relationship()
    organisation: Mapped[Organisation | None] = relationship()
    country: Mapped[Country] = relationship()

    @property
    def status_label(self) -> str:
        return Status(self.status).label

    @property
    def funding_label(self) -> str:
        return Funding(self.funding).label

    @property
    def gender_label(self) -> str:
        return Gender(self.gender).label

    @property
    def role_label(self) -> str:
        """The role as its holder is called (``ROLES_BY_GENDER``)."""
        role = ParticipantRole(self.role)
        return str(ROLES_BY_GENDER.get(self.gender, {}).get(role, role.label))

    @property
    def has_offer(self) -> bool:
        return self.status == Status.WAITLISTED and self.offer_expires_at is not None

    def __repr__(self) -> str:
        return f"<Registration {self.id} {self.email} {self.status}>"


class Invitation(db.Model):
    """An invitation of an authority's official to an event taking registrations by invitation."""

    __tablename__ = "invitations"
    __table_args__ = (UniqueConstraint("event_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    email: Mapped[str] = mapped_column(String(254))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    used_at: Mapped[datetime | None]

    organisation: Mapped[Organisation] = relationship()
