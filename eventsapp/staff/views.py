"""The staff home, ``/manage/``: what needs doing."""

from flask import Blueprint, render_template

from ..core.clock import utcnow
from .services import OFFER_WARNING, UPCOMING_DAYS, staff_home

bp = Blueprint("staff", __name__, url_prefix="/manage")


@bp.route("/")
def home():
    now = utcnow()
    return render_template(
        "staff/home.html",
        home=staff_home(now),
        now=now,
        today=now.date(),
        upcoming_days=UPCOMING_DAYS,
        offer_hours=int(OFFER_WARNING.total_seconds() // 3600),
    )
