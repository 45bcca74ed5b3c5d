"""Staff pages for organisations."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..core.clock import utcnow
from ..core.errors import InvalidInput
from ..core.web import page_number, show_beside_field
from ..extensions import db
from .forms import MergeForm, OrganisationForm
from .models import Organisation
from .services import merge_organisations, organisations_page, save_organisation

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
            flash(_("Saved %(name)s.", name=organisation.name), "success")
            return redirect(url_for(".organisations"))
    return render_template(
        "people/organisation_form.html",
        form=form,
        organisation=organisation,
        merge_form=MergeForm(organisation, prefix="merge") if organisation.id else None,
    )


@bp.route("/<int:organisation_id>/delete", methods=["POST"])
def delete_organisation(organisation_id: int):
    organisation = db.session.get(Organisation, organisation_id) or abort(404)
    db.session.delete(organisation)
    flash(_("Deleted %(name)s.", name=organisation.name), "success")
    return redirect(url_for(".organisations"))


@bp.route("/<int:organisation_id>/merge", methods=["POST"])
def merge_organisation(organisation_id: int):
    """The same body entered twice: keep one, move everything of the other to it."""
    organisation = db.session.get(Organisation, organisation_id) or abort(404)
    form = MergeForm(organisation, prefix="merge")
    if not form.validate_on_submit():
        flash(_("Choose the organisation to keep."), "error")
        return redirect(url_for(".organisation_form", organisation_id=organisation.id))
    target = db.session.get(Organisation, form.target_id.data)
    name = organisation.name
    merge_organisations(organisation, target, utcnow(), current_user)
    flash(_("Merged %(name)s into %(target)s.", name=name, target=target.name), "success")
    return redirect(url_for(".organisation_form", organisation_id=target.id))
