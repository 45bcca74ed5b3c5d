"""Staff pages for organisations."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..errors import InvalidInput
from ..extensions import db
from ..validation import page_number, show_beside_field
from .forms import OrganisationForm
from .models import Organisation
from .services import organisations_page, save_organisation

bp = Blueprint("people", __name__, url_prefix="/manage/organisations")


@bp.route("/")
def organisations():
    page = page_number()
    query = request.args.get("q", "")
    pagination = organisations_page(page, current_app.config["EVENTS_PER_PAGE"], query)
    return render_template("people/organisations.html", pagination=pagination, q=query)


@bp.route("/new", methods=["GET", "POST"])
@bp.route("/<int:organisation_id>/edit", methods=["GET", "POST"])
def organisation_form(organisation_id: int | None = None):
    organisation = Organisation()
    if organisation_id is not None:
        organisation = db.session.get(Organisation, organisation_id) or abort(404)
    form = OrganisationForm(obj=organisation if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            save_organisation(organisation, form.to_input())
        except InvalidInput as error:
            show_beside_field(form, error)
        else:
            db.session.commit()
            flash(_("Saved %(name)s.", name=organisation.name), "success")
            return redirect(url_for(".organisations"))
    return render_template("people/organisation_form.html", form=form, organisation=organisation)


@bp.route("/<int:organisation_id>/delete", methods=["POST"])
def delete_organisation(organisation_id: int):
    organisation = db.session.get(Organisation, organisation_id) or abort(404)
    db.session.delete(organisation)
    db.session.commit()
    flash(_("Deleted %(name)s.", name=organisation.name), "success")
    return redirect(url_for(".organisations"))
