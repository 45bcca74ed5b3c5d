"""Signed tokens (issue 22): every link the site signs is a purpose of ``core.tokens``, with its
age; a token of one purpose never works for another; links sent before keep working; and a
registration's confirmation link works once, for the form it was sent for."""

import ast
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from flask import current_app
from itsdangerous import URLSafeSerializer, URLSafeTimedSerializer
from sqlalchemy import select

from eventsapp.accounts.models import Role
from eventsapp.accounts.services import account_setup_token, create_user, login_link_token
from eventsapp.core import tokens
from eventsapp.core.clock import utcnow
from eventsapp.registration.links import page_token
from eventsapp.registration.models import Registration, Status
from tests.calendar_helpers import check_feed, vevents
from tests.conftest import login
from tests.test_registration_http import FORM, link_path, post_registration

ROOT = Path(__file__).resolve().parent.parent
PURPOSES = [value for value in vars(tokens).values() if isinstance(value, tokens.Purpose)]

# The purposes whose links were sent before core.tokens, as they were signed then.
UNTIMED_BEFORE = {
    "invitation": {"i": 3, "e": 4},
    "seat-offer": {"r": 3, "until": "2026-05-01T10:00:00"},
    "attendance-badge": [4, 3],
    "attendance-evaluation": 3,
    "authority-request": 3,
    "personal-calendar-feed": [3, 0],
    "api-cursor": ["2026-01-01", "2026-01-02", "A workshop", 3],
}
TIMED_BEFORE = {"login-link": {"u": 3, "n": ""}, "account-setup": {"u": 3, "p": "0123abcd"}}


def secret() -> str:
    return current_app.config["SECRET_KEY"]


def test_each_purpose_has_a_salt_of_its_own(app):
    salts = [purpose.salt for purpose in PURPOSES]
    assert len(PURPOSES) >= 12 and len(set(salts)) == len(salts)


def test_a_token_of_one_purpose_is_refused_for_every_other(app):
    with app.app_context():
        for made in PURPOSES:
            token = made.sign([3, 4])
            assert made.read(token) == [3, 4]
            for other in PURPOSES:
                if other is not made:
                    assert other.inspect(token) is None, (made.salt, other.salt)


def test_a_token_of_one_purpose_opens_no_page_of_another(client, db, make, delegate_user):
    event = make.open_event()
    registration = Registration(
        event_id=event.id,
        user_id=delegate_user.id,
        name="Ana Pérez",
        gender="female",
        email=delegate_user.email,
        country_code="MX",
        status=Status.APPROVED,
        consent_at=utcnow(),
    )
    db.session.add(registration)
    db.session.commit()
    badge = tokens.BADGE.sign([event.id, registration.id])  # a badge printed before documents
    assert client.get(f"/evaluations/{badge}").status_code == 404
    assert client.get(f"/calendar/personal/{badge}.ics").status_code == 404
    assert client.get(f"/requests/{badge}").status_code == 404
    assert client.get(f"/registrations/{badge}").status_code == 404
    assert "This link is not valid" in client.get(f"/offers/{badge}").text
    refused = client.get(f"/login/link/{badge}", follow_redirects=True)
    assert "This sign-in link has expired or was used already" in refused.text


@pytest.mark.parametrize("purpose", PURPOSES, ids=lambda p: p.salt)
def test_a_tampered_token_is_refused(app, purpose):
    with app.app_context():
        token = purpose.sign([3, "x"])
        payload, signature = token.rsplit(".", 1)
        other = "A" if signature[0] != "A" else "B"
        for tampered in (
            payload + "." + other + signature[1:],  # the signature changed
            payload[:-1] + ("A" if payload[-1] != "A" else "B") + "." + signature,  # the payload
            token[:-1],  # cut
            token + "x",
            "." + token,
            "",
            "é" + token,
            "\x00",
        ):
            assert purpose.inspect(tampered) is None, tampered


