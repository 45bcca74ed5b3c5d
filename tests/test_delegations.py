"""Delegations over HTTP: staff invite an authority; its focal point opens the emailed link (a
forwarded one is refused), nominates three for a quota of two (the third is a reserve), sends
the nomination letter; staff approve one and decline one with a reason (the reserve moves up and
is told), the focal point substitutes one (the old badge no longer verifies); a nominee
completes their own registration; the deadline and a freeze close the page."""

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from eventsapp.core.clock import utcnow
from eventsapp.delegations.models import Delegation, Nomination
from eventsapp.documents.services import badge_of
from eventsapp.registration.models import Registration

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
FOCAL = "focal@jne.gob.pe"


def link_in(message, path: str) -> str:
    body = message.get_body(("plain",)).get_content()
    return re.search(rf"http://\S+({path}\S+)", body).group(1)


@pytest.fixture
def invited(app, make, staff_client, staff_user, mailbox, db):
    """Peru's JNE invited to a workshop 40 days ahead: two funded places, a letter required."""
    event = make.open_event(capacity=20, days_ahead=40, access="nomination")
    body = make.organisation("Jurado Nacional de Elecciones", acronym="JNE", country="PE")
    response = staff_client.post(
        f"/manage/events/{event.id}/delegations/invite",
        data={
            "form": "one",
            "one-organisation_id": body.id,
            "one-focal_name": "Rosa Quispe",
            "one-focal_email": FOCAL,
            "one-focal_language": "es",
            "one-funded_places": 2,
            "one-self_funded_places": 0,
            "one-deadline": (date.today() + timedelta(days=20)).isoformat(),
            "one-letter_required": "y",
        },
    )
    assert response.status_code == 302
    delegation = db.session.scalar(select(Delegation))
    [email] = mailbox.to(FOCAL)
    assert "Nomine" in email["Subject"]  # "Nomine a su delegación": in Spanish
    return event, delegation, link_in(email, "/delegations/")


def _nominate(client, link, name, email, gender):
    return client.post(
        link,
        data={
            "form": "nominate",
            "nominee-name": name,
            "nominee-email": email,
            "nominee-gender": gender,
            "nominee-position": "Trainer",
        },
        follow_redirects=True,
    )


