"""The registration services: seats, statuses, the waiting list, quotas, invitations, reminders.

Time is passed in: ``NOW`` and later moments, never slept.
"""

from datetime import date, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from eventsapp.accounts.models import User
from eventsapp.core.clock import utcnow
from eventsapp.core.errors import InvalidInput
from eventsapp.mail.models import OutboxEmail
from eventsapp.registration.cron import tick
from eventsapp.registration.invitations import invite, read_invitation
from eventsapp.registration.models import Funding, Registration, RegistrationSettings, Status
from eventsapp.registration.reminders import send_reminders
from eventsapp.registration.seats import (
    RegistrationRefused,
    StatusError,
    event_availability,
    get_settings,
)
from eventsapp.registration.services import RegistrationInput, register
from eventsapp.registration.settings import SettingsInput, save_settings
from eventsapp.registration.statuses import (
    accept_offer,
    apply_staff_action,
    expire_offers,
    withdraw,
)
from eventsapp.registration.waiting_list import registration_for_offer

NOW = utcnow()


def person(number, organisation=None, **changes) -> RegistrationInput:
    data = RegistrationInput(
        name=f"Delegate {number}",
        gender="female",
        email=f"Delegate{number}@Example.org",
        country_code="KE",
        position="Director of voter registration",
        organisation_id=organisation.id if organisation else None,
        consent=True,
    )
    for name, value in changes.items():
        setattr(data, name, value)
    return data


def sign_up(db, event, count, start=1, now=NOW, **changes) -> list[Registration]:
    registrations = [
        register(event, person(n, **changes), now) for n in range(start, start + count)
    ]
    db.session.commit()
    return registrations


def outbox(db, template_subject: str) -> list[OutboxEmail]:
    return list(
        db.session.scalars(
            select(OutboxEmail).where(OutboxEmail.subject.startswith(template_subject))
        )
    )


def statuses(registrations) -> list[str]:
    return [r.status for r in registrations]


# ---------------------------------------------------------------- registering


def test_registrations_hold_seats_then_go_to_the_waiting_list_in_order(db, make):
    event = make.open_event(capacity=3)
    registrations = sign_up(db, event, 5)
    assert statuses(registrations) == ["pending"] * 3 + ["waitlisted"] * 2
    assert registrations[3].waitlisted_at <= registrations[4].waitlisted_at
    state = event_availability(event, NOW)
    assert (state.held, state.seats_left, state.full) == (3, 0, True)
    assert len(outbox(db, "Registration received")) == 3
    assert len(outbox(db, "You are on the waiting list")) == 2


def test_first_come_first_served_approves_at_once_with_the_calendar_file(db, make):
    event = make.open_event(capacity=2, approval_required=False)
    first, second, third = sign_up(db, event, 3)
    assert statuses([first, second, third]) == ["approved", "approved", "waitlisted"]
    approvals = outbox(db, "Your place is confirmed")
    assert [e.to for e in approvals] == ["delegate1@example.org", "delegate2@example.org"]
    assert approvals[0].attachment_filename == f"event-{event.id}.ics"
    assert b"BEGIN:VEVENT" in approvals[0].attachment


def test_the_email_is_kept_lower_case_and_an_account_is_made_or_reused(db, make, delegate_user):
    event = make.open_event()
    (registration,) = sign_up(db, event, 1, email="Delegate@Example.org")
    assert registration.email == "delegate@example.org"
    assert registration.user_id == delegate_user.id
    assert delegate_user.check_password("blue-river-notebook")
    other = register(event, person(2), NOW)
    db.session.commit()
    account = db.session.get(User, other.user_id)
    assert account.role == "delegate" and account.password_hash is None
    assert account.email_confirmed_at is None


