"""Registration pages of delegates: the form, the confirmation and its page, seat offers, "My
registrations" and the travel page; the blueprints (staff pages are in ``staff``).
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
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.exceptions import RequestEntityTooLarge

from ...accounts.views import start_session
from ...core.clock import utcnow
from ...core.errors import InvalidInput
from ...core.questions import FILE, read_answers, upload_megabytes, with_questions
from ...core.signals import ask, nominating_authorities
from ...core.web import show_beside_field
from ...extensions import db, limiter
from ..forms import RegistrationForm, TravelForm
from ..funding import funding_statements
from ..invitations import read_invitation
from ..links import (
    CONFIRMATION_HOURS,
    ConfirmedAlready,
    LinkRefused,
    page_token,
    registration_by_link,
    signs_its_owner_in,
)
from ..models import Registration, Status
from ..questions import (
    questions_of,
)
from ..returning import last_details, registered_already, registration_for
from ..seats import (
    RegistrationRefused,
    StatusError,
    event_with_availability,
    refuse_unless_open,
    registration_form_state,
    waiting_positions,
)
from ..services import (
    confirm_registration,
    event_to_register,
    my_registrations,
    receive_registration,
    update_travel,
)
from ..statuses import accept_offer, withdraw
from ..waiting_list import registration_for_offer

bp = Blueprint("registration", __name__)
manage_bp = Blueprint("registration_manage", __name__, url_prefix="/manage/events")

public_post_limit = limiter.limit(lambda: current_app.config["PUBLIC_POST_LIMIT"], methods=["POST"])


@bp.app_template_global()
def funding_of(registration: Registration):
    """One delegate's funding statement, for pages and emails about one registration."""
    return funding_statements([registration]).get(registration.id)


def _refused(event, message: str, status: int = 403):
    """Why the form takes no registration; for an event by nomination, the authorities invited
    to nominate, by country, so that a visitor finds whom to ask."""
    authorities = ask(nominating_authorities, event) or []
    return render_template(
        "registration/refused.html", event=event, message=message, authorities=authorities
    ), status


# ---------------------------------------------------------------- delegates


@bp.route("/events/<int:event_id>/register", methods=["GET", "POST"], endpoint="register")
@public_post_limit
def register_page(event_id: int):
    now = utcnow()
    event, state = event_with_availability(event_id, now) or abort(404)
    account = _signed_in()
    mine = account and request.method == "GET" and registration_for(account, event.id)
    if registered_already(mine):  # her registration is shown on the event's page
        flash(_("You are registered for this event already."), "info")
        return redirect(url_for("site.event_page", event_id=event.id))
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
                    state=state,
                )
            except InvalidInput as error:
                show_beside_field(form, error)
            else:
                if registration is None:  # whoever the address belongs to: the same answer
                    return redirect(url_for(".check_your_email", event_id=event.id))
                flash(_("Your registration is saved."), "success")
                return redirect(url_for(".confirmation", token=page_token(registration, now)))
        refuse_unless_open(state, event, invitation)
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


from . import staff  # noqa: E402, F401  (the staff pages, on manage_bp)
