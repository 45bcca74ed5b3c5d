"""Documents as PDFs, made from the programme's look and wording whenever they are printed.

One template per kind (``templates/documents/<kind>_print.html``; ``letter_print.html`` for
both letters) draws a document from what it says (``Printed``: the heading, the body filled in
for its holder, the serial and the QR code of its verification page) and how the programme's
documents look (``Look``: the centre, the partners and their logos, the signatories, colours
and paper). Staff preview the same
templates with a sample holder. A certificate or a letter is in its holder's language (the one
they registered in); badges in the event's (the first of its languages), as everyone at the event
reads them.

A letter's facts are the stay, who pays what and (a visa letter) the passport data, stored when
it was issued; the words of those that another capability knows best (who pays what, in the
cost rules' words) are written by it (``fact_phrase``).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

import segno
from flask import current_app, render_template
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..catalogue.models import Event, PartnerRole, Programme
from ..catalogue.translations import localized
from ..core.dates import format_window
from ..core.i18n import country_name, format_day, language_of, locale_of
from ..core.links import site_url
from ..core.pdf import STATIC, html_to_pdf
from ..extensions import db
from ..mail.services import in_language
from ..registration.models import ParticipantRole, Registration
from .fitting import Block, fit
from .images import image_path
from .models import LETTER_KINDS, Document, DocumentKind, PaperSize
from .services import serial_prefix
from .settings import (
    centre_name,
    partners_of,
    programme_settings,
    signatories_of,
    signature_title,
    wording,
)
from .texts import Wording, lines, paragraphs

PRINT_CSS = STATIC / "css" / "documents-print.css"
# Badges: (width, height) in millimetres by paper, four rows of two a page; what the stylesheet
# gives the padding and border, the band at the top (in the padding, and below it) and the QR
# code's row at the bottom: the rest is the room of the name and the lines.
BADGE_SIZE = {PaperSize.A4: (94.5, 68.0), PaperSize.LETTER: (94.5, 64.0)}
BADGE_PADDING, BADGE_BORDER, BADGE_BAND, BADGE_FOOT = 4.0, 0.3, 9.0, 19.0
BADGE_NAME_SIZES = (16, 15, 14, 13, 12, 11, 10, 9, 8, 7)
BADGE_LINE_SIZES = (9.5, 9, 8.5, 8, 7.5, 7, 6.5, 6, 5.5, 5, 4.5)
BADGE_HEADING_SIZES = (9, 8, 7, 6.5, 6, 5.5, 5)
# A certificate's name: on at most two lines of its largest size, across the page.
CERTIFICATE_NAME_SIZES = (26, 24, 22, 20, 18, 16, 14, 12)
# A letter's: on at most two lines of its largest size, within the margins of a portrait page.
LETTER_NAME_SIZES = (16, 15, 14, 13, 12, 11, 10)
LETTER_TEXT_WIDTH = {PaperSize.A4: 170.0, PaperSize.LETTER: 175.0}
FITTED_SIZES = sorted(
    {
        *BADGE_NAME_SIZES,
        *BADGE_LINE_SIZES,
        *BADGE_HEADING_SIZES,
        *CERTIFICATE_NAME_SIZES,
        *LETTER_NAME_SIZES,
    }
)


def size_class(size: float) -> str:
    """The stylesheet's class of a fitted font size: "f95" for 9.5 points (classes rather
    than style attributes: the PDF maker reads one rule, not one attribute a paragraph)."""
    return f"f{round(size * 10)}"


CERTIFICATE_TEXT_WIDTH = {PaperSize.A4: 240.0, PaperSize.LETTER: 220.0}
# How a certificate names the partners, by role.
PARTNER_LINES = {
    PartnerRole.FOUNDER: _l("Founders: %(names)s"),
    PartnerRole.CO_ORGANISER: _l("Co-organisers: %(names)s"),
    PartnerRole.ASSOCIATE_PARTNER: _l("Associate partners: %(names)s"),
    PartnerRole.VISITING_AUTHORITY: _l("Visiting authorities: %(names)s"),
}


# ---------------------------------------------------------------- how a programme's look


@dataclass
class Mark:
    """A partner on a document: its name and logo (a file URI, or None)."""

    name: str
    short_name: str
    role: str
    logo: str | None


@dataclass
class Signature:
    name: str
    title: str
    image: str | None  # a file URI


@dataclass
class Look:
    centre: str
    centre_logo: str | None
    partners: list[Mark]
    signatories: list[Signature]
    primary: str
    accent: str
    paper: str
    programme: str

    @property
    def partner_lines(self) -> list[str]:
        """ "Founders: …", "Associate partners: …": every partner, named in full."""
        by_role: dict[str, list[str]] = {}
        for mark in self.partners:
            by_role.setdefault(mark.role, []).append(mark.name)
        return [
            str(PARTNER_LINES[PartnerRole(role)]) % {"names": ", ".join(names)}
            for role, names in by_role.items()
        ]

    @property
    def logos(self) -> list[Mark]:
        return [mark for mark in self.partners if mark.logo]

    @property
    def stylesheet(self) -> str:
        """What the programme's settings add to the stylesheet: paper, colours, badge size
        (the colours were checked as #rrggbb when saved)."""
        width, height = BADGE_SIZE[PaperSize(self.paper)]
        margins = "10mm" if self.paper == PaperSize.A4 else "11mm 13mm"
        rules = [
            f"@page badges {{ size: {self.paper}; margin: {margins}; }}",
            f"@page certificate {{ size: {self.paper} landscape; margin: 12mm; }}",
            f"@page letter {{ size: {self.paper}; margin: 15mm 20mm 14mm; }}",
            f".badge {{ width: {width}mm; min-height: {height}mm; }}",
            f".badge .who {{ min-height: {badge_room(self.paper):.1f}mm; }}",
            f".primary {{ color: {self.primary}; }} .accent {{ color: {self.accent}; }}",
            f".band {{ background: {self.primary}; }}",
            f".certificate {{ border-color: {self.primary}; }}",
            f".certificate .rule {{ border-color: {self.accent}; }}",
            f".letter .letterhead {{ border-color: {self.primary}; }}",
            *(f".{size_class(size)} {{ font-size: {size}pt; }}" for size in FITTED_SIZES),
        ]
        return "\n".join(rules)


def _uri(stored: str | None) -> str | None:
    path = image_path(stored)
    return path.as_uri() if path else None


def look_of(programme: Programme | None, language: str) -> Look:
    """How the programme's documents look, in a language (the defaults outside a programme)."""
    settings = programme_settings(programme.id if programme else None)
    return Look(
        centre=centre_name(settings, language),
        centre_logo=_uri(settings.centre_logo),
        partners=[Mark(p.name, p.short_name, p.role, _uri(p.logo)) for p in partners_of(programme)],
        signatories=[
            Signature(s.name, signature_title(s, language), _uri(s.signature))
            for s in signatories_of(programme.id if programme else None)
        ],
        primary=settings.primary_colour,
        accent=settings.accent_colour,
        paper=settings.paper,
        programme=programme.name if programme else "",
    )


# ---------------------------------------------------------------- what a document says


def attendance_words(facts: dict) -> str:
    """What was attended as people write it: "3 days", "2 of 3 days", "6 of 8 sessions"
    (the plural follows the whole: "1 of 3 days"). Shown alone too (a verification page), so
    wordings give it its preposition ("con una asistencia de {attendance}")."""
    if "sessions" in facts:
        return ngettext(
            "%(sessions)d of %(num)d session",
            "%(sessions)d of %(num)d sessions",
            facts.get("of") or 0,
            sessions=facts["sessions"],
        )
    days, total = facts.get("days", 0), facts.get("of")
    if total and days < total:
        return ngettext("%(days)d of %(num)d day", "%(days)d of %(num)d days", total, days=days)
    return ngettext("%(num)d day", "%(num)d days", days)


# ---------------------------------------------------------------- facts in words


@dataclass(frozen=True)
class FactPhrase:
    """How a placeholder's words are written from a document's facts, in the current language,
    by the capability that stored them; and a sample for previews."""

    make: Callable[[dict], str]
    sample: Callable[[], str]


FACT_PHRASES: dict[str, FactPhrase] = {}


def fact_phrase(placeholder: str, sample: Callable[[], str]):
    """Declare the decorated function as the writer of ``placeholder`` from a document's
    facts."""

    def declare(make: Callable[[dict], str]):
        FACT_PHRASES[placeholder] = FactPhrase(make, sample)
        return make

    return declare


def _phrase(placeholder: str, facts: dict) -> str:
    phrase = FACT_PHRASES.get(placeholder)
    return phrase.make(facts) if phrase else ""


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def stay_words(facts: dict) -> str:
    """A letter's stay: "from 14 March 2027 to 19 March 2027" (each day in full: a consulate
    reads it)."""
    first, last = (_day(day) for day in ((facts.get("stay") or []) + [None, None])[:2])
    if first is None or last is None:
        return ""
    return _("from %(first)s to %(last)s", first=format_day(first), last=format_day(last))


def identity_values(facts: dict) -> dict[str, str]:
    """A visa letter's passport data in words (the nationality in the current language)."""
    identity = facts.get("identity") or {}
    expiry = _day(identity.get("passport_expiry"))
    return {
        "passport_name": identity.get("passport_name") or "",
        "nationality": country_name(identity.get("nationality")),
        "passport_number": identity.get("passport_number") or "",
        "passport_expiry": format_day(expiry) if expiry else "",
    }


def masked_number(number: str) -> str:
    """A passport's number as a verification page shows it: its last four characters."""
    return f"•••• {number[-4:]}" if number else ""


def place_of(event: Event) -> str:
    """Where the event was held, in the current language: "Mexico City, Mexico"."""
    venue = event.venue
    if venue is None:
        return ""
    return ", ".join(p for p in (venue.city or venue.place, venue.country.local_name) if p)


def holder_values(
    registration: Registration, look: Look, serial: str, issued: date, facts: dict
) -> dict[str, str]:
    """Each placeholder's value for the registration's holder, in the current language."""
    event = registration.event
    organisation = registration.organisation
    return {
        "name": registration.name,
        "organisation": organisation.display_name if organisation else "",
        "position": registration.position or "",
        "country": registration.country.local_name,
        "role": registration.role_label,
        "event": str(localized(event, "title")),
        "dates": format_window(event.starts_on, event.ends_on),
        "place": place_of(event),
        "centre": look.centre,
        "programme": look.programme,
        "serial": serial,
        "issued": format_day(issued),
        "attendance": attendance_words(facts),
        "stay": stay_words(facts),
        "costs": _phrase("costs", facts),
        **identity_values(facts),
    }


@dataclass
class Printed:
    """One document as it is printed."""

    kind: str
    name: str
    serial: str
    verify_url: str
    values: dict[str, str]
    wording: Wording
    sample: bool = False
    sizes: dict = field(default_factory=dict)  # fitted font sizes, as classes (size_class)

    @property
    def qr(self) -> str:
        """The verification page's address as a QR code: a PNG of one pixel a module, which
        the stylesheet draws large without smoothing (small to make, sharp to scan)."""
        return segno.make(self.verify_url, error="m").png_data_uri(scale=1, border=0)

    @property
    def heading(self) -> str:
        return lines(self.wording.heading, self.values)[0] if self.wording.heading else ""

    @property
    def paragraphs(self):
        return paragraphs(self.wording.body, self.values)

    @property
    def lines(self) -> list[tuple[str, str]]:
        """A badge's lines with their fitted sizes' classes."""
        return list(zip(lines(self.wording.body, self.values), self.sizes["lines"], strict=True))


def badge_room(paper: str) -> float:
    """The height left to a badge's name and lines, in millimetres."""
    height = BADGE_SIZE[PaperSize(paper)][1]
    inside = height - 2 * (BADGE_PADDING + BADGE_BORDER)
    return inside - (BADGE_BAND - BADGE_PADDING + 1) - BADGE_FOOT - 0.5


def _fit_badge(printed: Printed, paper: str) -> Printed:
    width = BADGE_SIZE[PaperSize(paper)][0]
    inner = width - 2 * (BADGE_PADDING + BADGE_BORDER)
    room = badge_room(paper)
    name = Block(printed.name, BADGE_NAME_SIZES, bold=True, gap=1.0)
    body = [Block(text, BADGE_LINE_SIZES) for text in lines(printed.wording.body, printed.values)]
    fit([name, *body], inner, room)
    heading = fit([Block(printed.heading, BADGE_HEADING_SIZES, bold=True, gap=0)], inner - 22, 8)
    printed.sizes = {
        "name": size_class(name.size),
        "lines": [size_class(b.size) for b in body],
        "heading": size_class(heading[0].size),
    }
    return printed


def _fit_certificate(printed: Printed, paper: str) -> Printed:
    (name,) = fit(
        [Block(printed.name, CERTIFICATE_NAME_SIZES, bold=True, gap=0)],
        CERTIFICATE_TEXT_WIDTH[PaperSize(paper)],
        2 * CERTIFICATE_NAME_SIZES[0] * 0.3528 * 1.15,
    )
    printed.sizes = {"name": size_class(name.size)}
    return printed


def printed_document(document: Document, look: Look, language: str) -> Printed:
    """What a document says, in the current language (``language``)."""
    registration = document.registration
    printed = Printed(
        kind=document.kind,
        name=registration.name,
        serial=document.serial,
        verify_url=site_url("documents.verify", code=document.code),
        values=holder_values(
            registration, look, document.serial, document.issued_at.date(), document.facts
        ),
        wording=wording(registration.event.programme_id, document.kind, language),
    )
    return _fitted(printed, look.paper)


def _fit_letter(printed: Printed, paper: str) -> Printed:
    name = next((p.text for p in printed.paragraphs if p.is_name), printed.name)
    (block,) = fit(
        [Block(name, LETTER_NAME_SIZES, bold=True, gap=0)],
        LETTER_TEXT_WIDTH[PaperSize(paper)],
        2 * LETTER_NAME_SIZES[0] * 0.3528 * 1.15,
    )
    printed.sizes = {"name": size_class(block.size)}
    return printed


def _fitted(printed: Printed, paper: str) -> Printed:
    if printed.kind == DocumentKind.BADGE:
        return _fit_badge(printed, paper)
    if printed.kind in LETTER_KINDS:
        return _fit_letter(printed, paper)
    return _fit_certificate(printed, paper)


def verification_facts(document: Document) -> dict:
    """What the verification page says besides the document's row, in the visitor's
    language: who issued it, where the event was held, the days attended; a letter's stay and
    what it certifies, and a visa letter's passport data (its number's last characters only)."""
    event = document.registration.event
    language = get_locale().language
    centre = centre_name(programme_settings(event.programme_id), language)
    facts = document.facts or {}
    identity = identity_values(facts)
    certifies = ""
    if document.kind == DocumentKind.VISA_LETTER:
        certifies = _(
            "%(centre)s invites its holder to the event, for the stay shown, and supports their "
            "application for a visa.",
            centre=centre,
        )
    elif document.kind == DocumentKind.ACCEPTANCE_LETTER:
        certifies = _("%(centre)s accepted its holder to take part in the event.", centre=centre)
    return {
        "centre": centre,
        "place": place_of(event),
        "attendance": attendance_words(facts),
        "certifies": certifies,
        "stay": stay_words(facts),
        "passport_name": identity["passport_name"],
        "nationality": identity["nationality"],
        "passport_number": masked_number(identity["passport_number"]),
    }


# ---------------------------------------------------------------- PDFs


def document_language(document: Document) -> str:
    """A certificate's or a letter's language is its holder's; a badge's its event's."""
    registration = document.registration
    if document.kind == DocumentKind.BADGE:
        return event_language(registration.event)
    return language_of(registration.locale) or event_language(registration.event)


def event_language(event: Event) -> str:
    for code in event.languages or ():
        if language := language_of(code):
            return language
    return language_of(current_app.config["BABEL_DEFAULT_LOCALE"]) or "en"


def _pdf(kind: str, look: Look, documents: list[Printed], language: str) -> bytes:
    if kind == DocumentKind.BADGE:
        template = "badges_print"
    elif kind in LETTER_KINDS:
        template = "letter_print"
    else:
        template = "certificate_print"
    html = render_template(
        f"documents/{template}.html", look=look, documents=documents, language=language
    )
    return html_to_pdf(html, PRINT_CSS, look.stylesheet)


def document_pdf(document: Document) -> bytes:
    """One document: a certificate on its page, or a badge to print and cut out."""
    language = document_language(document)
    with in_language(locale_of(language)):
        look = look_of(document.registration.event.programme, language)
        return _pdf(document.kind, look, [printed_document(document, look, language)], language)


def badge_sheet_pdf(event: Event, documents: list[Document]) -> bytes:
    """The event's badges, eight to a page, in the event's language."""
    language = event_language(event)
    with in_language(locale_of(language)):
        look = look_of(event.programme, language)
        printed = [printed_document(d, look, language) for d in documents]
        return _pdf(DocumentKind.BADGE, look, printed, language)


# ---------------------------------------------------------------- previews


# The sample holder of previews (names as written in their language, not translated).
SAMPLE_NAME = "María Fernanda Castañeda Villalobos"
SAMPLE_ORGANISATION = "Jurado Nacional de Elecciones (JNE)"
SAMPLE_CITY = "Mexico City"
SAMPLE_PASSPORT = "X0000000"


def _sample_event(programme: Programme) -> Event:
    """The programme's latest event with a venue, or one made up (not saved) for the
    preview."""
    event = db.session.scalar(
        select(Event)
        .where(Event.programme_id == programme.id, Event.venue_id.is_not(None))
        .order_by(Event.starts_on.desc())
        .limit(1)
    )
    return event or Event(
        title=_("International workshop on electoral administration"),
        starts_on=date(date.today().year, 3, 16),
        ends_on=date(date.today().year, 3, 18),
    )


def preview_pdf(programme: Programme, kind: str, language: str) -> bytes:
    """A sample of a kind of document as the programme's settings make it, in a language."""
    with in_language(locale_of(language)):
        look = look_of(programme, language)
        event = _sample_event(programme)
        serial = f"{serial_prefix(programme)}-{event.starts_on.year}-0001"
        values = {
            "name": SAMPLE_NAME,
            "organisation": SAMPLE_ORGANISATION,
            "position": _("Head of electoral training"),
            "country": country_name("PE"),
            "role": ParticipantRole.DELEGATE.label,
            "event": str(localized(event, "title")),
            "dates": format_window(event.starts_on, event.ends_on),
            "place": place_of(event) if event.venue else f"{SAMPLE_CITY}, {country_name('MX')}",
            "centre": look.centre,
            "programme": look.programme,
            "serial": serial,
            "issued": format_day(event.ends_on),
            "attendance": attendance_words({"days": 3, "of": 3}),
            "stay": stay_words(
                {
                    "stay": [
                        (event.starts_on - timedelta(days=1)).isoformat(),
                        (event.ends_on + timedelta(days=1)).isoformat(),
                    ]
                }
            ),
            "costs": FACT_PHRASES["costs"].sample() if "costs" in FACT_PHRASES else "",
            "passport_name": SAMPLE_NAME.upper(),
            "nationality": country_name("PE"),
            "passport_number": SAMPLE_PASSPORT,
            "passport_expiry": format_day(date(event.ends_on.year + 5, 6, 30)),
        }
        printed = Printed(
            kind=kind,
            name=SAMPLE_NAME,
            serial=serial,
            verify_url=site_url("documents.verify", code="sample"),
            values=values,
            wording=wording(programme.id, kind, language),
            sample=True,
        )
        return _pdf(kind, look, [_fitted(printed, look.paper)], language)
