"""Signed tokens: every value the site hands out in a link, a QR code or a cursor and reads back.

A token is signed with ``SECRET_KEY`` for one purpose (its salt), so that a token given for one
thing never works for another; a purpose with an age gives tokens that carry the time they were
made and expire. Every purpose of the site is declared at the end of this module, with what its
tokens hold and how long they work: no other module signs anything (a test holds this).

What makes a link work once is in what it holds, checked by its capability against the
database: a value that using the link changes (the time of the last sign-in, a digest of the
password, the registration's consent time, a version raised by a reset).

Time is passed in (``now``, UTC without tzinfo) where a service has it, so that tests can make a
token in the past; None is the clock's time.

The salts and payloads of links sent before this module (calendar subscriptions, invitations,
badges already printed...) are theirs still, so that they keep working.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import current_app
from itsdangerous import BadData, TimestampSigner, URLSafeSerializer, URLSafeTimedSerializer


class _SignedAt(TimestampSigner):
    """A timestamp signer whose clock is ``at`` (epoch seconds) when given."""

    def __init__(self, *args, at: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.at = at

    def get_timestamp(self) -> int:
        return self.at if self.at is not None else super().get_timestamp()


def _epoch(now: datetime | None) -> int | None:
    return None if now is None else int(now.replace(tzinfo=UTC).timestamp())


@dataclass(frozen=True)
class Reading:
    """What a token of a purpose holds, and whether it is older than the purpose's age."""

    value: Any
    expired: bool = False


@dataclass(frozen=True)
class Purpose:
    """What a token is for (``salt``), and how long it works (None: as long as the secret)."""

    salt: str
    max_age: timedelta | None = None

    def _serializer(self, now: datetime | None = None) -> URLSafeSerializer:
        key = current_app.config["SECRET_KEY"]
        if self.max_age is None:
            return URLSafeSerializer(key, salt=self.salt)
        return URLSafeTimedSerializer(
            key, salt=self.salt, signer=_SignedAt, signer_kwargs={"at": _epoch(now)}
        )

    def sign(self, value: Any, now: datetime | None = None) -> str:
        """A token holding ``value`` (anything JSON holds), made at ``now``."""
        return self._serializer(now).dumps(value)

    def inspect(self, token: str, now: datetime | None = None) -> Reading | None:
        """What a token of this purpose holds, even when it is too old (for a page that says
        so); None when the site did not make it for this purpose (forged, cut, another's)."""
        try:
            if self.max_age is None:
                return Reading(self._serializer().loads(token))
            value, made_at = self._serializer().loads(token, return_timestamp=True)
        except (BadData, UnicodeError, ValueError):  # BadSignature and BadPayload are BadData
            return None
        now = datetime.now(UTC) if now is None else now.replace(tzinfo=UTC)
        return Reading(value, expired=made_at + self.max_age <= now)

    def read(self, token: str, now: datetime | None = None) -> Any | None:
        """The value a token of this purpose holds, or None (forged, another purpose's, too
        old)."""
        reading = self.inspect(token, now)
        return None if reading is None or reading.expired else reading.value


def ids_in(value: Any, count: int) -> tuple[int, ...] | None:
    """``value`` as ``count`` ids (a token's list of ids, or one id when ``count`` is 1), or None
    when it has another shape (a token of an older form)."""
    values = [value] if count == 1 and not isinstance(value, list) else value
    if not isinstance(values, list) or len(values) != count:
        return None
    if not all(isinstance(n, int) and not isinstance(n, bool) for n in values):
        return None
    return tuple(values)


# ---------------------------------------------------------------- every purpose of the site

