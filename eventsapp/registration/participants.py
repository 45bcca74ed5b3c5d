"""Participant lists for staff: filtering, counts by status, and the rows of the exports."""

import re
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, cast, false, func, literal, or_, select
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import joinedload

from ..catalogue.models import LANGUAGES
from ..core.actions import describe
from ..core.errors import InvalidInput
from ..core.questions import NO, SEVERAL_CHOICES, YES, YES_NO
from ..core.validation import whole_numbers
from ..extensions import db
from ..people.models import Organisation
from ..people.services import country_choices
from .models import CONFIRMED, Funding, Registration, Status
from .questions import RegistrationQuestion

# Looks at others' personal data, in the action log (the event's History).
EXPORTED = describe(
    "event.participants_exported",
    _l("Downloaded the participants of %(object)s (%(format)s; rows: %(rows)s)"),
)
FILE_DOWNLOADED = describe(
    "registration.file_downloaded", _l("Downloaded the file %(file)s sent by %(object)s")
)

# An answer filter: "<question id>=<choice>", "<question id>+" (answered) or "<question id>-".
_ANSWER_FILTER = re.compile(r"([0-9]{1,10})([=+-])(.*)", re.DOTALL)


@dataclass
class ParticipantFilters:
    status: str | None = None
    country: str | None = None
    organisation_id: int | None = None
    funding: str | None = None
    answer: str | None = None  # see _ANSWER_FILTER
    contains: str | None = None  # in the written answers

    @classmethod
    def from_args(cls, args) -> "ParticipantFilters":
        """Read the list's query parameters; unknown values are ignored (the list shows all)."""
        status = args.get("status")
        funding = args.get("funding")
        organisation = whole_numbers([args.get("organisation", "")])
        return cls(
            status=status if status in CONFIRMED else None,
            country=(args.get("country") or "").upper() or None,
            organisation_id=organisation[0] if organisation else None,
            funding=funding if funding in Funding.__members__.values() else None,
            answer=args.get("answer") if _ANSWER_FILTER.fullmatch(args.get("answer", "")) else None,
            contains=(args.get("contains") or "").strip()[:200] or None,
        )

    @classmethod
    def of_status(cls, raw: str | None) -> "ParticipantFilters":
        """Only a status's registrations (every status staff see when none is given), for
        scripts: an unknown one is InvalidInput naming ``status``, not ignored."""
        status = (raw or "").strip()
        if status and status not in CONFIRMED:
            raise InvalidInput(
                "status",
                _("status must be one of %(statuses)s.", statuses=", ".join(CONFIRMED)),
            )
        return cls(status=status or None)

    def as_args(self) -> dict:
        """The filters set, as query parameters of the list's links."""
        args = {
            "status": self.status,
            "country": self.country,
            "organisation": self.organisation_id,
            "funding": self.funding,
            "answer": self.answer,
            "contains": self.contains,
        }
        return {name: value for name, value in args.items() if value}


def participants(
    event_id: int, filters: ParticipantFilters, questions: list[RegistrationQuestion] = ()
) -> Select:
    """The event's registrations matching the filters, in registration order (unconfirmed ones
    do not count yet). Answer filters apply to the event's ``questions``."""
    stmt = (
        select(Registration)
        .where(Registration.event_id == event_id, Registration.status.in_(CONFIRMED))
        .options(joinedload(Registration.organisation), joinedload(Registration.country))
        .order_by(Registration.created_at, Registration.id)
    )
    if filters.status:
        stmt = stmt.where(Registration.status == filters.status)
    if filters.country:
        stmt = stmt.where(Registration.country_code == filters.country)
    if filters.organisation_id:
        stmt = stmt.where(Registration.organisation_id == filters.organisation_id)
    if filters.funding:
        stmt = stmt.where(Registration.funding == filters.funding)
    if filters.answer:
        stmt = stmt.where(_answer_matches(filters.answer, questions))
    if filters.contains:
        written = [q for q in questions if q.kind_rules.written]
        stmt = stmt.where(
            or_(
                false(),
                *(
                    func.lower(_answer(q.id).as_string()).contains(
                        filters.contains.lower(), autoescape=True
                    )
                    for q in written
                ),
            )
        )
    return stmt


def _answer(question_id: int):
    return Registration.answers[str(question_id)]


