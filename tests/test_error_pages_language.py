"""Error pages speak the visitor's language, and a number too large for any field is refused
beside it, never a 500."""


def test_a_page_not_found_is_said_in_spanish(client):
    page = client.get("/no-such-page", headers={"Accept-Language": "es"})
    assert page.status_code == 404
    assert "There is no such page" not in page.get_data(as_text=True)


def test_a_number_of_400_digits_is_refused_beside_its_field(staff_client, make):
    event = make.open_event()
    response = staff_client.post(
        f"/manage/events/{event.id}/registration", data={"capacity": "9" * 400}
    )
    assert response.status_code < 500
    assert "This number is too large." in response.get_data(as_text=True)
