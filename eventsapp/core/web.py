"""Helpers for views (never for services): the request's transaction, page numbers, refusals
shown beside form fields."""

from flask import request

from ..extensions import db
from .errors import InvalidInput
from .validation import parse_number

MAX_PAGE = 100_000


def page_number() -> int:
    """The ``page`` query parameter, within 1 and MAX_PAGE (1 when absent or not a number)."""
    return min(max(parse_number(request.args.get("page")) or 1, 1), MAX_PAGE)


def show_beside_field(form, error: InvalidInput, field_name: str | None = None) -> None:
    """Undo what the request wrote and put the refusal beside its form field."""
    db.session.rollback()
    getattr(form, field_name or error.field).errors.append(error.message)


def commit_or_roll_back(response):
    """One transaction per request, ended here and nowhere else: what a request wrote is
    committed when its answer is a success or a redirect, and rolled back otherwise (an error
    page, a refused form). Emails queued in it go with the commit, to the worker."""
    if response.status_code < 400:
        db.session.commit()
    else:
        db.session.rollback()
    return response
