"""A request from an electoral authority and an internship's final report (its timeline is in
the action log, ``core.actions``)."""

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..catalogue.models import LANGUAGES, Event, EventKind
from ..core.clock import utcnow
from ..core.dates import PRECISIONS, format_window
from ..core.labels import Labelled, sql_in
from ..core.validation import one_line_sql
from ..extensions import db
from ..people.models import Country, Organisation, Person
from .topics import INTERNSHIP_CRITERIA, SCENARIOS, TOPICS


class RequestKind(Labelled):
    WORKSHOP = "workshop", _l("International workshop")
    INTERNSHIP = "internship", _l("Internship")
    COURSE_PLACE = "course_place", _l("Place in a specialization course")
    TECHNICAL_ASSISTANCE = "technical_assistance", _l("Technical assistance")


# The kind of event a request becomes when accepted.
EVENT_KIND = {
    RequestKind.WORKSHOP: EventKind.WORKSHOP,
    RequestKind.INTERNSHIP: EventKind.INTERNSHIP,
    RequestKind.COURSE_PLACE: EventKind.SPECIALIZATION_COURSE,
    RequestKind.TECHNICAL_ASSISTANCE: EventKind.OTHER,
}


class RequestStatus(Labelled):
    NEW = "new", _l("New")
    UNDER_DISCUSSION = "under_discussion", _l("Under discussion")
    ACCEPTED = "accepted", _l("Accepted")
    SCHEDULED = "scheduled", _l("Scheduled")
    DECLINED = "declined", _l("Declined")
    WITHDRAWN = "withdrawn", _l("Withdrawn")


class AuthorityRequest(db.Model):
    __tablename__ = "authority_requests"
    __table_args__ = (
        CheckConstraint(f"kind IN ({sql_in(RequestKind)})", name="kind"),
        CheckConstraint(f"status IN ({sql_in(RequestStatus)})", name="status"),
        CheckConstraint(f"precision IN ({sql_in(PRECISIONS)})", name="precision"),
        CheckConstraint("ends_on >= starts_on", name="window_in_order"),
        CheckConstraint("officials IS NULL OR officials BETWEEN 1 AND 200", name="officials"),
        CheckConstraint("length(authority_name) > 0", name="authority_not_empty"),
        *(
            CheckConstraint(one_line_sql(column), name=f"{column}_one_line")
            for column in ("authority_name", "contact_name", "report_filename")
        ),
        CheckConstraint(
            "status != 'declined' OR length(decline_reason) > 0", name="declined_with_reason"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    authority_name: Mapped[str] = mapped_column(String(200))  # as the requester wrote it
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL")
    )
    country_code: Mapped[str] = mapped_column(ForeignKey("countries.code"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    topics: Mapped[list] = mapped_column(JSON, default=list)  # keys of topics.TOPICS
    other_topics: Mapped[str] = mapped_column(Text, default="")
    scenario: Mapped[str | None] = mapped_column(String(30))
    criteria: Mapped[list] = mapped_column(JSON, default=list)  # internships: "a", "b", "c"
    context: Mapped[str] = mapped_column(Text, default="")
    date_text: Mapped[str] = mapped_column(String(200))
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    precision: Mapped[str] = mapped_column(String(20))
    tentative: Mapped[bool] = mapped_column(default=False)
    officials: Mapped[int | None]
    officials_profile: Mapped[str] = mapped_column(Text, default="")
    languages: Mapped[list] = mapped_column(JSON, default=list)
    interpretation: Mapped[bool] = mapped_column(default=False)
    contact_name: Mapped[str] = mapped_column(String(200))
    # The contact across the years, once their address is confirmed.
    contact_person_id: Mapped[int | None] = mapped_column(
        ForeignKey("persons.id", ondelete="SET NULL"), index=True
    )
    contact_email: Mapped[str] = mapped_column(String(254))
    contact_locale: Mapped[str | None] = mapped_column(String(20))
    # The version of the privacy notice the contact accepted (None: before notices had versions).
    privacy_notice_version: Mapped[int | None]
    account_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # None until the contact followed the emailed link (a signed-in delegate needs none):
    # staff see only confirmed requests.
    confirmed_at: Mapped[datetime | None] = mapped_column(index=True)
    status: Mapped[str] = mapped_column(String(20), default=RequestStatus.NEW, index=True)
    decline_reason: Mapped[str] = mapped_column(Text, default="")
    event_id: Mapped[int | None] = mapped_column(
        ForeignKey("events.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The internship's final report: a file (stored outside the web root), or the form's answers.
    report_filename: Mapped[str | None] = mapped_column(String(200))  # as uploaded
    report_stored_as: Mapped[str | None] = mapped_column(String(100))  # name in the uploads folder
    report_experience: Mapped[str] = mapped_column(Text, default="")
    report_adaptations: Mapped[str] = mapped_column(Text, default="")
    report_recommendations: Mapped[str] = mapped_column(Text, default="")
    report_received_at: Mapped[datetime | None]
    report_reminded_at: Mapped[datetime | None]

    country: Mapped[Country] = relationship(lazy="joined")
    organisation: Mapped[Organisation | None] = relationship()
    event: Mapped[Event | None] = relationship()
    contact_person: Mapped[Person | None] = relationship()

    @property
    def kind_label(self) -> str:
        return RequestKind(self.kind).label

    @property
    def status_label(self) -> str:
        return RequestStatus(self.status).label

    @property
    def window_label(self) -> str:
        return format_window(self.starts_on, self.ends_on)

    @property
    def topic_labels(self) -> list[str]:
        return [str(TOPICS[t]) for t in self.topics if t in TOPICS]

    @property
    def scenario_label(self) -> str:
        return str(SCENARIOS.get(self.scenario, "")) if self.scenario else ""

    @property
    def criteria_labels(self) -> list[str]:
        return [str(INTERNSHIP_CRITERIA[c]) for c in self.criteria if c in INTERNSHIP_CRITERIA]

    @property
    def language_labels(self) -> list[str]:
        return [str(LANGUAGES.get(code, code)) for code in self.languages]

    @property
    def has_report(self) -> bool:
        return self.report_received_at is not None
