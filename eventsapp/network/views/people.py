"""The person registry's search and a person's page."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...core.errors import InvalidInput
from ...core.web import page_number
from ...extensions import db
from ..forms import NotesForm
from ..services import (
    PeopleSearch,
    event_counts,
    kept_person,
    looked_at,
    person_history,
    person_record,
    person_with_details,
    read_search,
    save_notes,
    search_choices,
    search_people,
    shown_name,
)
from . import bp


@bp.get("/")
def people_page():
    """People by name's words, country and organisation; merged ones left out."""
    error = None
    try:
        search = read_search(
            request.args.get("q"), request.args.get("country"), request.args.get("organisation")
        )
    except InvalidInput as refused:
        search, error = PeopleSearch(), refused
    pagination = db.paginate(
        search_people(search),
        page=page_number(),
        per_page=current_app.config["EVENTS_PER_PAGE"] * 2,
        error_out=False,
    )
    page = render_template(
        "network/people.html",
        pagination=pagination,
        counts=event_counts([p.id for p in pagination.items]),
        error=error,
        shown_name=shown_name,
        **search_choices(),
    )
    return page, 400 if error else 200


def _person_page(person, form: NotesForm | None = None, status: int = 200):
    looked_at(person, current_user)
    page = render_template(
        "network/person.html",
        record=person_record(person),
        history=person_history(person.id),
        person=person,
        name=shown_name(person),
        form=form or NotesForm(obj=person),
    )
    return page, status


def _kept_or_404(person_id: int):
    """The person, or the page of the one they were merged into."""
    person = person_with_details(person_id) or abort(404)
    if person.merged_into_id is None:
        return person, None
    flash(_("%(name)s was merged into this record.", name=shown_name(person)), "info")
    return None, redirect(url_for(".person_page", person_id=kept_person(person).id))


@bp.get("/<int:person_id>")
def person_page(person_id: int):
    """A person across the years; the look is in the action log."""
    person, elsewhere = _kept_or_404(person_id)
    return elsewhere or _person_page(person)


@bp.post("/<int:person_id>/notes")
def notes(person_id: int):
    """The staff's notes on a person (logged)."""
    person, elsewhere = _kept_or_404(person_id)
    if elsewhere:
        return elsewhere
    form = NotesForm()
    if not form.validate_on_submit():
        return _person_page(person, form, 400)
    if save_notes(person, form.notes.data or "", current_user):
        flash(_("Saved the notes."), "success")
    return redirect(url_for(".person_page", person_id=person.id))