def test_a_focal_point_nominates_and_staff_decide(
    app, invited, staff_client, staff_user, mailbox, db
):
    event, delegation, link = invited
    focal = app.test_client()
    page = focal.get(link).get_data(as_text=True)
    assert "Open the delegation" in page or "Abrir" in page
    assert focal.post(link, data={"form": "open"}).status_code == 302

    # The link forwarded to someone else: asked for the focal point's address, never let in.
    stranger = app.test_client()
    assert stranger.get(link).status_code == 403
    stranger.post(link, data={"form": "access", "email": "someone@example.org"})
    assert stranger.get(link).status_code == 403
    assert len(mailbox.to(FOCAL)) == 1  # no new link for another address

    for name, email, gender in (
        ("Ana Torres", "ana@jne.gob.pe", "female"),
        ("Luis Paredes", "luis@jne.gob.pe", "male"),
        ("Carmen Rojas", "carmen@jne.gob.pe", "female"),
    ):
        shown = _nominate(focal, link, name, email, gender).get_data(as_text=True)
    assert "reserva" in shown.lower() or "reserve" in shown.lower()
    ana, luis, carmen = db.session.scalars(select(Nomination).order_by(Nomination.rank)).all()
    assert ana.registration and luis.registration and carmen.registration is None
    assert len(mailbox.to("ana@jne.gob.pe")) == 1 and not mailbox.to("carmen@jne.gob.pe")

    # A letter that is not a PDF is refused; a PDF is kept.
    refused = focal.post(
        link,
        data={"form": "letter", "letter-letter": (__import__("io").BytesIO(b"GIF89a..."), "l.pdf")},
        content_type="multipart/form-data",
    )
    assert "PDF" in refused.get_data(as_text=True)
    focal.post(
        link,
        data={"form": "letter", "letter-letter": (__import__("io").BytesIO(PDF), "nota.pdf")},
        content_type="multipart/form-data",
    )
    db.session.refresh(delegation)
    assert delegation.letter_name == "nota.pdf"

    decide = f"/manage/events/{event.id}/delegations/{delegation.id}/nominees/"
    staff_client.post(decide + str(ana.id), data={"action": "approve"})
    no_reason = staff_client.post(
        decide + str(luis.id), data={"action": "decline"}, follow_redirects=True
    )
    assert "Say why" in no_reason.get_data(as_text=True)
    staff_client.post(
        decide + str(luis.id), data={"action": "decline", "reason": "profile", "note": ""}
    )
    db.session.expire_all()
    assert ana.registration.status == "approved" and luis.registration.status == "declined"
    assert carmen.registration is not None  # the reserve moved up
    assert len(mailbox.to("carmen@jne.gob.pe")) == 1
    subjects = [m["Subject"] for m in mailbox.to(FOCAL)]
    assert any("reserva" in s for s in subjects)

    # The focal point reads the reason in Spanish.
    page = focal.get(link, headers={"Accept-Language": "es"}).get_data(as_text=True)
    assert "no corresponde" in page or "perfil" in page

    # Carmen approved, her badge issued; then replaced: the badge no longer verifies.
    staff_client.post(decide + str(carmen.id), data={"action": "approve"})
    db.session.expire_all()
    badge = badge_of(carmen.registration, utcnow(), staff_user)
    db.session.commit()
    assert "valid" in staff_client.get(f"/documents/{badge.code}").get_data(as_text=True)
    focal.post(
        link,
        data={
            "form": "substitute",
            "nomination": carmen.id,
            "substitute-name": "Elena Huamán",
            "substitute-email": "elena@jne.gob.pe",
            "substitute-gender": "female",
        },
    )
    db.session.expire_all()
    elena = db.session.scalar(select(Nomination).where(Nomination.email == "elena@jne.gob.pe"))
    assert elena.rank == carmen.rank and elena.registration is not None
    assert carmen.state == "substituted" and carmen.registration.status == "withdrawn"
    verify = app.test_client().get(f"/documents/{badge.code}").get_data(as_text=True)
    assert "not valid" in verify

    # The nominee completes her own registration: her travel is the staff's to see.
    complete = link_in(mailbox.to("ana@jne.gob.pe")[0], "/nominees/")
    arrival = event.starts_on - timedelta(days=1)
    focal_free = app.test_client()
    focal_free.post(
        complete,
        data={
            "arrival_on": arrival.isoformat(),
            "departure_on": event.ends_on.isoformat(),
            "consent": "y",
        },
    )
    db.session.expire_all()
    assert ana.completed_at is not None and ana.registration.arrival_on == arrival
    assert ana.registration.person is not None

    # The board and the API follow it all.
    board = staff_client.get(f"/manage/events/{event.id}/delegations/").get_data(as_text=True)
    assert "Jurado Nacional de Elecciones" in board
    [row] = staff_client.get(f"/api/v1/events/{event.id}/delegations").get_json()
    assert row["quota"] == {"funded": 2, "self_funded": 0}
    assert (row["approved"], row["reserves"], row["women"], row["men"]) == (1, 0, 2, 0)

    # A freeze closes the page to changes; so does the deadline.
    staff_client.post(
        f"/manage/events/{event.id}/delegations/{delegation.id}/freeze", data={"frozen": "1"}
    )
    shown = _nominate(focal, link, "Late Person", "late@jne.gob.pe", "male").get_data(as_text=True)
    assert (
        db.session.scalar(select(Nomination).where(Nomination.email == "late@jne.gob.pe")) is None
    )
    assert "Nominate an official" not in shown and "Nominar" not in shown


def test_a_fresh_link_to_the_focal_point_ends_the_forwarded_one(app, invited, mailbox, db):
    _event, _delegation, link = invited
    forwarded = app.test_client()
    forwarded.post(link, data={"form": "open"})  # the colleague it was forwarded to, first
    focal = app.test_client()
    assert focal.get(link).status_code == 403
    focal.post(link, data={"form": "access", "email": FOCAL.upper()})
    fresh = link_in(mailbox.to(FOCAL)[-1], "/delegations/")
    assert fresh != link
    focal.post(fresh, data={"form": "open"})
    assert focal.get(fresh).status_code == 200
    assert forwarded.get(link).status_code == 403  # the older link and its browser: out


