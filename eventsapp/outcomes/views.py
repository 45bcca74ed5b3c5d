"""Staff's Outcomes tab of an event: its sessions and who attended each, completion by its rule,
the tests' learning gain and the follow-up's answers, each linking to the page that holds it."""

from flask import Blueprint, abort, render_template
from flask_babel import lazy_gettext as _l

from ..catalogue.services import get_event
from ..core.clock import utcnow
from ..core.navigation import BAR, event_tab
from ..core.numbers import half_up
from ..knowledge.services import group_label
from .services import event_outcomes

bp = Blueprint("outcomes", __name__)
event_tab("outcomes.event_page", _l("Outcomes"), 98, (BAR,))  # after Tests and Follow-up
GROUPS = (
    ("gender", _l("Learning gain by gender")),
    ("region", _l("Learning gain by region")),
    ("organisation_kind", _l("Learning gain by kind of organisation")),
)


@bp.get("/manage/events/<int:event_id>/outcomes")
def event_page(event_id: int):
    event = get_event(event_id) or abort(404)
    outcomes = event_outcomes(event, utcnow())
    gain = outcomes.gain
    return render_template(
        "outcomes/event.html",
        event=event,
        outcomes=outcomes,
        groups=[(title, name, getattr(gain, f"by_{name}")) for name, title in GROUPS],
        group_label=group_label,
        half_up=half_up,
    )
