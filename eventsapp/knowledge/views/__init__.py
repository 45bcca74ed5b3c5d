"""Knowledge tests' pages: staff's Tests tab of an event (``tests``: the pre-test and the
post-test, their questions, opening, closing and reminding, paper tests, the results), a
programme's test bank (``bank``), and the participant's test page (``participant``)."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from ...core.navigation import BAR, event_tab, participant_links
from ..taking import links_to_take

bp = Blueprint("knowledge", __name__)
SUB_PAGES = ("knowledge.new_question", "knowledge.edit_question", "knowledge.paper_test")
event_tab("knowledge.tests_page", _l("Tests"), 95, (BAR,), also_current_on=SUB_PAGES)
participant_links(links_to_take)
TEST_NAMES = {"pre": _l("Pre-test"), "post": _l("Post-test")}

from . import bank, participant, tests  # noqa: E402, F401
