"""Which version of the privacy notice is in force, for the forms that record consent to it
(registration, requests); the notices themselves are the privacy package's."""

from sqlalchemy import func, select

from ..extensions import db
from .models import PrivacyNotice

FIRST_VERSION = 1  # shipped with the site (``privacy/notices/``)


def notice_version() -> int:
    """The version of the privacy notice a form sent now accepts."""
    return db.session.execute(select(version_in_force())).scalar_one()


def version_in_force():
    """The same as SQL, for a column's value: read as the row is written, by no statement of
    its own (``registration.privacy_notice_version = version_in_force()``)."""
    latest = select(func.max(PrivacyNotice.version)).scalar_subquery()
    return func.coalesce(latest, FIRST_VERSION)
