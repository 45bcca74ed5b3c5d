"""The travel file: a participant's own page, and staff's list of an event's files (passport data
only for staff with the logistics permission, each look logged), its settings and the changes
asked after the freeze."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select

from ...accounts.models import STAFF_ROLES, User
from ...catalogue.services import get_event
from ...core.clock import utcnow
from ...core.errors import InvalidInput
from ...core.forms import Form
from ...core.navigation import BAR, event_tab
from ...core.validation import MAX_ID, parse_number
from ...core.web import show_beside_field
from ...extensions import db
from ...registration.models import Registration
from ..files import (
    asked_parts,
    asking_events,
    change_lines,
    decide_change,
    event_files,
    file_of,
    grant,
    is_frozen,
    log_identity_looks,
    may_see_identity,
    save_settings,
    save_travel,
    settings_of,
    waiting_changes,
    why_not_asked,
)
from ..forms import ChangeDecisionForm, TravelFileForm, TravelSettingsForm
from ..models import LogisticsPermission, TravelChange
from . import bp

event_tab(
    "travel.files_page",
    _l("Travel files"),
    32,
    (BAR,),
    also_current_on=("travel.settings_page",),
)


@bp.route("/me/registrations/<int:registration_id>/travel-file", methods=["GET", "POST"])
@login_required
def travel_file(registration_id: int):
    registration = (
        db.session.get(Registration, registration_id) if registration_id <= MAX_ID else None
    )
    if registration is None or registration.user_id != current_user.id:
        abort(404)
    settings = settings_of(registration.event)
    if why := why_not_asked(registration, settings):
        flash(why, "info")
        return redirect(url_for("registration.my_registrations"))
    parts = asked_parts(registration, settings)
    form = TravelFileForm()
    form.fill_choices()
    travel = file_of(registration)
    if request.method == "GET":
        form.load(travel)
    elif form.validate_on_submit():
        try:
            change = save_travel(registration, form.to_input(), utcnow(), current_user)
        except InvalidInput as error:  # a moment's error goes beside its day
            show_beside_field(form, error, error.field.replace("_at", "_on"))
        else:
            flash(
                _("The travel file is frozen: your change is sent to the staff, who will answer.")
                if change
                else _("Saved your travel file."),
                "success",
            )
            return redirect(request.path)
    return render_template(
        "travel/file.html",
        registration=registration,
        form=form,
        shown=form.show(parts),
        frozen=is_frozen(settings, utcnow().date()) and travel.completed_at is not None,
        changes=registration_changes(registration),
    )


@bp.app_template_global()
def travel_events(registrations) -> set[int]:
    """The events of ``registrations`` that ask for a travel file (one query)."""
    return asking_events({r.event_id for r in registrations})


def registration_changes(registration: Registration) -> list[TravelChange]:
    return list(
        db.session.scalars(
            select(TravelChange)
            .where(TravelChange.registration_id == registration.id)
            .order_by(TravelChange.asked_at.desc())
        )
    )


def _event(event_id: int):
    return get_event(event_id) or abort(404)


@bp.route("/manage/events/<int:event_id>/travel/", methods=["GET", "POST"])
def files_page(event_id: int):
    event = _event(event_id)
    now = utcnow()
    decision = ChangeDecisionForm()
    if request.method == "POST" and decision.validate_on_submit():
        number = parse_number(request.form.get("change"))
        change = db.session.get(TravelChange, number) if number and number <= MAX_ID else None
        if change is None or change.registration.event_id != event.id:
            abort(404)
        try:
            decide_change(
                change,
                request.form.get("accept") == "1",
                decision.reason.data or "",
                now,
                current_user,
            )
        except InvalidInput as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            flash(_("Saved the decision on the change."), "success")
        return redirect(request.path)
    rows = event_files(event)
    identity = may_see_identity(current_user)
    if identity:
        log_identity_looks(rows, current_user, now)
    return render_template(
        "travel/files.html",
        event=event,
        rows=rows,
        identity=identity,
        changes=waiting_changes(event),
        change_lines=change_lines,
        decision=ChangeDecisionForm(formdata=None),
        settings=settings_of(event),
    )


@bp.route("/manage/events/<int:event_id>/travel/settings", methods=["GET", "POST"])
def settings_page(event_id: int):
    event = _event(event_id)
    settings = settings_of(event)
    form = TravelSettingsForm(obj=settings if request.method == "GET" else None)
    staff = db.session.scalars(
        select(User).where(User.role.in_(STAFF_ROLES), User.active.is_(True)).order_by(User.name)
    ).all()
    form.owner_id.choices = [("", _("Nobody yet")), *((u.id, u.name or u.email) for u in staff)]
    if form.validate_on_submit():
        try:
            save_settings(
                event,
                form.parts.data,
                form.freeze_on.data,
                form.owner_id.data,
                current_user,
                utcnow(),
            )
        except InvalidInput as error:
            show_beside_field(form, error)
        else:
            flash(_("Saved what the travel file asks."), "success")
            return redirect(url_for(".files_page", event_id=event.id))
    allowed = set(db.session.scalars(select(LogisticsPermission.user_id)))
    return render_template(
        "travel/settings.html",
        event=event,
        form=form,
        staff=staff if current_user.role == "admin" else [],
        allowed=allowed,
    )


@bp.route("/manage/accounts/<int:user_id>/passport-data", methods=["POST"])
def permission_page(user_id: int):
    if current_user.role != "admin":
        abort(403)
    user = db.session.get(User, user_id) if user_id <= MAX_ID else None
    if user is None or not Form().validate_on_submit():
        abort(404)
    grant(user, request.form.get("allowed") == "1", current_user, utcnow())
    flash(_("Saved who may see passport data."), "success")
    return redirect(request.referrer or url_for("staff.home"))
