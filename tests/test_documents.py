"""Documents (issue 24): a programme's certificates and badges made by one engine, with its
centre, partners, signatories and wording; serials, QR codes to a verification page, and
revocation. Read as the holder and a verifier read them: the PDF's text (pypdf), its QR codes (a
barcode reader), the page the code leads to."""

import io
import itertools
import re
from datetime import date, timedelta
from html import unescape

import pytest
from flask_migrate import downgrade, upgrade
from PIL import Image
from pypdf import PdfReader
from sqlalchemy import select, text

from eventsapp import create_app
from eventsapp.attendance.models import CheckIn
from eventsapp.catalogue.models import Programme
from eventsapp.core.clock import utcnow
from eventsapp.demo.services import load_demo
from eventsapp.documents.models import Document, OrganisationLogo
from eventsapp.extensions import db as _db
from eventsapp.people.services import merge_organisations
from eventsapp.registration.models import Registration
from tests.conftest import login
from tests.documents_helpers import badge_code, pdf_text, qr_codes, words

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

NUMBERS = itertools.count(1)
CICIE_ES = "Centro Internacional de Capacitación e Investigación Electoral (CICIE)"


@pytest.fixture
def cicie(db) -> Programme:
    """CICIE as the demo has it: its founders and associate partners with their logos, its
    centre's names, two signatories."""
    load_demo()
    db.session.commit()
    return db.session.scalar(select(Programme).where(Programme.key == "cicie"))


def delegate(db, event, user=None, name="Ana Lucía Pérez", locale="es", status="approved"):
    registration = Registration(
        event_id=event.id,
        user_id=user.id if user else None,
        name=name,
        gender="female",
        email=user.email if user else f"delegate{next(NUMBERS)}@example.org",
        country_code="PE",
        position="Directora de capacitación electoral",
        status=status,
        locale=locale,
        consent_at=utcnow(),
    )
    db.session.add(registration)
    db.session.commit()
    return registration


def png(width=300, height=100) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), "#336699").save(out, "PNG")
    return out.getvalue()


