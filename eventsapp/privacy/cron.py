"""The daily retention job (``retention.py``), with the rules of the settings."""

from datetime import datetime, timedelta

from flask import current_app

from ..core.jobs import periodic
from .retention import Rules, apply_retention


@periodic("retention", every=timedelta(hours=24))
def retention(now: datetime) -> dict[str, int]:
    return apply_retention(now, Rules.from_settings(current_app.config))
