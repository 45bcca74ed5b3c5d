"""Flask commands: ``users``, ``demo`` and ``countries``."""

import click
from flask import Flask
from sqlalchemy import func, select

from .accounts.models import Role
from .accounts.services import AccountError, create_user, ensure_admin
from .core.dates import FIRST_YEAR, LAST_YEAR
from .extensions import db

users = click.Group("users", help="Accounts.")
demo = click.Group("demo", help="Demo and synthetic data.")
countries = click.Group("countries", help="The shipped country list.")


@users.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--password", help="Asked for when not given.")
@click.option("--name", default="")
def users_create(email, role, password, name):
    """Create an account."""
    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        create_user(email, role, password, name=name)
    except AccountError as error:
        raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo(f"Created {role} account {email}.")


@users.command("ensure-admin")
@click.option("--email", default="admin@example.org")
def users_ensure_admin(email):
    """Create the first administrator, printing its password once, if there is none."""
    created = ensure_admin(email)
    if created is None:
        click.echo("An administrator exists already (use the password printed when it was made).")
        return
    user, password = created
    db.session.commit()
    click.echo("\n" + "=" * 60)
    click.echo("  Administrator created. Sign in at /login with:")
    click.echo(f"    email:    {user.email}")
    click.echo(f"    password: {password}")
    click.echo("  This password is shown only once.")
    click.echo("=" * 60 + "\n")


@demo.command("load")
@click.option("--if-empty", is_flag=True, help="Only when the database has no programme yet.")
def demo_load(if_empty):
    """Load the CICIE and PPIEP programmes from the seed documents (idempotent)."""
    from .catalogue.models import Programme
    from .demo.services import load_demo

    if if_empty and db.session.scalar(select(func.count(Programme.id))):
        click.echo("Programmes exist already; demo data not loaded.")
        return
    added = load_demo()
    db.session.commit()
    for programme, count in added.items():
        click.echo(f"{programme}: {count} events added.")


@demo.command("synth")
@click.option("--events", type=click.IntRange(0, 1_000_000), default=1000)
@click.option("--participants", type=click.IntRange(0, 10_000_000), default=0)
@click.option("--year", type=click.IntRange(FIRST_YEAR, LAST_YEAR), required=True)
@click.option("--sessions-per-event", type=click.IntRange(0, 100), default=0)
def demo_synth(events, participants, year, sessions_per_event):
    """Synthetic events (and participants) at scale, for benchmarks."""
    from .demo.services import synthesise, synthesise_participants

    programme = synthesise(events, year, sessions_per_event=sessions_per_event)
    added = synthesise_participants(programme, participants)
    db.session.commit()
    click.echo(f"Added {events} events and {added} registrations to {programme.name}.")


@countries.command("sync")
def countries_sync():
    """Bring the countries table in line with the shipped list."""
    from .people.services import sync_countries

    added = sync_countries()
    db.session.commit()
    click.echo(f"Countries up to date ({added} added).")


def register(app: Flask) -> None:
    from .api.token_cli import tokens
    from .ops.backup import backup
    from .ops.deploy import check_deploy
    from .plans.cli import plan
    from .registration.cli import mail, registration
    from .webhooks.cli import webhooks
    from .worker import jobs

    for group in (
        users,
        demo,
        countries,
        registration,
        mail,
        jobs,
        backup,
        check_deploy,
        plan,
        tokens,
        webhooks,
    ):
        app.cli.add_command(group)
