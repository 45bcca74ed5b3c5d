"""Staff pages of an event's registration: its settings, the participants with their actions and
exports, the questions of its form, and invitations.
"""

from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user

from ...catalogue.services import get_event
from ...core.actions import log_action
from ...core.clock import utcnow
from ...core.errors import InvalidInput
from ...core.exports import csv_response, xlsx_response
from ...core.forms import QuestionEditForm, QuestionForm
from ...core.i18n import locale_of
from ...core.navigation import BAR, LIST, PAGE, event_tab
from ...core.uploads import shown_name
from ...core.web import direction_steps, edit_question_page, page_number, show_beside_field
from ...extensions import db
from ...people.models import Organisation
from ..forms import InvitationForm, SettingsForm
from ..funding import funding_statements
from ..invitations import invitations_of, invite
from ..models import CONFIRMED, Funding, Registration, Status
from ..participants import (
    EXPORT_HEADER,
    EXPORTED,
    FILE_DOWNLOADED,
    ParticipantFilters,
    answer_filter_choices,
    export_rows,
    filter_choices,
    participants,
    status_counts,
    whole_numbers,
)
from ..past import pasts_of
from ..questions import (
    RegistrationQuestion,
    add_question,
    answer_cell,
    answer_counts,
    answer_text,
    delete_question,
    get_question,
    move_question,
    questions_of,
    update_question,
)
from ..seats import (
    event_availability,
    get_settings,
)
from ..settings import save_settings
from ..statuses import STAFF_ACTIONS, allowed_actions, apply_staff_action
from ..uploads import stored_path
from . import manage_bp

event_tab("registration_manage.participants_page", _l("Participants"), 20, (BAR, LIST, PAGE))
event_tab("registration_manage.settings_page", _l("Registration settings"), 30, (BAR, PAGE))
event_tab("registration_manage.invitations_page", _l("Invitations"), 40, (BAR,))
event_tab(
    "registration_manage.questions_page",
    _l("Questions"),
    50,
    (BAR,),
    also_current_on=("registration_manage.question_page",),
)

# What staff can do to participants, one by one or to those ticked (statuses.STAFF_ACTIONS).
ACTION_LABELS = {
    "approve": _l("Approve"),
    "decline": _l("Decline"),
    "waitlist": _l("Move to waiting list"),
    "attended": _l("Mark attended"),
}

# What the page says once an action changed ``num`` participants (num > 0).
ACTION_DONE = {
    "approve": lambda num: ngettext(
        "Approved %(num)d participant.", "Approved %(num)d participants.", num
    ),
    "decline": lambda num: ngettext(
        "Declined %(num)d participant.", "Declined %(num)d participants.", num
    ),
    "waitlist": lambda num: ngettext(
        "Moved %(num)d participant to the waiting list.",
        "Moved %(num)d participants to the waiting list.",
        num,
    ),
    "attended": lambda num: ngettext(
        "Marked %(num)d participant as attended.", "Marked %(num)d participants as attended.", num
    ),
}


@manage_bp.route("/<int:event_id>/registration", methods=["GET", "POST"])
def settings_page(event_id: int):
    event = get_event(event_id) or abort(404)
    settings = get_settings(event.id)
    form = SettingsForm(obj=settings if request.method == "GET" else None)
    if request.method == "GET":
        form.capacity.data = event.capacity
        if settings is None:
            form.approval_required.data = form.waiting_list.data = True
    if form.validate_on_submit():
        try:
            save_settings(event, form.to_input(), utcnow())
        except InvalidInput as error:
            show_beside_field(form, error)
        else:
            flash(_("Saved the registration settings."), "success")
            return redirect(url_for(".participants_page", event_id=event.id))
    return render_template("registration/settings.html", form=form, event=event, settings=settings)


@manage_bp.route("/<int:event_id>/participants")
def participants_page(event_id: int):
    event = get_event(event_id) or abort(404)
    filters = ParticipantFilters.from_args(request.args)
    questions = questions_of(event.id)
    pagination = db.paginate(
        participants(event.id, filters, questions),
        page=page_number(),
        per_page=current_app.config["EVENTS_PER_PAGE"] * 2,
        error_out=False,
    )
    now = utcnow()
    state = event_availability(event, now)
    return render_template(
        "registration/participants.html",
        event=event,
        pagination=pagination,
        settings=get_settings(event.id),
        state=state,
        row_actions=allowed_actions(pagination.items, not state.full, now),
        statements=funding_statements(pagination.items),
        pasts=pasts_of(pagination.items),
        counts=status_counts(event.id),
        statuses=[(value, label) for value, label in Status.choices() if value in CONFIRMED],
        fundings=Funding.choices(),
        actions=ACTION_LABELS,
        list_args=filters.as_args(),
        questions=questions,
        answer_filters=answer_filter_choices(questions),
        written_questions=any(q.kind_rules.written for q in questions),
        answer_text=answer_text,
        **filter_choices(event.id),
    )


@manage_bp.route("/<int:event_id>/participants", methods=["POST"])
def participants_action(event_id: int):
    """A row's button (``row_action=approve:12``) or a bulk action on the ticked rows."""
    event = get_event(event_id) or abort(404)
    action, _sep, row = request.form.get("row_action", "").partition(":")
    ids = whole_numbers([row] if row else request.form.getlist("ids"))
    action = action or request.form.get("action", "")
    if not action:
        flash(_("Choose an action for the ticked participants first."), "error")
    elif action not in STAFF_ACTIONS:
        abort(400)
    elif not ids:
        flash(_("Tick the participants first."), "error")
    else:
        done, problems = apply_staff_action(event, action, ids, utcnow(), current_user)
        if done:
            flash(ACTION_DONE[action](done), "success")
        elif not problems:
            flash(_("None of the ticked participants is registered for this event."), "error")
        # Each refusal names its delegate and says why. With nothing changed, emails of offers
        # that lapsed meanwhile stay in the outbox for the next `flask registration tick`.
        for problem in problems:
            flash(problem, "error")
    list_args = ParticipantFilters.from_args(request.args).as_args()
    return redirect(url_for(".participants_page", event_id=event.id, **list_args))


