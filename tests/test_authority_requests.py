"""Requests from electoral authorities, through HTTP: from the public form to a scheduled
internship with its agenda drafted and its final report; declines; staff-only pages and API."""

import re
from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from eventsapp.accounts.models import User
from eventsapp.agenda.models import AgendaSession, AgendaTemplate, AgendaTemplateItem
from eventsapp.authority_requests.models import AuthorityRequest
from eventsapp.authority_requests.services import SENT, STATUS_CHANGED, timeline
from eventsapp.catalogue.models import Event
from eventsapp.core.actions import log_action
from eventsapp.core.jobs import PERIODIC_JOBS
from eventsapp.mail.models import OutboxEmail
from tests.conftest import login

FORM = {
    "authority_name": "National Office of Electoral Processes",
    "country_code": "PE",
    "kind": "internship",
    "topics": ["IV.voting_from_abroad", "aspect.technical"],
    "scenario": "before_reform",
    "criteria": ["a", "b"],
    "context": "A reform gives Peruvians abroad an electronic vote from 2026.",
    "date_text": "September-October 2025",
    "officials": "3",
    "officials_profile": "Heads of the registry abroad and of IT",
    "languages": ["es", "en"],
    "interpretation": "y",
    "contact_name": "Rosa Quispe",
    "contact_email": "Rosa.Quispe@example.org",
}


def emails_to(db, address):
    return list(
        db.session.scalars(
            select(OutboxEmail).where(OutboxEmail.to == address).order_by(OutboxEmail.id)
        )
    )


def follow_path(email) -> str:
    return re.search(r"https?://[^/\s]+(/requests/[^\s]+)", email.text_body).group(1)


def ask(client, db, **changes):
    """A stranger's request, confirmed by the emailed link; the path of its page."""
    response = client.post("/requests/new", data={**FORM, **changes})
    assert response.status_code == 200, response.data
    assert b"Check your email" in response.data
    path = follow_path(emails_to(db, "rosa.quispe@example.org")[-1])
    assert client.post(path).status_code == 302
    return path


@pytest.fixture
def internship_template(db):
    template = AgendaTemplate(name="Internship: five days at the host", event_kind="internship")
    template.items = [
        AgendaTemplateItem(
            day=d,
            starts=time(9),
            ends=time(13),
            title=f"Day {d} at the host",
            kind="presentation",
            position=d,
        )
        for d in range(1, 6)
    ]
    db.session.add(template)
    db.session.commit()


