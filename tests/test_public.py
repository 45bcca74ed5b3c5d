from datetime import date, timedelta


def test_home_lists_upcoming_events_in_date_order(client, make, today):
    soon = today + timedelta(days=10)
    later = today + timedelta(days=60)
    make.event(title="Later course", date_text=later.isoformat())
    make.event(title="Soon workshop", date_text=soon.isoformat())
    make.event(title="Past seminar", date_text="18-19 January 2011")
    make.event(title="Cancelled forum", date_text=soon.isoformat(), status="cancelled")
    page = client.get("/").data.decode()
    assert page.index("Soon workshop") < page.index("Later course")
    assert "Past seminar" not in page
    assert "Cancelled forum" not in page


def test_home_filters_by_kind_region_and_language(client, make, today):
    day = (today + timedelta(days=30)).isoformat()
    make.event(
        title="Course for Africa",
        date_text=day,
        kind="specialization_course",
        requesting_countries=["KE"],
        languages=["en"],
    )
    make.event(title="Workshop in Mexico", date_text=day, languages=["es"])
    page = client.get("/?region=Africa").data.decode()
    assert "Course for Africa" in page and "Workshop in Mexico" not in page
    page = client.get("/?language=es").data.decode()
    assert "Workshop in Mexico" in page and "Course for Africa" not in page
    page = client.get("/?kind=specialization_course").data.decode()
    assert "Course for Africa" in page and "Workshop in Mexico" not in page


def test_home_says_what_to_do_when_empty(client, db):
    page = client.get("/").data.decode()
    assert "No upcoming events match" in page


def test_event_page_escapes_what_staff_typed(client, make):
    event = make.event(
        title="<script>alert(1)</script> Forum",
        date_text=(date.today() + timedelta(days=5)).isoformat(),
    )
    page = client.get(f"/events/{event.id}").data.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Forum" in page


def test_missing_event_is_a_404_page(client, db):
    response = client.get("/events/12345")
    assert response.status_code == 404
    assert b"There is no such page" in response.data


def test_a_month_without_a_year_means_its_next_occurrence(client, make, today):
    next_month = (today.replace(day=1) + timedelta(days=32)).replace(day=10)
    make.event(title="Seminar next month", date_text=next_month.isoformat())
    year_after = next_month.replace(year=next_month.year + 1)
    make.event(title="The year after", date_text=year_after.isoformat())
    page = client.get(f"/?month={next_month.month}").data.decode()
    assert "Seminar next month" in page
    assert "The year after" not in page


def test_with_nothing_upcoming_the_home_shows_what_was_recently_held(client, make):
    make.event(
        title="Specialization course on voter registration",
        date_text="27-31 May 2013",
        status="held",
    )
    page = client.get("/").data.decode()
    assert "No upcoming events match" in page
    assert "Recently held" in page
    assert "Specialization course on voter registration" in page


def test_staff_see_how_to_open_registration_from_the_event_page(app, staff_client, make):
    event = make.event(title="Course", date_text=(date.today() + timedelta(days=40)).isoformat())
    page = staff_client.get(f"/events/{event.id}").data.decode()
    assert "Delegates cannot register online for this event yet." in page
    assert f'href="/manage/events/{event.id}/registration"' in page
    public = app.test_client().get(f"/events/{event.id}").data.decode()
    assert "Delegates cannot register online" not in public


def test_the_window_is_shown_only_when_it_says_more_than_the_phrase(client, make):
    exact = make.event(title="Exact", date_text="4-5 March 2011")
    approximate = make.event(title="Approximate", date_text="early March 2011 (tbc)")
    month = make.event(title="Month", date_text="February 2016 (tbc)")
    assert "(4–5 March 2011)" not in client.get(f"/events/{exact.id}").data.decode()
    assert "(1–10 March 2011)" in client.get(f"/events/{approximate.id}").data.decode()
    assert "(February 2016)" not in client.get(f"/events/{month.id}").data.decode()


def test_a_past_event_leads_back_to_its_years_calendar(client, make):
    event = make.event(title="First meeting of the Advisory Group", date_text="18-19 January 2011")
    page = client.get(f"/events/{event.id}").data.decode()
    assert 'href="/calendar/2011">Calendar of activities 2011</a>' in page
