from icalendar import Calendar


def test_an_event_downloads_as_an_all_day_calendar_entry(client, make):
    event = make.event(title="Second meeting of the Advisory Group", date_text="14-15 June 2011")
    response = client.get(f"/events/{event.id}.ics")
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert b"\r\n" in response.data
    [vevent] = Calendar.from_ical(response.data).walk("VEVENT")
    assert str(vevent["summary"]) == "Second meeting of the Advisory Group"
    assert vevent.decoded("dtstart").isoformat() == "2011-06-14"
    assert vevent.decoded("dtend").isoformat() == "2011-06-16"  # exclusive: the day after
    assert str(vevent["uid"]) == f"event-{event.id}@eventsapp"
    assert "STATUS" not in vevent  # planned: neither confirmed nor tentative


def test_a_tentative_event_is_marked_tentative(client, make):
    event = make.event(title="Launch", date_text="early March 2011 (tbc)", venue=None)
    [vevent] = Calendar.from_ical(client.get(f"/events/{event.id}.ics").data).walk("VEVENT")
    assert str(vevent["status"]) == "TENTATIVE"
    assert vevent.decoded("dtend").isoformat() == "2011-03-11"
    assert "early March 2011 (tbc)" in str(vevent["description"])