def test_an_internship_from_the_public_form_to_its_final_report(
    app, client, db, staff_user, internship_template, tmp_path, monkeypatch
):
    monkeypatch.setitem(app.config, "UPLOADS_FOLDER", str(tmp_path / "uploads"))
    form = client.get("/requests/new").data.decode()
    assert "IV. Institutional consolidation" in form and 'value="IV.voting_from_abroad"' in form
    assert "a. Incorporating new functions" in form
    users_before = db.session.scalar(select(func.count(User.id)))
    response = client.post("/requests/new", data=FORM)
    assert b"Check your email" in response.data
    # Unconfirmed: staff do not see it, and no account was made for the address.
    login(client, staff_user)
    assert b"National Office" not in client.get("/manage/requests/").data
    assert db.session.scalar(select(func.count(User.id))) == users_before
    client.get("/logout")

    [confirm] = emails_to(db, "rosa.quispe@example.org")
    path = follow_path(confirm)
    assert b"Confirm" in client.get(path).data
    assert client.post(path).status_code == 302

    login(client, staff_user)
    listing = client.get("/manage/requests/").data.decode()
    assert "National Office of Electoral Processes" in listing and "Peru" in listing
    req = db.session.scalar(select(AuthorityRequest))
    assert req.status == "new" and req.criteria == ["a", "b"]

    response = client.post(f"/manage/requests/{req.id}/status", data={"status": "accepted"})
    assert response.status_code == 302
    event = db.session.scalar(select(Event))
    assert event.kind == "internship" and event.status == "proposed"
    assert event.requesting_authority.name == "National Office of Electoral Processes"
    assert [c.code for c in event.requesting_countries] == ["PE"]
    assert event.block == "IV" and "Voting from abroad" in event.theme
    assert (event.date_text, event.starts_on.isoformat(), event.ends_on.isoformat()) == (
        "September-October 2025",
        "2025-09-01",
        "2025-10-31",
    )
    assert event.languages == ["es", "en"] and event.interpretation
    sessions = db.session.scalars(select(AgendaSession).where(AgendaSession.event_id == event.id))
    assert sorted(s.title for s in sessions) == [f"Day {d} at the host" for d in range(1, 6)]
    detail = client.get(f"/manage/requests/{req.id}").data.decode()
    assert event.title in detail and "Before a political-electoral reform" in detail

    assert (
        client.post(f"/manage/requests/{req.id}/status", data={"status": "scheduled"}).status_code
        == 302
    )
    client.get("/logout")
    subjects = [e.subject for e in emails_to(db, "rosa.quispe@example.org")]
    assert subjects == [
        "Confirm your request",
        "We received your request",
        "Your request: Accepted",
        "Your request: Scheduled",
    ]
    page = client.get(path).data.decode()
    assert "Scheduled" in page and event.title in page and "Your final report" in page

    # The internship is over: reminders until the report arrives.
    job = PERIODIC_JOBS["final-report-reminders"].run
    now = datetime(2025, 11, 20, 8, 0)
    assert job(now) == {"reminded": 1}
    assert job(now + timedelta(days=1)) == {"reminded": 0}
    assert job(now + timedelta(days=15)) == {"reminded": 1}
    db.session.commit()
    assert emails_to(db, "rosa.quispe@example.org")[-1].subject == "Your internship's final report"

    pdf = b"%PDF-1.4\n% the final report\n"
    from io import BytesIO

    response = client.post(
        f"{path}/report",
        data={"file": (BytesIO(pdf), "Informe final.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    assert [p.read_bytes() for p in (tmp_path / "uploads" / "requests").iterdir()] == [pdf]
    assert job(now + timedelta(days=60)) == {"reminded": 0}

    login(client, staff_user)
    detail = client.get(f"/manage/requests/{req.id}").data.decode()
    assert "Informe final.pdf" in detail
    assert "Sent the final report of National Office of Electoral Processes" in detail
    download = client.get(f"/manage/requests/{req.id}/report")
    assert download.data == pdf and download.mimetype == "application/pdf"
    # With the event: staff see whose request it was, and its final report.
    page = client.get(f"/events/{event.id}").data.decode()
    assert "Requested by" in page and "final report received" in page
    assert f"/manage/requests/{req.id}/report" in page and "Informe final.pdf" in page
    results = client.get("/reports/results?from=2025&to=2025").data.decode()
    assert "1 request" in results and "1 became an event" in results
    assert "1 final report received" in results and "Voting from abroad" in results


def test_a_report_that_is_neither_pdf_nor_docx_is_refused(
    app, client, db, staff_user, tmp_path, monkeypatch
):
    monkeypatch.setitem(app.config, "UPLOADS_FOLDER", str(tmp_path / "uploads"))
    path = ask(client, db)
    req = db.session.scalar(select(AuthorityRequest))
    login(client, staff_user)
    for status in ("accepted", "scheduled"):
        client.post(f"/manage/requests/{req.id}/status", data={"status": status})
    from io import BytesIO

    response = client.post(
        f"{path}/report",
        data={"file": (BytesIO(b"MZ\x90\x00 not a pdf"), "report.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert b"PDF or a Word" in response.data
    assert not (tmp_path / "uploads").exists()
    assert db.session.get(AuthorityRequest, req.id).report_received_at is None
    # The structured form instead.
    response = client.post(
        f"{path}/report",
        data={"experience": "We saw the registry abroad at work.", "adaptations": "A unit."},
    )
    assert response.status_code == 302
    assert "We saw the registry abroad" in client.get(f"/manage/requests/{req.id}").data.decode()


def test_a_decline_says_why_to_the_authority(client, db, staff_user):
    ask(client, db, kind="workshop", criteria=[])
    req = db.session.scalar(select(AuthorityRequest))
    login(client, staff_user)
    response = client.post(f"/manage/requests/{req.id}/status", data={"status": "declined"})
    assert response.status_code == 400 and b"Say why" in response.data
    assert db.session.get(AuthorityRequest, req.id).status == "new"
    response = client.post(
        f"/manage/requests/{req.id}/status",
        data={"status": "declined", "reason": "Our 2025 calendar is full; we suggest 2026."},
    )
    assert response.status_code == 302
    email = emails_to(db, "rosa.quispe@example.org")[-1]
    assert email.subject == "Your request: Declined"
    assert "Our 2025 calendar is full" in email.text_body
    timeline = client.get(f"/manage/requests/{req.id}").data.decode()
    assert "Staff Member" in timeline and "declined" in timeline
    assert db.session.scalar(select(func.count(Event.id))) == 0


def test_unreadable_dates_are_refused_with_the_readers_message(client, db):
    response = client.post("/requests/new", data={**FORM, "date_text": "whenever suits you"})
    assert response.status_code == 400
    assert b"Could not read" in response.data
    assert db.session.scalar(select(func.count(AuthorityRequest.id))) == 0
    assert db.session.scalar(select(func.count(OutboxEmail.id))) == 0


def test_a_signed_in_delegate_needs_no_confirmation(client, db, delegate_user):
    login(client, delegate_user)
    response = client.post("/requests/new", data={**FORM, "contact_email": "other@example.org"})
    assert response.status_code == 302
    req = db.session.scalar(select(AuthorityRequest))
    assert req.confirmed_at is not None and req.contact_email == "delegate@example.org"
    assert b"National Office" in client.get(response.location).data


def test_staff_only_pages_and_api(client, db, staff_user, delegate_user):
    ask(client, db)
    assert client.get("/api/v1/requests").status_code == 401
    assert client.get("/api/v1/requests").json["error"]
    login(client, delegate_user)
    assert client.get("/manage/requests/").status_code == 403
    assert client.get("/api/v1/requests").status_code == 403
    login(client, staff_user)
    [row] = client.get("/api/v1/requests").json
    assert row["country"] == "PE" and row["kind"] == "internship" and row["status"] == "new"
    assert row["topics"] == ["IV.voting_from_abroad", "aspect.technical"]
    assert (row["starts_on"], row["ends_on"]) == ("2025-09-01", "2025-10-31")


def test_the_public_form_is_rate_limited(app, client, db, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_POST_LIMIT", "2 per minute")
    codes = [client.post("/requests/new", data=FORM).status_code for _ in range(3)]
    assert codes == [200, 200, 429]


def _requests(db, count):
    now = datetime(2026, 1, 1)
    for i in range(count):
        req = AuthorityRequest(
            authority_name=f"Authority {i}",
            country_code=("PE", "MX", "KE")[i % 3],
            kind="workshop",
            topics=["III.results"],
            date_text="March 2027",
            starts_on=datetime(2027, 3, 1).date(),
            ends_on=datetime(2027, 3, 31).date(),
            precision="month",
            contact_name="C",
            contact_email=f"c{i}@example.org",
            confirmed_at=now,
            created_at=now,
            updated_at=now,
        )
        db.session.add(req)
        log_action(req, SENT, "C", at=now, label=req.authority_name)
    db.session.commit()


def test_the_staff_list_runs_a_fixed_number_of_queries(client, db, staff_user, count_queries):
    login(client, staff_user)
    counts = []
    for added, total in ((10, 10), (490, 500)):
        _requests(db, added)
        with count_queries() as queries:
            response = client.get("/manage/requests/")
        assert response.status_code == 200
        assert response.data.count(b"<tr>") == total + 1
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_demo_has_the_2016_candidates_requests_once(db):
    from eventsapp.demo.services import load_demo

    load_demo()
    load_demo()
    db.session.commit()
    requests = {r.country_code: r for r in db.session.scalars(select(AuthorityRequest))}
    assert set(requests) == {"DE", "CZ", "HN", "PE", "CR", "LS", "IN", "MZ"}
    assert len({r.status for r in requests.values()}) == 6  # every status
    peru = requests["PE"]
    assert peru.status == "scheduled" and peru.kind == "internship" and peru.has_report
    assert peru.event.source_key == "cicie-ws-2016-september"


@pytest.mark.parametrize(
    ("phrase", "window"),
    [
        ("second half of 2027", ("2027-07-01", "2027-12-31")),
        ("before the May 2028 elections", (None, "2028-04-30")),
    ],
)
def test_preferred_dates_as_authorities_write_them(client, db, staff_user, phrase, window):
    ask(client, db, date_text=phrase)
    login(client, staff_user)
    [row] = client.get("/api/v1/requests").json
    assert row["date_text"] == phrase
    assert row["ends_on"] == window[1]
    if window[0]:
        assert row["starts_on"] == window[0]
    else:  # from tomorrow on
        assert row["starts_on"] > datetime.now().date().isoformat()


def test_the_results_count_requests_by_region_in_the_visitors_language(client, db, staff_user):
    ask(client, db)  # from Peru
    login(client, staff_user)
    spanish = client.get("/reports/results?from=2025&to=2025", headers={"Accept-Language": "es"})
    assert "<tr><td>América</td><td>1</td></tr>" in spanish.text
    english = client.get("/reports/results?from=2025&to=2025")
    assert "<tr><td>Americas</td><td>1</td></tr>" in english.text


def test_the_authority_withdraws_its_open_request_once(client, db, staff_user):
    path = ask(client, db)
    assert client.post(f"{path}/withdraw").status_code == 302
    req = db.session.scalar(select(AuthorityRequest))
    assert req.status == "withdrawn"
    statuses = [line for line in timeline(req) if line.action in (SENT, STATUS_CHANGED)]
    assert [(line.who, line.data.get("status")) for line in statuses] == [
        ("Rosa Quispe", None),
        ("Rosa Quispe", "withdrawn"),
    ]
    assert client.post(f"{path}/withdraw").status_code == 400
    assert emails_to(db, "rosa.quispe@example.org")[-1].subject == "Your request: Withdrawn"
    assert client.get("/requests/not-a-token").status_code == 404