def test_the_same_email_twice_is_refused_with_a_message(db, make):
    event = make.open_event()
    sign_up(db, event, 1)
    with pytest.raises(InvalidInput) as refused:
        register(event, person(1, email="DELEGATE1@example.org"), NOW)
    assert refused.value.field == "email"
    assert "registered for this event already" in refused.value.message
    db.session.rollback()
    assert len(db.session.scalars(select(Registration)).all()) == 1


def test_the_database_refuses_a_second_row_for_the_same_email(db, make):
    event = make.open_event()
    (first,) = sign_up(db, event, 1)
    db.session.add(
        Registration(
            event_id=event.id,
            name="Copy",
            gender="male",
            email=first.email,
            country_code="KE",
            status="pending",
            consent_at=NOW,
        )
    )
    with pytest.raises(IntegrityError):
        db.session.commit()


@pytest.mark.parametrize(
    ("column", "value"),
    [("status", "maybe"), ("gender", "x"), ("funding", "free"), ("email", "Upper@Example.org")],
)
def test_the_database_refuses_bad_values(db, make, column, value):
    event = make.open_event()
    row = dict(
        event_id=event.id,
        name="Someone",
        gender="male",
        email="someone@example.org",
        country_code="KE",
        status="pending",
        consent_at=NOW,
    )
    row[column] = value
    db.session.add(Registration(**row))
    with pytest.raises(IntegrityError):
        db.session.commit()


def test_consent_and_travel_order_are_checked(db, make):
    event = make.open_event()
    with pytest.raises(InvalidInput) as refused:
        register(event, person(1, consent=False), NOW)
    assert refused.value.field == "consent"
    with pytest.raises(InvalidInput) as refused:
        register(event, person(1, arrival_on=date(2030, 5, 3), departure_on=date(2030, 5, 1)), NOW)
    assert refused.value.field == "departure_on"


@pytest.mark.parametrize(
    ("event_status", "registration", "message"),
    [
        ("cancelled", {}, "cancelled"),
        ("postponed", {}, "postponed"),
        ("planned", {"opens_on": date.today() + timedelta(days=3)}, "Registration opens on"),
        ("planned", {"closes_on": date.today() - timedelta(days=1)}, "Registration has closed"),
    ],
)
def test_closed_and_cancelled_events_refuse(db, make, event_status, registration, message):
    event = make.open_event(**registration)
    event.status = event_status
    db.session.commit()
    with pytest.raises(RegistrationRefused) as refused:
        register(event, person(1), NOW)
    assert message in refused.value.message


def test_an_event_without_online_registration_refuses(db, make):
    event = make.event(date_text=(date.today() + timedelta(days=9)).isoformat())
    with pytest.raises(RegistrationRefused, match="does not take registrations online"):
        register(event, person(1), NOW)


def test_a_full_event_without_waiting_list_refuses(db, make):
    event = make.open_event(capacity=1, waiting_list=False)
    sign_up(db, event, 1)
    with pytest.raises(RegistrationRefused, match="full"):
        register(event, person(2), NOW)


# ---------------------------------------------------------------- quotas


def test_quota_funds_the_first_of_an_authority_and_the_next_come_self_funded(db, make):
    event = make.open_event(capacity=4, quota_per_organisation=1)
    kenya = make.organisation("Independent Electoral and Boundaries Commission", country="KE")
    botswana = make.organisation("Independent Electoral Commission Botswana", country="BW")
    first, second = sign_up(db, event, 2, organisation=kenya)
    (third,) = sign_up(db, event, 1, start=3, organisation=botswana)
    assert [first.funding, second.funding, third.funding] == [
        Funding.FUNDED,
        Funding.SELF_FUNDED,
        Funding.FUNDED,
    ]
    # A self-funded officer takes a seat too.
    assert event_availability(event, NOW).held == 3
    (fourth,) = sign_up(db, event, 1, start=4, organisation=botswana)
    assert fourth.funding == Funding.SELF_FUNDED


def funding_emails(db, registration) -> list[str]:
    return [e.text_body for e in outbox(db, "Funding of your place") if e.to == registration.email]


