"""Public calendar and event pages, and the staff pages for events and programmes."""

from babel.dates import get_month_names
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _

from ..accounts.models import utcnow
from ..agenda.services import agenda_by_day, event_agenda
from ..errors import InvalidInput
from ..extensions import db
from ..mail.views import send_and_say
from ..people.services import country_choices
from ..registration.services import (
    availability_for,
    check_capacity,
    event_availability,
    offer_free_seats,
    registration_count,
    schema_org_event,
)
from ..validation import page_number, parse_number, show_beside_field
from .forms import EventForm, PartnerForm, ProgrammeForm, RegionOverrideForm, SectionForm
from .models import LANGUAGES, PRECISION_LABELS, REGIONS, Event, EventKind, EventStatus, Programme
from .services import (
    EventFilters,
    add_partner,
    add_section,
    delete_event,
    filtered_events,
    get_event,
    parse_event_filters,
    programme_choices,
    programmes_overview,
    recently_held,
    save_event,
    save_programme,
    set_region_override,
    upcoming_events,
    with_next_year_of_month,
)

public_bp = Blueprint("catalogue", __name__)
manage_bp = Blueprint("catalogue_manage", __name__, url_prefix="/manage")


def _filters_or_message(args=None) -> tuple[EventFilters, str | None]:
    try:
        return parse_event_filters(request.args if args is None else args), None
    except InvalidInput as error:
        return EventFilters(), error.message


def _filter_options() -> dict:
    months = get_month_names("wide", locale=get_locale())
    return {
        "kinds": EventKind.choices(),
        "statuses": EventStatus.choices(),
        "month_options": [(m, months[m]) for m in range(1, 13)],
        "region_options": [(r, r) for r in REGIONS],
        "languages": list(LANGUAGES.items()),
        "programme_options": [(p.id, p.short_name) for p in programme_choices()],
        "countries": country_choices(),
    }


# ---------------------------------------------------------------- public


@public_bp.route("/")
def index():
    today = utcnow().date()
    filters, problem = _filters_or_message(with_next_year_of_month(request.args, today))
    pagination = db.paginate(
        upcoming_events(today, filters),
        page=page_number(),
        per_page=current_app.config["EVENTS_PER_PAGE"],
        error_out=False,
    )
    recent = recently_held(today) if not pagination.total and not request.args else []
    return render_template(
        "catalogue/index.html",
        pagination=pagination,
        problem=problem,
        filters=filters,
        recent=recent,
        registrations=availability_for(pagination.items, utcnow()),
        **_filter_options(),
    )


@public_bp.route("/events/<int:event_id>")
def event_page(event_id: int):
    event = get_event(event_id) or abort(404)
    state = event_availability(event, utcnow())
    agenda = agenda_by_day(event_agenda(event, public=True))
    return render_template(
        "catalogue/event.html",
        event=event,
        agenda=agenda,
        registration=state,
        json_ld=schema_org_event(event, state),
        today=utcnow().date(),
    )


# ---------------------------------------------------------------- staff: events


@manage_bp.route("/")
def home():
    return redirect(url_for(".events"))


@manage_bp.route("/events/")
def events():
    filters, problem = _filters_or_message()
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
        **_filter_options(),
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
        now = utcnow()
        try:
            check_capacity(event, form.capacity.data, now)
            save_event(event, form.to_input())
        except InvalidInput as error:
            show_beside_field(form, error)
        else:
            offer_free_seats(event, now)  # a raised capacity goes to the waiting list first
            send_and_say(_("Saved \u201c%(title)s\u201d.", title=event.title))
            return redirect(url_for("catalogue.event_page", event_id=event.id))
    return render_template(
        "catalogue/event_form.html",
        form=form,
        event=event,
        precision_labels={key: str(label) for key, label in PRECISION_LABELS.items()},
    )


@manage_bp.route("/events/<int:event_id>/delete", methods=["POST"])
def event_delete(event_id: int):
    event = db.session.get(Event, event_id) or abort(404)
    if registered := registration_count(event.id):
        # Deleting would take the delegates' registrations with it, unannounced.
        flash(
            ngettext(
                "%(num)d person registered for this event: set its status to Cancelled instead, "
                "so that they and calendar subscribers see the cancellation.",
                "%(num)d people registered for this event: set its status to Cancelled instead, "
                "so that they and calendar subscribers see the cancellation.",
                registered,
            ),
            "error",
        )
        return redirect(url_for(".event_form", event_id=event.id))
    title = event.title
    delete_event(event)
    db.session.commit()
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
            db.session.commit()
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
            db.session.commit()
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
            db.session.commit()
            flash(_("Added the partner."), "success")
            return redirect(url_for(".programme", programme_id=programme.id))
    return _programme_page(programme, partner_form=form), 400


@manage_bp.route("/programmes/<int:programme_id>/regions", methods=["POST"])
def programme_set_region(programme_id: int):
    programme = db.session.get(Programme, programme_id) or abort(404)
    form = RegionOverrideForm(prefix="override")
    if form.validate_on_submit():
        set_region_override(programme, form.country_code.data, form.region.data)
        db.session.commit()
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
    db.session.commit()
    flash(_("Removed."), "success")
    return redirect(url_for(".programme", programme_id=programme.id))


@manage_bp.route("/programmes/<int:programme_id>/delete", methods=["POST"])
def programme_delete(programme_id: int):
    programme = db.session.get(Programme, programme_id) or abort(404)
    db.session.delete(programme)
    db.session.commit()
    flash(
        _("Deleted %(name)s. Its events are kept, without a programme.", name=programme.name),
        "success",
    )
    return redirect(url_for(".programmes"))
