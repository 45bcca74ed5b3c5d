"""The privacy notice, a person's own data, asking to be forgotten, and staff confirming it."""

from flask import Blueprint

bp = Blueprint("privacy", __name__)