def test_a_withdrawal_passes_the_funded_place_to_the_next_officer(db, make):
    event = make.open_event(capacity=4, quota_per_organisation=1)
    kenya = make.organisation(country="KE")
    first, second, third = sign_up(db, event, 3, organisation=kenya)
    withdraw(first, NOW, None)
    db.session.commit()
    assert [second.funding, third.funding] == [Funding.FUNDED, Funding.SELF_FUNDED]
    (email,) = funding_emails(db, second)
    assert "A funded place of your authority has become free" in email
    assert funding_emails(db, third) == []
    # A newcomer of the authority comes self-funded.
    (fourth,) = sign_up(db, event, 1, start=4, organisation=kenya)
    assert fourth.funding == Funding.SELF_FUNDED


def test_reapproving_a_declined_officer_keeps_to_the_quota(db, make):
    event = make.open_event(capacity=10, quota_per_organisation=1)
    kenya = make.organisation(country="KE")
    (first,) = sign_up(db, event, 1, organisation=kenya)
    apply_staff_action(event, "decline", [first.id], NOW, None)
    db.session.commit()
    (second,) = sign_up(db, event, 1, start=2, organisation=kenya)
    assert second.funding == Funding.FUNDED
    apply_staff_action(event, "approve", [first.id, second.id], NOW, None)
    db.session.commit()
    assert statuses([first, second]) == ["approved", "approved"]
    # The oldest registration holding a seat has the funded place; the other is told.
    assert [first.funding, second.funding] == [Funding.FUNDED, Funding.SELF_FUNDED]
    (email,) = funding_emails(db, second)
    assert "further participants are self-funded" in email
    approvals = outbox(db, "Your place is confirmed")
    assert "hosts" not in approvals[0].text_body  # the event has no cost rules to say so
    assert "Funding: Self-funded" in approvals[1].text_body


def test_seat_holders_have_the_funded_places_before_the_waiting_list(db, make):
    event = make.open_event(capacity=1, quota_per_organisation=1)
    kenya = make.organisation(country="KE")
    first, second = sign_up(db, event, 2, organisation=kenya)
    assert [first.status, second.status] == ["pending", "waitlisted"]
    apply_staff_action(event, "waitlist", [first.id], NOW + timedelta(minutes=1), None)
    db.session.commit()
    # The first is now behind the second, who is offered the freed seat and the funded place.
    assert second.has_offer and second.funding == Funding.FUNDED
    assert first.funding == Funding.SELF_FUNDED


def test_raising_the_quota_funds_the_next_officers_and_tells_them(db, make):
    event = make.open_event(capacity=4, quota_per_organisation=1)
    kenya = make.organisation(country="KE")
    _first, second = sign_up(db, event, 2, organisation=kenya)
    save_settings(event, SettingsInput(capacity=4, quota_per_organisation=2), NOW)
    db.session.commit()
    assert second.funding == Funding.FUNDED
    assert len(funding_emails(db, second)) == 1


def test_a_new_organisation_is_added_once_and_counts_for_the_quota(db, make):
    event = make.open_event(capacity=4, quota_per_organisation=1)
    first, second = sign_up(db, event, 2, new_organisation="Comisión Electoral Nacional")
    assert first.organisation_id == second.organisation_id
    assert first.organisation.country_code == "KE"
    assert second.funding == Funding.SELF_FUNDED


# ---------------------------------------------------------------- the waiting list


