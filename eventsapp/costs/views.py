"""Staff pages of cost sharing: an event's budget, a programme's cost rules, yearly totals per
partner, and their CSV and XLSX."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..catalogue.models import Event, PartnerRole, Programme
from ..catalogue.services import get_event
from ..core.errors import InvalidInput
from ..core.exports import csv_response, xlsx_response
from ..core.navigation import BAR, event_tab
from ..core.validation import parse_number
from ..core.web import show_beside_field
from ..extensions import db
from ..people.services import organisation_choices
from .forms import (
    NONE,
    ActualForm,
    CurrencyForm,
    EstimateForm,
    FareForm,
    OverrideForm,
    RateForm,
    RuleForm,
)
from .models import AirFare, CostOverride, CostRule, ExchangeRate, UnitEstimate
from .services import budget_lines, event_budget
from .settings import (
    delete_override,
    reporting_currency,
    save_rule,
    set_actual,
    set_air_fare,
    set_exchange_rate,
    set_override,
    set_reporting_currency,
    set_unit_estimate,
)
from .totals import yearly_totals

bp = Blueprint("costs", __name__, url_prefix="/manage")
event_tab("costs.budget", _l("Budget"), 18, (BAR,))

BUDGET_HEADER = (
    _l("Payer"),
    _l("Role"),
    _l("Self-funded"),
    _l("Cost"),
    _l("Estimate"),
    _l("Actual"),
)
TOTALS_HEADER = (_l("Partner"), _l("Role"), _l("Estimate"), _l("Actual"))


# ---------------------------------------------------------------- an event's budget


def _budget_page(event: Event, status: int = 200, **forms):
    budget = event_budget(event)
    organisations = [NONE, *organisation_choices()]
    forms.setdefault("actual_form", ActualForm(prefix="actual"))
    forms.setdefault("override_form", OverrideForm(prefix="override"))
    forms["actual_form"].payer.choices = [(p.payer.key, p.payer.party) for p in budget.payers]
    forms["override_form"].payer_organisation_id.choices = organisations
    overrides = db.session.scalars(select(CostOverride).where(CostOverride.event_id == event.id))
    return render_template(
        "costs/budget.html", event=event, budget=budget, overrides=list(overrides), **forms
    ), status


@bp.route("/events/<int:event_id>/budget")
def budget(event_id: int):
    return _budget_page(get_event(event_id) or abort(404))


@bp.route("/events/<int:event_id>/budget/actual", methods=["POST"])
def budget_actual(event_id: int):
    event = get_event(event_id) or abort(404)
    form = ActualForm(prefix="actual")
    if form.validate_on_submit():
        payers = {p.payer.key: p.payer.party for p in event_budget(event).payers}
        try:
            set_actual(
                event,
                form.category.data,
                form.payer.data,
                form.amount.data,
                form.currency.data,
                payers,
                actor=current_user,
            )
        except InvalidInput as error:
            show_beside_field(form, error)
        else:
            flash(_("Saved the actual amount."), "success")
            return redirect(url_for(".budget", event_id=event.id))
    return _budget_page(event, 400, actual_form=form)


@bp.route("/events/<int:event_id>/budget/override", methods=["POST"])
def budget_override(event_id: int):
    event = get_event(event_id) or abort(404)
    form = OverrideForm(prefix="override")
    form.payer_organisation_id.choices = [NONE, *organisation_choices()]
    if form.validate_on_submit():
        try:
            set_override(
                event,
                form.category.data,
                form.payer_role.data,
                form.payer_organisation_id.data,
                actor=current_user,
            )
        except InvalidInput as error:
            show_beside_field(form, error)
        else:
            flash(_("Saved who pays this cost in this event."), "success")
            return redirect(url_for(".budget", event_id=event.id))
    return _budget_page(event, 400, override_form=form)


@bp.route("/events/<int:event_id>/budget/override/<string:category>/delete", methods=["POST"])
def budget_override_delete(event_id: int, category: str):
    event = get_event(event_id) or abort(404)
    delete_override(event, category, actor=current_user) or abort(404)
    flash(_("The programme's rule applies again."), "success")
    return redirect(url_for(".budget", event_id=event_id))


def _download(fmt: str, name: str, title: str, header, rows: list[list]):
    header = [str(label) for label in header]  # in the visitor's language
    if fmt == "csv":
        return csv_response(f"{name}.csv", header, rows)
    return xlsx_response(f"{name}.xlsx", title, header, rows)


def _budget_download(event_id: int, fmt: str):
    event = get_event(event_id) or abort(404)
    rows = budget_lines(event_budget(event))
    return _download(fmt, f"budget-event-{event.id}", _("Budget"), BUDGET_HEADER, rows)


@bp.route("/events/<int:event_id>/budget.csv")
def budget_csv(event_id: int):
    return _budget_download(event_id, "csv")


@bp.route("/events/<int:event_id>/budget.xlsx")
def budget_xlsx(event_id: int):
    return _budget_download(event_id, "xlsx")


# ---------------------------------------------------------------- a programme's cost rules


def _programme(programme_id: int) -> Programme:
    return db.session.get(
        Programme, programme_id, options=[selectinload(Programme.partners)]
    ) or abort(404)


def _rules_page(programme: Programme, status: int = 200, **forms):
    organisations = [NONE, *organisation_choices()]
    forms.setdefault("currency_form", CurrencyForm(prefix="currency"))
    forms.setdefault("rule_form", RuleForm(prefix="rule"))
    forms.setdefault("estimate_form", EstimateForm(prefix="estimate"))
    forms.setdefault("fare_form", FareForm(prefix="fare"))
    forms.setdefault("rate_form", RateForm(prefix="rate"))
    forms["rule_form"].payer_organisation_id.choices = organisations

    def rows(model):
        return db.session.scalars(
            select(model)
            .where(model.programme_id == programme.id)
            .order_by(*model.__table__.primary_key.columns)
        ).all()

    years = sorted({e.year for e in rows(UnitEstimate)} | {r.year for r in rows(ExchangeRate)})
    return render_template(
        "costs/rules.html",
        programme=programme,
        currency=reporting_currency(programme),
        rules=sorted(rows(CostRule), key=lambda r: r.category_label),
        estimates=rows(UnitEstimate),
        fares=rows(AirFare),
        rates=rows(ExchangeRate),
        years=years,
        founders=[p.organisation for p in programme.partners if p.role == PartnerRole.FOUNDER],
        **forms,
    ), status


@bp.route("/programmes/<int:programme_id>/costs")
def rules(programme_id: int):
    return _rules_page(_programme(programme_id))


FORMS = {
    "currency": CurrencyForm,
    "rule": RuleForm,
    "estimate": EstimateForm,
    "fare": FareForm,
    "rate": RateForm,
}


@bp.route("/programmes/<int:programme_id>/costs/<string:part>", methods=["POST"])
def rules_save(programme_id: int, part: str):
    programme = _programme(programme_id)
    if part not in FORMS:
        abort(404)
    form = FORMS[part](prefix=part)
    if part == "rule":
        form.payer_organisation_id.choices = [NONE, *organisation_choices()]
    if form.validate_on_submit():
        try:
            _save(programme, part, form)
        except InvalidInput as error:
            show_beside_field(form, error)
        else:
            flash(_("Saved."), "success")
            return redirect(url_for(".rules", programme_id=programme.id))
    return _rules_page(programme, 400, **{f"{part}_form": form})


def _save(programme: Programme, part: str, form) -> None:
    if part == "currency":
        set_reporting_currency(programme, form.currency.data, actor=current_user)
    elif part == "rule":
        shares = {
            organisation_id: value
            for key, value in request.form.items()
            if key.startswith("share-")
            and (organisation_id := parse_number(key.removeprefix("share-"))) is not None
        }
        save_rule(
            programme,
            form.category.data,
            form.payer_role.data,
            form.basis.data,
            form.payer_organisation_id.data,
            form.note.data,
            shares,
            actor=current_user,
        )
    elif part == "estimate":
        set_unit_estimate(
            programme,
            form.year.data,
            form.category.data,
            form.amount.data,
            form.currency.data,
            actor=current_user,
        )
    elif part == "fare":
        set_air_fare(
            programme,
            form.year.data,
            form.region.data,
            form.amount.data,
            form.currency.data,
            actor=current_user,
        )
    else:
        rate = form.rate.data
        set_exchange_rate(programme, form.year.data, form.currency.data, rate, actor=current_user)


# ---------------------------------------------------------------- yearly totals


def _totals(programme_id: int, year: int):
    programme = _programme(programme_id)
    if not 1900 <= year <= 2200:
        abort(404)
    return programme, *yearly_totals(programme, year)


@bp.route("/programmes/<int:programme_id>/costs/<int:year>")
def totals(programme_id: int, year: int):
    programme, rows, problems = _totals(programme_id, year)
    return render_template(
        "costs/totals.html",
        programme=programme,
        year=year,
        totals=rows,
        problems=problems,
        currency=reporting_currency(programme),
    )


def _totals_download(programme_id: int, year: int, fmt: str):
    programme, rows, _problems = _totals(programme_id, year)
    lines = [[t.party, t.role_label, t.estimate, t.actual] for t in rows]
    name = f"costs-{programme.id}-{year}"
    return _download(fmt, name, _("Costs %(year)d", year=year), TOTALS_HEADER, lines)


@bp.route("/programmes/<int:programme_id>/costs/<int:year>.csv")
def totals_csv(programme_id: int, year: int):
    return _totals_download(programme_id, year, "csv")


@bp.route("/programmes/<int:programme_id>/costs/<int:year>.xlsx")
def totals_xlsx(programme_id: int, year: int):
    return _totals_download(programme_id, year, "xlsx")