def test_the_public_form_of_an_event_by_nomination_names_the_authorities(invited, client):
    event, _delegation, _link = invited
    assert "By nomination of the authorities" in client.get(f"/events/{event.id}").get_data(
        as_text=True
    )
    page = client.get(f"/events/{event.id}/register")
    assert page.status_code == 403
    text = page.get_data(as_text=True)
    assert "ask your electoral authority" in text and "Jurado Nacional de Elecciones" in text


def test_the_board_runs_a_fixed_number_of_queries(app, make, db, staff_user, count_queries):
    from eventsapp.delegations.board import board_of
    from eventsapp.delegations.services import InvitationInput, NomineeInput, invite, nominate

    event = make.open_event(capacity=2000, days_ahead=40, access="nomination")
    now = utcnow()

    def add(count):
        for _ in range(count):
            body = make.organisation(country="PE")
            delegation = invite(
                event,
                InvitationInput(
                    body.id,
                    "Focal",
                    f"f{body.id}@x.org",
                    "es",
                    2,
                    1,
                    event.starts_on - timedelta(1),
                ),
                now,
                staff_user,
            )
            for n in range(4):
                nominate(delegation, NomineeInput(f"N {n}", f"n{n}.{body.id}@x.org", "female"), now)
        db.session.commit()

    def counted():
        db.session.expire_all()
        with count_queries() as queries:
            board = board_of(event)
            [(r.status, r.women, r.funded_used) for r in board.rows]
        return len(queries)

    add(10)
    few = counted()
    add(190)
    assert counted() == few


def test_a_nominee_link_of_another_nomination_is_refused(invited, client, db):
    assert client.get("/nominees/forged-token").status_code == 404
    assert client.get("/delegations/forged-token").status_code == 404
    assert db.session.scalar(select(Registration.id)) is None


def test_staff_invite_several_authorities_at_once(make, staff_client, mailbox, db):
    event = make.open_event(capacity=40, days_ahead=40, access="nomination")
    make.organisation("Jurado Nacional de Elecciones", acronym="JNE", country="PE")
    make.organisation("Instituto Nacional Electoral", acronym="INE", country="MX")
    make.organisation("Tribunal Superior Eleitoral", acronym="TSE", country="BR")
    url = f"/manage/events/{event.id}/delegations/invite"
    prefilled = staff_client.get(url, query_string={"region": "Americas"}).get_data(as_text=True)
    assert "JNE; ; ; Spanish" in prefilled and "INE; ; ; Spanish" in prefilled
    common = {
        "form": "many",
        "many-funded_places": 1,
        "many-self_funded_places": 1,
        "many-deadline": (date.today() + timedelta(days=10)).isoformat(),
    }
    refused = staff_client.post(
        url, data={**common, "many-lines": "JNE; Rosa; rosa@jne.gob.pe\nXYZ; Ana; ana@x.org"}
    )
    assert "Line 2: no authority is called XYZ" in refused.get_data(as_text=True)
    assert db.session.scalar(select(Delegation.id)) is None and not mailbox.messages
    staff_client.post(
        url,
        data={
            **common,
            "many-lines": "JNE; Rosa; rosa@jne.gob.pe\nine; Luis; luis@ine.mx; français\n",
        },
    )
    languages = dict(
        db.session.execute(select(Delegation.focal_email, Delegation.focal_language)).all()
    )
    assert languages == {"rosa@jne.gob.pe": "es", "luis@ine.mx": "fr"}
    assert {m["To"] for m in mailbox.messages} == {"rosa@jne.gob.pe", "luis@ine.mx"}


