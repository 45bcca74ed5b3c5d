"""The demo's requests from electoral authorities: the countries CICIE's 2016 calendar lists as
having shown interest (seeds/003), in different states: Germany's workshop accepted into the
April 2016 slot, Peru's internship on voting from abroad
is scheduled into the September 2016 workshop/internship, and its final report has arrived.

Written directly, without emails (nobody is to be told about demo data). Idempotent: a request
whose contact address is there already is left as it is.
"""

from datetime import datetime

from sqlalchemy import select

from ..authority_requests.models import AuthorityRequest
from ..authority_requests.services import SENT, STATUS_CHANGED
from ..catalogue.models import Event
from ..core.actions import log_action
from ..core.dates import read_date_phrase
from ..extensions import db

# country, authority, kind, topics, scenario, preferred dates, status, reason or event key
REQUESTS = (
    (
        "DE",
        "Federal Returning Officer",
        "workshop",
        ["V.electronic_voting"],
        "other",
        "April 2016",
        "accepted",
        "cicie-ws-2016-april",
    ),
    (
        "CZ",
        "State Electoral Commission",
        "workshop",
        ["V.electronic_voting", "aspect.legal"],
        "before_reform",
        "May 2016",
        "new",
        "",
    ),
    (
        "HN",
        "Supreme Electoral Tribunal of Honduras",
        "workshop",
        ["III.voter_register", "III.results"],
        "before_elections",
        "June 2016",
        "new",
        "",
    ),
    (
        "PE",
        "National Office of Electoral Processes",
        "internship",
        ["IV.voting_from_abroad", "aspect.technical"],
        "before_reform",
        "September 2016",
        "scheduled",
        "cicie-ws-2016-september",
    ),
    (
        "CR",
        "Supreme Electoral Tribunal of Costa Rica",
        "course_place",
        ["IV.party_audit"],
        "other",
        "November 2016",
        "under_discussion",
        "",
    ),
    (
        "LS",
        "Independent Electoral Commission of Lesotho",
        "workshop",
        ["II.electoral_training"],
        "new_authorities",
        "February 2016",
        "declined",
        "The February 2016 workshop was already given to another authority; we suggest 2017.",
    ),
    (
        "IN",
        "Election Commission of India",
        "technical_assistance",
        ["III.voting_and_counting"],
        "other",
        "November 2016",
        "withdrawn",
        "",
    ),
    (
        "MZ",
        "National Elections Commission of Mozambique",
        "workshop",
        ["I.civic_education", "III.observers"],
        "before_elections",
        "September-October 2016",
        "new",
        "",
    ),
)
RECEIVED = datetime(2016, 1, 15, 10, 0)


def load() -> dict[str, int]:
    """Nothing to add to the events counted by programme: requests are not events (the
    ``demo load`` command says "CICIE: 88 events added.")."""
    emails = [f"requests.{country.lower()}@example.org" for country, *_rest in REQUESTS]
    existing = set(
        db.session.scalars(
            select(AuthorityRequest.contact_email).where(AuthorityRequest.contact_email.in_(emails))
        )
    )
    event_keys = [r[7] for r in REQUESTS if r[6] in ("accepted", "scheduled")]
    events = {
        e.source_key: e
        for e in db.session.scalars(select(Event).where(Event.source_key.in_(event_keys)))
    }
    for email, (country, authority, kind, topics, scenario, when, status, extra) in zip(
        emails, REQUESTS, strict=True
    ):
        if email in existing or (status in ("accepted", "scheduled") and extra not in events):
            continue
        window = read_date_phrase(when)
        req = AuthorityRequest(
            authority_name=authority,
            country_code=country,
            kind=kind,
            topics=topics,
            scenario=scenario,
            criteria=["a"] if kind == "internship" else [],
            date_text=when,
            starts_on=window.starts_on,
            ends_on=window.ends_on,
            precision=window.precision,
            tentative=window.tentative,
            officials=3,
            languages=["en", "es"],
            contact_name=f"{authority} (international affairs)",
            contact_email=email,
            confirmed_at=RECEIVED,
            created_at=RECEIVED,
            updated_at=RECEIVED,
            status=status,
            decline_reason=extra if status == "declined" else "",
            event=events.get(extra),
        )
        db.session.add(req)
        db.session.flush()
        timeline = {"at": RECEIVED, "label": authority, "event_id": req.event and req.event.id}
        log_action(req, SENT, req.contact_name, **timeline)
        if status != "new":
            reason = {"status": status, "text": req.decline_reason}
            log_action(req, STATUS_CHANGED, "CICIE", reason, **timeline)
        if status == "scheduled":
            req.report_received_at = datetime(2016, 11, 10, 9, 0)
            req.report_experience = (
                "The delegation learnt how the postal and electronic vote from abroad is "
                "organised, from the register of voters abroad to the count."
            )
            req.report_adaptations = "A register of voters abroad before the 2018 reform."
            req.report_recommendations = "Publish the audit protocols of the electronic vote."
    db.session.flush()
    return {}
