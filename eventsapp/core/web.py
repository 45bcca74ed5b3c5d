"""Helpers for views (never for services): the request's transaction, page numbers, refusals
shown beside form fields, a button's change and its message, the page that changes a question."""

from flask import flash, redirect, render_template, request
from flask_babel import gettext as _

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


def direction_steps() -> int:
    """A button moving something in a list: -1 for the form's direction "up", else 1."""
    return -1 if request.form.get("direction") == "up" else 1


def acted(action, success, back: str):
    """Run a change asked by a button: its refusal (what the request wrote undone) or
    ``success`` (a text, or a function of what the change returned; None: nothing said)
    flashed; back to ``back``."""
    try:
        done = action()
    except InvalidInput as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        if success is not None:
            flash(success(done) if callable(success) else success, "success")
    return redirect(back)


def edit_question_page(event, question, form, update, back: str, **shown):
    """The page that changes a question of an event's form with ``form`` (a QuestionEditForm):
    ``update`` saves what it says, or raises InvalidInput; back to ``back`` once saved.
    ``shown``: what the page says of the question (``meta``, ``note``, ``hint``)."""
    if request.method == "GET":
        form.fill(question)
    if form.validate_on_submit():
        try:
            update(question, form.to_input(question.kind))
        except InvalidInput as error:
            show_beside_field(form, error)
        else:
            flash(_("Saved the question."), "success")
            return redirect(back)
    page = render_template("_question_edit.html", event=event, form=form, back=back, **shown)
    return page, 400 if form.errors else 200


WRITING = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def write_lock_on_sqlite() -> None:
    """On SQLite, a request that may write begins by taking the database's write lock (``BEGIN
    IMMEDIATE``, waiting for the writer before it): SQLite has one writer at a time and ignores
    ``FOR UPDATE``, and a request reading before it writes could otherwise act on what another
    has just changed (a second click on a confirmation button, a last seat). So the second waits
    for the first and reads what it wrote, as PostgreSQL's row locks have it."""
    if request.method not in WRITING or db.engine.dialect.name != "sqlite":
        return
    connection = db.session.connection()
    if not connection.connection.dbapi_connection.in_transaction:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def commit_or_roll_back(response):
    """One transaction per request, ended here and nowhere else: what a request wrote is
    committed when its answer is a success or a redirect, and rolled back otherwise (an error
    page, a refused form). Emails queued in it go with the commit, to the worker."""
    if response.status_code < 400:
        db.session.commit()
    else:
        db.session.rollback()
    return response
