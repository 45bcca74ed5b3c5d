"""/api/v1/events/<id>/registrations: which registrations a script has to decide, for staff only,
a page at a time, without addresses or answers, each read in the event's History."""

from datetime import timedelta
from urllib.parse import urlsplit

from sqlalchemy import select

from eventsapp.core.actions import LoggedAction
from eventsapp.core.clock import utcnow
from eventsapp.registration.models import Registration
from tests.conftest import login
from tests.test_api_tokens import bearer, make_token


def registrations(db, event, statuses, organisation=None, first=0) -> list[Registration]:
    start = utcnow() - timedelta(days=1)
    rows = [
        Registration(
            event_id=event.id,
            name=f"Delegate {n:03d}",
            gender="female",
            email=f"delegate{n}@example.org",
            country_code="PE",
            organisation_id=organisation.id if organisation else None,
            status=status,
            consent_at=start,
            created_at=start + timedelta(minutes=n),
            answers={"1": "my passport number"},
        )
        for n, status in enumerate(statuses, start=first)
    ]
    db.session.add_all(rows)
    db.session.commit()
    return rows


def test_a_read_token_lists_the_pending_registrations_to_decide(app, db, make, staff_user):
    onpe = make.organisation("Oficina Nacional de Procesos Electorales", acronym="ONPE")
    event = make.event()
    pending, approved, _unconfirmed, nominee = registrations(
        db, event, ["pending", "approved", "unconfirmed", "pending"], onpe
    )
    nominee.nominated = True
    db.session.commit()
    _token, plain = make_token(db, staff_user, name="decider")

    answer = app.test_client().get(
        f"/api/v1/events/{event.id}/registrations?status=pending", headers=bearer(plain)
    )

    assert answer.status_code == 200, answer.json
    assert answer.json == {
        "registrations": [
            {
                "id": r.id,
                "name": r.name,
                "status": "pending",
                "role": "delegate",
                "organisation": "Oficina Nacional de Procesos Electorales (ONPE)",
                "country": "PE",
                "created_at": r.created_at.isoformat() + "Z",
                "nominated": r is nominee,
            }
            for r in (pending, nominee)
        ],
        "next": None,
        "total": 2,
    }
    assert answer.headers["X-Total-Count"] == "2"
    body = answer.get_data(as_text=True)
    assert "@example.org" not in body and "passport" not in body
    every = app.test_client().get(f"/api/v1/events/{event.id}/registrations", headers=bearer(plain))
    # Awaiting its email's confirmation, a registration is no one's to decide yet.
    assert [r["id"] for r in every.json["registrations"]] == [pending.id, approved.id, nominee.id]
    looks = db.session.scalars(
        select(LoggedAction).where(LoggedAction.action == "event.participants_exported")
    ).all()
    assert [(line.event_id, line.actor_id, line.data) for line in looks] == [
        (event.id, staff_user.id, {"format": "API", "rows": 2, "token": "token decider"}),
        (event.id, staff_user.id, {"format": "API", "rows": 3, "token": "token decider"}),
    ]


def test_registrations_come_a_page_at_a_time_by_signed_cursors(staff_client, db, make):
    event = make.event()
    rows = registrations(db, event, ["pending"] * 5)

    ids, url, pages = [], f"/api/v1/events/{event.id}/registrations?status=pending&limit=2", 0
    while url:
        page = staff_client.get(url)
        assert page.status_code == 200, page.json
        assert page.headers["X-Total-Count"] == "5"
        ids += [r["id"] for r in page.json["registrations"]]
        url, pages = page.json["next"], pages + 1
        if url:
            assert page.headers["Link"] == f'<{url}>; rel="next"' and "status=pending" in url
            url = "{0.path}?{0.query}".format(urlsplit(url))
    assert (ids, pages) == ([r.id for r in rows], 3)


def test_a_bad_status_limit_or_cursor_is_a_400_naming_it(staff_client, make):
    event = make.event()
    for query, field in [
        ("status=maybe", "status"),
        ("status=unconfirmed", "status"),
        ("limit=0", "limit"),
        ("cursor=forged", "cursor"),
    ]:
        answer = staff_client.get(f"/api/v1/events/{event.id}/registrations?{query}")
        assert answer.status_code == 400, query
        assert answer.json["field"] == field, query
    refused = staff_client.get(f"/api/v1/events/{event.id}/registrations?status=maybe").json
    assert "pending, approved, waitlisted, declined, withdrawn, attended" in refused["error"]
    assert (
        staff_client.get(f"/api/v1/events/{event.id}/registrations?status=%00").status_code == 400
    )
    assert staff_client.get("/api/v1/events/987654/registrations").status_code == 404


def test_registrations_are_refused_to_delegates_anonymous_visitors_and_other_scopes(
    app, client, db, make, delegate_user, staff_user
):
    event = make.event()
    registrations(db, event, ["pending"])
    url = f"/api/v1/events/{event.id}/registrations"
    assert client.get(url).status_code == 401
    login(client, delegate_user)
    refused = client.get(url)
    assert refused.status_code == 403 and "Delegate 000" not in refused.get_data(as_text=True)
    _token, plain = make_token(db, staff_user, scopes=("write",), name="writer")
    assert app.test_client().get(url, headers=bearer(plain)).status_code == 403
    exported = LoggedAction.action == "event.participants_exported"
    assert not db.session.scalars(select(LoggedAction).where(exported)).all()


def test_the_list_runs_a_fixed_number_of_queries(staff_client, db, make, count_queries):
    event = make.event()

    def queries_with(number: int) -> int:
        present = db.session.query(Registration).count()
        registrations(db, event, ["pending"] * (number - present), first=present)
        with count_queries() as queries:
            answer = staff_client.get(f"/api/v1/events/{event.id}/registrations?limit=500")
        assert len(answer.json["registrations"]) == number
        return len(queries)

    assert queries_with(10) == queries_with(500)


def test_the_openapi_document_describes_the_registrations(client):
    spec = client.get("/api/v1/openapi.json").json
    operation = spec["paths"]["/api/v1/events/{event_id}/registrations"]["get"]
    assert operation["x-scope"] == "read"
    parameters = {p["name"]: p for p in operation["parameters"]}
    assert {"status", "limit", "cursor"} <= set(parameters)
