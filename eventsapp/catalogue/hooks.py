"""What the catalogue does when the capabilities below it change their rows (core.signals)."""

from sqlalchemy import or_, select, update

from ..core.signals import organisations_merging
from ..extensions import db
from ..people.models import Organisation
from .models import Event, event_partners


@organisations_merging.connect
def _events_showing_it_changed(organisation: Organisation, now, **_):
    """Events requested or co-organised by a merged organisation show another name now: their
    calendar entries are written again."""
    partnered = select(event_partners.c.event_id).where(
        event_partners.c.organisation_id == organisation.id
    )
    db.session.execute(
        update(Event)
        .where(or_(Event.id.in_(partnered), Event.requesting_authority_id == organisation.id))
        .values(updated_at=now)
    )
