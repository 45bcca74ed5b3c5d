"""The worker's job of messages: at every round, hand waiting recipients to the outbox, at most
``MESSAGES_PER_MINUTE`` (60 unless set) in any minute, so that the mail server accepts them."""

from datetime import timedelta

from flask import current_app

from ..core.jobs import periodic
from .services import hand_over_due


@periodic("participant messages", every=timedelta(0))
def hand_over_messages(now):
    return hand_over_due(now, current_app.config["MESSAGES_PER_MINUTE"])
