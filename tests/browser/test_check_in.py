"""Check-in at the door in real Chromium: a name found as one types, a badge code typed, and a
badge's QR code read by the camera (Chromium's fake camera playing a video of the badge)."""

import io
import re
from datetime import date

import pytest
import segno
from PIL import Image
from playwright.sync_api import expect

from eventsapp.core.clock import utcnow
from eventsapp.registration.models import Registration
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, sign_in
from tests.documents_helpers import badge_code
from tests.session_helpers import add_sessions

pytestmark = pytest.mark.browser

WIDTH, HEIGHT, FRAMES = 640, 480, 10


@pytest.fixture
def course(make, db):
    event = make.event(title="Specialization course", date_text="18-19 January 2016")
    people = [
        Registration(
            event_id=event.id,
            name=name,
            gender="female",
            email=f"officer{n}@example.org",
            country_code="GE",
            status=status,
            consent_at=utcnow(),
        )
        for n, (name, status) in enumerate(
            [("Nino Beridze", "approved"), ("Tamar Kapanadze", "approved"), ("Eka", "declined")]
        )
    ]
    db.session.add_all(people)
    db.session.commit()
    return event, people


def check_in_page(page, event):
    sign_in(page, "staff@example.org", "kettle-on-the-hob")
    page.goto(f"/manage/events/{event.id}/check-in?day=2016-01-18")
    counter = page.locator("[data-check-in-counter]")
    expect(counter).to_have_text("0 of 2 in")
    return counter


def test_staff_find_a_name_as_they_type_and_check_in(page, staff_user, course):
    event, _people = course
    counter = check_in_page(page, event)
    page.get_by_label("Find a name").press_sequentially("kapan")
    found = page.locator("[data-people] li")
    expect(found).to_have_count(1)
    expect(found).to_contain_text("Tamar Kapanadze")
    found.get_by_role("button", name="Check in").click()
    result = page.locator("[data-check-in-result]")
    expect(result).to_have_text("Tamar Kapanadze is checked in.")
    expect(counter).to_have_text("1 of 2 in")
    expect(found.locator(".badge")).to_have_text("In")

    page.get_by_label("Find a name").fill("")
    page.get_by_label("Find a name").press_sequentially("zzz")
    expect(found).to_have_text("Nobody with a place matches “zzz”.")
    page.get_by_label("Find a name").fill("")
    page.get_by_label("Find a name").press_sequentially("eka")  # declined: no place
    expect(found).to_have_text("Nobody with a place matches “eka”.")
    page.reload()
    expect(counter).to_have_text("1 of 2 in")


def test_staff_check_in_by_badge_code_without_leaving_the_page(page, staff_user, course):
    event, (nino, _tamar, declined) = course
    counter = check_in_page(page, event)
    code = page.get_by_label("Badge code")
    result = page.locator("[data-check-in-result]")
    code.fill(badge_code(nino))
    code.press("Enter")
    expect(result).to_have_text("Nino Beridze is checked in.")
    expect(counter).to_have_text("1 of 2 in")
    expect(code).to_have_value("")
    code.fill(badge_code(nino))
    page.get_by_role("button", name="Check in", exact=True).click()
    expect(result).to_have_text("Nino Beridze was checked in already today.")
    expect(result).to_have_class("check-in-result flash flash-warning")
    code.fill(badge_code(declined))
    code.press("Enter")
    expect(result).to_have_text("This badge is not one of this event's participants.")
    expect(counter).to_have_text("1 of 2 in")


def test_a_lapsed_session_says_to_sign_in_again(page, staff_user, course):
    event, (nino, *_) = course
    counter = check_in_page(page, event)
    page.context.clear_cookies()  # the session ends while the page stays open
    code = page.get_by_label("Badge code")
    code.fill(badge_code(nino))
    code.press("Enter")
    result = page.locator("[data-check-in-result]")
    expect(result).to_have_text("Your session has ended: sign in again, then scan again.")
    expect(result).to_have_class("check-in-result flash flash-error")
    expect(counter).to_have_text("0 of 2 in")


