"""``/manage/webhooks``: staff's subscriptions (an administrator sees everyone's), each with its
delivery log, a test ping and redelivery."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..core.clock import utcnow
from ..core.errors import InvalidInput
from ..core.web import page_number, show_beside_field
from ..extensions import db
from .delivery import BACKOFF, MAX_FAILURES
from .events import TYPES
from .forms import ButtonForm, SubscriptionForm
from .models import WebhookDelivery, WebhookSubscription
from .services import (
    delete_subscription,
    may_see,
    ping,
    redeliver,
    save_subscription,
    set_active,
    subscriptions_of,
)

bp = Blueprint("webhooks", __name__, url_prefix="/manage/webhooks")
DELIVERIES_PER_PAGE = 25


def _subscription(subscription_id: int) -> WebhookSubscription:
    subscription = db.session.get(WebhookSubscription, subscription_id)
    if subscription is None or not may_see(current_user, subscription):
        abort(404)
    return subscription


@bp.route("/")
def subscriptions():
    listed = db.session.scalars(subscriptions_of(current_user)).all()
    return render_template("webhooks/list.html", subscriptions=listed, types=TYPES)


@bp.route("/new", methods=["GET", "POST"])
@bp.route("/<int:subscription_id>/edit", methods=["GET", "POST"])
def subscription_form(subscription_id: int | None = None):
    subscription = WebhookSubscription()
    if subscription_id is not None:
        subscription = _subscription(subscription_id)
    form = SubscriptionForm()
    if subscription.id and not form.is_submitted():
        form.fill(subscription)
    if form.validate_on_submit():
        try:
            made = save_subscription(
                subscription,
                form.to_input(),
                current_user,
                current_app.config["WEBHOOKS_ALLOW_PRIVATE"],
                owner=current_user,
            )
        except InvalidInput as error:
            show_beside_field(form, error)
        else:
            if made:  # shown once, on this page, never again
                return render_template(
                    "webhooks/secret.html", subscription=subscription, secret=made
                )
            flash(_("Saved the webhook %(url)s.", url=subscription.url), "success")
            return redirect(url_for(".subscription", subscription_id=subscription.id))
    page = render_template("webhooks/form.html", form=form, subscription=subscription)
    return page, 400 if form.errors else 200


@bp.route("/<int:subscription_id>")
def subscription(subscription_id: int):
    subscription = _subscription(subscription_id)
    deliveries = db.paginate(
        select(WebhookDelivery)
        .where(WebhookDelivery.subscription_id == subscription.id)
        .order_by(WebhookDelivery.created_at.desc(), WebhookDelivery.id),
        page=page_number(),
        per_page=DELIVERIES_PER_PAGE,
        error_out=False,
    )
    return render_template(
        "webhooks/subscription.html",
        subscription=subscription,
        deliveries=deliveries,
        types=TYPES,
        button=ButtonForm(),
        attempts=len(BACKOFF) + 1,
        max_failures=MAX_FAILURES,
    )


def _button(subscription_id: int) -> WebhookSubscription:
    subscription = _subscription(subscription_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    return subscription


@bp.route("/<int:subscription_id>/switch-on", methods=["POST"])
def switch_on(subscription_id: int):
    return _switch(subscription_id, True)


@bp.route("/<int:subscription_id>/switch-off", methods=["POST"])
def switch_off(subscription_id: int):
    return _switch(subscription_id, False)


def _switch(subscription_id: int, active: bool):
    subscription = _button(subscription_id)
    set_active(subscription, active, current_user)
    if active:
        flash(_("Switched on: deliveries waiting go now."), "success")
    else:
        flash(_("Switched off: deliveries wait until it is switched on again."), "success")
    return redirect(url_for(".subscription", subscription_id=subscription.id))


@bp.route("/<int:subscription_id>/ping", methods=["POST"])
def send_ping(subscription_id: int):
    subscription = _button(subscription_id)
    ping(subscription, current_user, utcnow())
    flash(_("A test ping is on its way: its delivery is at the top of the log."), "success")
    return redirect(url_for(".subscription", subscription_id=subscription.id))


@bp.route("/<int:subscription_id>/deliveries/<delivery_id>/redeliver", methods=["POST"])
def redeliver_one(subscription_id: int, delivery_id: str):
    subscription = _button(subscription_id)
    delivery = db.session.get(WebhookDelivery, delivery_id[:36])
    if delivery is None or delivery.subscription_id != subscription.id:
        abort(404)
    redeliver(delivery, current_user, utcnow())
    flash(_("Delivery %(id)s is sent again.", id=delivery.id), "success")
    return redirect(url_for(".subscription", subscription_id=subscription.id))


@bp.route("/<int:subscription_id>/delete", methods=["POST"])
def delete(subscription_id: int):
    subscription = _button(subscription_id)
    delete_subscription(subscription, current_user)
    flash(_("Deleted the webhook %(url)s.", url=subscription.url), "success")
    return redirect(url_for(".subscriptions"))
