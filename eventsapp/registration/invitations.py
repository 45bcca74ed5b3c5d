"""Invitations: for events by invitation, signed links emailed to an authority's officials."""

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..accounts.models import User
from ..catalogue.models import Event
from ..catalogue.translations import localized
from ..core.errors import InvalidInput
from ..core.links import site_url
from ..core.tokens import INVITATION
from ..extensions import db
from ..mail.services import in_language, queue_email
from ..people.models import Organisation
from .models import Invitation
from .seats import RegistrationRefused


def invitation_token(invitation: Invitation) -> str:
    return INVITATION.sign({"i": invitation.id, "e": invitation.event_id})


def read_invitation(token: str, event: Event) -> Invitation:
    """The invitation a link carries; a tampered link or one for another event is refused."""
    data = INVITATION.read(token)
    invitation_id = data.get("i") if isinstance(data, dict) else None
    invitation = isinstance(invitation_id, int) and db.session.get(Invitation, invitation_id)
    if not invitation or invitation.event_id != event.id:
        raise RegistrationRefused(
            _("This invitation link is not valid. Copy it whole from the invitation email.")
        )
    return invitation


def check_invitation_email(invitation: Invitation, email: str) -> None:
    if invitation.email != email:
        raise InvalidInput(
            "email",
            _(
                "This invitation is for %(email)s: register with that address.",
                email=invitation.email,
            ),
        )


def invite(
    event: Event,
    organisation: Organisation,
    emails: list[str],
    by: User,
    now: datetime,
    locale: str | None = None,
) -> list[Invitation]:
    """Invite officials of an authority by email (again, for those invited before), written in
    ``locale`` (the language staff chose for them; the site's default when None)."""
    invitations = []
    for email in dict.fromkeys(e.strip().lower() for e in emails if e.strip()):
        invitation = db.session.scalar(
            select(Invitation).where(Invitation.event_id == event.id, Invitation.email == email)
        )
        if invitation is None:
            invitation = Invitation(
                event_id=event.id, organisation=organisation, email=email, created_by_id=by.id
            )
            db.session.add(invitation)
            db.session.flush()
        invitations.append(invitation)
        with in_language(locale):
            subject = _("Invitation to register: %(title)s", title=localized(event, "title"))
        queue_email(
            email,
            subject,
            "invitation",
            locale=locale,
            event=event,
            organisation=organisation,
            event_url=site_url("site.event_page", event_id=event.id),
            register_url=site_url(
                "registration.register", event_id=event.id, invitation=invitation_token(invitation)
            ),
        )
    return invitations


def invitations_of(event: Event) -> list[Invitation]:
    return list(
        db.session.scalars(
            select(Invitation)
            .where(Invitation.event_id == event.id)
            .options(joinedload(Invitation.organisation))
            .order_by(Invitation.created_at.desc(), Invitation.id.desc())
        )
    )