def _answer_matches(answer_filter: str, questions: list[RegistrationQuestion]):
    """The condition of an answer filter; false for a question not of the event."""
    question_id, sign, value = _ANSWER_FILTER.fullmatch(answer_filter).groups()
    question = next((q for q in questions if q.id == int(question_id)), None)
    if question is None:
        return false()
    answer = _answer(question.id)
    if sign == "+":
        return answer.as_string().is_not(None)
    if sign == "-":
        return answer.as_string().is_(None)
    if question.kind == SEVERAL_CHOICES:
        return _includes(question.id, value)
    return answer.as_string() == value


def _includes(question_id: int, choice: str):
    """The answer (a list of choices) includes ``choice``."""
    if db.session.get_bind().dialect.name == "postgresql":
        return cast(_answer(question_id), JSONB).contains([choice])
    ticked = func.json_each(Registration.answers, f'$."{question_id}"').table_valued("value")
    return select(literal(1)).select_from(ticked).where(ticked.c.value == choice).exists()


def answer_filter_choices(questions: list[RegistrationQuestion]) -> list[tuple[str, list]]:
    """The answer filter's options, grouped by question: its choices (yes and no), whether
    answered."""
    groups = []
    for q in questions:
        options = []
        if q.has_choices:
            options = [(f"{q.id}={choice}", choice) for choice in q.choices]
        elif q.kind == YES_NO:
            options = [(f"{q.id}={value}", q.kind_rules.text(value)) for value in (YES, NO)]
        options += [(f"{q.id}+", _("answered")), (f"{q.id}-", _("not answered"))]
        groups.append((q.label, options))
    return groups


def status_counts(event_id: int) -> dict[str, int]:
    rows = db.session.execute(
        select(Registration.status, func.count(Registration.id))
        .where(Registration.event_id == event_id, Registration.status.in_(CONFIRMED))
        .group_by(Registration.status)
    )
    return dict(rows.all())


def filter_choices(event_id: int) -> dict:
    """The countries and organisations of the event's registrations, for the list's filters."""
    countries = country_choices(
        among=select(Registration.country_code).where(
            Registration.event_id == event_id, Registration.status.in_(CONFIRMED)
        )
    )
    organisations = db.session.scalars(
        select(Organisation)
        .join(Registration, Registration.organisation_id == Organisation.id)
        .where(Registration.event_id == event_id, Registration.status.in_(CONFIRMED))
        .distinct()
        .order_by(Organisation.name)
    ).all()
    return {
        "countries": countries,
        "organisations": [(o.id, o.display_name) for o in organisations],
    }


EXPORT_HEADER = (
    _l("Id"),
    _l("Name"),
    _l("Gender"),
    _l("Email"),
    _l("Position"),
    _l("Organisation"),
    _l("Country"),
    _l("Role"),
    _l("Status"),
    _l("Funding"),
    _l("Interpretation"),
    _l("Accessibility needs"),
    _l("Dietary needs"),
    _l("Visa letter"),
    _l("Arrival"),
    _l("Departure"),
    _l("Registered at (UTC)"),
)


def export_rows(registrations) -> list[list]:
    return [
        [
            r.id,
            r.name,
            r.gender_label,
            r.email,
            r.position,
            r.organisation.display_name if r.organisation else "",
            r.country.local_name,
            r.role_label,
            r.status_label,
            r.funding_label,
            ", ".join(str(LANGUAGES.get(c, c)) for c in r.interpretation_languages),
            r.accessibility_needs,
            r.dietary_needs,
            _("yes") if r.visa_letter else _("no"),
            r.arrival_on,
            r.departure_on,
            r.created_at,
        ]
        for r in registrations
    ]


# Participants who have a place: they get messages, badges, check-in and certificates. A declined
# or withdrawn participant gets none of them.
WITH_A_PLACE = (Status.APPROVED, Status.ATTENDED)


def participants_with_a_place(event_id: int) -> list[Registration]:
    """The approved (or attended) participants, by name."""
    stmt = (
        select(Registration)
        .where(Registration.event_id == event_id, Registration.status.in_(WITH_A_PLACE))
        .options(joinedload(Registration.organisation), joinedload(Registration.country))
        .order_by(Registration.name, Registration.id)
    )
    return list(db.session.scalars(stmt))
