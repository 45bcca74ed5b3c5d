"""``flask tokens create EMAIL --name NAME --scopes read,write [--days N]``, ``tokens revoke NAME
--user EMAIL``, ``tokens list [--user EMAIL]``: API tokens for deployment scripts.

``create`` prints the token and nothing else on standard output, so that a script can capture
it. A refusal (an unknown address, scope or token, a name taken) is said on standard error with
exit status 2, and nothing is written.
"""

import click

from ..accounts.services import find_user_by_email
from ..core.errors import InvalidInput
from ..extensions import db
from .tokens import create_token, find_token, list_tokens, revoke_token

tokens = click.Group("tokens", help="Personal API tokens (Authorization: Bearer on /api/v1).")


def _refuse(message: str):
    db.session.rollback()
    click.echo(f"Error: {message}", err=True)
    raise SystemExit(2)


def _account(email: str):
    user = find_user_by_email(email)
    if user is None:
        _refuse(f"There is no account for {email}.")
    return user


@tokens.command("create")
@click.argument("email")
@click.option("--name", required=True, help="What the token is for (unique per account).")
@click.option("--scopes", required=True, help="Comma-separated: read, write, ...")
@click.option("--days", type=int, help="Days until it expires (default: never).")
def tokens_create(email, name, scopes, days):
    """Make a token for the staff account EMAIL and print it (only this once)."""
    owner = _account(email)
    try:
        _token, plain = create_token(owner, name, scopes.split(","), days, None)
    except InvalidInput as error:
        _refuse(error.message)
    db.session.commit()
    click.echo(plain)


@tokens.command("revoke")
@click.argument("name")
@click.option("--user", "email", required=True, help="The token owner's email.")
def tokens_revoke(name, email):
    """Revoke the token NAME of the account EMAIL: calls with it are refused from now on."""
    token = find_token(_account(email), name)
    if token is None:
        _refuse(f"{email} has no token called {name}.")
    if revoke_token(token, None):
        db.session.commit()
        click.echo(f"Revoked the token {name} of {email}.")
    else:
        click.echo(f"The token {name} of {email} was revoked already.")


@tokens.command("list")
@click.option("--user", "email", help="Only this account's tokens.")
def tokens_list(email):
    """The tokens (of one account, or everyone's), newest first: prefix, owner, name, scopes,
    state."""
    for token in list_tokens(_account(email) if email else None):
        if token.revoked_at:
            state = f"revoked {token.revoked_at:%Y-%m-%d}"
        elif token.expires_at:
            state = f"expires {token.expires_at:%Y-%m-%d}"
        else:
            state = "never expires"
        used = f"{token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else "never used"
        click.echo(
            f"ea_{token.prefix}…\t{token.user.email}\t{token.name}\t"
            f"{','.join(token.scopes)}\t{state}\t{used}"
        )