def test_a_tampered_feed_url_and_badge_are_refused(client, db, delegate_user, make):
    login(client, delegate_user)
    page = client.get("/calendar/subscribe").text
    token = re.search(r"/calendar/personal/([^\"]+)\.ics", page).group(1)
    assert client.get(f"/calendar/personal/{token}.ics").status_code == 200
    assert client.get(f"/calendar/personal/{token[:-2]}.ics").status_code == 404


# ---------------------------------------------------------------- ages


def test_an_expired_sign_in_link_is_refused(client, db, delegate_user):
    now = utcnow()
    expired = login_link_token(delegate_user, now - timedelta(minutes=61))
    refused = client.get(f"/login/link/{expired}", follow_redirects=True)
    assert "This sign-in link has expired or was used already" in refused.text
    client.post(f"/login/link/{expired}")
    assert client.get("/me/registrations").status_code == 302  # not signed in

    fresh = login_link_token(delegate_user, now - timedelta(minutes=59))
    assert client.get(f"/login/link/{fresh}").status_code == 200
    client.post(f"/login/link/{fresh}")
    assert client.get("/me/registrations").status_code == 200
    client.post("/logout")
    used = client.get(f"/login/link/{fresh}", follow_redirects=True)  # it worked once
    assert "This sign-in link has expired or was used already" in used.text


def test_an_account_setup_link_lasts_a_week(client, db):
    colleague = create_user("colleague@example.org", Role.STAFF, name="A Colleague")
    db.session.commit()
    expired = account_setup_token(colleague, utcnow() - timedelta(days=7, minutes=1))
    refused = client.get(f"/account/setup/{expired}", follow_redirects=True)
    assert "This link has expired or was used already" in refused.text
    fresh = account_setup_token(colleague, utcnow() - timedelta(days=6))
    assert "colleague@example.org" in client.get(f"/account/setup/{fresh}").text


# ---------------------------------------------------------------- links sent before


def test_links_sent_before_keep_working(app):
    """Untimed tokens are signed as they were (the same text for the same value); timed ones
    made the old way are read."""
    with app.app_context():
        by_salt = {purpose.salt: purpose for purpose in PURPOSES}
        for salt, value in UNTIMED_BEFORE.items():
            old = URLSafeSerializer(secret(), salt=salt).dumps(value)
            assert by_salt[salt].sign(value) == old and by_salt[salt].read(old) == value
        for salt, value in TIMED_BEFORE.items():
            old = URLSafeTimedSerializer(secret(), salt=salt).dumps(value)
            assert by_salt[salt].read(old) == value


def test_an_old_style_calendar_feed_url_still_works(client, db, delegate_user, make):
    event = make.event("Course on voter registration", f"May {date.today().year}")
    db.session.add(
        Registration(
            event_id=event.id,
            user_id=delegate_user.id,
            name="Ana Pérez",
            gender="female",
            email=delegate_user.email,
            country_code="PE",
            status=Status.APPROVED,
            consent_at=utcnow(),
        )
    )
    db.session.commit()
    old = URLSafeSerializer(secret(), salt="personal-calendar-feed").dumps([delegate_user.id, 0])
    response = client.get(f"/calendar/personal/{old}.ics")
    assert response.status_code == 200
    assert f"event-{event.id}@eventsapp" in vevents(check_feed(response.data))
    login(client, delegate_user)
    assert f"/calendar/personal/{old}.ics" in client.get("/calendar/subscribe").text
    client.post("/calendar/subscribe/reset")
    assert client.get(f"/calendar/personal/{old}.ics").status_code == 404


def test_a_badge_printed_before_still_checks_in(staff_client, db, make):
    event = make.event(title="Course", date_text="18-19 January 2016")
    registration = Registration(
        event_id=event.id,
        name="Ana Pérez",
        gender="female",
        email="ana@example.org",
        country_code="MX",
        status=Status.APPROVED,
        consent_at=utcnow(),
    )
    db.session.add(registration)
    db.session.commit()
    printed = URLSafeSerializer(secret(), salt="attendance-badge").dumps(
        [event.id, registration.id]
    )
    response = staff_client.post(
        f"/manage/events/{event.id}/check-in",
        data={"token": printed, "day": "2016-01-18"},
        follow_redirects=True,
    )
    assert "Ana Pérez is checked in" in response.text


