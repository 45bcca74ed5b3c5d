"""Staff pages: import a document (preview, then confirm), a plan, progress and its report."""

import base64
import binascii
from dataclasses import dataclass

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..catalogue.models import Programme
from ..catalogue.services import programme_choices
from ..core.clock import utcnow
from ..core.errors import InvalidInput
from ..core.exports import xlsx_response
from ..extensions import db
from .forms import ImportForm, ProgressForm
from .importing import PASTED, apply_plan, read_document
from .indicators import (
    indicator_values,
    item_measures,
    link_event,
    link_measure,
    linked_events,
    programme_events,
    unlink_event,
)
from .measures import measures
from .models import ItemStatus, Plan, PlanItem
from .readers import UnreadableDocument
from .readers.files import MAX_BYTES
from .services import check_period, programme_plans, progress_report, record_progress

MONTHS = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")

bp = Blueprint("plans", __name__, url_prefix="/manage")


def _document(form: ImportForm) -> tuple[bytes, str]:
    """The uploaded file, the pasted text, or the document kept from the preview."""
    if form.token.data:
        try:
            data = base64.b64decode(form.token.data, validate=True)
        except (binascii.Error, ValueError):
            raise UnreadableDocument(_("The previewed document was lost: start again.")) from None
        return data, request.form.get("filename", PASTED)[:200]
    upload = form.document.data
    if upload and getattr(upload, "filename", ""):
        return upload.read(MAX_BYTES + 1), upload.filename
    return (form.text.data or "").encode("utf-8"), PASTED


@bp.route("/import", methods=["GET", "POST"])
def import_plan():
    form = ImportForm()
    form.programme_id.choices = [(p.id, p.name) for p in programme_choices()]
    if not form.programme_id.choices:
        flash(_("Create a programme first: plans are imported into a programme."), "info")
    read = data = filename = None
    if request.method == "POST" and form.validate_on_submit():
        programme = db.session.get(Programme, form.programme_id.data) or abort(400)
        try:
            data, filename = _document(form)
            read = read_document(data, filename, form.shape.data, form.year.data)
            if request.form.get("confirm"):
                # Committed with the redirect; rolled back with the 400 when an event is refused.
                counts = apply_plan(read, programme, actor=current_user)
                flash(
                    _(
                        "Imported %(events)d events, %(items)d items and %(tasks)d tasks "
                        "(%(new)d new).",
                        events=counts.events,
                        items=counts.items,
                        tasks=counts.tasks,
                        new=counts.created,
                    ),
                    "success",
                )
                return redirect(url_for(".programme_plans_page", programme_id=programme.id))
        except UnreadableDocument as error:
            # Beside what was sent: the file, or the pasted text.
            pasted = filename == PASTED and not form.token.data
            (form.text if pasted else form.document).errors = [str(error)]
            read = None
    token = base64.b64encode(data).decode() if read is not None else ""
    status = 400 if request.method == "POST" and read is None else 200
    return render_template(
        "plans/import.html",
        form=form,
        read=read,
        token=token,
        filename=filename,
    ), status


@bp.route("/programmes/<int:programme_id>/plans")
def programme_plans_page(programme_id: int):
    programme = db.session.get(Programme, programme_id) or abort(404)
    return render_template(
        "plans/plans.html", programme=programme, plans=programme_plans(programme.id)
    )


def _plan(plan_id: int) -> Plan:
    return db.session.get(Plan, plan_id) or abort(404)


@dataclass
class Refused:
    """A form of the plan page that was refused, shown again beside the item's fields: whose
    item, which form ("progress", "link" or "measure-<position>"), the message of each field,
    and what was sent."""

    item_id: int
    form: str
    errors: dict[str, str]
    sent: dict

    def of(self, item_id: int, form: str) -> "Refused | None":
        return self if (self.item_id, self.form) == (item_id, form) else None


@bp.route("/plans/<int:plan_id>")
def plan_page(plan_id: int):
    """The plan: its headings with their items, windows, months and responsible units."""
    return _plan_page(_plan(plan_id))


def _plan_page(plan: Plan, refused: Refused | None = None):
    by_heading: dict[str | None, list[PlanItem]] = {}
    for item in plan.items:
        by_heading.setdefault(item.heading_ref, []).append(item)
    page = render_template(
        "plans/plan.html",
        plan=plan,
        by_heading=by_heading,
        form=ProgressForm(),
        programme=db.session.get(Programme, plan.programme_id),
        months=MONTHS,
        linked=linked_events(plan),
        events=programme_events(plan),
        chosen=item_measures(plan),
        measures=measures(),
        period_hint=f"{plan.year or utcnow().year}-Q1",
        refused=refused,
    )
    return page, 400 if refused else 200


def _refused(plan: Plan, item: PlanItem, form: str, errors: dict[str, str]):
    """The plan page again, with the refused form's messages beside its fields (nothing of
    it written)."""
    db.session.rollback()
    sent = {key: value[:5000] for key, value in request.form.items()}
    return _plan_page(plan, Refused(item.id, form, errors, sent))


def _item(plan_id: int, item_id: int) -> PlanItem:
    item = db.session.get(PlanItem, item_id)
    if item is None or item.plan_id != plan_id:
        abort(404)
    return item


def _whole_number(name: str) -> int | None:
    text = request.form.get(name, "")
    return int(text) if text.isascii() and text.isdigit() and len(text) < 10 else None


def _changed(plan: Plan, item: PlanItem, form: str, change, done: str):
    """Make ``change`` (a call raising InvalidInput to refuse) and go back to the item's events
    and indicators; refused, the page again with the message beside the field."""
    try:
        change()
    except InvalidInput as error:
        return _refused(plan, item, form, {error.field: error.message})
    flash(done, "success")
    return redirect(url_for(".plan_page", plan_id=plan.id, _anchor=f"links-{item.id}")), 303


