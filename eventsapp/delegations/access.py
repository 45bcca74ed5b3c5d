"""Who may act for a delegation on its page: the browser that first opened the focal point's
emailed link (by its button), a browser that proved the focal point's address since (a fresh
link emailed to it), or the focal point signed in with an account of that address.

A link forwarded to someone else, opened after the focal point's own browser, asks its holder
to confirm the focal point's address; only the focal point's mailbox receives the fresh link,
and it ends the older links (and the browsers they opened)."""

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from ..core.actions import describe, log_action
from ..core.tokens import DELEGATION, ids_in
from ..extensions import db
from ..people.persons import person_for_address
from .emails import tell_focal_point
from .models import Delegation

OPENED = describe("delegation.opened", _l("The focal point of %(object)s opened its page"))


@dataclass(frozen=True)
class LinkReading:
    delegation: Delegation | None
    current: bool  # the link's version is the delegation's last


def read_link(token: str) -> LinkReading:
    value = DELEGATION.read(token)
    ids = ids_in([value.get("d"), value.get("v")], 2) if isinstance(value, dict) else None
    if ids is None:
        return LinkReading(None, False)
    delegation = db.session.get(
        Delegation,
        ids[0],
        options=[joinedload(Delegation.event), joinedload(Delegation.organisation)],
    )
    return LinkReading(delegation, delegation is not None and delegation.link_version == ids[1])


def pass_of(delegation: Delegation) -> list[int]:
    """What a browser keeps (in its session) once it may act for the delegation."""
    return [delegation.id, delegation.link_version]


def may_act(delegation: Delegation, passes: list, account) -> bool:
    """Whether a browser holding ``passes`` (or signed in as ``account``) acts for it."""
    if account is not None and getattr(account, "email", "").lower() == delegation.focal_email:
        return True
    return pass_of(delegation) in passes


def may_open(delegation: Delegation) -> bool:
    """Whether the link's button still opens the page in a new browser (never used)."""
    return not delegation.link_used


def open_page(delegation: Delegation, now: datetime) -> None:
    """The focal point opened the emailed link in this browser (the first): it was delivered to
    their address, which proves it."""
    delegation.link_used = True
    if delegation.opened_at is None:
        delegation.opened_at = now
        log_action(
            delegation, OPENED, delegation.focal_name, at=now, label=delegation.organisation.name
        )
    if delegation.focal_person_id is None:
        delegation.focal_person = person_for_address(
            delegation.focal_email,
            now,
            name=delegation.focal_name,
            country_code=delegation.organisation.country_code,
            organisation=delegation.organisation,
        )


def send_fresh_link(delegation: Delegation, email: str) -> bool:
    """Someone in another browser says they are the focal point: a fresh link goes to the focal
    point's address (the only one that can receive it), if ``email`` is it. Older links stop
    working. Whether it was sent (never told to the browser: it would confirm the address)."""
    if email.strip().lower() != delegation.focal_email:
        return False
    delegation.link_version += 1
    delegation.link_used = False
    tell_focal_point(delegation, "delegation_link", _l("Your link to the delegation: %(title)s"))
    return True
