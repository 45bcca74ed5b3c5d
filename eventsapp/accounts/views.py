from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from limits import parse

from ..core.clock import utcnow
from ..core.errors import InvalidInput
from ..core.i18n import LANGUAGE_COOKIE, language_of, locale_of, remember_language
from ..core.web import page_number, show_beside_field
from ..extensions import csrf, db, limiter, login_manager
from . import oidc
from .forms import AccountForm, ColleagueForm, LoginForm, LoginLinkForm, PasswordForm, SetupForm
from .models import Role, User
from .services import (
    KNOWN_DEVICE_MAX_AGE,
    accounts_page,
    ask_for_login_link,
    authenticate,
    change_password,
    choose_language,
    end_sessions,
    find_user_by_email,
    invite_colleague,
    known_device,
    known_device_token,
    send_account_setup,
    signed_in,
    update_account,
    user_for_login_token,
    user_for_session,
    user_for_setup_token,
)

bp = Blueprint("accounts", __name__)

login_manager.login_view = "accounts.login"
login_manager.login_message = None
# Flask-Login's "basic" protection only marks a session "not fresh" when the browser's address
# changes, and nothing here asks for a fresh sign-in; the mark was written into every anonymous
# visitor's session, so the late answer of a double click on a confirmation button (sent with
# the cookie from before the first click signed her in) signed the delegate out again. Sessions
# end at sign-out by their version (``user_for_session``), not by this.
login_manager.session_protection = None


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    return user_for_session(session_id)


KNOWN_DEVICE_COOKIE = "known_device"


def _account_key() -> str:
    """Rate-limit key of the account a sign-in form names (whatever address sends it); from a
    browser that account signed in from before, that browser's own key for it."""
    email = request.form.get("email", "").strip().lower()[:254]
    return _key_of_browser("account:" + email, lambda: find_user_by_email(email))


def _signed_in_account_key() -> str:
    user_id = current_user.get_id().partition(".")[0]
    return _key_of_browser(f"account:{user_id}", current_user._get_current_object)


def _key_of_browser(account_key: str, account) -> str:
    """A known device counts its own failures: a stranger's lock only browsers the account
    never signed in from (the account is looked up only when the browser shows a cookie)."""
    token = request.cookies.get(KNOWN_DEVICE_COOKIE)
    device = token and known_device(token, account(), utcnow())
    g.known_device = bool(device)
    return f"device:{device}:{account_key}" if device else account_key


def _remember_device(response, user: User) -> None:
    """This browser is known to the account from now on (see known_device_token)."""
    previous = request.cookies.get(KNOWN_DEVICE_COOKIE)
    response.set_cookie(
        KNOWN_DEVICE_COOKIE,
        known_device_token(user, previous, utcnow()),
        max_age=KNOWN_DEVICE_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
    )


def _failed(response) -> bool:
    """A form answered again (200) rather than redirected (302): the attempt failed."""
    return response.status_code == 200


def _locked_message() -> str:
    minutes = max(1, parse(current_app.config["ACCOUNT_FAILURE_LIMIT"]).get_expiry() // 60)
    if g.get("known_device"):
        return _(
            "Too many failed attempts from this browser: it is locked for %(minutes)d minutes. "
            "Wait, or ask an administrator for a link to choose a new password. Delegates can "
            "sign in meanwhile with a link sent by email.",
            minutes=minutes,
        )
    return _(
        "Too many failed attempts for this account: it is locked for %(minutes)d minutes on "
        "browsers it has not signed in from. Sign in from a browser you used before, wait, or "
        "ask an administrator for a link to choose a new password. Delegates can sign in "
        "meanwhile with a link sent by email.",
        minutes=minutes,
    )


# Repeated failures for one account lock it for a while, from every address, but for the
# browsers it signed in from before (each counts its own failures): a stranger cannot keep the
# owner out. A lock-out ends by itself; a delegate's sign-in link still works meanwhile.
account_lockout = limiter.limit(
    lambda: current_app.config["ACCOUNT_FAILURE_LIMIT"],
    key_func=_account_key,
    methods=["POST"],
    deduct_when=_failed,
    error_message=_locked_message,
    on_breach=lambda _limit: _locked_out_form(),
)


def _locked_out_form():
    """A locked account is told so on the sign-in form itself, beside the password."""
    if request.endpoint != "accounts.login":
        return None  # the password page: the error page says it
    form = LoginForm()
    form.password.errors = [_locked_message()]
    return _login_page(form, 429)


def protect_manage_area():
    """Every URL under /manage/ is for staff: anonymous users log in, delegates are refused."""
    if not request.path.startswith("/manage"):
        return None
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not current_user.is_staff:
        abort(403)
    return None


def _safe_next(target: str | None) -> str | None:
    """Only local paths, so that a crafted link cannot send people elsewhere after login.

    Browsers read a backslash as a slash and drop tabs and line breaks, so that a target with
    any of them may lead to another site: those are refused too.
    """
    local = (
        target
        and target.startswith("/")
        and not target.startswith("//")
        and "\\" not in target
        and target.isprintable()
    )
    return target if local and not urlsplit(target).netloc else None


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["PUBLIC_POST_LIMIT"], methods=["POST"])
@account_lockout
def login():
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user and user.email_confirmed_at is None:
            form.password.errors.append(
                _("Confirm your address first: sign in once with a link we email you.")
            )
        elif user:
            return _sign_in(user, remember=form.remember.data)
        else:
            form.password.errors.append(_("Email or password is not right."))
    return _login_page(form)