def test_a_freed_seat_is_offered_to_the_first_waiting_who_can_accept_it(db, make):
    event = make.open_event(capacity=2, offer_hours=24)
    first, _second, third, fourth = sign_up(db, event, 4)
    withdraw(first, NOW, None)
    db.session.commit()
    assert third.offer_expires_at == NOW + timedelta(hours=24)
    assert fourth.offer_expires_at is None
    (offer,) = outbox(db, "A seat is free for you")
    assert offer.to == third.email and "/offers/" in offer.text_body
    # The offer holds the seat: nobody new gets it.
    (newcomer,) = sign_up(db, event, 1, start=5)
    assert newcomer.status == Status.WAITLISTED
    accept_offer(third, NOW + timedelta(hours=23), None)
    db.session.commit()
    assert third.status == Status.PENDING and third.offer_expires_at is None
    assert event_availability(event, NOW + timedelta(hours=23)).held == 2


def test_an_offer_not_accepted_in_time_passes_to_the_next(db, make):
    event = make.open_event(capacity=1, offer_hours=48)
    first, second, third = sign_up(db, event, 3)
    withdraw(first, NOW, None)
    db.session.commit()
    later = NOW + timedelta(hours=49)
    with pytest.raises(StatusError, match="expired"):
        accept_offer(second, later, None)
    db.session.rollback()
    assert expire_offers(event, later) == 1
    db.session.commit()
    assert second.status == Status.WITHDRAWN
    assert third.offer_expires_at == later + timedelta(hours=48)


def test_offer_links_are_signed_and_single_offer(db, make, app):
    event = make.open_event(capacity=1)
    first, second = sign_up(db, event, 2)
    withdraw(first, NOW, None)
    db.session.commit()
    from eventsapp.registration.waiting_list import offer_url

    token = offer_url(second).rsplit("/", 1)[1]
    assert registration_for_offer(token) == second
    with pytest.raises(StatusError, match="not valid"):
        registration_for_offer(token[:-2] + "xx")


def test_raising_the_capacity_offers_seats_to_the_waiting_list(db, make):
    event = make.open_event(capacity=1)
    _first, second, third = sign_up(db, event, 3)
    save_settings(event, SettingsInput(capacity=2), NOW)
    db.session.commit()
    assert second.has_offer and not third.has_offer


def test_tick_expires_offers_and_sends_reminders_once(db, make):
    event = make.open_event(capacity=1, approval_required=False, reminder_days=7, days_ahead=5)
    first, second = sign_up(db, event, 2)
    withdraw(first, NOW, None)
    db.session.commit()
    summary = tick(NOW + timedelta(days=3))
    db.session.commit()
    assert summary["offers expired"] == 1 and second.status == Status.WITHDRAWN
    approved = register(event, person(9), NOW + timedelta(days=3))
    db.session.commit()
    assert approved.status == Status.APPROVED
    assert send_reminders(NOW + timedelta(days=3)) == 1
    assert send_reminders(NOW + timedelta(days=3)) == 0
    (reminder,) = outbox(db, "Reminder:")
    assert reminder.to == approved.email


# ---------------------------------------------------------------- staff actions


def test_staff_approve_in_bulk_up_to_the_capacity(db, make):
    event = make.open_event(capacity=3)
    registrations = sign_up(db, event, 5)
    ids = [r.id for r in registrations]
    done, problems = apply_staff_action(event, "approve", ids, NOW, None)
    db.session.commit()
    # Three pending get approved; the two waitlisted cannot: no seat is left.
    assert done == 3
    assert len(problems) == 2 and "No seat is left" in problems[0]
    assert statuses(registrations) == ["approved"] * 3 + ["waitlisted"] * 2
    assert len(outbox(db, "Your place is confirmed")) == 3


def test_declining_frees_the_seat_for_the_waiting_list(db, make):
    event = make.open_event(capacity=1)
    first, second = sign_up(db, event, 2)
    apply_staff_action(event, "decline", [first.id], NOW, None)
    db.session.commit()
    assert first.status == Status.DECLINED
    assert second.has_offer
    assert len(outbox(db, "Your registration was not accepted")) == 1
    # Staff may also approve the offered delegate directly.
    apply_staff_action(event, "approve", [second.id], NOW, None)
    assert second.status == Status.APPROVED and second.offer_expires_at is None


