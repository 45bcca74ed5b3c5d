"""What the public event page shows that no single capability owns."""

from ..catalogue.models import Event, EventStatus
from ..core.links import site_url
from ..registration.seats import Availability

SCHEMA_STATUS = {
    EventStatus.CANCELLED: "https://schema.org/EventCancelled",
    EventStatus.POSTPONED: "https://schema.org/EventPostponed",
}


def schema_org_event(event: Event, state: Availability) -> dict:
    """The event as schema.org JSON-LD, for search engines and calendars that read pages.

    A venue to be decided gives no location; capacities appear only when the event has one.
    """
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": event.title,
        "url": site_url("site.event_page", event_id=event.id),
        "startDate": (event.starts_at.isoformat() + "Z")
        if event.starts_at
        else event.starts_on.isoformat(),
        "endDate": (event.ends_at.isoformat() + "Z")
        if event.ends_at
        else event.ends_on.isoformat(),
        "eventStatus": SCHEMA_STATUS.get(event.status, "https://schema.org/EventScheduled"),
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
    }
    if event.purpose:
        data["description"] = " ".join(event.purpose)
    if event.venue:
        data["location"] = {
            "@type": "Place",
            "name": event.venue.place or event.venue.city or event.venue.country.name,
            "address": {
                "@type": "PostalAddress",
                "addressLocality": event.venue.city,
                "addressCountry": event.venue.country_code,
            },
        }
    if event.programme and event.programme.owner:
        data["organizer"] = {
            "@type": "Organization",
            "name": event.programme.owner.display_name,
        }
    if event.capacity is not None:
        data["maximumAttendeeCapacity"] = event.capacity
        data["remainingAttendeeCapacity"] = state.seats_left
    if event.languages:
        data["inLanguage"] = event.languages
    return data
