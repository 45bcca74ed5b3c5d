"""Staff: an event's hotels and room blocks, who sleeps where (automatic, with staff's choices),
and the lists for hotels, drivers, caterers and interpreters (pages, PDFs, spreadsheets)."""

from dataclasses import asdict

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user

from ...catalogue.services import get_event
from ...core.clock import utcnow
from ...core.errors import InvalidInput
from ...core.exports import XLSX_TYPE, download, xlsx_book_bytes
from ...core.forms import Form
from ...core.navigation import BAR, event_tab
from ...core.pdf import STATIC, PdfUnavailable, html_to_pdf
from ...core.validation import number_argument, parse_number
from ...core.web import show_beside_field
from ..files import may_see_identity
from ..hotels import (
    add_hotel,
    change_hotel,
    delete_hotel,
    get_hotel,
    guest_of,
    guests_of,
    hotel_board,
    hotels_of,
    lodging_payer,
    set_blocks,
)
from ..lists import (
    PICK_UP_MOST,
    PickUp,
    headcount_sheets,
    headcounts,
    record_passport_names_seen,
    rooming_lists,
    rooming_sheets,
    transfer_list,
    transfer_sheets,
)
from ..models import RoomKind
from ..rooms import assign_rooms, release_room, set_room
from . import bp
from .hotel_forms import BlocksForm, HotelForm, RoomForm

PRINT_CSS = STATIC / "css" / "travel-lists.css"

event_tab(
    "travel.hotels_page",
    _l("Hotels and lists"),
    33,
    (BAR,),
    also_current_on=(
        "travel.new_hotel_page",
        "travel.hotel_page",
        "travel.room_page",
        "travel.rooming_page",
        "travel.transfers_page",
        "travel.headcounts_page",
    ),
)


def _event(event_id: int):
    return get_event(event_id) or abort(404)


def _hotel(event, hotel_id: int):
    return get_hotel(event, hotel_id) or abort(404)


def _form_page(template: str, status_if_refused: bool, **context):
    page = render_template(template, kinds=RoomKind, **context)
    return page, 400 if status_if_refused else 200


# ---------------------------------------------------------------- hotels


@bp.route("/manage/events/<int:event_id>/hotels/")
def hotels_page(event_id: int):
    event = _event(event_id)
    return render_template(
        "travel/hotels.html", event=event, board=hotel_board(event), kinds=RoomKind
    )


@bp.route("/manage/events/<int:event_id>/hotels/new", methods=["GET", "POST"])
def new_hotel_page(event_id: int):
    event = _event(event_id)
    form = HotelForm()
    if form.validate_on_submit():
        try:
            hotel = add_hotel(event, form.to_input(), current_user)
        except InvalidInput as error:
            show_beside_field(form, error)
        else:
            flash(_("Added the hotel %(name)s: now set its rooms.", name=hotel.name), "success")
            return redirect(url_for(".hotel_page", event_id=event.id, hotel_id=hotel.id))
    return _form_page(
        "travel/hotels_form.html",
        bool(form.errors),
        event=event,
        form=form,
        hotel=None,
        payer=lodging_payer(event),
    )


@bp.route("/manage/events/<int:event_id>/hotels/<int:hotel_id>", methods=["GET", "POST"])
def hotel_page(event_id: int, hotel_id: int):
    event = _event(event_id)
    hotel = _hotel(event, hotel_id)
    form = HotelForm(prefix="hotel", obj=hotel if request.method == "GET" else None)
    blocks = BlocksForm(prefix="blocks")
    chosen = request.form.get("form")
    if chosen == "hotel" and form.validate_on_submit():
        try:
            change_hotel(hotel, form.to_input(), current_user)
        except InvalidInput as error:
            show_beside_field(form, error)
        else:
            flash(_("Saved the hotel."), "success")
            return redirect(request.path)
    if chosen == "blocks" and blocks.validate_on_submit():
        try:
            nights = set_blocks(hotel, blocks.to_input(), current_user)
        except InvalidInput as error:
            show_beside_field(blocks, error)
        else:
            flash(
                ngettext(
                    "Set the rooms of %(num)d night.", "Set the rooms of %(num)d nights.", nights
                ),
                "success",
            )
            return redirect(request.path)
    refused = request.method == "POST" and bool(form.errors or blocks.errors)
    if refused:
        hotel = _hotel(event, hotel_id)  # as saved (the refused request wrote nothing)
    return _form_page(
        "travel/hotels_form.html",
        refused,
        event=event,
        hotel=hotel,
        form=form,
        blocks=blocks,
        payer=lodging_payer(event),
    )