# ---------------------------------------------------------------- the confirmation link


def registration_of(db, email: str) -> Registration:
    return db.session.scalar(
        select(Registration)
        .where(Registration.email == email)
        .execution_options(populate_existing=True)
    )


def test_the_confirmation_link_works_once_and_never_for_a_later_registration(
    app, client, db, make, mailbox
):
    event = make.open_event(approval_required=False)
    post_registration(client, event, confirm=False)
    (first,) = mailbox.to(FORM["email"])
    link = link_path(first, "/registrations/")
    confirmed = app.test_client().post(link, follow_redirects=True)  # signed in there
    assert "Your email address is confirmed." in confirmed.text
    assert "Your place is confirmed." in confirmed.text  # the registration's page
    assert registration_of(db, FORM["email"]).status == Status.APPROVED

    # Used: it says so, shows nothing of the registration, and confirms nothing more.
    for again in (client.get(link), client.post(link)):
        assert again.status_code == 200
        assert "Your registration is confirmed already" in again.text
        assert "Confirm my registration" not in again.text and "Arrival" not in again.text
    assert len(mailbox.to(FORM["email"])) == 2  # the confirmation's, the approval's

    # Withdrawn, then registered again from the form with the same address.
    delegate = app.test_client()
    login(delegate, registration_of(db, FORM["email"]).user)
    delegate.post(f"/me/registrations/{registration_of(db, FORM['email']).id}/withdraw")
    post_registration(client, event, confirm=False, name="Amina Again")
    assert registration_of(db, FORM["email"]).status == Status.UNCONFIRMED
    *_, second = mailbox.to(FORM["email"])
    assert second["Subject"].startswith("Confirm your registration")

    # The first link confirms nothing of the new registration, and says so.
    for old in (client.get(link), client.post(link)):
        assert old.status_code == 410
        assert "sent for a registration form sent earlier with this address" in old.text
        assert "Amina Again" not in old.text
    assert registration_of(db, FORM["email"]).status == Status.UNCONFIRMED
    client.post(link_path(second, "/registrations/"))
    assert registration_of(db, FORM["email"]).status == Status.APPROVED


def test_a_confirmation_link_from_before_issue_22_confirms_nothing(client, db, make, mailbox):
    event = make.open_event()
    post_registration(client, event, confirm=False)
    registration = registration_of(db, FORM["email"])
    old = URLSafeSerializer(secret(), salt="confirmation").dumps(registration.id)
    response = client.post(f"/registrations/{old}")
    assert response.status_code == 410 and "Register again" in response.text
    assert registration_of(db, FORM["email"]).status == Status.UNCONFIRMED
    client.post(link_path(mailbox.to(FORM["email"])[0], "/registrations/"))
    assert "confirmed already" in client.get(f"/registrations/{old}").text


def test_the_registration_page_link_lasts_a_day(client, db, make, delegate_user):
    event = make.open_event()
    login(client, delegate_user)
    saved = post_registration(client, event, confirm=False, email=delegate_user.email)
    assert "Your registration is saved." in saved.text
    registration = registration_of(db, delegate_user.email)
    client.post("/logout")
    assert "Arrival" in client.get(f"/registrations/{page_token(registration)}").text
    yesterday = page_token(registration, utcnow() - timedelta(days=1, minutes=1))
    response = client.get(f"/registrations/{yesterday}")
    assert response.status_code == 410 and "Arrival" not in response.text


# ---------------------------------------------------------------- one module signs


def test_nothing_but_core_tokens_signs():
    """No module of the application but core/tokens.py imports itsdangerous (its serializers,
    signers or errors) or names URLSafeSerializer."""
    offenders = []
    for path in sorted((ROOT / "eventsapp").rglob("*.py")):
        relative = str(path.relative_to(ROOT))
        if relative == "eventsapp/core/tokens.py":
            continue
        source = path.read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            if any(name.split(".")[0] == "itsdangerous" for name in names):
                offenders.append(f"{relative}:{node.lineno}")
        if "URLSafeSerializer" in source or "TimedSerializer" in source:
            offenders.append(relative)
    assert offenders == []
