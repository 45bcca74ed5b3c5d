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


def test_home_filters_by_month_without_a_year_meaning_the_next_such_month(client, make, today):
    soon = today + timedelta(days=45)
    make.event(title="Course next month", date_text=soon.isoformat())
    make.event(title="Course a year later", date_text=(soon + timedelta(days=366)).isoformat())
    page = client.get(f"/?month={soon.month}").data.decode()
    assert "Course next month" in page
    assert "Course a year later" not in page
    assert "Choose a year" not in page
