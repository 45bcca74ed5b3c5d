"""Which version of the privacy notice is in force, for the forms that record consent to it
(registration, requests); the notices themselves are the privacy package's."""

from sqlalchemy import func, select

from ..extensions import db
from .models import PrivacyNotice

FIRST_VERSION = 1  # shipped with the site (``privacy/notices/``)


def notice_version() -> int:
    """The version of the privacy notice a form sent now accepts."""
    return db.session.scalar(select(func.max(PrivacyNotice.version))) or FIRST_VERSION
