"""Subscriptions (added, changed, switched on or off, deleted: each in the action log) and the
deliveries they are owed: what happens is queued in the transaction that made it happen
(``hooks``), a test ping and a redelivery by hand. Nothing here commits or sends."""

import json
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select

from ..accounts.models import Role, User
from ..catalogue.models import Programme
from ..core.actions import describe, log_action
from ..core.errors import InvalidInput
from ..core.validation import is_one_line
from ..extensions import db
from ..mail.services import wake_the_worker
from .events import PING, TYPES, Happening
from .models import DeliveryStatus, WebhookDelivery, WebhookSubscription
from .targets import check_url

SECRET_MIN, SECRET_MAX = 16, 200

ADDED = describe("webhook.added", _l("Added the webhook %(object)s"))
CHANGED = describe("webhook.changed", _l("Changed the webhook %(object)s"))
SWITCHED_ON = describe("webhook.switched_on", _l("Switched on the webhook %(object)s"))
SWITCHED_OFF = describe("webhook.switched_off", _l("Switched off the webhook %(object)s"))
GAVE_UP = describe(
    "webhook.gave_up",
    _l("Switched off the webhook %(object)s after %(failures)s deliveries failed in a row"),
)
DELETED = describe("webhook.deleted", _l("Deleted the webhook %(object)s"))
REDELIVERED = describe("webhook.redelivered", _l("Sent again delivery %(delivery)s of %(object)s"))
PINGED = describe("webhook.pinged", _l("Sent a test ping to %(object)s"))


@dataclass
class SubscriptionInput:
    url: str
    events: list[str]
    secret: str | None = None  # None or "": a new subscription gets one made; an edit keeps its
    programme_id: int | None = None  # None: every programme
    active: bool = True


def subscriptions_of(user: User) -> Select:
    """The subscriptions a staff member sees: their own; an administrator's, everyone's."""
    stmt = select(WebhookSubscription).order_by(WebhookSubscription.id)
    if user.role != Role.ADMIN:
        stmt = stmt.where(WebhookSubscription.owner_id == user.id)
    return stmt


def may_see(user: User, subscription: WebhookSubscription) -> bool:
    return user.role == Role.ADMIN or subscription.owner_id == user.id


def save_subscription(
    subscription: WebhookSubscription,
    data: SubscriptionInput,
    actor: User | None,
    allow_private: bool,
    owner: User | None = None,
) -> str | None:
    """Add (with ``owner``) or change a subscription, after checking every field; returns the
    secret when one was made (shown once), else None."""
    url = check_url(data.url, allow_private)
    events = _checked_events(data.events)
    if data.programme_id is not None and db.session.get(Programme, data.programme_id) is None:
        raise InvalidInput("programme_id", _("No such programme."))
    made = None
    secret = data.secret or None
    if secret is not None:
        _check_secret(secret)
    elif subscription.id is None:
        secret = made = "whsec_" + secrets.token_urlsafe(32)
    before = _shown(subscription) if subscription.id else None
    subscription.url, subscription.events = url, events
    subscription.programme_id, subscription.active = data.programme_id, data.active
    if secret is not None:
        subscription.secret = secret
    if subscription.id is None:
        subscription.owner = owner
        db.session.add(subscription)
        log_change(subscription, ADDED, actor, _shown(subscription))
    elif (after := _shown(subscription)) != before or secret is not None:
        changed = {k: [before[k], v] for k, v in after.items() if before[k] != v}
        log_change(
            subscription, CHANGED, actor, {"changes": changed, "new_secret": secret is not None}
        )
    return made


def _checked_events(events: list[str]) -> list[str]:
    unknown = [e for e in events if e not in TYPES]
    if unknown:
        raise InvalidInput("events", _("Unknown: %(names)s.", names=", ".join(unknown)[:200]))
    if not events:
        raise InvalidInput("events", _("Choose at least one."))
    return [e for e in TYPES if e in events]  # in the list's order, once each


