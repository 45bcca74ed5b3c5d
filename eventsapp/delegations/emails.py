"""The emails of delegations: to a focal point (in their language: they are not a participant),
and to nominees (participant emails, in the registration's language)."""

from flask_babel import lazy_gettext as _l

from ..catalogue.models import Event
from ..core.links import site_url
from ..core.tokens import DELEGATION, NOMINEE
from ..extensions import db
from ..mail.services import in_language, queue_email
from ..registration.models import Registration
from ..registration.notifications import localized_title, participant_email
from .models import Delegation, Nomination


def focal_point_link(delegation: Delegation) -> str:
    """The focal point's page, as emailed: it works in the first browser that opens it."""
    token = DELEGATION.sign({"d": delegation.id, "v": delegation.link_version})
    return site_url("delegations.focal_point", token=token)


def nominee_link(registration: Registration) -> str:
    """Where a nominee completes their own registration."""
    nomination_id = db.session.scalar(
        db.select(Nomination.id).where(Nomination.registration_id == registration.id)
    )
    token = NOMINEE.sign({"n": nomination_id, "r": registration.id})
    return site_url("delegations.nominee", token=token)


def tell_focal_point(delegation: Delegation, template: str, subject, **context):
    """Queue ``templates/emails/<template>.txt`` to the focal point, in their language."""
    event: Event = delegation.event
    with in_language(delegation.focal_language):
        subject = str(subject) % {"title": localized_title(event)}
    return queue_email(
        delegation.focal_email,
        subject,
        template,
        locale=delegation.focal_language,
        delegation=delegation,
        event=event,
        event_url=site_url("site.event_page", event_id=event.id),
        page_url=focal_point_link(delegation),
        **context,
    )


# To a nominee given a place (at once, or moved up from the reserves): complete the registration.
NOMINATED = participant_email(
    "nominated",
    _l("You are nominated: %(title)s"),
    complete_url=nominee_link,
)

# To a nominee whose authority withdrew or replaced them.
NOMINATION_ENDED = participant_email("nomination_ended", _l("Your nomination ended: %(title)s"))
