"""Receivers of ``core.signals``: the funding statements that registration shows delegates."""

from ..core.signals import registration_funding
from .statements import funding_statements


@registration_funding.connect
def _funding_statements(_sender, registrations, **_) -> dict:
    return funding_statements(registrations)
