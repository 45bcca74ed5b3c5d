"""The staff's pages of the person registry, under ``/manage/people``."""

from flask import Blueprint

bp = Blueprint("network", __name__, url_prefix="/manage/people")

from . import duplicates, people  # noqa: E402, F401  (their routes, on ``bp``)