def test_approving_below_the_aim_for_women_warns_first(app, make, staff_client, staff_user, db):
    from eventsapp.delegations.services import InvitationInput, NomineeInput, invite, nominate

    programme = make.programme("CICIE")
    event = make.open_event(capacity=10, days_ahead=40, access="nomination")
    event.programme_id = programme.id
    body = make.organisation("Jurado Nacional de Elecciones", country="PE")
    now = utcnow()
    delegation = invite(
        event,
        InvitationInput(body.id, "Rosa", "rosa@jne.gob.pe", "es", 2, 0, now.date() + timedelta(5)),
        now,
        staff_user,
    )
    luis = nominate(delegation, NomineeInput("Luis Paredes", "luis@jne.gob.pe", "male"), now)
    db.session.commit()
    board = f"/manage/events/{event.id}/delegations/"
    staff_client.post(board + "target", data={"women_percent": "40"})
    decide = f"{board}{delegation.id}/nominees/{luis.id}"
    warned = staff_client.post(decide, data={"action": "approve"}, follow_redirects=True)
    assert "0% women among those approved, below the programme’s aim of 40%" in warned.get_data(
        as_text=True
    )
    assert db.session.get(Nomination, luis.id).registration.status == "pending"
    staff_client.post(decide, data={"action": "approve", "despite_balance": "y"})
    db.session.expire_all()
    assert db.session.get(Nomination, luis.id).registration.status == "approved"
    page = staff_client.get(board).get_data(as_text=True)
    assert "Women among those approved: 0% (0 of 1)" in page and "aims at 40%" in page


def test_the_daily_job_reminds_focal_points_and_flags_late_nominees(
    app, make, staff_user, db, mailbox
):
    from eventsapp.core.jobs import PERIODIC_JOBS
    from eventsapp.delegations.services import InvitationInput, NomineeInput, invite, nominate

    event = make.open_event(capacity=10, days_ahead=40, access="nomination")
    silent, active = (make.organisation(n, country="PE") for n in ("JNE", "ONPE"))
    start = utcnow()
    deadline = start.date() + timedelta(days=20)
    quiet = invite(
        event,
        InvitationInput(silent.id, "Rosa", "rosa@x.org", "es", 1, 0, deadline),
        start,
        staff_user,
    )
    busy = invite(
        event,
        InvitationInput(active.id, "Luis", "luis@x.org", "es", 1, 0, deadline),
        start,
        staff_user,
    )
    nominate(busy, NomineeInput("Ana Torres", "ana@x.org", "female"), start)
    db.session.commit()
    assert len(mailbox.messages) == 3  # the invitations and the nominee's email
    job = PERIODIC_JOBS["delegations"]
    assert job.run(start + timedelta(days=1)) == {"reminders": 0, "last calls": 0, "flagged": 0}
    done = job.run(start + timedelta(days=11))
    db.session.commit()
    assert done == {"reminders": 1, "last calls": 0, "flagged": 1}
    assert [m["Subject"] for m in mailbox.to("rosa@x.org")][-1].startswith("Recordatorio")
    assert "Ana Torres" in mailbox.to("luis@x.org")[-1].get_body(("plain",)).get_content()
    assert job.run(start + timedelta(days=12)) == {"reminders": 0, "last calls": 0, "flagged": 0}
    assert job.run(start + timedelta(days=18))["last calls"] == 1
    db.session.commit()
    assert quiet.last_call_at is not None


def test_staff_change_a_quota_and_move_a_place_to_another_authority(
    make, staff_client, staff_user, db
):
    from eventsapp.delegations.services import InvitationInput, NomineeInput, invite, nominate

    event = make.open_event(capacity=20, days_ahead=40, access="nomination")
    now = utcnow()
    deadline = now.date() + timedelta(days=5)
    peru, mexico = (
        invite(
            event,
            InvitationInput(
                make.organisation(name, country=code).id, "F", f"f@{code}.org", "es", 2, 0, deadline
            ),
            now,
            staff_user,
        )
        for name, code in (("JNE", "PE"), ("INE", "MX"))
    )
    for n in range(2):
        nominate(peru, NomineeInput(f"Peru {n}", f"p{n}@pe.org", "female"), now)
    for n in range(3):
        nominate(mexico, NomineeInput(f"Mexico {n}", f"m{n}@mx.org", "male"), now)
    db.session.commit()
    page = f"/manage/events/{event.id}/delegations/{peru.id}"
    quota = {"form": "quota", "quota-funded_places": 1, "quota-self_funded_places": 0}
    quota["quota-deadline"] = deadline.isoformat()
    refused = staff_client.post(page, data=quota).get_data(as_text=True)
    assert "2 nominees hold a place: the quota cannot be smaller." in refused
    moved = staff_client.post(
        page, data={"form": "move", "move-target": mexico.id, "move-funded": "1"}
    ).get_data(as_text=True)
    assert "no such place free" in moved  # both of Peru's places are held
    staff_client.post(page, data={**quota, "quota-funded_places": 3})  # a place free now
    staff_client.post(page, data={"form": "move", "move-target": mexico.id, "move-funded": "1"})
    db.session.expire_all()
    peru, mexico = db.session.get(Delegation, peru.id), db.session.get(Delegation, mexico.id)
    assert (peru.funded_places, mexico.funded_places) == (2, 3)
    reserve = db.session.scalar(select(Nomination).where(Nomination.email == "m2@mx.org"))
    assert reserve.registration is not None  # Mexico's reserve moved up into the place


