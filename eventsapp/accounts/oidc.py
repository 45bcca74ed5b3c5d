"""Sign-in with the institution's identity provider (OpenID Connect, by Authlib).

Off unless ``OIDC_ISSUER`` is set. The authorization code flow with PKCE, ``state`` and
``nonce`` (Authlib keeps them in the session and checks them); the ID token's signature (the
provider's JWKS), issuer, audience, expiry and nonce are checked by Authlib too. The person is
matched to an active account by their address, which the provider must have verified; a member
of ``OIDC_STAFF_GROUP`` without an account gets a staff account, anyone else is refused (delegates
sign in by emailed link, as before).
"""

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.flask_client import OAuth, OAuthError
from flask import current_app, session
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from joserfc.errors import JoseError

from ..core.actions import describe, log_action
from ..core.links import site_url
from ..core.validation import CONTROL_CHARACTERS
from .models import Role, User
from .services import AccountError, checked_email, create_user, find_user_by_email

NEXT_KEY = "oidc_next"  # the page to open once signed in, kept in the session meanwhile
TIMEOUT = 10  # seconds for each call to the provider (discovery, token, keys, userinfo)

CREATED = describe(
    "account.created_by_provider",
    _l("Gave %(object)s a staff account at their first sign-in through the identity provider"),
)


class Refused(Exception):
    """The provider did not sign the person in, or nothing here lets them in: the message says
    which, for the sign-in page."""


def enabled() -> bool:
    return bool(current_app.config["OIDC_ISSUER"])


def label() -> str:
    """Who the button names: "Sign in with <label>"."""
    return current_app.config["OIDC_LABEL"] or _("your institution")


def _client():
    """The app's Authlib client, made at first use (it keeps the provider's discovery document
    and keys once read)."""
    app = current_app._get_current_object()
    client = app.extensions.get("oidc_client")
    if client is None:
        config = app.config
        scopes = ["openid", "email", "profile"]
        if config["OIDC_STAFF_GROUP"]:
            # Providers that release groups on request (Keycloak, node-oidc-provider,
            # authentik) name the scope as the claim.
            scopes.append(config["OIDC_GROUPS_CLAIM"])
        client = OAuth(app).register(
            "oidc",
            client_id=config["OIDC_CLIENT_ID"],
            client_secret=config["OIDC_CLIENT_SECRET"],
            server_metadata_url=f"{config['OIDC_ISSUER']}/.well-known/openid-configuration",
            client_kwargs={
                "scope": " ".join(scopes),
                "code_challenge_method": "S256",
                "timeout": TIMEOUT,
            },
        )
        app.extensions["oidc_client"] = client
    return client


def start(next_path: str | None):
    """The redirect to the provider's sign-in page; it comes back to the callback."""
    session[NEXT_KEY] = next_path
    try:
        return _client().authorize_redirect(site_url("accounts.oidc_callback"))
    except (requests.RequestException, ValueError, KeyError) as error:
        raise _unreachable(error) from None


def finish() -> tuple[dict, str | None]:
    """The claims of the person the provider signed in (the ID token's, completed by the
    userinfo endpoint where the token lacks one this site reads), and the page to open next."""
    client = _client()
    next_path = session.pop(NEXT_KEY, None)
    try:
        token = client.authorize_access_token()
        claims = token.get("userinfo")
        if claims is None:  # no ID token: nothing proves who signed in
            raise Refused(_("%(provider)s sent no ID token: try again.", provider=label()))
        return _completed(client, token, dict(claims)), next_path
    except OAuthError as error:
        raise _refusal(error) from None
    except (AuthlibBaseError, JoseError, requests.RequestException, ValueError, KeyError) as error:
        raise _unreachable(error) from None


def _completed(client, token, claims: dict) -> dict:
    """Providers that keep the ID token small give the address and groups at the userinfo
    endpoint (for the same ``sub``); the ID token's own claims win."""
    config = current_app.config
    wanted = [config["OIDC_EMAIL_CLAIM"], "email_verified"]
    if config["OIDC_STAFF_GROUP"]:
        wanted.append(config["OIDC_GROUPS_CLAIM"])
    metadata = client.load_server_metadata()
    if all(name in claims for name in wanted) or not metadata.get("userinfo_endpoint"):
        return claims
    userinfo = client.userinfo(token=token)
    if userinfo.get("sub") != claims.get("sub"):
        return claims
    return {**userinfo, **claims}


def _refusal(error: OAuthError) -> Refused:
    if error.error == "access_denied":
        return Refused(_("The sign-in with %(provider)s was cancelled.", provider=label()))
    if error.error == "mismatching_state":
        return Refused(
            _(
                "This sign-in with %(provider)s was not started from this browser, or it took "
                "too long. Try again.",
                provider=label(),
            )
        )
    current_app.logger.warning("The identity provider refused a sign-in: %s", error)
    return Refused(
        _(
            "%(provider)s did not sign you in (%(reason)s). Try again, or sign in with your "
            "password.",
            provider=label(),
            reason=error.error,
        )
    )


def _unreachable(error: Exception) -> Refused:
    current_app.logger.warning("Sign-in through the identity provider failed: %r", error)
    return Refused(
        _(
            "%(provider)s could not be reached, or its answer could not be checked. Try again "
            "later, or sign in with your password.",
            provider=label(),
        )
    )


# ---------------------------------------------------------------- the account of the claims


def account_for(claims: dict, config: dict) -> User:
    """The account a person signed in by the provider opens (not committed): the active account
    of their verified address, or a new staff account for a member of the staff group."""
    email = claims.get(config["OIDC_EMAIL_CLAIM"])
    if not isinstance(email, str) or not email.strip():
        raise Refused(_("The identity provider gave no email address: this site needs one."))
    if claims.get("email_verified") not in (True, "true"):
        raise Refused(
            _(
                "The identity provider has not verified your address %(email)s, so it cannot "
                "sign you in here. Verify it there, or sign in with your password.",
                email=email,
            )
        )
    user = find_user_by_email(email)
    if user is not None:
        if not user.is_active:
            raise Refused(_("Your account here is switched off. Ask an administrator."))
        return user
    if not _in_staff_group(claims, config):
        raise Refused(
            _(
                "There is no account here for %(email)s. Ask an administrator for an account.",
                email=email,
            )
        )
    try:
        user = create_user(checked_email(email), Role.STAFF, name=_name(claims))
    except AccountError:
        raise Refused(
            _("The identity provider's address %(email)s is not one this site takes.", email=email)
        ) from None
    log_action(user, CREATED, None)
    return user


def _in_staff_group(claims: dict, config: dict) -> bool:
    group = config["OIDC_STAFF_GROUP"]
    groups = claims.get(config["OIDC_GROUPS_CLAIM"])
    if isinstance(groups, str):
        groups = [groups]
    return bool(group) and isinstance(groups, list) and group in groups


def _name(claims: dict) -> str:
    """The person's name as the provider gives it, on one line and as long as an account's."""
    name = claims.get("name")
    if not isinstance(name, str):
        return ""
    return " ".join(CONTROL_CHARACTERS.sub(" ", name).split())[:200]
