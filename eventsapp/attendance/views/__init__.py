"""Pages after approval: check-in per day and per session (``check_in``), attendance, the
completion rule, the printed sheet and certificates (``attendance``), the evaluation's questions
and results (staff) and the attendee's evaluation form (``evaluation``). (Badges and
certificates are documents: their pages are ``documents.views``.)"""

from flask import Blueprint, abort
from flask_babel import lazy_gettext as _l

from ...catalogue.services import get_event
from ...core.navigation import BAR, event_tab

bp = Blueprint("attendance", __name__)
event_tab("attendance.check_in_page", _l("Check-in"), 70, (BAR,))
event_tab(
    "attendance.attendance_page",
    _l("Attendance and certificates"),
    80,
    (BAR,),
    also_current_on=("attendance.sheet_page", "attendance.enter_sheet_page"),
)
event_tab(
    "attendance.evaluation_admin",
    _l("Evaluation"),
    90,
    (BAR,),
    also_current_on=("attendance.evaluation_question",),
)


def event_or_404(event_id: int):
    return get_event(event_id) or abort(404)


from . import attendance, check_in, evaluation  # noqa: E402, F401  (their routes)
