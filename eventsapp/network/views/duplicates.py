"""Duplicates suggested, and two records of one person merged side by side (and undone)."""

from types import SimpleNamespace

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import IntegerField, RadioField
from wtforms.validators import InputRequired

from ...core.clock import utcnow
from ...core.errors import InvalidInput
from ...core.forms import Form
from ...core.web import page_number
from ...extensions import db
from ...people.duplicates import not_the_same, suggestions
from ...people.merging import CHOSEN, merge_persons, mergeable, undo_merge
from ...people.models import Person, PersonMerge
from ..side_by_side import people, records
from . import bp

PER_PAGE = 25
LABELS = {
    "name": _l("Name"),
    "gender": _l("Gender"),
    "country_code": _l("Country"),
    "organisation_id": _l("Organisation"),
    "position": _l("Position"),
}

# What a merge moved, in the users' words (a table added later shows as "table.column").
MOVED = {
    "registrations.person_id": _l("Registrations"),
    "users.person_id": _l("Accounts"),
    "person_emails.person_id": _l("Addresses"),
    "speakers.person_id": _l("Speaker entries"),
    "authority_requests.contact_person_id": _l("Requests"),
    "action_log": _l("Lines of the History"),
}


class PairForm(Form):
    """Two people, by id (hidden: the page chose them)."""

    keep = IntegerField(validators=[InputRequired()])
    other = IntegerField(validators=[InputRequired()])


class MergeForm(PairForm):
    """Which record each detail is taken from."""

    name = RadioField(LABELS["name"], default="keep")
    gender = RadioField(LABELS["gender"], default="keep")
    country_code = RadioField(LABELS["country_code"], default="keep")
    organisation_id = RadioField(LABELS["organisation_id"], default="keep")
    position = RadioField(LABELS["position"], default="keep")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in CHOSEN:
            self[name].choices = [("keep", _("this record")), ("other", _("the other record"))]

    @property
    def from_other(self) -> list[str]:
        return [name for name in CHOSEN if self[name].data == "other"]


@bp.route("/duplicates")
def duplicates():
    """The pairs that may be one person, 25 a page, in a fixed number of queries."""
    found = suggestions()
    page = page_number()
    pages = max(1, -(-len(found) // PER_PAGE))
    shown = found[(page - 1) * PER_PAGE : page * PER_PAGE]
    pagination = SimpleNamespace(
        page=page,
        pages=pages,
        has_prev=page > 1,
        prev_num=page - 1,
        has_next=page < pages,
        next_num=page + 1,
    )
    return render_template(
        "network/duplicates.html",
        suggestions=shown,
        people=people({i for s in shown for i in (s.first_id, s.second_id)}),
        pagination=pagination,
        total=len(found),
        form=PairForm(),
    )


@bp.route("/duplicates/not-the-same", methods=["POST"])
def not_duplicates():
    form = PairForm()
    pair = _two(form.keep.data, form.other.data) if form.validate_on_submit() else None
    if pair is None or None in pair:
        flash(_("Choose two people of the registry."), "error")
        return redirect(url_for(".duplicates"))
    try:
        not_the_same(*pair, utcnow(), current_user)
    except InvalidInput as error:
        flash(error.message, "error")
    else:
        flash(
            _(
                "%(first)s and %(second)s will not be suggested again.",
                first=pair[0].name,
                second=pair[1].name,
            ),
            "success",
        )
    return redirect(url_for(".duplicates"))


@bp.route("/merge", methods=["GET", "POST"])
def merge():
    """``?keep=<id>&other=<id>``: the two records side by side; posted, the merge."""
    form = MergeForm(request.form if request.method == "POST" else request.args)
    keep, other = _two(form.keep.data, form.other.data)
    try:
        mergeable(keep, other)
        if request.method == "POST":
            if not form.validate_on_submit():
                raise InvalidInput("other", _("Choose each detail from one of the two records."))
            done = merge_persons(keep, other, form.from_other, utcnow(), current_user)
            flash(
                _("Merged %(other)s into %(keep)s.", other=done.other.name, keep=done.keep.name),
                "success",
            )
            return redirect(url_for(".merge_record", merge_id=done.id))
    except InvalidInput as error:
        flash(error.message, "error")
        return redirect(url_for(".duplicates"))
    return render_template(
        "network/merge.html", form=form, records=records(keep, other), labels=LABELS
    )


@bp.route("/merges/<int:merge_id>")
def merge_record(merge_id: int):
    """What a merge moved, and undoing it."""
    done = db.session.get(PersonMerge, merge_id) or abort(404)
    return render_template("network/merge_record.html", merge=done, form=Form(), moved=MOVED)


@bp.route("/merges/<int:merge_id>/undo", methods=["POST"])
def undo(merge_id: int):
    done = db.session.get(PersonMerge, merge_id) or abort(404)
    if not Form().validate_on_submit():
        abort(400)
    try:
        undo_merge(done, utcnow(), current_user)
    except InvalidInput as error:
        flash(error.message, "error")
    else:
        flash(
            _(
                "The merge of %(other)s into %(keep)s is undone.",
                other=done.other.name,
                keep=done.keep.name,
            ),
            "success",
        )
    return redirect(url_for(".merge_record", merge_id=merge_id))


def _two(keep_id, other_id) -> tuple[Person | None, Person | None]:
    def get(person_id):
        return db.session.get(Person, person_id) if person_id and 0 < person_id < 2**31 else None

    return get(keep_id), get(other_id)