def path_of(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


# ---------------------------------------------------------------- what the issue asks for


def test_a_delegate_downloads_her_badge_then_a_signed_certificate_that_verifies_by_its_qr_code(
    app, staff_client, db, make, cicie, delegate_user
):
    """The issue's "done when": a delegate from Peru, in Spanish, downloads her badge; after the
    course, a certificate naming CICIE and its partners, signed, reading "con una asistencia de
    3 días", that verifies by its QR code."""
    course = make.event(
        title="Curso de especialización en justicia electoral",
        date_text="7-9 March 2016",
        programme_id=cicie.id,
        kind="specialization_course",
        languages=["es", "en"],
    )
    delegate(db, course, delegate_user)
    phone = app.test_client()
    login(phone, delegate_user)

    mine = phone.get("/me/registrations").text
    badge_link = re.search(r'href="(/me/registrations/\d+/badge\.pdf)"', mine).group(1)
    badge = phone.get(badge_link)
    text = words(pdf_text(badge))
    assert "Ana Lucía Pérez" in text and "Curso de especialización en justicia electoral" in text
    assert CICIE_ES in text  # the badge is in the event's language (Spanish first)
    assert "Perú · Delegada" in text and "Delegado(a)" not in text  # her role, as she is called
    (badge_url,) = qr_codes(badge.data)

    for day in ("2016-03-07", "2016-03-08", "2016-03-09"):  # the badge's QR code, scanned
        staff_client.post(
            f"/manage/events/{course.id}/check-in", data={"token": badge_url, "day": day}
        )
    staff_client.post(f"/manage/events/{course.id}/certificates")

    mine = phone.get("/me/registrations").text
    link = re.search(r'href="(/documents/[\w-]+\.pdf)"', mine).group(1)
    certificate = phone.get(link)
    text = words(pdf_text(certificate))
    assert CICIE_ES in text and "Certificado de finalización" in text
    assert "con una asistencia de 3 días" in text, text
    assert "7–9 de marzo de 2016" in text and "Mexico City, México" in text, text
    for partner in ("National Electoral Institute", "United Nations Development Programme"):
        assert partner in text  # founders
    assert "International IDEA" in text and "Organization of American States" in text
    assert "María Elena Castañeda Ruiz" in text and "Coordinadora del CICIE" in text
    images = [image.image.size for image in PdfReader(io.BytesIO(certificate.data)).pages[0].images]
    assert images.count((600, 180)) == 2  # the two signatures
    assert len([size for size in images if size == (480, 160)]) >= 13  # the centre and partners
    serial = re.search(r"CICIE-2016-\d{4}", text).group(0)

    (url,) = qr_codes(certificate.data)
    verifier = app.test_client()
    page = verifier.get(path_of(url))
    assert page.status_code == 200
    assert "This certificate is valid." in page.text and serial in page.text
    assert "Ana Lucía Pérez" in page.text and "3 days" in page.text
    assert "Mexico City, Mexico" in page.text and "7–9 March 2016" in page.text


def test_no_certificate_before_the_first_day_has_passed(staff_client, db, make, today):
    tomorrow = today + timedelta(days=1)
    upcoming = make.event(title="Upcoming course", date_text=tomorrow.isoformat())
    ana = delegate(db, upcoming, locale=None)
    check_in = f"/manage/events/{upcoming.id}/check-in"
    page = unescape(staff_client.get(check_in).text)
    assert "Check-in opens on the event's first day" in page and 'name="token"' not in page
    refused = staff_client.post(
        check_in, data={"token": badge_code(ana), "day": tomorrow.isoformat()}
    )
    assert refused.status_code == 302
    attendance = unescape(staff_client.get(f"/manage/events/{upcoming.id}/attendance").text)
    assert "Certificates can be issued once the event's first day has passed" in attendance
    assert "Issue and email the certificates" not in attendance
    issued = staff_client.post(f"/manage/events/{upcoming.id}/certificates", follow_redirects=True)
    assert "Certificates can be issued once the event's first day has passed" in unescape(
        issued.text
    )
    assert kinds_issued(db) == ["badge"] and check_ins(db) == []

    # On its first day, check-in opens for that day; certificates wait until it has passed.
    running = make.event(title="Running course", date_text=today.isoformat())
    ben = delegate(db, running, name="Ben Okafor", locale=None)
    url = f"/manage/events/{running.id}/check-in"
    staff_client.post(url, data={"token": badge_code(ben), "day": today.isoformat()})
    staff_client.post(f"/manage/events/{running.id}/certificates")
    assert check_ins(db) == [today] and "certificate" not in kinds_issued(db)


def test_a_window_not_confirmed_offers_no_day_and_asks_for_the_dates(staff_client, db, make):
    """ "November 2027 (tbc)" is thirty days that may not be the event's: check-in offers none of
    them, and both pages send staff to the event's form."""
    tentative = make.event(title="Seminar", date_text="November 2027 (tbc)")
    ana = delegate(db, tentative, locale=None)
    for page in ("check-in", "attendance"):
        text = unescape(staff_client.get(f"/manage/events/{tentative.id}/{page}").text)
        assert "The dates of this event are not confirmed yet (November 2027 (tbc))" in text
        assert f'href="/manage/events/{tentative.id}/edit">Confirm the dates</a>' in text
        assert "2027-11-" not in text and "Issue and email the certificates" not in text
    refused = staff_client.post(
        f"/manage/events/{tentative.id}/check-in",
        data={"token": badge_code(ana), "day": "2027-11-03"},
        headers={"Accept": "application/json"},
    )
    assert refused.get_json()["outcome"] == "refused" and check_ins(db) == []


def kinds_issued(db) -> list[str]:
    return sorted(db.session.scalars(select(Document.kind)))


def check_ins(db) -> list:
    return list(db.session.scalars(select(CheckIn.day).order_by(CheckIn.day)))


# ---------------------------------------------------------------- badges


LONGEST_DEMO_TITLE = (
    "Dialogue about Electoral Management and Resolution of Conflicts between countries of the "
    "Arab Spring and Latin America"
)
TITLE_120 = (
    "Regional workshop on the certification of electoral technology, voter registration audits "
    "and the resolution of disputes"
)
LONGEST_TITLE = ("Electoral administration in federal systems, " * 7)[:299] + "."  # 300
LONGEST_NAME = ("María Guadalupe Fernández de la Concepción Villaseñor " * 4)[:199] + "z"  # 200


@pytest.mark.parametrize("paper", ["A4", "Letter"])
@pytest.mark.parametrize("title", [LONGEST_DEMO_TITLE, TITLE_120, LONGEST_TITLE])
def test_badges_keep_the_whole_title_and_name(staff_client, db, make, title, paper):
    programme = make.programme(name="Long names", acronym="LN")
    staff_client.post(
        f"/manage/programmes/{programme.id}/documents",
        data={"primary_colour": "#1f4e79", "accent_colour": "#a6192e", "paper": paper},
    )
    event = make.event(title=title, date_text="18-19 January 2016", programme_id=programme.id)
    names = [LONGEST_NAME, "Ana Pérez", "Thabo Mokoena", "Jana Nováková"]
    for name in names:
        delegate(db, event, name=name, locale=None)
    sheet = staff_client.get(f"/manage/events/{event.id}/badges.pdf")
    pages = PdfReader(io.BytesIO(sheet.data)).pages
    assert len(pages) == 1  # each badge kept its size: four fit a page twice over
    text = words(pdf_text(sheet))
    assert text.count(title) == len(names)
    for name in names:
        assert words(name) in text
    assert len(qr_codes(sheet.data)) == len(names)


def test_the_badge_is_its_holders_once_her_place_is_confirmed(app, db, make, delegate_user):
    event = make.event(title="Course", date_text="18-19 January 2016")
    pending = delegate(db, event, delegate_user, status="pending", locale=None)
    holder = app.test_client()
    login(holder, delegate_user)
    assert "badge.pdf" not in holder.get("/me/registrations").text
    url = f"/me/registrations/{pending.id}/badge.pdf"
    assert holder.get(url).status_code == 404
    pending.status = "approved"
    db.session.commit()
    assert "badge.pdf" in holder.get("/me/registrations").text
    assert "Ana Lucía Pérez" in pdf_text(holder.get(url))
    again = pdf_text(holder.get(url))  # the same badge, not a second one
    assert again.count("DOC-2016-0001") == 1 and kinds_issued(db) == ["badge"]

    signed_out = app.test_client().get(url)
    assert signed_out.status_code == 302 and "/login" in signed_out.location
    someone_else = app.test_client()
    login(someone_else, make_delegate(db, "other@example.org"))
    assert someone_else.get(url).status_code == 404


def make_delegate(db, email):
    from eventsapp.accounts.models import Role
    from eventsapp.accounts.services import create_user

    user = create_user(email, Role.DELEGATE, "green-kettle-on-a-hill")
    db.session.commit()
    return user


def test_the_approval_email_carries_the_badge_where_the_event_wants_it(
    staff_client, db, make, mailbox
):
    event = make.open_event(approval_required=True)
    settings = f"/manage/events/{event.id}/documents"
    assert staff_client.post(settings, data={"badge_with_approval": "y"}).status_code == 302
    ana = delegate(db, event, status="pending", locale=None)
    staff_client.post(
        f"/manage/events/{event.id}/participants", data={"row_action": f"approve:{ana.id}"}
    )
    (message,) = mailbox.to(ana.email)
    files = {part.get_filename(): part for part in message.iter_attachments()}
    assert set(files) == {
        f"event-{event.id}.ics",
        f"badge-DOC-{event.starts_on.year}-0001.pdf",
    }
    badge = files[f"badge-DOC-{event.starts_on.year}-0001.pdf"].get_content()
    assert "Ana Lucía Pérez" in words(
        "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(badge)).pages)
    )
    assert "Your badge is attached too" in message.get_body(("plain",)).get_content()

    # Unticked, the next approval goes with the calendar file alone.
    staff_client.post(settings, data={})
    ben = delegate(db, event, name="Ben Okafor", status="pending", locale=None)
    staff_client.post(
        f"/manage/events/{event.id}/participants", data={"row_action": f"approve:{ben.id}"}
    )
    (message,) = mailbox.to(ben.email)
    assert [part.get_filename() for part in message.iter_attachments()] == [f"event-{event.id}.ics"]
    assert "badge" not in message.get_body(("plain",)).get_content()


# ---------------------------------------------------------------- verification


def test_a_code_nobody_was_given_or_a_revoked_one_says_so_plainly(app, staff_client, db, make):
    event = make.event(title="Course", date_text="18-19 January 2016")
    ana = delegate(db, event, locale=None)
    code = path_of(badge_code(ana)).rsplit("/", 1)[1]
    visitor = app.test_client()
    valid = visitor.get(f"/documents/{code}")
    assert valid.status_code == 200 and "This badge is valid." in valid.text

    unknown = visitor.get("/documents/NoSuchCode123")
    assert unknown.status_code == 404
    assert (
        "No document was issued with the code" in unknown.text and "NoSuchCode123" in unknown.text
    )
    # The serial printed on it, typed in: the page says how to check it instead.
    (printed,) = db.session.scalars(select(Document.serial))
    typed = visitor.get(f"/documents/{printed}")
    assert typed.status_code == 404 and "is a serial number" in typed.text
    assert "Scan the document’s QR code" in typed.text
    hostile = visitor.get("/documents/" + "<script>" * 20)
    assert hostile.status_code == 404 and "<script>" not in hostile.text

    (badge,) = db.session.scalars(select(Document))
    staff_client.post(f"/manage/events/{event.id}/documents/{badge.id}/revoke")
    revoked = visitor.get(f"/documents/{code}")
    assert revoked.status_code == 410 and "It was revoked on" in revoked.text
    assert "is not valid" in revoked.text and "This badge is valid." not in revoked.text
    assert visitor.get(f"/documents/{code}.pdf").status_code == 410
    # A revoked badge checks nobody in; the next print issues a new one.
    refused = staff_client.post(
        f"/manage/events/{event.id}/check-in",
        data={"token": f"http://localhost/documents/{code}", "day": "2016-01-18"},
        headers={"Accept": "application/json"},
    )
    assert refused.get_json()["outcome"] == "refused"
    staff_client.get(f"/manage/events/{event.id}/badges.pdf")
    assert [d.serial for d in db.session.scalars(select(Document).order_by(Document.id))] == [
        "DOC-2016-0001",
        "DOC-2016-0002",
    ]


def test_a_certificates_address_leads_to_its_document(client, db, make):
    event = make.event(title="Course", date_text="18-19 January 2016")
    ana = delegate(db, event, locale=None)
    code = path_of(badge_code(ana)).rsplit("/", 1)[1]
    page = client.get(f"/certificates/{code}")
    assert page.status_code == 301 and page.location.endswith(f"/documents/{code}")
    pdf = client.get(f"/certificates/{code}.pdf")
    assert pdf.status_code == 301 and pdf.location.endswith(f"/documents/{code}.pdf")


def test_staff_check_in_by_the_serial_printed_on_the_badge(staff_client, db, make):
    event = make.event(title="Course", date_text="18-19 January 2016")
    ana = delegate(db, event, locale=None)
    badge_code(ana)
    response = staff_client.post(
        f"/manage/events/{event.id}/check-in",
        data={"token": " doc-2016-0001 ", "day": "2016-01-18"},
        follow_redirects=True,
    )
    assert "Ana Lucía Pérez is checked in." in response.text


def test_serials_count_per_programme_and_year(staff_client, db, make):
    cicie = make.programme(name="Centre", acronym="C.I.C.I.E.")
    other = make.programme(name="Other")  # no acronym: "DOC"
    first = make.event(title="A", date_text="18-19 January 2016", programme_id=cicie.id)
    second = make.event(title="B", date_text="1-2 March 2016", programme_id=cicie.id)
    later = make.event(title="C", date_text="1-2 March 2017", programme_id=cicie.id)
    elsewhere = make.event(title="D", date_text="1-2 March 2016", programme_id=other.id)
    for event in (first, second, later, elsewhere):
        for n in range(2):
            delegate(db, event, name=f"Delegate {n}", locale=None)
        staff_client.get(f"/manage/events/{event.id}/badges.pdf")
    serials = sorted(db.session.scalars(select(Document.serial)))
    assert serials == [
        "CICIE-2016-0001",
        "CICIE-2016-0002",
        "CICIE-2016-0003",
        "CICIE-2016-0004",
        "CICIE-2017-0001",
        "CICIE-2017-0002",
        "DOC-2016-0001",
        "DOC-2016-0002",
    ]
    # Printed again: the same badges.
    staff_client.get(f"/manage/events/{first.id}/badges.pdf")
    assert db.session.query(Document).count() == 8


# ---------------------------------------------------------------- what staff set


def test_staff_set_the_centre_partners_signatories_and_wording_and_preview_them(
    staff_client, db, make
):
    founder = make.organisation(name="Electoral Institute of Utopia", acronym="EIU")
    programme = make.programme(name="Utopian Centre", acronym="UC")
    staff_client.post(
        f"/manage/programmes/{programme.id}/partners",
        data={"partner-organisation_id": str(founder.id), "partner-role": "founder"},
    )
    base = f"/manage/programmes/{programme.id}/documents"
    bad = staff_client.post(
        base, data={"centre_en": "Utopian Centre", "primary_colour": "blue", "paper": "A4"}
    )
    assert bad.status_code == 400 and "Write a colour as # and six hexadecimal digits" in bad.text
    saved = staff_client.post(
        base,
        data={
            "centre_en": "Utopian Centre for Elections",
            "centre_es": "Centro Utópico de Elecciones",
            "primary_colour": "#123456",
            "accent_colour": "#654321",
            "paper": "Letter",
        },
    )
    assert saved.status_code == 302

    pretending = staff_client.post(
        f"{base}/partners/{founder.id}/logo",
        data={"image": (io.BytesIO(b"%PDF-1.4 not an image"), "logo.png")},
        content_type="multipart/form-data",
    )
    assert pretending.status_code == 400 and "Send a PNG or JPEG image" in pretending.text
    enormous = staff_client.post(
        f"{base}/partners/{founder.id}/logo",
        data={"image": (io.BytesIO(png(5000, 10)), "logo.png")},
        content_type="multipart/form-data",
    )
    assert enormous.status_code == 400 and "At most 4000 pixels" in enormous.text
    staff_client.post(
        f"{base}/partners/{founder.id}/logo",
        data={"image": (io.BytesIO(png()), "logo.png")},
        content_type="multipart/form-data",
    )
    assert db.session.get(OrganisationLogo, founder.id) is not None
    page = staff_client.get(base).text
    logo = re.search(rf'src="({base}/images/[0-9a-f]{{32}}\.png)"', page).group(1)
    assert staff_client.get(logo).content_type == "image/png"
    assert staff_client.get(f"{base}/images/{'0' * 32}.png").status_code == 404

    staff_client.post(
        f"{base}/signatories",
        data={"name": "Dr. Irene Adler", "title_en": "Director", "title_es": "Directora"},
    )
    unknown = staff_client.post(
        f"{base}/certificate/es",
        data={"heading": "Constancia", "body": "{name} asistió a {evento}."},
    )
    assert (
        unknown.status_code == 400 and "“{evento}” is not one of the placeholders" in unknown.text
    )
    staff_client.post(
        f"{base}/certificate/es",
        data={
            "heading": "Constancia",
            "body": "Se hace constar que\n\n{name}\n\nasistió a {event}.",
        },
    )

    preview = staff_client.get(f"{base}/certificate/es.pdf")
    text = words(pdf_text(preview))
    assert "Centro Utópico de Elecciones" in text and "Constancia" in text
    assert "María Fernanda Castañeda Villalobos" in text and "Dr. Irene Adler" in text
    assert "Directora" in text and "Director " not in text
    assert "Electoral Institute of Utopia" in text and "UC-" in text
    size = PdfReader(io.BytesIO(preview.data)).pages[0].mediabox
    assert (round(float(size.width)), round(float(size.height))) == (792, 612)  # Letter, landscape
    english = words(pdf_text(staff_client.get(f"{base}/certificate/en.pdf")))
    assert "Utopian Centre for Elections" in english and "This certifies that" in english
    badge = words(pdf_text(staff_client.get(f"{base}/badge/fr.pdf")))
    assert "María Fernanda Castañeda Villalobos" in badge
    # A centre's name takes no article in Spanish or French letters ("Centro ... tiene"), and
    # nobody is "aceptado/a".
    for kind, language, opening in (
        ("acceptance_letter", "es", "En nombre de la institución organizadora, Centro Utópico"),
        ("visa_letter", "fr", "Au nom de l’institution organisatrice, Utopian Centre for"),
    ):
        letter = words(pdf_text(staff_client.get(f"{base}/{kind}/{language}.pdf")))
        assert opening in letter, letter
        assert "aceptado/a" not in letter
    assert staff_client.get(f"{base}/letter/es.pdf").status_code == 404


def test_an_organisation_merged_into_another_keeps_one_logo(staff_client, db, make):
    kept = make.organisation(name="Electoral Commission", acronym="EC")
    twin = make.organisation(name="Electoral Commission (again)", acronym="EC2")
    programme = make.programme(name="Twins", acronym="TW")
    for organisation in (kept, twin):
        staff_client.post(
            f"/manage/programmes/{programme.id}/partners",
            data={"partner-organisation_id": str(organisation.id), "partner-role": "founder"},
        )
        staff_client.post(
            f"/manage/programmes/{programme.id}/documents/partners/{organisation.id}/logo",
            data={"image": (io.BytesIO(png()), "logo.png")},
            content_type="multipart/form-data",
        )
    kept_logo = db.session.get(OrganisationLogo, kept.id).image
    merge_organisations(twin, kept, utcnow(), None)
    db.session.commit()
    assert [
        (logo.organisation_id, logo.image) for logo in db.session.scalars(select(OrganisationLogo))
    ] == [(kept.id, kept_logo)]


def test_certificates_issued_before_become_documents_keeping_their_codes(settings, tmp_path):
    """Certificates emailed before documents keep their addresses (``/certificates/<code>``
    leads to ``/documents/<code>``) and get serials in the order they were issued; going down
    puts them back."""
    app = create_app(
        {**settings, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'old.sqlite3'}"}
    )
    with app.app_context():
        upgrade()
        load_demo()
        _db.session.commit()
        downgrade(revision="0022_action_log")
        with _db.engine.begin() as connection:
            registrations = connection.execute(
                text(
                    "SELECT r.id, e.starts_on FROM registrations r JOIN events e "
                    "ON e.id = r.event_id JOIN programmes p ON p.id = e.programme_id "
                    "WHERE p.key = 'cicie' AND r.status = 'approved' AND e.id = (SELECT "
                    "min(event_id) FROM registrations WHERE status = 'approved') "
                    "ORDER BY r.id LIMIT 2"
                )
            ).all()
            for n, (registration_id, _starts) in enumerate(registrations):
                connection.execute(
                    text(
                        "INSERT INTO certificates (registration_id, code, days_attended, "
                        "issued_at) VALUES (:r, :code, :days, :at)"
                    ),
                    {
                        "r": registration_id,
                        "code": f"old-code-{n}",
                        "days": 2 + n,
                        "at": f"2030-01-0{n + 1} 10:00:00",
                    },
                )
        upgrade()
        rows = _db.session.execute(  # beside the demo's own certificates
            select(Document.code, Document.kind, Document.serial, Document.facts)
            .where(Document.code.like("old-code-%"))
            .order_by(Document.id)
        ).all()
        year = date.fromisoformat(str(registrations[0][1])).year
        assert rows == [
            ("old-code-0", "certificate", f"CICIE-{year}-0001", {"days": 2}),
            ("old-code-1", "certificate", f"CICIE-{year}-0002", {"days": 3}),
        ]
        page = app.test_client().get("/certificates/old-code-1", follow_redirects=True)
        assert page.status_code == 200 and "This certificate is valid." in page.text
        assert "3 days" in page.text
        _db.session.remove()
        downgrade(revision="0022_action_log")
        with _db.engine.connect() as connection:
            back = connection.execute(
                text(
                    "SELECT code, days_attended FROM certificates "
                    "WHERE code LIKE 'old-code-%' ORDER BY id"
                )
            ).all()
        _db.session.remove()
        _db.engine.dispose()
    assert back == [("old-code-0", 2), ("old-code-1", 3)]
