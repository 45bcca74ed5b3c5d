"""The alumni directory, joining and leaving it, and the staff's export."""

from flask import Blueprint

bp = Blueprint("alumni", __name__, url_prefix="/alumni")