def test_moving_to_the_waiting_list_puts_them_last(db, make):
    event = make.open_event(capacity=2)
    first, _second, third = sign_up(db, event, 3)
    apply_staff_action(event, "waitlist", [first.id], NOW + timedelta(minutes=1), None)
    db.session.commit()
    assert first.status == Status.WAITLISTED
    assert third.has_offer and not first.has_offer


def test_attendance_only_for_approved_participants(db, make):
    event = make.open_event(capacity=2)
    first, second = sign_up(db, event, 2)
    apply_staff_action(event, "approve", [first.id], NOW, None)
    done, problems = apply_staff_action(event, "attended", [first.id, second.id], NOW, None)
    assert done == 1
    assert problems == ["Delegate 2: only approved participants can be marked as attended."]
    assert first.status == Status.ATTENDED
    # Attended still holds its seat.
    assert event_availability(event, NOW).held == 2


def test_withdrawn_cannot_be_withdrawn_again(db, make):
    event = make.open_event()
    (first,) = sign_up(db, event, 1)
    withdraw(first, NOW, None)
    with pytest.raises(StatusError):
        withdraw(first, NOW, None)


# ---------------------------------------------------------------- invitations


def test_invitation_only_events_need_the_invitation_of_that_address(db, make, staff_user):
    event = make.open_event(access="invitation")
    authority = make.organisation("Electoral Commission of Zambia", country="ZM")
    with pytest.raises(RegistrationRefused, match="by invitation only"):
        register(event, person(1), NOW)
    (invitation,) = invite(event, authority, ["Officer@ECZ.example"], staff_user, NOW)
    db.session.commit()
    assert invitation.email == "officer@ecz.example"
    with pytest.raises(InvalidInput, match="officer@ecz"):
        register(event, person(1), NOW, invitation=invitation)
    registration = register(
        event, person(1, email="officer@ecz.example"), NOW, invitation=invitation
    )
    assert registration.status == Status.PENDING and invitation.used_at == NOW
    (sent,) = outbox(db, "Invitation to register")
    assert "invitation=" in sent.text_body


def test_tampered_or_foreign_invitation_tokens_are_refused(db, make, staff_user):
    from eventsapp.registration.invitations import invitation_token

    event = make.open_event(access="invitation")
    other = make.open_event(access="invitation")
    authority = make.organisation("Electoral Commission of Zambia", country="ZM")
    (invitation,) = invite(event, authority, ["officer@ecz.example"], staff_user, NOW)
    db.session.commit()
    token = invitation_token(invitation)
    assert read_invitation(token, event) == invitation
    with pytest.raises(RegistrationRefused, match="not valid"):
        read_invitation(token.replace(".", "x.", 1), event)
    with pytest.raises(RegistrationRefused, match="not valid"):
        read_invitation(token, other)


def test_settings_rows_are_checked_by_the_database(db, make):
    event = make.event()
    db.session.add(RegistrationSettings(event_id=event.id, quota_per_organisation=0))
    with pytest.raises(IntegrityError):
        db.session.commit()


def test_tick_offers_the_seats_of_a_capacity_raised_on_the_event_form(db, make):
    event = make.open_event(capacity=1)
    _first, second = sign_up(db, event, 2)
    event.capacity = 2
    db.session.commit()
    tick(NOW)
    assert second.has_offer


# ---------------------------------------------------------------- closed events


@pytest.mark.parametrize("event_status", ["cancelled", "postponed"])
def test_no_seat_is_offered_for_a_cancelled_or_postponed_event(db, make, event_status):
    event = make.open_event(capacity=1)
    first, second = sign_up(db, event, 2)
    event.status = event_status
    db.session.commit()
    withdraw(first, NOW, None)
    db.session.commit()
    assert not second.has_offer
    assert outbox(db, "A seat is free for you") == []


