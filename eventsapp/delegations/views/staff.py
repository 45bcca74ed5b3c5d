"""Staff: the delegations board of an event, inviting authorities, deciding on nominees."""

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user

from ...catalogue.models import REGIONS, Region
from ...catalogue.services import get_event
from ...core.clock import utcnow
from ...core.errors import InvalidInput
from ...core.exports import csv_response, xlsx_response
from ...core.forms import Form
from ...core.navigation import BAR, event_tab
from ...core.validation import MAX_ID
from ...core.web import show_beside_field
from ...extensions import db
from ...registration.models import Access
from ...registration.seats import get_settings
from ..access import send_fresh_link
from ..board import board_of, export_rows
from ..decisions import BalanceWarning, decide, move_place, set_women_target, women_target
from ..forms import (
    DecisionForm,
    InvitationForm,
    ManyInvitationsForm,
    MovePlaceForm,
    QuotaForm,
    TargetForm,
)
from ..models import Nomination
from ..services import (
    change_invitation,
    freeze,
    get_delegation,
    invite,
    letter_path,
    read_invitation_lines,
    region_lines,
)
from . import bp

event_tab(
    "delegations.board",
    _l("Delegations"),
    45,
    (BAR,),
    also_current_on=("delegations.delegation_page", "delegations.invite_page"),
)


def _event(event_id: int):
    return get_event(event_id) or abort(404)


def _delegation(event, delegation_id: int):
    return get_delegation(event, delegation_id) if delegation_id <= MAX_ID else None


@bp.route("/manage/events/<int:event_id>/delegations/")
def board(event_id: int):
    event = _event(event_id)
    settings = get_settings(event.id)
    return render_template(
        "delegations/board.html",
        event=event,
        by_nomination=settings is not None and settings.access == Access.NOMINATION,
        board=board_of(event),
        target_form=TargetForm(women_percent=women_target(event)),
    )


@bp.route("/manage/events/<int:event_id>/delegations.csv")
def export_csv(event_id: int):
    return _export(event_id, "csv")


@bp.route("/manage/events/<int:event_id>/delegations.xlsx")
def export_xlsx(event_id: int):
    return _export(event_id, "xlsx")


def _export(event_id: int, extension: str):
    event = _event(event_id)
    header, rows = export_rows(board_of(event))
    filename = f"delegations-event-{event.id}.{extension}"
    if extension == "csv":
        return csv_response(filename, header, rows)
    return xlsx_response(filename, _("Delegations"), header, rows)


@bp.route("/manage/events/<int:event_id>/delegations/target", methods=["POST"])
def target(event_id: int):
    event = _event(event_id)
    form = TargetForm()
    if event.programme_id is None:
        flash(_("Only an event of a programme has an aim for its balance."), "error")
    elif form.validate_on_submit():
        set_women_target(event.programme_id, form.women_percent.data)
        flash(_("Saved the programme’s aim for the balance of women and men."), "success")
    else:
        flash(_("Write a share between 0 and 100."), "error")
    return redirect(url_for(".board", event_id=event.id))


@bp.route("/manage/events/<int:event_id>/delegations/invite", methods=["GET", "POST"])
def invite_page(event_id: int):
    event = _event(event_id)
    one = InvitationForm(prefix="one")
    many = ManyInvitationsForm(prefix="many")
    now = utcnow()
    if request.method == "GET" and (region := request.args.get("region")) in REGIONS:
        many.lines.data = region_lines(region)
    if request.form.get("form") == "one" and one.validate_on_submit():
        try:
            delegation = invite(event, one.to_input(), now, current_user)
        except InvalidInput as error:
            show_beside_field(one, error)
        else:
            flash(
                _(
                    "Invited %(name)s: its focal point has the link by email.",
                    name=delegation.organisation.name,
                ),
                "success",
            )
            return redirect(url_for(".board", event_id=event.id))
    if request.form.get("form") == "many" and many.validate_on_submit():
        try:
            common = many.invitation(
                organisation_id=0, focal_name="", focal_email="", focal_language=""
            )
            lines = read_invitation_lines(many.lines.data, common)
            with db.session.begin_nested():
                for line in lines:
                    invite(event, line, now, current_user)
        except InvalidInput as error:
            show_beside_field(many, error, "lines")
        else:
            flash(
                ngettext("Invited %(num)d authority.", "Invited %(num)d authorities.", len(lines)),
                "success",
            )
            return redirect(url_for(".board", event_id=event.id))
    return render_template(
        "delegations/invite.html", event=event, one=one, many=many, regions=Region
    )