@bp.route("/manage/events/<int:event_id>/hotels/<int:hotel_id>/delete", methods=["POST"])
def delete_hotel_page(event_id: int, hotel_id: int):
    event = _event(event_id)
    hotel = _hotel(event, hotel_id)
    if not Form().validate_on_submit():
        abort(400)
    name = hotel.name
    delete_hotel(hotel, current_user)
    flash(_("Deleted the hotel %(name)s; its guests are unassigned.", name=name), "success")
    return redirect(url_for(".hotels_page", event_id=event.id))


@bp.route("/manage/events/<int:event_id>/hotels/assign", methods=["POST"])
def assign_page(event_id: int):
    event = _event(event_id)
    if not Form().validate_on_submit():
        abort(400)
    result = assign_rooms(event, current_user)
    flash(
        _(
            "Rooms assigned: %(assigned)d placed automatically; kept as staff chose them: "
            "%(kept)d; without a room: %(unassigned)d.",
            assigned=result.assigned,
            kept=result.kept,
            unassigned=len(result.unassigned),
        ),
        "warning" if result.unassigned else "success",
    )
    return redirect(url_for(".hotels_page", event_id=event.id))


@bp.route(
    "/manage/events/<int:event_id>/hotels/rooms/<int:registration_id>", methods=["GET", "POST"]
)
def room_page(event_id: int, registration_id: int):
    event = _event(event_id)
    guest = guest_of(event, registration_id) or abort(404)
    form = RoomForm()
    hotels = hotels_of(event)
    others = [g for g in guests_of(event) if g.id != guest.id]
    form.hotel_id.choices = [(h.id, h.name) for h in hotels]
    form.sharing_with_id.choices = [("", _("Nobody"))] + [(g.id, g.name) for g in others]
    if request.method == "GET" and guest.assignment is not None:
        form.hotel_id.data = guest.assignment.hotel_id
        form.kind.data = guest.assignment.kind
        form.sharing_with_id.data = guest.assignment.sharing_with_id
    back = redirect(url_for(".hotels_page", event_id=event.id))
    if request.form.get("form") == "release" and Form().validate_on_submit():
        if release_room(event, guest, current_user):
            flash(
                _("%(name)s is unassigned until rooms are assigned again.", name=guest.name),
                "success",
            )
        return back
    if request.form.get("form") != "release" and form.validate_on_submit():
        try:
            set_room(event, guest, form.to_input(), current_user)
        except InvalidInput as error:
            show_beside_field(form, error)
        else:
            flash(_("Saved the room of %(name)s.", name=guest.name), "success")
            return back
    return _form_page(
        "travel/hotels_room.html",
        request.method == "POST",
        event=event,
        guest=guest,
        form=form,
        has_hotels=bool(hotels),
    )


# ---------------------------------------------------------------- lists


def _hotel_filter(event) -> int | None:
    """The ``hotel`` parameter: one of the event's hotels (404 for any other), or all."""
    raw = request.args.get("hotel")
    if raw is None or raw == "":
        return None
    number = parse_number(raw)
    if number is None or get_hotel(event, number) is None:
        abort(404)
    return number


def _rooming(event):
    """The rooming lists the user may see (names as in passports with the logistics
    permission, the look logged), of every hotel or of the one asked for."""
    lists = rooming_lists(event, may_see_identity(current_user), _hotel_filter(event))
    record_passport_names_seen(lists, current_user)
    return lists


def _rooming_name(event, lists, extension: str) -> str:
    one = f"-hotel-{lists[0].hotel.id}" if len(lists) == 1 else ""
    return f"rooming-event-{event.id}{one}.{extension}"


