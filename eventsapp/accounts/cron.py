"""The job of accounts that the worker runs at every round: the sign-in links asked for."""

from datetime import timedelta

from ..core.jobs import periodic
from .services import send_login_links

periodic("login links", every=timedelta(0))(send_login_links)
