"""Registration pages: the delegate's form, offers and "My registrations"; staff settings,
participant lists with their exports, and invitations.
"""

from dataclasses import replace

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from werkzeug.exceptions import RequestEntityTooLarge

from ..accounts.views import start_session
from ..catalogue.services import get_event
from ..core.clock import utcnow
from ..core.errors import InvalidInput
from ..core.exports import csv_response, xlsx_response
from ..core.forms import QuestionEditForm, QuestionForm
from ..core.i18n import locale_of
from ..core.navigation import BAR, LIST, PAGE, event_tab
from ..core.questions import FILE, read_answers, upload_megabytes, with_questions
from ..core.uploads import shown_name
from ..core.web import page_number, show_beside_field
from ..extensions import db, limiter
from ..people.models import Organisation
from .forms import InvitationForm, RegistrationForm, SettingsForm, TravelForm
from .funding import funding_statements
from .invitations import invitations_of, invite, read_invitation
from .links import (
    CONFIRMATION_HOURS,
    ConfirmedAlready,
    LinkRefused,
    page_token,
    registration_by_link,
    signs_its_owner_in,
)
from .models import CONFIRMED, Funding, Registration, Status
from .participants import (
    EXPORT_HEADER,
    ParticipantFilters,
    answer_filter_choices,
    export_rows,
    filter_choices,
    participants,
    status_counts,
    whole_numbers,
)
from .questions import (
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
from .returning import last_details, registered_already, registration_for
from .seats import (
    RegistrationRefused,
    StatusError,
    event_availability,
    get_settings,
    registration_form_state,
    waiting_positions,
)
from .services import (
    confirm_registration,
    event_to_register,
    my_registrations,
    receive_registration,
    update_travel,
)
from .settings import save_settings
from .statuses import STAFF_ACTIONS, accept_offer, allowed_actions, apply_staff_action, withdraw
from .uploads import stored_path
from .waiting_list import registration_for_offer

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

bp = Blueprint("registration", __name__)
manage_bp = Blueprint("registration_manage", __name__, url_prefix="/manage/events")
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

public_post_limit = limiter.limit(lambda: current_app.config["PUBLIC_POST_LIMIT"], methods=["POST"])


@bp.app_template_global()
def funding_of(registration: Registration):
    """One delegate's funding statement, for pages and emails about one registration."""
    return funding_statements([registration]).get(registration.id)


def _refused(event, message: str, status: int = 403):
    return render_template("registration/refused.html", event=event, message=message), status


# ---------------------------------------------------------------- delegates


@bp.route("/events/<int:event_id>/register", methods=["GET", "POST"], endpoint="register")
@public_post_limit
def register_page(event_id: int):
    event = event_to_register(event_id) or abort(404)
    account = _signed_in()
    mine = account and request.method == "GET" and registration_for(account, event.id)
    if registered_already(mine):  # her registration is shown on the event's page
        flash(_("You are registered for this event already."), "info")
        return redirect(url_for("site.event_page", event_id=event.id))
    now = utcnow()
    token = request.args.get("invitation")
    questions = questions_of(event.id)
    form = with_questions(RegistrationForm, questions, _language())()
    try:
        invitation = read_invitation(token, event) if token else None
        if form.validate_on_submit():
            try:
                registration = receive_registration(
                    event,
                    replace(
                        form.to_input(),
                        locale=str(get_locale()),
                        answers=read_answers(questions, form.data),
                    ),
                    now,
                    invitation=invitation,
                    account=account,
                )
            except InvalidInput as error:
                show_beside_field(form, error)
            else:
                if registration is None:  # whoever the address belongs to: the same answer
                    return redirect(url_for(".check_your_email", event_id=event.id))
                flash(_("Your registration is saved."), "success")
                return redirect(url_for(".confirmation", token=page_token(registration, now)))
        state = registration_form_state(event, now, invitation)
    except RegistrationRefused as refused:
        return _refused(event, refused.message)
    details = last_details(account) if account and request.method == "GET" else {}
    prefilled = request.method == "GET" and form.prefill(invitation, account, details)
    return _registration_form(event, form, state, questions, prefilled=prefilled)


def _registration_form(event, form, state, questions, status: int = 200, prefilled=False):
    form.fill_choices()
    return render_template(
        "registration/register.html",
        event=event,
        form=form,
        state=state,
        settings=state.settings,
        questions=questions,
        prefilled=prefilled,
    ), status


def _language() -> str | None:
    """The visitor's language, for the questions staff translated."""
    locale = get_locale()
    return locale.language if locale else None


@bp.errorhandler(RequestEntityTooLarge)
def too_large(error):
    """A form larger than MAX_CONTENT_LENGTH, not read: the registration form says so beside
    its file questions; other pages with an error page."""
    event = None
    if request.endpoint == "registration.register":
        event = event_to_register(request.view_args["event_id"])
    if event is None:
        message = _("What was sent is too large: send less at a time.")
        return render_template("error.html", code=413, message=message), 413
    message = _(
        "The files sent were too large (each may have up to %(mb)s MB): choose smaller ones and "
        "fill in the form again.",
        mb=upload_megabytes(),
    )
    questions = questions_of(event.id)
    form = with_questions(RegistrationForm, questions, _language())(formdata=None)
    for question in questions:
        if question.kind == FILE:
            form[question.field_name].errors = [message]
    try:
        token = request.args.get("invitation")
        invitation = read_invitation(token, event) if token else None
        state = registration_form_state(event, utcnow(), invitation)
    except RegistrationRefused as refused:
        return _refused(event, refused.message)
    return _registration_form(event, form, state, questions, 413)


@bp.route("/events/<int:event_id>/register/sent")
def check_your_email(event_id: int):
    """The answer to a registration from the form until its address is confirmed."""
    event = event_to_register(event_id) or abort(404)
    return render_template("registration/check_email.html", event=event, hours=CONFIRMATION_HOURS)


@bp.route("/registrations/<token>", methods=["GET", "POST"])
@public_post_limit
def confirmation(token: str):
    """A registration's own page: where the emailed link to confirm it leads (a button confirms
    it, so that a mail scanner opening the link does not), and where a delegate is sent after
    registering, confirming or accepting a seat (see ``links``)."""
    now = utcnow()
    try:
        if request.method == "POST":
            registration = confirm_registration(token, now, _signed_in())
            if registration is not None:
                return _confirmed(registration, now)
        else:
            registration = registration_by_link(token, now)
    except LinkRefused as refused:
        return _link_refused(refused)
    except RegistrationRefused as refused:
        return _refused(registration_by_link(token, now).event, refused.message, 410)
    if registration is None:
        not_ours = LinkRefused(_("This link is not valid. Copy it whole from the email."))
        return _link_refused(not_ours, 404)
    unconfirmed = registration.status == Status.UNCONFIRMED
    return render_template(
        "registration/confirmation.html",
        registration=registration,
        positions=waiting_positions([registration]),
        signs_in=unconfirmed and signs_its_owner_in(registration, _signed_in()),
    )


def _signed_in():
    return current_user if current_user.is_authenticated else None


def _confirmed(registration: Registration, now):
    """The registration's page, once its owner confirmed it: signed in too, when confirming
    signed the account in (``links.signs_its_owner_in``: a delegate's)."""
    response = redirect(url_for(".confirmation", token=page_token(registration, now)))
    flash(_("Your email address is confirmed."), "success")
    if not signs_its_owner_in(registration, _signed_in()):
        return response
    flash(_("You are signed in on this device: My registrations shows your registrations."), "info")
    return start_session(response, registration.user)


def _link_refused(refused: LinkRefused, status: int = 410):
    """The page of a link that shows nothing and confirms nothing, saying why."""
    registration = refused.registration
    confirmed = isinstance(refused, ConfirmedAlready)
    return render_template(
        "registration/link_refused.html",
        message=refused.message,
        confirmed=confirmed,
        event=registration.event if registration is not None else None,
    ), 200 if confirmed else status


@bp.route("/offers/<token>", methods=["GET", "POST"], endpoint="accept_offer")
@public_post_limit
def accept_offer_page(token: str):
    try:
        registration = registration_for_offer(token)
        if request.method == "POST":  # the link emailed to the delegate: they accept
            accept_offer(registration, utcnow(), registration.user or registration.name)
    except StatusError as error:
        return render_template("registration/offer.html", problem=error.message), 410
    if request.method == "GET":
        return render_template("registration/offer.html", registration=registration)
    flash(_("You accepted the seat: %(title)s.", title=registration.event.title), "success")
    return redirect(url_for(".confirmation", token=page_token(registration, utcnow())))


@bp.route("/me/registrations", endpoint="my_registrations")
def my_registrations_page():
    if not current_user.is_authenticated:
        # Delegates have no password: where the emailed link leads, say how to get in.
        flash(
            _(
                "To see your registrations, enter the address you registered with: we email "
                "you a link that signs you in."
            ),
            "info",
        )
        return redirect(url_for("accounts.login_link"))
    registrations = my_registrations(current_user)
    return render_template(
        "registration/mine.html",
        registrations=registrations,
        positions=waiting_positions(registrations),
        statements=funding_statements(registrations),
    )


def _my_registration(registration_id: int) -> Registration:
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.user_id != current_user.id:
        abort(404)
    return registration


@bp.route("/me/registrations/<int:registration_id>/withdraw", methods=["POST"])
@login_required
def withdraw_page(registration_id: int):
    registration = _my_registration(registration_id)
    try:
        withdraw(registration, utcnow(), current_user)
    except StatusError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        flash(
            _(
                "You withdrew from “%(title)s”. Your seat goes to the waiting list.",
                title=registration.event.title,
            ),
            "success",
        )
    return redirect(url_for(".my_registrations"))


@bp.route("/me/registrations/<int:registration_id>/travel", methods=["GET", "POST"])
@login_required
def travel_page(registration_id: int):
    registration = _my_registration(registration_id)
    form = TravelForm(obj=registration if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            update_travel(registration, form.to_input())
        except StatusError as error:
            db.session.rollback()
            flash(error.message, "error")
            return redirect(url_for(".my_registrations"))
        except InvalidInput as error:
            show_beside_field(form, error)
        else:
            flash(_("Saved your travel details."), "success")
            return redirect(url_for(".my_registrations"))
    return render_template("registration/travel.html", form=form, registration=registration)


# ---------------------------------------------------------------- staff


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


@manage_bp.route("/<int:event_id>/participants.csv")
def participants_csv(event_id: int):
    event = get_event(event_id) or abort(404)
    return csv_response(f"participants-{event.id}.csv", *_export(event))


@manage_bp.route("/<int:event_id>/participants.xlsx")
def participants_xlsx(event_id: int):
    event = get_event(event_id) or abort(404)
    return xlsx_response(f"participants-{event.id}.xlsx", _("Participants"), *_export(event))


@manage_bp.route("/<int:event_id>/participants/<int:registration_id>/files/<int:question_id>")
def answer_file(event_id: int, registration_id: int, question_id: int):
    """A file a delegate sent with the registration form, for staff only (never a public URL)."""
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.event_id != event_id:
        abort(404)
    answer = (registration.answers or {}).get(str(question_id))
    path = stored_path(event_id, answer) or abort(404)
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
    form = QuestionEditForm()
    if request.method == "GET":
        form.fill(question)
    if form.validate_on_submit():
        try:
            update_question(question, form.to_input(question.kind))
        except InvalidInput as error:
            show_beside_field(form, error)
        else:
            flash(_("Saved the question."), "success")
            return redirect(url_for(".questions_page", event_id=event.id))
    return render_template(
        "registration/question.html",
        event=event,
        form=form,
        question=question,
        answered=answer_counts(event.id).get(question.id, 0),
    )


@manage_bp.route("/<int:event_id>/questions/<int:question_id>/move", methods=["POST"])
def move_question_page(event_id: int, question_id: int):
    event = get_event(event_id) or abort(404)
    question = get_question(event, question_id) or abort(404)
    move_question(event, question, -1 if request.form.get("direction") == "up" else 1)
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
