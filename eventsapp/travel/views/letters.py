"""Staff's page of an event's letters (``/manage/events/<id>/letters``): each approved
participant's letter of acceptance and visa support letter (held, or why not yet), issued and
emailed to one participant, to an organisation's (a delegation) or to everyone due; revoking
one; a letter's PDF (a visa letter's only for staff who see passport data, each download
logged). Participants download their own from "My registrations" (``documents``)."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from wtforms import SelectField

from ...catalogue.services import get_event
from ...core.clock import utcnow
from ...core.forms import Form, id_or_none
from ...core.navigation import BAR, event_tab
from ...core.validation import MAX_ID, whole_numbers
from ...documents.models import DocumentKind
from ...documents.rendering import document_pdf
from ...documents.services import revoke
from ...documents.views import pdf_download
from ...extensions import db
from ...registration.models import Registration
from ..letters import (
    LETTERS,
    event_letter,
    holders,
    issue_letters,
    letters_board,
    log_visa_letter_seen,
    may_see_identity,
    why_not,
)
from . import bp

event_tab("travel.letters_page", _l("Letters"), 86, (BAR,))


class IssueLettersForm(Form):
    """Whose letters to issue: everyone due, or an organisation's participants (a
    delegation)."""

    organisation = SelectField(_l("Issue to"), coerce=id_or_none, validate_choice=True)

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.organisation.errors:  # WTForms' words ("could not coerce") are not the users'
            self.organisation.errors[:] = [_("Choose one of the organisations offered.")]
        return valid

    def fill_choices(self, organisations) -> None:
        self.organisation.choices = [("", _("Every participant due"))] + [
            (o.id, o.display_name) for o in organisations
        ]


def _event(event_id: int):
    return get_event(event_id) or abort(404)


def _organisation_filter() -> int | None:
    chosen = whole_numbers([request.args.get("organisation", "")])
    return chosen[0] if chosen else None


def _page(event, form: IssueLettersForm, status: int = 200):
    organisation_id = _organisation_filter()
    board = letters_board(event, organisation_id)
    if organisation_id not in {o.id for o in board.organisations}:
        organisation_id = None
    if not form.organisation.choices:
        form.fill_choices(board.organisations)
        if request.method == "GET":
            form.organisation.data = organisation_id
    page = render_template(
        "travel/letters.html",
        event=event,
        board=board,
        form=form,
        kinds=LETTERS,
        organisation_id=organisation_id,
        sees_identity=may_see_identity(current_user),
    )
    return page, status


@bp.route("/manage/events/<int:event_id>/letters", methods=["GET", "POST"])
def letters_page(event_id: int):
    event = _event(event_id)
    form = IssueLettersForm()
    if request.method == "GET":
        return _page(event, form)
    organisations = letters_board(event).organisations
    form.fill_choices(organisations)
    if not form.validate_on_submit():
        return _page(event, form, 400)
    issued = issue_letters(event, utcnow(), current_user, organisation_id=form.organisation.data)
    _say_issued(issued)
    return redirect(url_for(".letters_page", event_id=event.id))


def _say_issued(issued) -> None:
    if not issued:
        flash(_("No letter was due: each participant shown holds theirs or still lacks something."))
        return
    people = len({letter.registration_id for letter in issued})
    flash(
        ngettext(
            "Issued %(num)d letter, emailed to its holder with its PDF.",
            "Issued %(num)d letters, emailed to their %(people)d holders with their PDFs.",
            len(issued),
            people=people,
        ),
        "success",
    )


@bp.post("/manage/events/<int:event_id>/letters/participants/<int:registration_id>")
def issue_one(event_id: int, registration_id: int):
    """The letters due to one participant; what is missing for those that are not."""
    event = _event(event_id)
    registration = (
        db.session.get(Registration, registration_id) if registration_id <= MAX_ID else None
    )
    if registration is None or registration.event_id != event.id:
        abort(404)
    issued = issue_letters(event, utcnow(), current_user, registration_ids=[registration.id])
    if issued:
        _say_issued(issued)
    else:
        (holder,) = holders([registration])
        reasons = [why_not(kind, holder) for kind in LETTERS]
        flash(
            _(
                "No letter was issued to %(name)s: %(reasons)s",
                name=registration.name,
                reasons=" ".join(r for r in reasons if r) or _("they hold theirs already."),
            ),
            "error",
        )
    return redirect(url_for(".letters_page", event_id=event.id))


def _letter(event, document_id: int):
    letter = event_letter(event, document_id) if document_id <= MAX_ID else None
    return letter or abort(404)


@bp.post("/manage/events/<int:event_id>/letters/<int:document_id>/revoke")
def revoke_letter(event_id: int, document_id: int):
    event = _event(event_id)
    letter = _letter(event, document_id)
    revoke(letter, utcnow(), current_user)
    flash(
        _(
            "Revoked %(serial)s of %(name)s: its page says it is not valid. Issue it again "
            "when it is due.",
            serial=letter.serial,
            name=letter.registration.name,
        ),
        "success",
    )
    return redirect(url_for(".letters_page", event_id=event.id))


@bp.get("/manage/events/<int:event_id>/letters/<int:document_id>.pdf")
def letter_pdf(event_id: int, document_id: int):
    """A letter's PDF for staff: a visa letter states passport data, for staff who see it
    only, and the download is logged."""
    event = _event(event_id)
    letter = _letter(event, document_id)
    if letter.kind == DocumentKind.VISA_LETTER:
        if not may_see_identity(current_user):
            abort(
                403,
                description=_(
                    "A visa letter states passport data: only staff an administrator lets see "
                    "it download it."
                ),
            )
        log_visa_letter_seen(letter, current_user, utcnow())
    return pdf_download(lambda: document_pdf(letter), f"{letter.serial}.pdf")