def _check_secret(secret: str) -> None:
    if not SECRET_MIN <= len(secret) <= SECRET_MAX:
        raise InvalidInput(
            "secret",
            _("Between %(low)d and %(high)d characters.", low=SECRET_MIN, high=SECRET_MAX),
        )
    if not is_one_line(secret) or secret != secret.strip():
        raise InvalidInput("secret", _("One line, without spaces around it."))


def _shown(subscription: WebhookSubscription) -> dict:
    """What the log records of a subscription (never its secret)."""
    return {
        "url": subscription.url,
        "events": list(subscription.events),
        "programme_id": subscription.programme_id,
        "active": subscription.active,
    }


def log_change(subscription: WebhookSubscription, action: str, actor, data: dict | None = None):
    """A line of the action log on a subscription, in its owner's history too."""
    owner_id = subscription.owner.id if subscription.owner else subscription.owner_id
    log_action(
        subscription,
        action,
        actor,
        data,
        label=subscription.url,
        event_id=None,
        account_id=owner_id,
    )


def set_active(subscription: WebhookSubscription, active: bool, actor: User | None) -> None:
    """Switch a subscription on (its failures forgotten) or off; deliveries wait meanwhile."""
    if subscription.active == active:
        return
    subscription.active = active
    if active:
        subscription.consecutive_failures = 0
        wake_the_worker()
    log_change(subscription, SWITCHED_ON if active else SWITCHED_OFF, actor)


def delete_subscription(subscription: WebhookSubscription, actor: User | None) -> None:
    """With its deliveries (the log keeps its address)."""
    log_change(subscription, DELETED, actor)
    db.session.delete(subscription)


def redeliver(delivery: WebhookDelivery, actor: User | None, now: datetime) -> None:
    """Send a delivery again, with the same id and body (a receiver that kept it drops it);
    its retries start over."""
    delivery.status = DeliveryStatus.PENDING
    delivery.next_attempt_at = now
    delivery.attempts = 0
    log_change(delivery.subscription, REDELIVERED, actor, {"delivery": delivery.id})
    wake_the_worker()


def ping(subscription: WebhookSubscription, actor: User | None, now: datetime) -> WebhookDelivery:
    """A test delivery of type ``ping``, whatever the subscription asks for."""
    delivery = add_delivery(
        subscription, Happening(PING, None, {"subscription": subscription.id}), now
    )
    log_change(subscription, PINGED, actor)
    return delivery


def add_delivery(
    subscription: WebhookSubscription, happening: Happening, now: datetime
) -> WebhookDelivery:
    delivery = WebhookDelivery(
        id=str(uuid.uuid4()),
        subscription=subscription,
        type=happening.type,
        created_at=now,
        next_attempt_at=now,
        status=DeliveryStatus.PENDING,
        attempts=0,
    )
    delivery.body = body(delivery.id, happening.type, now, happening.data)
    db.session.add(delivery)
    wake_the_worker()
    return delivery


def body(delivery_id: str, kind: str, created: datetime, data: dict) -> str:
    """``{"id", "type", "created", "data"}`` as compact JSON (UTF-8, keys in a fixed order)."""
    document = {
        "id": delivery_id,
        "type": kind,
        "created": created.replace(microsecond=0).isoformat() + "Z",
        "data": data,
    }
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"))


def subscriptions() -> list[WebhookSubscription]:
    """Every subscription, on or off (one query)."""
    return list(db.session.scalars(select(WebhookSubscription)))


def queue(happenings: list[Happening], to: list[WebhookSubscription], now: datetime) -> int:
    """A delivery for each happening to each subscription of ``to`` that asks for its type,
    for its programme or for everything; one switched off too: its deliveries wait, and go when
    it is switched on again (the worker claims only active subscriptions' deliveries). Returns
    how many."""
    added = 0
    for happening in happenings:
        for subscription in to:
            if happening.type in subscription.events and subscription.programme_id in (
                None,
                happening.programme_id,
            ):
                add_delivery(subscription, happening, now)
                added += 1
    return added