def _pdf(template: str, name: str, **context):
    html = render_template(template, pdf=True, today=utcnow().date(), **context)
    try:
        return download(html_to_pdf(html, PRINT_CSS), "application/pdf", name)
    except PdfUnavailable as error:
        current_app.logger.error("A list's PDF cannot be made: %s", error)
        message = _("This server cannot make PDFs yet (it needs Pango: libpango-1.0-0).")
        return render_template("error.html", code=503, message=message), 503


def _xlsx(sheets, name: str):
    return download(xlsx_book_bytes(sheets), XLSX_TYPE, name)


@bp.route("/manage/events/<int:event_id>/rooming")
def rooming_page(event_id: int):
    event = _event(event_id)
    lists = _rooming(event)
    return render_template(
        "travel/lists_rooming.html",
        event=event,
        lists=lists,
        one_hotel=request.args.get("hotel") is not None,
        passport_names=bool(lists) and lists[0].passport_names,
    )


@bp.route("/manage/events/<int:event_id>/rooming.pdf")
def rooming_pdf(event_id: int):
    event = _event(event_id)
    lists = _rooming(event)
    return _pdf(
        "travel/lists_print.html",
        _rooming_name(event, lists, "pdf"),
        event=event,
        kind="rooming",
        lists=lists,
    )


@bp.route("/manage/events/<int:event_id>/rooming.xlsx")
def rooming_xlsx(event_id: int):
    event = _event(event_id)
    lists = _rooming(event)
    return _xlsx(rooming_sheets(lists), _rooming_name(event, lists, "xlsx"))


def _pick_up() -> tuple[PickUp, dict[str, str]]:
    """When the cars leave, as the page's form asks (``?wait=60&lead=180``, in minutes), and
    what it refused, by field (the default is used meanwhile)."""
    times, errors = PickUp(), {}
    for name, label in (
        ("wait", _("Minutes after the last landing")),
        ("lead", _("Minutes before the first flight")),
    ):
        try:
            minutes = number_argument(request.args, name, 0, PICK_UP_MOST, label)
        except InvalidInput as error:
            errors[name] = error.message
        else:
            if minutes is not None:
                setattr(times, name, minutes)
    return times, errors


def _transfers(event):
    """The transfer list with the cars' times asked; a 400 for times refused (the page's own
    links carry only times it accepted)."""
    times, errors = _pick_up()
    if errors:
        abort(400, next(iter(errors.values())))
    return transfer_list(event, times)


@bp.route("/manage/events/<int:event_id>/transfers")
def transfers_page(event_id: int):
    event = _event(event_id)
    times, errors = _pick_up()
    return render_template(
        "travel/lists_transfers.html",
        event=event,
        transfers=transfer_list(event, times),
        errors=errors,
        list_args=asdict(times),
    ), 400 if errors else 200


@bp.route("/manage/events/<int:event_id>/transfers.pdf")
def transfers_pdf(event_id: int):
    event = _event(event_id)
    return _pdf(
        "travel/lists_print.html",
        f"transfers-event-{event.id}.pdf",
        event=event,
        kind="transfers",
        transfers=_transfers(event),
    )


@bp.route("/manage/events/<int:event_id>/transfers.xlsx")
def transfers_xlsx(event_id: int):
    event = _event(event_id)
    return _xlsx(transfer_sheets(_transfers(event)), f"transfers-event-{event.id}.xlsx")


@bp.route("/manage/events/<int:event_id>/headcounts")
def headcounts_page(event_id: int):
    event = _event(event_id)
    return render_template("travel/lists_headcounts.html", event=event, counts=headcounts(event))


@bp.route("/manage/events/<int:event_id>/headcounts.pdf")
def headcounts_pdf(event_id: int):
    event = _event(event_id)
    return _pdf(
        "travel/lists_print.html",
        f"headcounts-event-{event.id}.pdf",
        event=event,
        kind="headcounts",
        counts=headcounts(event),
    )


@bp.route("/manage/events/<int:event_id>/headcounts.xlsx")
def headcounts_xlsx(event_id: int):
    event = _event(event_id)
    return _xlsx(headcount_sheets(headcounts(event)), f"headcounts-event-{event.id}.xlsx")
