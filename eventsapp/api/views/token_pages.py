"""The API tokens' pages: ``/account/tokens`` (a staff member's own: make one, shown once, and
revoke) and ``/manage/tokens`` (administrators: everyone's, and revoke)."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...accounts.models import Role
from ...core.clock import utcnow
from ...core.errors import InvalidInput
from ...core.web import show_beside_field
from ...extensions import db, login_manager
from ..forms import TokenForm
from ..models import ApiToken
from ..scopes import role_scopes
from ..tokens import create_token, list_tokens, may_revoke, revoke_token

bp = Blueprint("api_tokens", __name__)


@bp.before_request
def staff_only():
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not current_user.is_staff:
        abort(403, description=_("API tokens are for training-centre staff only."))
    return None


def _administrators_only() -> None:
    if current_user.role != Role.ADMIN:
        abort(403, description=_("Only administrators see everyone's API tokens."))


@bp.route("/account/tokens", methods=["GET", "POST"])
def my_tokens():
    """Make a token (shown once, on the answer to the form) and list one's own."""
    user = current_user._get_current_object()
    form = TokenForm()
    form.offer(role_scopes(user))
    made = None
    if form.validate_on_submit():
        try:
            made = create_token(user, form.name.data, form.scopes.data, form.days.data, user)
        except InvalidInput as error:
            show_beside_field(form, error)
        else:
            form = TokenForm(formdata=None)
            form.offer(role_scopes(user))
    page = render_template(
        "api/tokens.html", form=form, made=made, tokens=list_tokens(user), now=utcnow()
    )
    return page, 400 if form.errors else 200


@bp.route("/account/tokens/<int:token_id>/revoke", methods=["POST"])
def revoke_my_token(token_id: int):
    _revoke(token_id)
    return redirect(url_for(".my_tokens"))


@bp.route("/manage/tokens/")
def all_tokens():
    _administrators_only()
    return render_template("api/tokens_manage.html", tokens=list_tokens(None), now=utcnow())


@bp.route("/manage/tokens/<int:token_id>/revoke", methods=["POST"])
def revoke_any_token(token_id: int):
    _administrators_only()
    _revoke(token_id)
    return redirect(url_for(".all_tokens"))


def _revoke(token_id: int) -> None:
    """Revoke a token its owner or an administrator names; anyone else's is not found."""
    user = current_user._get_current_object()
    token = db.session.get(ApiToken, token_id)
    if token is None or not may_revoke(user, token):
        abort(404)
    if revoke_token(token, user):
        flash(
            _("Revoked the token %(name)s: it opens nothing from now on.", name=token.name),
            "success",
        )
    else:
        flash(_("The token %(name)s was revoked already.", name=token.name), "info")
