from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from ..extensions import db, limiter, login_manager
from .forms import LoginForm
from .models import User
from .services import authenticate

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
        if user:
            login_user(user, remember=form.remember.data)
            flash(_("Welcome, %(name)s.", name=user.name or user.email), "success")
            default = (
                url_for("catalogue_manage.events") if user.is_staff else url_for("catalogue.index")
            )
            return redirect(_safe_next(request.args.get("next")) or default)
        form.password.errors.append(_("Email or password is not right."))
    return render_template("accounts/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    logout_user()
    flash(_("You are signed out."), "info")
    return redirect(url_for("catalogue.index"))