# The link emailed to confirm a registration's address (registration.services):
# [registration id, its consent time]. 48 hours (then the registration is forgotten); it confirms
# only while the registration awaits confirmation with that consent time, which sending the form
# again (or registering again after a withdrawal) changes: so it works once, for that form.
# (Until issue 22 it held the bare id with the salt "confirmation", and worked for ever.)
# Since issue 24 confirming by it also signs a delegate's account in (registration.links).
# Decision: it keeps its 48 hours, though a sign-in link works an hour. A sign-in link is asked
# for by someone waiting for it; this one waits for a delegate who registered in another time
# zone and reads the email the next day, and the registration lives exactly as long. What the
# link gives is what the mailbox gives already (its owner can ask for a sign-in link at any
# time); it is used up by confirming (a second click confirms and signs in nothing), names
# only that form (sending it again voids it), signs in only from its page's button (POST, never
# the GET that mail scanners open), and never a staff account or an inactive one.
REGISTRATION_CONFIRMATION = Purpose("registration-confirmation", timedelta(hours=48))

# Retired: that link until issue 22 (the bare id, working for ever). Read only to tell whoever
# follows one that it no longer confirms anything.
RETIRED_CONFIRMATION = Purpose("confirmation")

# A registration's own page, where the site sends whoever has just registered, confirmed or
# accepted a seat: [registration id, its consent time]. A day; the page says to sign in later.
REGISTRATION_PAGE = Purpose("registration-page", timedelta(days=1))

# An invitation to register for an event by invitation (registration.invitations):
# {"i": invitation id, "e": event id}. No age: it works while the event takes registrations.
INVITATION = Purpose("invitation")

# A seat offered from the waiting list (registration.waiting_list): {"r": registration id,
# "until": the offer's end}. It works until that end, and only for the offer it was sent for.
SEAT_OFFER = Purpose("seat-offer")

# A badge's QR code until badges became documents (issue 24), whose QR codes hold their
# verification page's address: [event id, registration id]. Read only (attendance.services), so
# that badges printed before still check their holders in while they have a place.
BADGE = Purpose("attendance-badge")

# The link to an attendee's evaluation form (attendance.evaluations): the registration's id.
# No age: it works while the registration has a place; answering is once.
EVALUATION = Purpose("attendance-evaluation")

# The page where an authority follows its request (authority_requests.services): the request's
# id. No age: the authority follows its request for as long as it lasts.
AUTHORITY_REQUEST = Purpose("authority-request")

# A one-time sign-in link for a delegate (accounts.services): {"u": account id, "n": time of
# its last sign-in}. An hour; signing in changes "n", so it works once.
SIGN_IN_LINK = Purpose("login-link", timedelta(hours=1))

# The link that lets an invited colleague choose a password (accounts.services): {"u": account
# id, "p": digest of its password hash}. A week; setting a password changes "p".
ACCOUNT_SETUP = Purpose("account-setup", timedelta(days=7))

# A browser an account signed in from (accounts.services, the "known device" cookie): {"d": the
# device's id, "a": [[account id, digest of its password hash, time], ...]}. 180 days; a new
# password turns it away for that account.
KNOWN_DEVICE = Purpose("known-device", timedelta(days=180))

# A personal calendar feed's URL (calendars.services): [account id, its feed token version].
# No age: subscriptions are a contract; "Reset link" raises the version, and closing the account
# stops it.
CALENDAR_FEED = Purpose("personal-calendar-feed")

# The API's cursors (api.services): the sort key of the last event of a page. No age.
API_CURSOR = Purpose("api-cursor")

# A focal point's page (delegations.access): {"d": delegation id, "v": its link version}. No
# age: it works until the event, in the first browser that opens it by its button; proving the
# focal point's address from another browser emails a fresh link, and raises the version.
DELEGATION = Purpose("delegation")

# A nominee's page, where they complete their own registration (delegations.nominees):
# {"n": nomination id, "r": its registration id}. No age: it works while the nominee has a place.
NOMINEE = Purpose("nominee")

# A participant's knowledge test (knowledge.services): {"t": test id, "r": registration id}. No
# age: it works while the test is open and the registration has a place; answering is once.
KNOWLEDGE_TEST = Purpose("knowledge-test")

# A participant's follow-up survey (followup.services): {"r": registration id, "m": the months
# after the event it is for}. No age: it works while the survey is unanswered.
FOLLOW_UP = Purpose("follow-up")