def _login_page(form: LoginForm, status: int = 200):
    """The sign-in form; its link to sign in by email leads to the same page afterwards."""
    next_path = _safe_next(request.args.get("next"))
    provider = oidc.label() if oidc.enabled() else None
    return make_response(
        render_template("accounts/login.html", form=form, next=next_path, provider=provider),
        status,
    )


def _sign_in(
    user: User,
    remember: bool = False,
    by_link: bool = False,
    by_provider: bool = False,
    next_path: str | None = None,
):
    signed_in(user, utcnow(), by_link=by_link, by_provider=by_provider)
    flash(_("Welcome, %(name)s.", name=user.name or user.email), "success")
    next_path = _safe_next(next_path or request.args.get("next"))
    response = redirect(next_path or _home(user))
    return start_session(response, user, remember=remember)


def start_session(response, user: User, remember: bool = False):
    """The session of an account whose sign-in is noted (``services.signed_in``), answering
    with ``response``: signed in with the account's session version, in its language, this
    browser known to it. A registration's confirmation link signs its owner in with it too."""
    login_user(user, remember=remember)
    if chosen := language_of(request.cookies.get(LANGUAGE_COOKIE)):
        # Chosen with the switcher before signing in: the account's language from now on.
        choose_language(user, locale_of(chosen))
    elif language := language_of(user.locale):  # the account's language, on this device too
        remember_language(response, language)
    _remember_device(response, user)
    return response


def _home(user: User) -> str:
    """Where an account lands: staff on their home (what needs doing), delegates on their
    registrations."""
    return url_for("staff.home" if user.is_staff else "registration.my_registrations")


@bp.route("/login/link", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["PUBLIC_POST_LIMIT"], methods=["POST"])
def login_link():
    """Ask for a one-time sign-in link by email (delegates need no password)."""
    form = LoginLinkForm()
    if form.validate_on_submit():
        ask_for_login_link(form.email.data, _safe_next(request.args.get("next")), str(get_locale()))
        # The same answer whatever the account, so that nobody can probe addresses or roles.
        flash(
            _(
                "If %(email)s is the address of a delegate's account, a sign-in link is on its "
                "way. It works once, within an hour. Staff sign in with their password.",
                email=form.email.data,
            ),
            "info",
        )
        return redirect(url_for("accounts.login_link"))
    return render_template(
        "accounts/login_link.html", form=form, next=_safe_next(request.args.get("next"))
    )


