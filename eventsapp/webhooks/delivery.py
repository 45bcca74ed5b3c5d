"""Sending deliveries: the worker's part of the webhooks (a step of every round, ``cron``).

Each delivery is POSTed with its JSON body, signed (``signing``), ``X-Eventsapp-Delivery: <id>``
and ``X-Eventsapp-Event: <type>``, within ``TIMEOUT`` seconds, redirects not followed. A 2xx
answer is a delivery; anything else (another code, no answer, an address refused) is retried
after ``BACKOFF`` (1 minute … 12 hours: about a day in all), then given up. A subscription whose
deliveries are given up ``MAX_FAILURES`` times in a row is switched off and its owner emailed.

**Claiming.** Deliveries due are taken in batches under ``SELECT … FOR UPDATE SKIP LOCKED`` (on
PostgreSQL; SQLite has one writer) and claimed by moving their next attempt ``LEASE`` ahead, in
a committed transaction: another worker skips them while they are locked and does not see them
as due after. They are then sent by a pool of ``THREADS`` threads that never touch the database
(connections kept per address: ``Sender``), and each answer is recorded in its own commit as
soon as it comes. So two workers never send the same delivery at once, and a worker stopped
between a send and its record (killed, a crash) sends that delivery once more when its lease
ends, with the same ``X-Eventsapp-Delivery``: at most once more, never lost.
"""

import logging
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from datetime import datetime, timedelta
from threading import Lock
from urllib.parse import urlsplit

import urllib3
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..core.links import site_url
from ..extensions import db
from ..mail.services import queue_email
from .models import DeliveryStatus, WebhookDelivery, WebhookSubscription
from .services import GAVE_UP, log_change
from .signing import signature
from .targets import RefusedTarget, address_to_send

log = logging.getLogger(__name__)

TIMEOUT = 10  # seconds for a receiver to answer
BACKOFF = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=6),
    timedelta(hours=12),
)  # after each failed attempt; after the last, given up (20 h 36 min after the first)
MAX_FAILURES = 10  # deliveries given up in a row before the subscription is switched off
LEASE = timedelta(minutes=2)  # a claimed delivery is due again if not recorded by then
THREADS = 8
BATCH = 32  # deliveries claimed at once
MAX_ANSWER = 64 * 1024  # bytes of a receiver's answer read (then the connection is closed)
USER_AGENT = "eventsapp-webhooks/1"


@dataclass(frozen=True)
class Parcel:
    """What a thread needs to send a delivery (no database object crosses threads)."""

    id: str
    type: str
    url: str
    secret: str
    body: bytes


@dataclass(frozen=True)
class Outcome:
    code: int | None  # the HTTP status, None without an answer
    duration_ms: int
    error: str | None = None

    @property
    def delivered(self) -> bool:
        return self.code is not None and 200 <= self.code < 300


class Sender:
    """POSTs deliveries, keeping a connection pool per checked address (and host name), shared
    by the threads."""

    def __init__(self, allow_private: bool):
        self.allow_private = allow_private
        self.pools: dict[tuple, urllib3.HTTPConnectionPool] = {}
        self.lock = Lock()

    def send(self, parcel: Parcel) -> Outcome:
        started = time.monotonic()
        try:
            code = self._post(parcel)
            error = None if 200 <= code < 300 else f"HTTP {code}"
        except RefusedTarget as refused:
            code, error = None, f"Refused: {refused}"
        except (urllib3.exceptions.HTTPError, OSError) as failure:
            code, error = None, f"{type(failure).__name__}: {failure}"
        return Outcome(code, round((time.monotonic() - started) * 1000), error and error[:2000])

    def _post(self, parcel: Parcel) -> int:
        parts = urlsplit(parcel.url)
        address = address_to_send(parts, self.allow_private)  # resolved and checked now
        timestamp = int(time.time())
        headers = {
            "Host": parts.netloc,
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            "X-Eventsapp-Signature": signature(parcel.secret, parcel.body, timestamp),
            "X-Eventsapp-Delivery": parcel.id,
            "X-Eventsapp-Event": parcel.type,
        }
        path = parts.path or "/"
        if parts.query:
            path += "?" + parts.query
        response = self._pool(parts, address).urlopen(
            "POST",
            path,
            body=parcel.body,
            headers=headers,
            retries=False,
            redirect=False,
            timeout=urllib3.Timeout(total=TIMEOUT),
            preload_content=False,
        )
        try:
            answer = response.read(MAX_ANSWER)
        except BaseException:
            response.close()
            raise
        if len(answer) < MAX_ANSWER:
            response.release_conn()  # read to its end: the connection serves the next one
        else:
            response.close()  # longer: not worth reading
        return response.status

    def _pool(self, parts, address: str) -> urllib3.HTTPConnectionPool:
        https = parts.scheme == "https"
        port = parts.port or (443 if https else 80)
        key = (https, address, port, parts.hostname)
        with self.lock:
            pool = self.pools.get(key)
            if pool is None:
                if https:  # connect to the address checked; the certificate is the name's
                    pool = urllib3.HTTPSConnectionPool(
                        address,
                        port,
                        maxsize=THREADS,
                        server_hostname=parts.hostname,
                        assert_hostname=parts.hostname,
                        cert_reqs="CERT_REQUIRED",
                    )
                else:
                    pool = urllib3.HTTPConnectionPool(address, port, maxsize=THREADS)
                self.pools[key] = pool
            return pool

    def close(self) -> None:
        for pool in self.pools.values():
            pool.close()


