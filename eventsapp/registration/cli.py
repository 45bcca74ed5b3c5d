"""``flask registration tick`` and ``flask mail send``: one round of what the worker does, for
cron or by hand."""

import click

from ..core.clock import utcnow
from ..mail.sender import send_due

registration = click.Group("registration", help="Registrations: waiting list and reminders.")
mail = click.Group("mail", help="The email outbox.")


def _send_due() -> None:
    sent, failed = send_due()
    click.echo(f"Emails: {sent} sent, {failed} failed.")


@registration.command("tick")
def registration_tick():
    """Pass on expired seat offers, offer free seats, send reminders, then send due emails."""
    from .cron import tick

    done = tick(utcnow())  # each event's offers committed on their own
    click.echo(", ".join(f"{name}: {count}" for name, count in done.items()))
    _send_due()


@mail.command("send")
def mail_send():
    """Send (or retry) the emails that are due."""
    _send_due()
