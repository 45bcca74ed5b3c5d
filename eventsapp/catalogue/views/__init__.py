"""The staff pages for events and programmes (the public ones are in ``site``)."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ...core.clock import utcnow
from ...core.errors import InvalidInput
from ...core.navigation import BAR, LIST, PAGE, event_tab, tabs_of
from ...core.validation import parse_number
from ...core.web import page_number, show_beside_field
from ...extensions import db
from ..forms import EventForm, PartnerForm, ProgrammeForm, RegionOverrideForm, SectionForm
from ..listing import filter_options, filters_or_message
from ..models import PRECISION_LABELS, Event, Programme
from ..services import (
    add_partner,
    add_section,
    delete_event,
    filtered_events,
    get_event,
    programmes_overview,
    save_event,
    save_programme,
    set_region_override,
)

manage_bp = Blueprint("catalogue_manage", __name__, url_prefix="/manage")
event_tab("catalogue_manage.event_form", _l("Edit"), 10, (BAR, LIST, PAGE))


# ---------------------------------------------------------------- staff: events


@manage_bp.route("/events/")
def events():
    """The list opens on upcoming events (those not ended); past ones too with ``past=1``, and
    whenever a filter is chosen (a filter searches all years)."""
    filters, problem = filters_or_message(request.args)
    filtered = any(value for name, value in request.args.items() if name not in ("page", "past"))
    with_past = filtered or request.args.get("past") == "1"
    if not with_past:
        filters.upcoming_from = utcnow().date()
    pagination = db.paginate(
        filtered_events(filters),
        page=page_number(),
        per_page=current_app.config["EVENTS_PER_PAGE"],
        error_out=False,
    )
    return render_template(
        "catalogue/manage_events.html",
        pagination=pagination,
        problem=problem,
        filters=filters,
        with_past=with_past,
        filtered=filtered,
        **filter_options(),
    )


@manage_bp.route("/events/new", methods=["GET", "POST"])
@manage_bp.route("/events/<int:event_id>/edit", methods=["GET", "POST"])
def event_form(event_id: int | None = None):
    event = Event()
    if event_id is not None:
        event = get_event(event_id) or abort(404)
    form = EventForm()
    if request.method == "GET":
        if event_id is not None:
            form.fill_from(event)
        elif programme := parse_number(request.args.get("programme")):
            form.programme_id.data = programme
    if form.validate_on_submit():
        try:
            save_event(event, form.to_input(), current_user)
        except InvalidInput as error:
            show_beside_field(form, error)
        else:
            flash(_("Saved \u201c%(title)s\u201d.", title=event.title), "success")
            return redirect(url_for("site.event_page", event_id=event.id))
    return render_template(
        "catalogue/event_form.html",
        form=form,
        event=event,
        precision_labels={key: str(label) for key, label in PRECISION_LABELS.items()},
    )


@manage_bp.route("/events/<int:event_id>")
def event_hub(event_id: int):
    """The event's hub: its first tab (the event's form)."""
    event = get_event(event_id) or abort(404)
    first, *_others = tabs_of(event, BAR, current_user, None)
    return redirect(first.url)


@manage_bp.route("/events/<int:event_id>/delete", methods=["POST"])
def event_delete(event_id: int):
    event = db.session.get(Event, event_id) or abort(404)
    title = event.title
    try:
        delete_event(event, current_user)
    except InvalidInput as refused:
        db.session.rollback()
        flash(refused.message, "error")
        return redirect(url_for(".event_form", event_id=event.id))
    flash(_("Deleted \u201c%(title)s\u201d.", title=title), "success")
    return redirect(url_for(".events"))


# ---------------------------------------------------------------- staff: programmes


@manage_bp.route("/programmes/")
def programmes():
    return render_template("catalogue/programmes.html", programmes=programmes_overview())


@manage_bp.route("/programmes/new", methods=["GET", "POST"])
@manage_bp.route("/programmes/<int:programme_id>/edit", methods=["GET", "POST"])
def programme_form(programme_id: int | None = None):
    programme = Programme()
    if programme_id is not None:
        programme = db.session.get(Programme, programme_id) or abort(404)
    form = ProgrammeForm(obj=programme if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            save_programme(programme, form.to_input())
        except InvalidInput as error:
            show_beside_field(form, error)
        else:
            flash(_("Saved %(name)s.", name=programme.name), "success")
            return redirect(url_for(".programme", programme_id=programme.id))
    return render_template("catalogue/programme_form.html", form=form, programme=programme)


def _programme_page(programme: Programme, **forms):
    forms.setdefault("section_form", SectionForm(prefix="section"))
    forms.setdefault("partner_form", PartnerForm(prefix="partner"))
    forms.setdefault("override_form", RegionOverrideForm(prefix="override"))
    return render_template("catalogue/programme.html", programme=programme, **forms)


@manage_bp.route("/programmes/<int:programme_id>")
def programme(programme_id: int):
    return _programme_page(db.session.get(Programme, programme_id) or abort(404))


@manage_bp.route("/programmes/<int:programme_id>/sections", methods=["POST"])
def programme_add_section(programme_id: int):
    programme = db.session.get(Programme, programme_id) or abort(404)
    form = SectionForm(prefix="section")
    if form.validate_on_submit():
        try:
            add_section(programme, form.code.data, form.title.data, form.description.data)
        except InvalidInput as error:
            show_beside_field(form, error, "code")
        else:
            flash(_("Added section %(code)s.", code=form.code.data), "success")
            return redirect(url_for(".programme", programme_id=programme.id))
    return _programme_page(programme, section_form=form), 400


@manage_bp.route("/programmes/<int:programme_id>/partners", methods=["POST"])
def programme_add_partner(programme_id: int):
    programme = db.session.get(Programme, programme_id) or abort(404)
    form = PartnerForm(prefix="partner")
    if form.validate_on_submit():
        try:
            add_partner(programme, form.organisation_id.data, form.role.data)
        except InvalidInput as error:
            show_beside_field(form, error, "organisation_id")
        else:
            flash(_("Added the partner."), "success")
            return redirect(url_for(".programme", programme_id=programme.id))
    return _programme_page(programme, partner_form=form), 400


@manage_bp.route("/programmes/<int:programme_id>/regions", methods=["POST"])
def programme_set_region(programme_id: int):
    programme = db.session.get(Programme, programme_id) or abort(404)
    form = RegionOverrideForm(prefix="override")
    if form.validate_on_submit():
        set_region_override(programme, form.country_code.data, form.region.data)
        flash(_("Saved the region used in this programme's reports."), "success")
        return redirect(url_for(".programme", programme_id=programme.id))
    return _programme_page(programme, override_form=form), 400


@manage_bp.route(
    "/programmes/<int:programme_id>/<string:part>/<int:item_id>/delete", methods=["POST"]
)
def programme_remove(programme_id: int, part: str, item_id: int):
    """Remove a section or a partner from a programme."""
    programme = db.session.get(Programme, programme_id) or abort(404)
    items = {"sections": programme.sections, "partners": programme.partners}.get(part)
    if items is None:
        abort(404)
    item = next((i for i in items if i.id == item_id), None) or abort(404)
    items.remove(item)
    flash(_("Removed."), "success")
    return redirect(url_for(".programme", programme_id=programme.id))


@manage_bp.route("/programmes/<int:programme_id>/delete", methods=["POST"])
def programme_delete(programme_id: int):
    programme = db.session.get(Programme, programme_id) or abort(404)
    db.session.delete(programme)
    flash(
        _("Deleted %(name)s. Its events are kept, without a programme.", name=programme.name),
        "success",
    )
    return redirect(url_for(".programmes"))


from . import translations  # noqa: E402, F401  (routes of event content in other languages)
