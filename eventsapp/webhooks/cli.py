"""``flask webhooks add URL --events E1,E2 --secret S [--programme ID] [--owner EMAIL]``,
``webhooks list``, ``webhooks remove ID``: subscriptions from deployment scripts. Bad input is
said on standard error with exit status 2, and nothing is written."""

import click
from flask import current_app
from sqlalchemy import func, select

from ..accounts.models import User
from ..core.errors import InvalidInput
from ..extensions import db
from .models import WebhookSubscription
from .services import SubscriptionInput, delete_subscription, save_subscription

webhooks = click.Group("webhooks", help="Webhook subscriptions.")


def _refuse(message: str):
    db.session.rollback()
    click.echo(f"Error: {message}", err=True)
    raise click.exceptions.Exit(2)


@webhooks.command("add")
@click.argument("url")
@click.option("--events", required=True, help="Comma-separated: registration.approved,...")
@click.option(
    "--secret", help="Signs the deliveries (16-200 characters); made and printed if not given."
)
@click.option("--programme", type=int, help="A programme's id; every programme when not given.")
@click.option("--owner", help="The staff account told if it is switched off (email).")
def add(url, events, secret, programme, owner):
    """Subscribe URL to the events named."""
    account = None
    if owner is not None:
        account = db.session.scalar(select(User).where(func.lower(User.email) == owner.lower()))
        if account is None or not account.is_staff:
            _refuse(f"--owner: no staff account {owner}.")
    data = SubscriptionInput(
        url=url,
        events=[e.strip() for e in events.split(",") if e.strip()],
        secret=secret,
        programme_id=programme,
    )
    subscription = WebhookSubscription()
    try:
        made = save_subscription(
            subscription, data, None, current_app.config["WEBHOOKS_ALLOW_PRIVATE"], owner=account
        )
    except InvalidInput as error:
        _refuse(f"{error.field}: {error.message}")
    db.session.commit()
    click.echo(f"Added webhook {subscription.id}: {subscription.url}")
    if made:
        click.echo(f"Its secret (shown once): {made}")


@webhooks.command("list")
def list_subscriptions():
    """Every subscription: id, state, address, events, programme, owner."""
    for s in db.session.scalars(select(WebhookSubscription).order_by(WebhookSubscription.id)):
        state = "on" if s.active else "off"
        owner = s.owner.email if s.owner else "-"
        programme = s.programme_id or "all"
        click.echo(f"{s.id}\t{state}\t{s.url}\t{','.join(s.events)}\t{programme}\t{owner}")


@webhooks.command("remove")
@click.argument("subscription_id", type=int)
def remove(subscription_id):
    """Delete a subscription and its delivery log."""
    subscription = db.session.get(WebhookSubscription, subscription_id)
    if subscription is None:
        _refuse(f"no webhook {subscription_id}.")
    delete_subscription(subscription, None)
    db.session.commit()
    click.echo(f"Removed webhook {subscription_id}.")