def deliver_due(now: datetime, limit: int = 1000) -> dict[str, int]:
    """Send the deliveries due at ``now``, at most ``limit``, recording each in its own commit.
    Returns how many were delivered, failed (an attempt) and given up."""
    done = {"delivered": 0, "failed": 0, "given up": 0}
    sender = Sender(current_app.config["WEBHOOKS_ALLOW_PRIVATE"])
    try:
        with ThreadPoolExecutor(THREADS, thread_name_prefix="webhook") as pool:
            while sum(done.values()) - done["given up"] < limit:
                parcels = claim(now, min(BATCH, limit))
                if not parcels:
                    break
                sending = {pool.submit(sender.send, parcel): parcel for parcel in parcels}
                for future in as_completed(sending):
                    for name, count in record(sending[future].id, future.result(), now).items():
                        done[name] += count
    finally:
        sender.close()
        db.session.rollback()
    return done


def claim(now: datetime, batch: int) -> list[Parcel]:
    """Up to ``batch`` deliveries due to active subscriptions, claimed (committed)."""
    rows = db.session.execute(
        select(WebhookDelivery, WebhookSubscription)
        .join(WebhookDelivery.subscription)
        .where(
            WebhookDelivery.status == DeliveryStatus.PENDING,
            WebhookDelivery.next_attempt_at <= now,
            WebhookSubscription.active.is_(True),
        )
        .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.created_at)
        .limit(batch)
        .with_for_update(skip_locked=True, of=WebhookDelivery)
    ).all()
    parcels = []
    for delivery, subscription in rows:
        delivery.next_attempt_at = now + LEASE
        parcels.append(
            Parcel(
                delivery.id,
                delivery.type,
                subscription.url,
                subscription.secret,
                delivery.body.encode(),
            )
        )
    db.session.commit()
    return parcels


def record(delivery_id: str, outcome: Outcome, now: datetime) -> dict[str, int]:
    """An attempt's outcome, committed at once (the delivery may have gone with its
    subscription meanwhile)."""
    delivery = db.session.get(WebhookDelivery, delivery_id, with_for_update=True)
    if delivery is None:
        db.session.commit()
        return {}
    subscription = delivery.subscription
    delivery.attempts += 1
    delivery.last_attempt_at = now
    delivery.response_code = outcome.code
    delivery.duration_ms = outcome.duration_ms
    delivery.last_error = outcome.error
    done = {}
    if outcome.delivered:
        delivery.status = DeliveryStatus.DELIVERED
        delivery.delivered_at = now
        subscription.consecutive_failures = 0
        done["delivered"] = 1
    elif delivery.attempts <= len(BACKOFF):
        delivery.next_attempt_at = now + BACKOFF[delivery.attempts - 1]
        done["failed"] = 1
    else:
        delivery.status = DeliveryStatus.FAILED
        done["failed"] = done["given up"] = 1
        _gave_up(subscription)
    db.session.commit()
    return done


def _gave_up(subscription: WebhookSubscription) -> None:
    subscription.consecutive_failures += 1
    if subscription.active and subscription.consecutive_failures >= MAX_FAILURES:
        subscription.active = False
        log_change(subscription, GAVE_UP, None, {"failures": subscription.consecutive_failures})
        owner = subscription.owner
        if owner is not None and owner.active:
            queue_email(
                owner.email,
                _l("Webhook switched off: %(url)s", url=subscription.url),
                "webhook_switched_off",
                locale=owner.locale,
                name=owner.name or owner.email,
                url=subscription.url,
                failures=subscription.consecutive_failures,
                page_url=site_url("webhooks.subscription", subscription_id=subscription.id),
            )
