"""The password policy (NIST SP 800-63B): long enough, not a common one, not the address.

No composition rules (a digit, a capital...): length and a list of the passwords people choose
most often do more, and are what the guideline asks for. The list is Django's (20,000 common
passwords, BSD licence, in ``data/``).
"""

import gzip
import re
from functools import cache
from pathlib import Path

from flask_babel import gettext as _
from wtforms.validators import ValidationError

MIN_LENGTH = 12
MAX_LENGTH = 200
COMMON_PASSWORDS = Path(__file__).parent / "data" / "common-passwords.txt.gz"
# A unit typed again and again: "aaaaaaaaaaaa", "abcabcabcabc", "passwordpassword".
_REPEATED = re.compile(r"(.+?)\1+")
_SEQUENCES = ("0123456789" * 2, "abcdefghijklmnopqrstuvwxyz" * 2, "qwertyuiopasdfghjklzxcvbnm")


@cache
def common_passwords() -> frozenset[str]:
    with gzip.open(COMMON_PASSWORDS, "rt", encoding="utf-8") as lines:
        return frozenset(line.strip().lower() for line in lines if line.strip())


def password_problem(password: str, email: str = "") -> str | None:
    """What is wrong with `password` for the account of `email`, in a sentence; None if fine."""
    if len(password) < MIN_LENGTH:
        return _(
            "Use at least %(count)d characters: a few words make a good one.", count=MIN_LENGTH
        )
    if len(password) > MAX_LENGTH:
        return _("Use at most %(count)d characters.", count=MAX_LENGTH)
    lowered = password.lower()
    if lowered in common_passwords():
        return _("This is one of the passwords people choose most often: choose another.")
    if _REPEATED.fullmatch(lowered) or any(lowered in sequence for sequence in _SEQUENCES):
        return _("This password is a pattern that is easy to guess: choose another.")
    local_part = email.strip().lower().split("@")[0]
    if len(local_part) >= 4 and local_part in lowered:
        return _("Do not use your email address in your password.")
    return None


def strong_password(form, field) -> None:
    """WTForms validator: the policy above (the account's address from ``form.account_email``)."""
    if field.data and (problem := password_problem(field.data, getattr(form, "account_email", ""))):
        raise ValidationError(problem)