def test_what_a_walkthrough_broke_is_refused_with_a_message(
    app, invited, staff_client, staff_user, mailbox, db
):
    """Substitutes with an address that takes part already, or was declined; a nominee decided
    from the participants page; a nominee on the waiting list offered a public seat: each is
    refused with a message (never a 500) or does not happen; a nominee withdraws herself."""
    event, delegation, link = invited
    focal = app.test_client()
    focal.post(link, data={"form": "open"})
    for name, email, gender in (
        ("Ana Torres", "ana@jne.gob.pe", "female"),
        ("Luis Paredes", "luis@jne.gob.pe", "male"),
        ("Carmen Rojas", "carmen@jne.gob.pe", "female"),
    ):
        _nominate(focal, link, name, email, gender)
    ana, luis, carmen = db.session.scalars(select(Nomination).order_by(Nomination.rank)).all()
    decide = f"/manage/events/{event.id}/delegations/{delegation.id}/nominees/"
    staff_client.post(decide + str(luis.id), data={"action": "decline", "reason": "profile"})

    def substitute(nomination, email):
        return focal.post(
            link,
            data={
                "form": "substitute",
                "nomination": nomination.id,
                "substitute-name": "Someone",
                "substitute-email": email,
                "substitute-gender": "male",
            },
            follow_redirects=True,
        )

    taken = substitute(carmen, "ana@jne.gob.pe")
    assert taken.status_code == 200
    assert "takes part in the event already" in taken.get_data(as_text=True)
    declined = substitute(ana, "luis@jne.gob.pe")
    assert "declined or withdrawn" in declined.get_data(as_text=True)
    again = _nominate(focal, link, "Luis Paredes", "luis@jne.gob.pe", "male")
    assert "declined or withdrawn" in again.get_data(as_text=True)

    # The participants page does not decide on nominees.
    db.session.expire_all()
    registration = db.session.get(Nomination, luis.id).registration
    page = staff_client.post(
        f"/manage/events/{event.id}/participants",
        data={"action": "approve", "ids": [registration.id]},
        follow_redirects=True,
    )
    assert "decide on the event’s Delegations page" in page.get_data(as_text=True)
    assert db.session.get(Registration, registration.id).status == "declined"

    # On the waiting list: no public seat offered, no "the event is full" email.
    before = len(mailbox.to("ana@jne.gob.pe"))
    staff_client.post(decide + str(ana.id), data={"action": "waitlist"})
    db.session.expire_all()
    ana_registration = db.session.get(Nomination, ana.id).registration
    assert (ana_registration.status, ana_registration.offer_expires_at) == ("waitlisted", None)
    assert len(mailbox.to("ana@jne.gob.pe")) == before

    # Carmen (moved up into Luis's place) withdraws from her own page: told, and the focal point.
    carmen_link = link_in(mailbox.to("carmen@jne.gob.pe")[0], "/nominees/")
    app.test_client().post(carmen_link, data={"form": "withdraw"})
    db.session.expire_all()
    assert db.session.get(Nomination, carmen.id).registration.status == "withdrawn"


def test_a_nomination_number_written_in_other_digits_is_not_found(app, invited, db):
    _event, _delegation, link = invited
    focal = app.test_client()
    focal.post(link, data={"form": "open"})
    for number in ("²", "١٢", "9" * 40):
        response = focal.post(link, data={"form": "withdraw", "nomination": number})
        assert response.status_code == 404, number
