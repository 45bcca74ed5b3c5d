"""Markup every page relies on: fields tell assistive technology about their hint and errors
(the `field` macro), and wide tables scroll in a named region (the `scroll_table` macro)."""

import re
from pathlib import Path


def test_an_error_is_tied_to_its_field(staff_client):
    page = staff_client.post("/manage/events/new", data={"title": "", "date_text": "early March"})
    assert page.status_code == 200
    tag = re.search(r"<input[^>]*\bname=\"title\"[^>]*>", page.text).group(0)
    assert 'aria-invalid="true"' in tag
    described = re.search(r'aria-describedby="([^"]+)"', tag).group(1).split()
    for id_ in described:
        assert re.search(rf'<small class="(?:error|hint)" id="{id_}">', page.text)
    assert any(id_.startswith("title-error") for id_ in described)


def test_a_day_of_a_hundred_thousand_characters_is_refused_briefly(staff_client, make):
    """The day field takes a phrase of a few words: more is refused without echoing it all."""
    event = make.event(title="Course", date_text="18-22 April 2016")
    page = staff_client.post(
        f"/manage/events/{event.id}/agenda/", data={"title": "Opening", "day": "5 " * 50_000}
    )
    assert page.status_code == 400 and "Write one day" in page.text
    assert len(page.text) < 60_000
    assert 'maxlength="60"' in staff_client.get(f"/manage/events/{event.id}/agenda/").text


def test_every_table_scrolls_in_a_named_region_on_a_small_screen(app):
    """A table outside the macro would widen a phone's page, or scroll with no name to reach it."""
    templates = Path(app.root_path).parent / "templates"
    outside = []
    for template in templates.rglob("*.html"):
        text = template.read_text()
        for table in re.finditer(r"<table", text):
            before = text[: table.start()]
            if before.rfind("{% call scroll_table(") <= before.rfind("{% endcall %}"):
                outside.append(template.name)
    assert outside == []


def test_the_scrolling_region_is_named_and_reached_with_the_keyboard(staff_client, make):
    event = make.open_event()
    staff_client.post(
        f"/manage/events/{event.id}/questions/", data={"label": "Your unit", "kind": "short_text"}
    )
    page = staff_client.get(f"/manage/events/{event.id}/questions/").text
    assert '<div class="table-scroll" role="region" tabindex="0" aria-label="Questions">' in page
