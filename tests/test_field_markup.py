"""Fields tell assistive technology about their hint and errors (the `field` macro)."""

import re


def test_an_error_is_tied_to_its_field(staff_client):
    page = staff_client.post("/manage/events/new", data={"title": "", "date_text": "early March"})
    assert page.status_code == 200
    tag = re.search(r"<input[^>]*\bname=\"title\"[^>]*>", page.text).group(0)
    assert 'aria-invalid="true"' in tag
    described = re.search(r'aria-describedby="([^"]+)"', tag).group(1).split()
    for id_ in described:
        assert re.search(rf'<small class="(?:error|hint)" id="{id_}">', page.text)
    assert any(id_.startswith("title-error") for id_ in described)
