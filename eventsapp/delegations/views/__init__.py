"""Delegations' pages: the staff's board (``staff``) and the focal point's and nominees' pages
(``public``)."""

from flask import Blueprint

bp = Blueprint("delegations", __name__)

from . import public, staff  # noqa: E402, F401
