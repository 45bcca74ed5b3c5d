"""Per diem: the rates (listed, entered, imported from a CSV, deleted) and, per event, each
approved participant's entitlement, the programme's settings and the payment sheet."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ...catalogue.services import get_event
from ...core.errors import InvalidInput
from ...core.exports import xlsx_response
from ...core.navigation import BAR, event_tab
from ...core.uploads import shown_name
from ...core.validation import MAX_ID
from ...core.web import page_number, show_beside_field
from ...people.services import country_choices
from ..perdiem import (
    PAYMENT_HEADER,
    delete_rate,
    import_rates,
    payment_rows,
    per_diem_of_event,
    rates_page,
    save_rate,
    save_settings,
    settings_of,
)
from ..rates_csv import MAX_BYTES
from . import bp
from .perdiem_forms import ImportForm, RateForm, SettingsForm

event_tab("travel.per_diem_page", _l("Per diem"), 36, (BAR,))


# ---------------------------------------------------------------- the rates


def _rates(status: int = 200, **forms):
    countries = country_choices()
    chosen = request.args.get("country", "")
    chosen = chosen if chosen in dict(countries) else ""
    rate_form = forms.setdefault("rate_form", RateForm(prefix="rate"))
    rate_form.country_code.choices = [("", _("Choose…")), *countries]
    forms.setdefault("import_form", ImportForm(prefix="import"))
    return render_template(
        "travel/per_diem_rates.html",
        page=rates_page(chosen or None, page_number()),
        countries=countries,
        chosen=chosen,
        **forms,
    ), status


@bp.route("/manage/per-diem/")
def rates():
    return _rates()


@bp.route("/manage/per-diem/", methods=["POST"])
def rate_add():
    form = RateForm(prefix="rate")
    if form.validate_on_submit():
        try:
            save_rate(
                form.country_code.data,
                form.area.data,
                form.rate.data,
                form.currency.data,
                form.effective_on.data,
                actor=current_user,
            )
        except InvalidInput as error:
            show_beside_field(form, error)
        else:
            flash(_("Saved the rate."), "success")
            return redirect(url_for(".rates", country=form.country_code.data))
    return _rates(400, rate_form=form)


@bp.route("/manage/per-diem/import", methods=["POST"])
def rates_import():
    form = ImportForm(prefix="import")
    upload = form.file.data
    try:
        if not form.validate_on_submit():
            raise InvalidInput("file", _("Send the form again."))
        if upload is None or not getattr(upload, "filename", ""):
            raise InvalidInput("file", _("Choose a CSV file of rates."))
        data = upload.read(MAX_BYTES + 1)
        result = import_rates(data, shown_name(upload.filename), actor=current_user)
    except InvalidInput as error:
        show_beside_field(form, error, "file")
        return _rates(400, import_form=form)
    flash(
        _(
            "Imported the rates: %(added)d new, %(changed)d changed, %(unchanged)d as they were.",
            added=result.added,
            changed=result.changed,
            unchanged=result.unchanged,
        ),
        "success",
    )
    return redirect(url_for(".rates"))


@bp.route("/manage/per-diem/<int:rate_id>/delete", methods=["POST"])
def rate_delete(rate_id: int):
    if rate_id > MAX_ID or not delete_rate(rate_id, actor=current_user):
        abort(404)
    flash(_("Deleted the rate."), "success")
    return redirect(url_for(".rates", country=request.args.get("country", "")))


# ---------------------------------------------------------------- an event's per diem


def _event(event_id: int):
    return get_event(event_id) or abort(404)


def _event_page(event, status: int = 200, form: SettingsForm | None = None):
    answer = per_diem_of_event(event)
    if form is None:
        settings = settings_of(event.programme_id)
        form = SettingsForm(
            prefix="settings",
            lodging_percent=settings.lodging_percent,
            meals_percent=settings.meals_percent,
            hosts_provide_lodging=settings.hosts_provide_lodging,
            hosts_provide_meals=settings.hosts_provide_meals,
            terminal_expenses=f"{settings.terminal_expenses:.2f}",
        )
    return render_template(
        "travel/per_diem.html", event=event, per_diem=answer, settings_form=form
    ), status


@bp.route("/manage/events/<int:event_id>/per-diem")
def per_diem_page(event_id: int):
    return _event_page(_event(event_id))


@bp.route("/manage/events/<int:event_id>/per-diem/settings", methods=["POST"])
def per_diem_settings(event_id: int):
    event = _event(event_id)
    form = SettingsForm(prefix="settings")
    if event.programme is None:
        flash(_("Only an event of a programme has per diem settings."), "error")
        return redirect(url_for(".per_diem_page", event_id=event.id))
    if form.validate_on_submit():
        try:
            save_settings(
                event.programme,
                lodging_percent=form.lodging_percent.data,
                meals_percent=form.meals_percent.data,
                hosts_provide_lodging=form.hosts_provide_lodging.data,
                hosts_provide_meals=form.hosts_provide_meals.data,
                terminal_expenses=form.terminal_expenses.data,
                actor=current_user,
            )
        except InvalidInput as error:
            show_beside_field(form, error)
        else:
            flash(_("Saved how the programme computes per diem."), "success")
            return redirect(url_for(".per_diem_page", event_id=event.id))
    return _event_page(event, 400, form)


@bp.route("/manage/events/<int:event_id>/per-diem.xlsx")
def per_diem_sheet(event_id: int):
    event = _event(event_id)
    rows = payment_rows(per_diem_of_event(event))
    header = [str(label) for label in PAYMENT_HEADER]
    return xlsx_response(f"per-diem-event-{event.id}.xlsx", _("Per diem"), header, rows)