def test_an_error_the_site_answers_is_shown_as_it_is(page, staff_user, course):
    event, (nino, *_) = course
    check_in_page(page, event)
    page.route(
        re.compile(r"/check-in\?"),  # what the check-in is posted to
        lambda route: route.fulfill(
            status=503, json={"error": "The site cannot reach its database."}
        ),
    )
    code = page.get_by_label("Badge code")
    code.fill(badge_code(nino))
    code.press("Enter")
    expect(page.locator("[data-check-in-result]")).to_have_text(
        "The site cannot reach its database."
    )


def badge_video(path, token: str) -> None:
    """A few seconds of video (YUV4MPEG2, 4:2:0) of a badge's QR code held still in front of the
    camera: what Chromium's fake camera plays in a loop."""
    png = io.BytesIO()
    segno.make(token, error="m").save(png, kind="png", scale=8, border=4)
    code = Image.open(png).convert("L")
    frame = Image.new("L", (WIDTH, HEIGHT), 255)
    frame.paste(code, ((WIDTH - code.width) // 2, (HEIGHT - code.height) // 2))
    luma = frame.tobytes()
    chroma = bytes([128]) * (WIDTH // 2 * HEIGHT // 2)
    with open(path, "wb") as video:
        video.write(f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _frame in range(FRAMES):
            video.write(b"FRAME\n" + luma + chroma + chroma)


def test_the_camera_reads_a_badge_and_checks_its_holder_in(
    chromium, live_server, staff_user, course, tmp_path
):
    event, (nino, *_) = course
    video = tmp_path / "badge.y4m"
    badge_video(video, badge_code(nino))
    camera_args = [
        "--use-fake-device-for-media-stream",
        "--use-fake-ui-for-media-stream",
        f"--use-file-for-fake-video-capture={video}",
    ]
    browser = chromium.browser_type.launch(
        executable_path=CHROMIUM, args=CHROMIUM_ARGS + camera_args
    )
    try:
        context = browser.new_context(base_url=live_server, locale="en-GB")
        context.grant_permissions(["camera"])
        page = context.new_page()
        page.set_default_timeout(15_000)
        counter = check_in_page(page, event)
        page.get_by_role("button", name="Scan badges with the camera").click()
        expect(page.get_by_text("Hold a badge’s QR code in front of the camera.")).to_be_visible()
        result = page.locator("[data-check-in-result]")
        expect(result).to_have_text("Nino Beridze is checked in.")
        expect(counter).to_have_text("1 of 2 in")
        # The badge stays in front of the camera: read again a few seconds later, it is
        # already in, and nobody is counted twice.
        expect(result).to_have_text("Nino Beridze was checked in already today.")
        expect(counter).to_have_text("1 of 2 in")
        page.get_by_role("button", name="Stop the camera").click()
        expect(page.locator("video")).to_be_hidden()
    finally:
        browser.close()


def test_on_a_phone_the_sheet_keeps_the_name_beside_the_boxes(page, staff_user, make, db, course):
    """At 390 px, entering the ticked sheet: each row's name and its first boxes are on screen
    together, however long the organisation."""
    event, people = course
    organisation = make.organisation(name="Central Election Commission of Georgia (Tbilisi office)")
    people[0].organisation_id = organisation.id
    db.session.commit()
    add_sessions(db, event, {date(2016, 1, 18): ["Opening", "Voter lists", "Tallying"]})
    sign_in(page, "staff@example.org", "kettle-on-the-hob")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/manage/events/{event.id}/attendance/sheet/enter?day=2016-01-18")
    name = page.get_by_text("Nino Beridze", exact=True)
    box = page.get_by_label("Nino Beridze: Opening")
    expect(name).to_be_in_viewport()
    expect(box).to_be_in_viewport(ratio=1)
    box.check()
    # With many sessions the grid scrolls sideways, and the name stays in sight.
    page.locator(".table-scroll").evaluate("region => { region.scrollLeft = region.scrollWidth; }")
    expect(page.get_by_label("Nino Beridze: Tallying")).to_be_in_viewport(ratio=1)
    expect(name).to_be_in_viewport(ratio=1)
    page.get_by_role("button", name="Save the sheet").click()
    expect(page.get_by_text("1 ticked, 0 unticked")).to_be_visible()
