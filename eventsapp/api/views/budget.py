"""``/api/v1/events/<id>/budget``: an event's budget by payer (the costs capability), for staff."""

from typing import Literal

from flask import abort, jsonify
from flask_babel import gettext as _
from pydantic import BaseModel, Field
from spectree import Response as Answers

from ...catalogue.services import get_event
from ...costs.models import Category
from ...costs.services import event_budget
from ..schemas import Error, api_spec
from . import bp, documented

Amount = Field(pattern=r"^\d+\.\d{2}$", description="a decimal string, such as 1250.50")


class BudgetLine(BaseModel):
    category: Literal[tuple(c.value for c in Category)]
    estimate: str = Amount
    actual: str | None = Field(None, pattern=r"^\d+\.\d{2}$", description="null until entered")


class BudgetPayer(BaseModel):
    party: str
    role: str
    self_funded: bool
    total: str = Amount
    lines: list[BudgetLine]


class EventBudget(BaseModel):
    """Estimates (and actual amounts where entered) per payer, in the programme's currency."""

    currency: str | None
    payers: list[BudgetPayer]
    total: str = Amount


def _amount(value) -> str | None:
    return None if value is None else f"{value:.2f}"


@bp.route("/events/<int:event_id>/budget")
@api_spec.validate(
    resp=Answers(
        HTTP_200=EventBudget, HTTP_401=Error, HTTP_403=Error, HTTP_404=Error, HTTP_409=Error
    ),
    tags=["costs"],
    **documented,
)
def event_budget_json(event_id: int):
    """An event's budget: what each payer owes, estimate and actual, per cost category (staff
    only)

    A 409 names a cost that no payer (or no split adding to 100 %) resolves.
    """
    event = get_event(event_id) or abort(404, description=_("There is no event with this id."))
    budget = event_budget(event)
    if budget.unresolved:
        return jsonify(error=budget.unresolved[0]), 409
    return jsonify(
        currency=budget.currency,
        payers=[
            {
                "party": p.payer.party,
                "role": p.payer.role,
                "self_funded": p.payer.self_funded,
                "total": _amount(p.estimate),
                "lines": [
                    {
                        "category": line.category,
                        "estimate": _amount(line.estimate),
                        "actual": _amount(line.actual),
                    }
                    for line in p.lines.values()
                ],
            }
            for p in budget.payers
        ],
        total=_amount(budget.estimate),
    )