def _export(event) -> tuple[list, list]:
    """The header and rows of the exports: the fixed columns, then one per question."""
    filters = ParticipantFilters.from_args(request.args)
    questions = questions_of(event.id)
    registrations = db.session.scalars(participants(event.id, filters, questions)).all()
    rows = [
        row + [answer_cell(r, q) for q in questions]
        for r, row in zip(registrations, export_rows(registrations), strict=True)
    ]
    return [*EXPORT_HEADER, *(q.label for q in questions)], rows


def _logged_export(event, format_: str) -> tuple[list, list]:
    header, rows = _export(event)
    log_action(event, EXPORTED, current_user, {"format": format_, "rows": len(rows)})
    return header, rows


@manage_bp.route("/<int:event_id>/participants.csv")
def participants_csv(event_id: int):
    event = get_event(event_id) or abort(404)
    return csv_response(f"participants-{event.id}.csv", *_logged_export(event, "CSV"))


@manage_bp.route("/<int:event_id>/participants.xlsx")
def participants_xlsx(event_id: int):
    event = get_event(event_id) or abort(404)
    sheet = _("Participants")
    return xlsx_response(f"participants-{event.id}.xlsx", sheet, *_logged_export(event, "XLSX"))


@manage_bp.route("/<int:event_id>/participants/<int:registration_id>/files/<int:question_id>")
def answer_file(event_id: int, registration_id: int, question_id: int):
    """A file a delegate sent with the registration form, for staff only (never a public URL)."""
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.event_id != event_id:
        abort(404)
    answer = (registration.answers or {}).get(str(question_id))
    path = stored_path(event_id, answer) or abort(404)
    log_action(registration, FILE_DOWNLOADED, current_user, {"file": shown_name(answer["name"])})
    return send_file(path, as_attachment=True, download_name=shown_name(str(answer.get("name"))))


@manage_bp.route("/<int:event_id>/questions/", methods=["GET", "POST"])
def questions_page(event_id: int):
    """The event's own questions on its registration form."""
    event = get_event(event_id) or abort(404)
    form = QuestionForm().offering(RegistrationQuestion.OFFERED)
    if form.validate_on_submit():
        try:
            add_question(event, form.to_input(form.kind.data))
        except InvalidInput as error:
            show_beside_field(form, error)
        else:
            flash(_("Added the question to the registration form."), "success")
            return redirect(url_for(".questions_page", event_id=event.id))
    return render_template(
        "registration/questions.html",
        event=event,
        form=form,
        questions=questions_of(event.id),
        counts=answer_counts(event.id),
    )


@manage_bp.route("/<int:event_id>/questions/<int:question_id>", methods=["GET", "POST"])
def question_page(event_id: int, question_id: int):
    """Change a question: its label, choices, translations, whether it needs an answer."""
    event = get_event(event_id) or abort(404)
    question = get_question(event, question_id) or abort(404)
    answered = answer_counts(event.id).get(question.id, 0)
    note = _(
        "Answers already given keep the text of the choice chosen, even if you rename or remove it."
    )
    return edit_question_page(
        event,
        question,
        QuestionEditForm(),
        update_question,
        url_for(".questions_page", event_id=event.id),
        meta=" · ".join(
            (
                str(question.kind_label),
                ngettext("%(num)d answer given", "%(num)d answers given", answered),
            )
        ),
        note=note if answered and question.has_choices else None,
        hint=_(
            "Delegates browsing in Spanish or French see the question in their language; others "
            "see it as written above. Answers are kept in the original choices."
        ),
    )


@manage_bp.route("/<int:event_id>/questions/<int:question_id>/move", methods=["POST"])
def move_question_page(event_id: int, question_id: int):
    event = get_event(event_id) or abort(404)
    question = get_question(event, question_id) or abort(404)
    move_question(event, question, direction_steps())
    return redirect(url_for(".questions_page", event_id=event.id))


@manage_bp.route("/<int:event_id>/questions/<int:question_id>/delete", methods=["POST"])
def delete_question_page(event_id: int, question_id: int):
    event = get_event(event_id) or abort(404)
    delete_question(event, question_id) or abort(404)
    flash(_("Removed the question; answers given to it are no longer shown."), "success")
    return redirect(url_for(".questions_page", event_id=event.id))


@manage_bp.route("/<int:event_id>/invitations", methods=["GET", "POST"])
def invitations_page(event_id: int):
    event = get_event(event_id) or abort(404)
    form = InvitationForm()
    if request.method == "GET" and event.requesting_authority_id:
        form.organisation_id.data = event.requesting_authority_id
    if form.validate_on_submit():
        organisation = db.session.get(Organisation, form.organisation_id.data) or abort(400)
        sent = invite(
            event,
            organisation,
            form.email_list(),
            current_user,
            utcnow(),
            locale_of(form.language.data),
        )
        flash(
            ngettext("Sent %(num)d invitation.", "Sent %(num)d invitations.", len(sent)), "success"
        )
        return redirect(url_for(".invitations_page", event_id=event.id))
    return render_template(
        "registration/invitations.html",
        event=event,
        form=form,
        settings=get_settings(event.id),
        invitations=invitations_of(event),
    )