def test_an_offer_cannot_be_accepted_once_the_event_is_cancelled(db, make):
    event = make.open_event(capacity=1)
    first, second = sign_up(db, event, 2)
    withdraw(first, NOW, None)
    db.session.commit()
    event.status = "cancelled"
    db.session.commit()
    with pytest.raises(StatusError, match="This event is cancelled"):
        accept_offer(second, NOW + timedelta(hours=1), None)
    db.session.rollback()
    assert second.status == Status.WAITLISTED


def test_a_seat_freed_after_the_event_is_not_offered(db, make):
    event = make.open_event(capacity=1, days_ahead=30)
    first, second = sign_up(db, event, 2)
    apply_staff_action(event, "approve", [first.id], NOW, None)
    db.session.commit()
    after = NOW + timedelta(days=40)
    apply_staff_action(event, "decline", [first.id], after, None)
    db.session.commit()
    assert not second.has_offer
    assert outbox(db, "A seat is free for you") == []


def test_tick_leaves_events_that_ended_alone(db, make):
    event = make.open_event(capacity=1, days_ahead=5)
    first, second = sign_up(db, event, 2)
    withdraw(first, NOW, None)
    db.session.commit()
    assert second.has_offer
    summary = tick(NOW + timedelta(days=10))
    db.session.commit()
    assert summary["offers expired"] == 0 and second.status == Status.WAITLISTED
    assert outbox(db, "The seat offered to you has passed on") == []


# ---------------------------------------------------------------- the waiting list first


def test_newcomers_queue_behind_the_waiting_list_when_seats_free(db, make):
    event = make.open_event(capacity=1)
    _first, second = sign_up(db, event, 2)
    event.capacity = 2  # raised on the event form, before anyone offered the seat
    db.session.commit()
    (third,) = sign_up(db, event, 1, start=3)
    assert second.has_offer
    assert third.status == Status.WAITLISTED
    (offer,) = outbox(db, "A seat is free for you")
    assert offer.to == second.email


def test_a_lapsed_offer_is_told_and_the_delegate_may_register_again(db, make):
    event = make.open_event(capacity=1, offer_hours=24)
    first, second, third = sign_up(db, event, 3)
    withdraw(first, NOW, None)
    db.session.commit()
    later = NOW + timedelta(hours=25)
    tick(later)
    db.session.commit()
    assert second.status == Status.WITHDRAWN and third.has_offer
    (lapsed,) = outbox(db, "The seat offered to you has passed on")
    assert lapsed.to == second.email
    assert "passed to the next person on the waiting list" in lapsed.text_body
    assert "You can register again if places free up" in lapsed.text_body
    again = register(event, person(2), later)
    db.session.commit()
    assert again.id == second.id
    assert (again.status, again.waitlisted_at, again.offer_expires_at) == (
        "waitlisted",
        later,
        None,
    )


# ---------------------------------------------------------------- closing day


def test_registration_must_close_before_the_event_starts(db, make):
    event = make.open_event(days_ahead=10)
    for field, day in (("closes_on", event.ends_on), ("opens_on", event.starts_on)):
        with pytest.raises(InvalidInput) as refused:
            save_settings(event, SettingsInput(capacity=5, **{field: day}), NOW)
        assert refused.value.field == field
        assert "before the event starts" in refused.value.message
    save_settings(event, SettingsInput(capacity=5, closes_on=event.starts_on - timedelta(1)), NOW)


def test_an_event_that_has_started_takes_no_registration(db, make):
    # A closing day set later than the start (before this was refused) does not keep it open.
    event = make.open_event(days_ahead=2)
    get_settings(event.id).closes_on = event.ends_on + timedelta(days=5)
    db.session.commit()
    started = NOW + timedelta(days=2)
    assert event_availability(event, started).closed_reason == "Registration has closed."
    with pytest.raises(RegistrationRefused, match="Registration has closed"):
        register(event, person(1), started)