@bp.route("/login/link/<token>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["PUBLIC_POST_LIMIT"], methods=["POST"])
def login_with_link(token: str):
    """GET shows a button, POST signs in: mail scanners that open links do not use them up."""
    user = user_for_login_token(token)
    if user is None:
        flash(_("This sign-in link has expired or was used already. Ask for a new one."), "error")
        return redirect(url_for("accounts.login_link"))
    if request.method == "POST":
        return _sign_in(user, by_link=True)
    return render_template("accounts/login_with_link.html", user=user)


@bp.route("/login/oidc")
@limiter.limit(lambda: current_app.config["PUBLIC_POST_LIMIT"])
def oidc_login():
    """Sign in with the institution's identity provider: off to its sign-in page."""
    if not oidc.enabled():
        abort(404)
    try:
        return oidc.start(_safe_next(request.args.get("next")))
    except oidc.Refused as refusal:
        flash(str(refusal), "error")
        return redirect(url_for(".login"))


@bp.route("/login/oidc/callback")
@limiter.limit(lambda: current_app.config["PUBLIC_POST_LIMIT"])
def oidc_callback():
    """Back from the identity provider: the account of the person it signed in, or why not."""
    if not oidc.enabled():
        abort(404)
    try:
        claims, next_path = oidc.finish()
        user = oidc.account_for(claims, current_app.config)
    except oidc.Refused as refusal:
        flash(str(refusal), "error")
        return redirect(url_for(".login"))
    return _sign_in(user, by_provider=True, next_path=next_path)


@bp.route("/me/password", methods=["GET", "POST"])
@login_required
@limiter.limit(lambda: current_app.config["PUBLIC_POST_LIMIT"], methods=["POST"])
@limiter.limit(
    lambda: current_app.config["ACCOUNT_FAILURE_LIMIT"],
    key_func=_signed_in_account_key,
    methods=["POST"],
    deduct_when=_failed,
    error_message=_locked_message,
)
def password():
    """Set (or change) the account's password, to sign in without an emailed link."""
    form = PasswordForm()
    form.account_email = current_user.email
    if form.validate_on_submit():
        try:
            change_password(current_user, form.current_password.data or "", form.password.data)
        except InvalidInput as error:
            show_beside_field(form, error)
        else:
            # This session goes on (with the new version); the account's others have ended.
            user = current_user._get_current_object()
            login_user(user)
            flash(
                _("Your password is set, and you are signed out on every other device."),
                "success",
            )
            response = redirect(_home(user))
            _remember_device(response, user)  # the cookies given before the change are void
            return response
    return render_template("accounts/password.html", form=form)


@bp.route("/me/sessions/end", methods=["POST"])
@login_required
def end_other_sessions():
    """Sign out on every other device (a lost phone, a shared computer)."""
    end_sessions(current_user)
    login_user(current_user._get_current_object())
    flash(_("You are signed out on every other device."), "success")
    return redirect(url_for(".password"))


@bp.route("/account/setup/<token>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["PUBLIC_POST_LIMIT"], methods=["POST"])
def setup_account(token: str):
    """A colleague invited by an administrator chooses their password, then is signed in."""
    user = user_for_setup_token(token)
    if user is None:
        flash(
            _("This link has expired or was used already. Ask an administrator for a new one."),
            "error",
        )
        return redirect(url_for("accounts.login"))
    form = SetupForm()
    form.account_email = user.email
    if form.validate_on_submit():
        user.set_password(form.password.data)
        return _sign_in(user)
    return render_template("accounts/setup.html", form=form, user=user)


@bp.route("/language", methods=["POST"])
@limiter.limit(lambda: current_app.config["PUBLIC_POST_LIMIT"], methods=["POST"])
@csrf.exempt
def language():
    """The language switcher: remembered by this browser (a cookie) and, for a signed-in
    person, by their account (its emails are written in it too); back to the page it was on.

    Without a CSRF token, so that the switcher on every page does not give every anonymous
    visitor a session cookie (pages stay shareable by caches). A forged post from another site
    arrives without the session cookie (SameSite=Lax): it can only set the language cookie."""
    chosen = language_of(request.form.get("language"))
    if chosen is None:
        abort(400, description=_("Choose one of the languages offered."))
    if current_user.is_authenticated:
        choose_language(current_user, locale_of(chosen))
    response = redirect(_safe_next(request.form.get("next")) or url_for("site.index"))
    remember_language(response, chosen)
    return response


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """Sign out: every session and remember cookie of the account ends, on every device (a
    copied cookie is worth nothing after it)."""
    end_sessions(current_user)
    logout_user()
    flash(_("You are signed out."), "info")
    return redirect(url_for("site.index"))


# ---------------------------------------------------------------- accounts, for administrators

manage_bp = Blueprint("accounts_manage", __name__, url_prefix="/manage/accounts")


@manage_bp.before_request
def administrators_only():
    if current_user.is_authenticated and current_user.role != Role.ADMIN:
        abort(403, description=_("Only administrators manage accounts."))


@manage_bp.route("/")
def accounts():
    query, role = request.args.get("q", ""), request.args.get("role", "")
    pagination = accounts_page(page_number(), current_app.config["EVENTS_PER_PAGE"], query, role)
    return render_template(
        "accounts/accounts.html", pagination=pagination, q=query, role=role, roles=list(Role)
    )


@manage_bp.route("/new", methods=["GET", "POST"])
def invite():
    form = ColleagueForm()
    if form.validate_on_submit():
        try:
            user = invite_colleague(
                form.email.data,
                form.name.data,
                form.role.data,
                current_user,
                locale_of(form.language.data),
            )
        except InvalidInput as error:
            show_beside_field(form, error)
        else:
            flash(
                _("Invited %(email)s: the email lets them choose a password.", email=user.email),
                "success",
            )
            return redirect(url_for(".accounts"))
    return render_template("accounts/invite.html", form=form)


@manage_bp.route("/<int:user_id>", methods=["GET", "POST"])
def account(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    form = AccountForm(obj=user if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            update_account(user, form.name.data, form.role.data, form.active.data, current_user)
        except InvalidInput as error:
            show_beside_field(form, error)
        else:
            flash(_("Saved the account of %(email)s.", email=user.email), "success")
            return redirect(url_for(".accounts"))
    return render_template("accounts/account.html", form=form, user=user)


@manage_bp.route("/<int:user_id>/sessions/end", methods=["POST"])
def end_account_sessions(user_id: int):
    """Sign an account out everywhere (a stolen laptop, a colleague who left)."""
    user = db.session.get(User, user_id) or abort(404)
    end_sessions(user)
    if user.id == current_user.id:
        login_user(user)
    flash(_("%(email)s is signed out on every device.", email=user.email), "success")
    return redirect(url_for(".account", user_id=user.id))


@manage_bp.route("/<int:user_id>/invite", methods=["POST"])
def resend_invitation(user_id: int):
    """Send a new link to choose a password (a colleague who lost theirs, or the first email)."""
    user = db.session.get(User, user_id) or abort(404)
    if not user.is_staff or not user.is_active:
        abort(400, description=_("Only active staff accounts get a link to choose a password."))
    send_account_setup(user, current_user)
    flash(_("Sent %(email)s a link to choose a password.", email=user.email), "success")
    return redirect(url_for(".account", user_id=user.id))
