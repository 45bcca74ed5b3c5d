from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from ..extensions import db, limiter, login_manager
from ..mail.services import queue_email, send_queued
from .forms import LoginForm, LoginLinkForm
from .models import User, utcnow
from .services import (
    authenticate,
    find_user_by_email,
    login_link_token,
    signed_in,
    user_for_login_token,
)

bp = Blueprint("accounts", __name__)

login_manager.login_view = "accounts.login"
login_manager.login_message = None


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    return db.session.get(User, int(user_id))


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
    """Only local paths, so that a crafted link cannot send people elsewhere after login."""
    local = target and target.startswith("/") and not target.startswith("//")
    return target if local and not urlsplit(target).netloc else None


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["PUBLIC_POST_LIMIT"], methods=["POST"])
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
    return render_template("accounts/login.html", form=form)


def _sign_in(user: User, remember: bool = False, by_link: bool = False):
    signed_in(user, utcnow(), by_link=by_link)
    db.session.commit()
    login_user(user, remember=remember)
    flash(_("Welcome, %(name)s.", name=user.name or user.email), "success")
    default = (
        url_for("catalogue_manage.events")
        if user.is_staff
        else url_for("registration.my_registrations")
    )
    return redirect(_safe_next(request.args.get("next")) or default)


@bp.route("/login/link", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["PUBLIC_POST_LIMIT"], methods=["POST"])
def login_link():
    """Ask for a one-time sign-in link by email (delegates need no password)."""
    form = LoginLinkForm()
    if form.validate_on_submit():
        user = find_user_by_email(form.email.data)
        if user and user.is_active:
            queue_email(
                user.email,
                _("Your sign-in link"),
                "login_link",
                link=url_for(
                    "accounts.login_with_link", token=login_link_token(user), _external=True
                ),
            )
            db.session.commit()
            send_queued(utcnow())
            db.session.commit()
        # The same answer whether or not there is an account, so that nobody can probe addresses.
        flash(
            _(
                "If there is an account for %(email)s, a sign-in link is on its way. "
                "It works once, within an hour.",
                email=form.email.data,
            ),
            "info",
        )
        return redirect(url_for("accounts.login_link"))
    return render_template("accounts/login_link.html", form=form)


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


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    logout_user()
    flash(_("You are signed out."), "info")
    return redirect(url_for("catalogue.index"))