@bp.route("/plans/<int:plan_id>/items/<int:item_id>/events", methods=["POST"])
def item_link_event(plan_id: int, item_id: int):
    """Link an event of the programme to the item (it carries the item out)."""
    plan, item = _plan(plan_id), _item(plan_id, item_id)
    event_id, trainers = _whole_number("event_id"), bool(request.form.get("training_of_trainers"))
    return _changed(
        plan,
        item,
        "link",
        lambda: link_event(item, plan, event_id, trainers, current_user),
        _("Event linked to %(ref)s.", ref=item.ref),
    )


@bp.route("/plans/<int:plan_id>/items/<int:item_id>/events/<int:event_id>/unlink", methods=["POST"])
def item_unlink_event(plan_id: int, item_id: int, event_id: int):
    plan, item = _plan(plan_id), _item(plan_id, item_id)
    return _changed(
        plan,
        item,
        "link",
        lambda: unlink_event(item, event_id, current_user),
        _("Event unlinked from %(ref)s.", ref=item.ref),
    )


@bp.route("/plans/<int:plan_id>/items/<int:item_id>/measures", methods=["POST"])
def item_measure(plan_id: int, item_id: int):
    """Compute one of the item's indicators by a measure of the linked events, or by hand."""
    plan, item = _plan(plan_id), _item(plan_id, item_id)
    position, name = _whole_number("position"), request.form.get("measure", "")[:40]
    known = position is not None and position < len(item.indicators or [])
    return _changed(
        plan,
        item,
        f"measure-{position}" if known else "link",
        lambda: link_measure(item, position, name, current_user),
        _("Indicator of %(ref)s saved.", ref=item.ref),
    )


@bp.route("/plans/<int:plan_id>/items/<int:item_id>/progress", methods=["POST"])
def item_progress(plan_id: int, item_id: int):
    plan, item = _plan(plan_id), _item(plan_id, item_id)
    form = ProgressForm()
    if not form.validate_on_submit():
        errors = {name: str(messages[0]) for name, messages in form.errors.items()}
        return _refused(plan, item, "progress", errors)
    try:
        actuals = _actuals(item, form)
        period, status, comment = form.period.data, form.status.data, form.comment.data
        record_progress(item, period, status, actuals, comment, current_user)
    except InvalidInput as error:
        return _refused(plan, item, "progress", {error.field: error.message})
    flash(_("Progress of %(ref)s saved.", ref=item.ref), "success")
    return redirect(url_for(".plan_report", plan_id=plan_id, period=check_period(form.period.data)))


def _actuals(item: PlanItem, form: ProgressForm) -> list[float | None]:
    """One field per indicator ("actual-0", "actual-1"…), or, from scripts, "35; 12" in
    "actuals"."""
    fields = [f"actual-{n}" for n in range(len(item.indicators or []))]
    if any(name in request.form for name in fields):
        return [_number(request.form.get(name, ""), name) for name in fields]
    text = form.actuals.data or ""
    return [_number(part, "actuals") for part in text.split(";")] if text.strip() else []


def _number(text: str, field: str) -> float | None:
    text = text.strip().replace(",", "")
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        value = None
    if value is None or not -1e12 < value < 1e12:
        if field == "actuals":
            raise InvalidInput(field, _("Write the actuals as numbers separated by ;."))
        raise InvalidInput(field, _("Write a number, such as 35 or 12.5."))
    return value


@bp.route("/plans/<int:plan_id>/report")
def plan_report(plan_id: int):
    """The progress report of a quarter or year, late items first; printable."""
    plan = _plan(plan_id)
    try:
        period = check_period(request.args.get("period") or str(plan.year or ""))
    except InvalidInput as error:
        return render_template("plans/report.html", plan=plan, rows=None, error=error.message), 400
    rows = progress_report(plan, period)
    progress = {row.item.id: row.progress for row in rows if row.progress}
    values = indicator_values(plan, [row.item for row in rows], period, progress)
    if request.args.get("format") == "xlsx":
        table = _report_table(rows, values)
        return xlsx_response(f"progress-{plan.id}-{period}.xlsx", period, *table)
    return render_template(
        "plans/report.html",
        plan=plan,
        rows=rows,
        values=values,
        period=period,
        error=None,
        statuses=ItemStatus,
    )


def _report_table(rows, values) -> tuple[list[str], list[list]]:
    """The report as the screen shows it: a count's value to date beside the period's (its
    status is judged on it), and what the values are (people, %, 1–5)."""
    header = [_("Ref"), _("Item"), _("Responsible"), _("Status"), _("Indicator"), _("Target")]
    header += [_("Unit"), _("Computed"), _("To date"), _("Measure"), _("Events counted")]
    header += [_("Actual"), _("Target status"), _("Comment")]
    table = []
    for row in rows:
        comment = row.progress.comment if row.progress else ""
        for value in values[row.item.id] or [None]:
            table.append(
                [
                    row.item.ref,
                    row.item.title,
                    row.item.responsible,
                    ItemStatus(row.item.status).label,
                    *(_indicator_cells(value) if value else NO_INDICATOR),
                    comment,
                ]
            )
    return header, table


NO_INDICATOR = ["", None, "", None, None, "", None, None, ""]


def _indicator_cells(value) -> list:
    measured = value.measure is not None
    return [
        value.text,
        value.target,
        value.unit_label,
        value.computed,
        value.to_date,
        str(value.measure.label) if measured else "",
        value.events if measured else None,
        value.actual,
        value.status_label,
    ]
