"""Signed tokens: every value the site hands out in a link, a cookie or a cursor and reads back.

A token is signed with ``SECRET_KEY`` for one purpose (its salt), so that a token given for one
thing never works for another; a purpose with an age gives tokens that expire (they carry the
time they were made). Reading a token that was not made by the site, for another purpose, or is
too old gives None: callers say what that means in their own words.

The salts of purposes that existed before this module are theirs still, so that links already
sent (calendar subscriptions, invitations) keep working.
"""

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer, URLSafeTimedSerializer


@dataclass(frozen=True)
class Purpose:
    """What a token is for (``salt``), and how long it works (None: as long as the secret)."""

    salt: str
    max_age: timedelta | None = None

    def _serializer(self) -> URLSafeSerializer:
        kind = URLSafeSerializer if self.max_age is None else URLSafeTimedSerializer
        return kind(current_app.config["SECRET_KEY"], salt=self.salt)

    def sign(self, value: Any) -> str:
        """A token holding ``value`` (anything JSON holds)."""
        return self._serializer().dumps(value)

    def read(self, token: str) -> Any | None:
        """The value a token of this purpose holds, or None (forged, another purpose's, too
        old)."""
        try:
            if self.max_age is None:
                return self._serializer().loads(token)
            return self._serializer().loads(token, max_age=self.max_age.total_seconds())
        except (BadSignature, UnicodeError, ValueError):  # SignatureExpired is a BadSignature
            return None


# The API's cursors: the sort key of the last event of a page.
API_CURSOR = Purpose("api-cursor")