@bp.route("/manage/events/<int:event_id>/delegations/<int:delegation_id>", methods=["GET", "POST"])
def delegation_page(event_id: int, delegation_id: int):
    event = _event(event_id)
    delegation = _delegation(event, delegation_id) or abort(404)
    quota = QuotaForm(prefix="quota", obj=delegation if request.method == "GET" else None)
    move = MovePlaceForm(prefix="move")
    board = board_of(event)
    row = next(r for r in board.rows if r.delegation.id == delegation.id)
    move.target.choices = [
        (r.delegation.id, r.delegation.organisation.name) for r in board.rows if r is not row
    ]
    now = utcnow()
    if request.form.get("form") == "quota" and quota.validate_on_submit():
        data = quota.invitation(
            organisation_id=delegation.organisation_id,
            focal_name=delegation.focal_name,
            focal_email=delegation.focal_email,
            focal_language=delegation.focal_language,
        )
        try:
            change_invitation(delegation, data, now, current_user)
        except InvalidInput as error:
            show_beside_field(quota, error)
        else:
            flash(_("Saved the invitation."), "success")
            return redirect(request.path)
    if request.form.get("form") == "resend" and Form().validate_on_submit():
        send_fresh_link(delegation, delegation.focal_email)
        flash(_("A new link is on its way to %(email)s.", email=delegation.focal_email), "success")
        return redirect(request.path)
    if request.form.get("form") == "move" and move.validate_on_submit():
        other = _delegation(event, move.target.data) or abort(404)
        try:
            move_place(delegation, other, move.funded.data == "1", now, current_user)
        except InvalidInput as error:
            show_beside_field(move, error, "target")
        else:
            flash(_("Moved a place to %(name)s.", name=other.organisation.name), "success")
            return redirect(request.path)
    return render_template(
        "delegations/delegation.html",
        event=event,
        delegation=delegation,
        row=row,
        quota=quota,
        move=move,
        decision=DecisionForm(formdata=None),
    )


@bp.route(
    "/manage/events/<int:event_id>/delegations/<int:delegation_id>/nominees/<int:nomination_id>",
    methods=["POST"],
)
def decide_page(event_id: int, delegation_id: int, nomination_id: int):
    event = _event(event_id)
    delegation = _delegation(event, delegation_id) or abort(404)
    nomination = db.session.get(Nomination, nomination_id) if nomination_id <= MAX_ID else None
    if nomination is None or nomination.delegation_id != delegation.id:
        abort(404)
    form = DecisionForm()
    back = redirect(url_for(".delegation_page", event_id=event.id, delegation_id=delegation.id))
    if not form.validate_on_submit():
        for name, errors in form.errors.items():
            flash(f"{form[name].label.text}: {' '.join(map(str, errors))}", "error")
        return back
    try:
        moved_up = decide(
            nomination,
            form.action.data,
            form.reason.data or None,
            form.note.data or "",
            utcnow(),
            current_user,
            despite_balance=form.despite_balance.data,
        )
    except BalanceWarning as warning:
        db.session.rollback()
        flash(warning.message + " " + _("Tick “Approve even so” to approve."), "warning")
    except InvalidInput as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        flash(
            _("Saved the decision on %(name)s; the authority is told.", name=nomination.name),
            "success",
        )
        for reserve in moved_up:
            flash(_("%(name)s moved up from the reserves, and is told.", name=reserve.name), "info")
    return back


@bp.route("/manage/events/<int:event_id>/delegations/<int:delegation_id>/freeze", methods=["POST"])
def freeze_page(event_id: int, delegation_id: int):
    event = _event(event_id)
    delegation = _delegation(event, delegation_id) or abort(404)
    frozen = request.form.get("frozen") == "1"
    freeze(delegation, frozen, utcnow(), current_user)
    flash(
        _("The focal point can no longer change the delegation.")
        if frozen
        else _("The focal point can change the delegation again until the deadline."),
        "success",
    )
    return redirect(url_for(".delegation_page", event_id=event.id, delegation_id=delegation.id))


@bp.route("/manage/events/<int:event_id>/delegations/<int:delegation_id>/letter.pdf")
def letter(event_id: int, delegation_id: int):
    event = _event(event_id)
    delegation = _delegation(event, delegation_id) or abort(404)
    path = letter_path(delegation) or abort(404)
    return send_file(
        path,
        mimetype="application/pdf",
        as_attachment=True,
        download_name=delegation.letter_name or "letter.pdf",
    )
