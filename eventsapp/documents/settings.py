"""What staff set for a programme's documents: the centre's name in each language and its
logo, the partners' logos, the signatories, the colours and paper, and the wording of each kind
of document per language. Nothing here commits."""

import re
from dataclasses import dataclass, field

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from ..catalogue.models import PartnerRole, Programme
from ..core.errors import InvalidInput
from ..core.validation import is_one_line
from ..extensions import db
from .images import forget_image, keep_image
from .models import (
    DEFAULT_ACCENT,
    DEFAULT_PRIMARY,
    DOCUMENT_LANGUAGES,
    DocumentKind,
    DocumentSettings,
    DocumentText,
    OrganisationLogo,
    PaperSize,
    Signatory,
)
from .texts import Wording, check_wording, default_wording

_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
NAME_LENGTH = 200
MAX_SIGNATORIES = 4


def programme_settings(programme_id: int | None) -> DocumentSettings:
    """The programme's settings; the defaults (not saved) when staff set none."""
    found = db.session.get(DocumentSettings, programme_id) if programme_id else None
    return found or DocumentSettings(
        programme_id=programme_id,
        centre_names={},
        primary_colour=DEFAULT_PRIMARY,
        accent_colour=DEFAULT_ACCENT,
        paper=PaperSize.A4,
    )


def _saved_settings(programme: Programme) -> DocumentSettings:
    settings = programme_settings(programme.id)
    if settings not in db.session:
        db.session.add(settings)
    return settings


def centre_name(settings: DocumentSettings, language: str) -> str:
    """The centre's name in a language: as written for it, else the first written, else the
    site's name."""
    names = settings.centre_names or {}
    return (
        names.get(language)
        or next((n for n in (names.get(code) for code in DOCUMENT_LANGUAGES) if n), None)
        or current_app.config["SITE_NAME"]
    )


def _by_language(values: dict[str, str], field_prefix: str) -> dict[str, str]:
    """Names written per language, checked: one line, 200 characters at most; empty ones left
    out."""
    kept = {}
    for language in DOCUMENT_LANGUAGES:
        value = (values.get(language) or "").strip()
        if not is_one_line(value) or len(value) > NAME_LENGTH:
            raise InvalidInput(
                f"{field_prefix}_{language}",
                _("Write it on one line, in %(num)d characters at most.", num=NAME_LENGTH),
            )
        if value:
            kept[language] = value
    return kept


@dataclass
class SettingsInput:
    centre_names: dict[str, str] = field(default_factory=dict)  # by language
    primary_colour: str = DEFAULT_PRIMARY
    accent_colour: str = DEFAULT_ACCENT
    paper: str = PaperSize.A4


def save_settings(programme: Programme, data: SettingsInput) -> DocumentSettings:
    names = _by_language(data.centre_names, "centre")
    for name in ("primary_colour", "accent_colour"):
        if not _COLOUR.fullmatch(getattr(data, name) or ""):
            raise InvalidInput(name, _("Write a colour as # and six hexadecimal digits: #1f4e79."))
    if data.paper not in set(PaperSize):
        raise InvalidInput("paper", _("Choose one of the sizes offered."))
    settings = _saved_settings(programme)
    settings.centre_names = names
    settings.primary_colour = data.primary_colour.lower()
    settings.accent_colour = data.accent_colour.lower()
    settings.paper = data.paper
    return settings


def set_centre_logo(programme: Programme, content: bytes | None, suffix: str = "") -> None:
    """The centre's logo, an image already checked (``images.image_content``); None removes
    it."""
    settings = _saved_settings(programme)
    if content is None:
        forget_image(settings.centre_logo)
        settings.centre_logo = None
    else:
        settings.centre_logo = keep_image(content, suffix, settings.centre_logo)


# ---------------------------------------------------------------- partners' logos


@dataclass
class Partner:
    """A partner as documents show it: its organisation, role and logo (a path, or None)."""

    organisation_id: int
    name: str
    short_name: str
    role: str
    logo: str | None  # the stored image's name

    @property
    def role_label(self) -> str:
        return PartnerRole(self.role).label


def partners_of(programme: Programme | None) -> list[Partner]:
    """The programme's partners, by role (founders first) then name, each organisation once
    (its first role), with their logos (one query besides the programme's partners)."""
    if programme is None:
        return []
    order = {role: n for n, role in enumerate(PartnerRole)}
    rows = sorted(
        programme.partners, key=lambda p: (order.get(p.role, 99), p.organisation.short_name)
    )
    logos = _logos([p.organisation_id for p in rows])
    seen, partners = set(), []
    for row in rows:
        if row.organisation_id in seen:
            continue
        seen.add(row.organisation_id)
        organisation = row.organisation
        partners.append(
            Partner(
                organisation.id,
                organisation.name,
                organisation.short_name,
                row.role,
                logos.get(organisation.id),
            )
        )
    return partners


def _logos(organisation_ids: list[int]) -> dict[int, str]:
    if not organisation_ids:
        return {}
    rows = db.session.execute(
        select(OrganisationLogo.organisation_id, OrganisationLogo.image).where(
            OrganisationLogo.organisation_id.in_(organisation_ids)
        )
    )
    return dict(rows.all())


def set_logo(programme: Programme, organisation_id: int, content: bytes | None, suffix="") -> None:
    """A partner's logo (an image already checked); None removes it. Refuses an organisation
    that is not one of the programme's partners."""
    if organisation_id not in {p.organisation_id for p in programme.partners}:
        raise InvalidInput("logo", _("This organisation is not a partner of the programme."))
    logo = db.session.get(OrganisationLogo, organisation_id)
    if content is None:
        if logo is not None:
            forget_image(logo.image)
            db.session.delete(logo)
        return
    stored = keep_image(content, suffix, logo.image if logo else None)
    if logo is None:
        db.session.add(OrganisationLogo(organisation_id=organisation_id, image=stored))
    else:
        logo.image = stored


def forget_logo_of(organisation_id: int) -> None:
    """An organisation's logo goes (it is merged into another that keeps its own)."""
    logo = db.session.get(OrganisationLogo, organisation_id)
    if logo is not None:
        forget_image(logo.image)
        db.session.delete(logo)
        db.session.flush()


def has_logo(organisation_id: int) -> bool:
    return db.session.get(OrganisationLogo, organisation_id) is not None


# ---------------------------------------------------------------- signatories


@dataclass
class SignatoryInput:
    name: str
    titles: dict[str, str] = field(default_factory=dict)  # by language


def signatories_of(programme_id: int | None) -> list[Signatory]:
    if programme_id is None:
        return []
    return list(
        db.session.scalars(
            select(Signatory)
            .where(Signatory.programme_id == programme_id)
            .order_by(Signatory.position, Signatory.id)
        )
    )


def _check_signatory(data: SignatoryInput) -> tuple[str, dict[str, str]]:
    name = data.name.strip()
    if not name or not is_one_line(name) or len(name) > NAME_LENGTH:
        raise InvalidInput(
            "name", _("Write the name on one line, in %(num)d characters at most.", num=NAME_LENGTH)
        )
    return name, _by_language(data.titles, "title")


def add_signatory(programme: Programme, data: SignatoryInput) -> Signatory:
    name, titles = _check_signatory(data)
    present = signatories_of(programme.id)
    if len(present) >= MAX_SIGNATORIES:
        raise InvalidInput(
            "name", _("At most %(num)d signatories: remove one first.", num=MAX_SIGNATORIES)
        )
    position = max((s.position for s in present), default=-1) + 1
    signatory = Signatory(programme_id=programme.id, name=name, titles=titles, position=position)
    db.session.add(signatory)
    db.session.flush()
    return signatory


def update_signatory(signatory: Signatory, data: SignatoryInput) -> None:
    signatory.name, signatory.titles = _check_signatory(data)


def set_signature(signatory: Signatory, content: bytes | None, suffix: str = "") -> None:
    if content is None:
        forget_image(signatory.signature)
        signatory.signature = None
    else:
        signatory.signature = keep_image(content, suffix, signatory.signature)


def remove_signatory(signatory: Signatory) -> None:
    forget_image(signatory.signature)
    db.session.delete(signatory)


def move_signatory(signatory: Signatory, step: int) -> None:
    """One place earlier (-1) or later (+1) in the order they sign."""
    ordered = signatories_of(signatory.programme_id)
    index = ordered.index(signatory)
    other = index + step
    if 0 <= other < len(ordered):
        ordered[index], ordered[other] = ordered[other], ordered[index]
        for position, each in enumerate(ordered):
            each.position = position


def signature_title(signatory: Signatory, language: str) -> str:
    titles = signatory.titles or {}
    return titles.get(language) or next(
        (titles[code] for code in DOCUMENT_LANGUAGES if titles.get(code)), ""
    )


# ---------------------------------------------------------------- wording


def wordings_of(programme_id: int | None, kind: str) -> dict[str, DocumentText]:
    """The programme's own wordings of a kind of document, by language."""
    if programme_id is None:
        return {}
    rows = db.session.scalars(
        select(DocumentText).where(
            DocumentText.programme_id == programme_id, DocumentText.kind == kind
        )
    )
    return {row.language: row for row in rows}


def wording(programme_id: int | None, kind: str, language: str) -> Wording:
    """What a kind of document says in a language: the programme's wording, else the
    default."""
    own = wordings_of(programme_id, kind).get(language)
    return Wording(own.heading, own.body) if own else default_wording(kind, language)


def save_wording(programme: Programme, kind: str, language: str, heading: str, body: str) -> None:
    """The programme's wording of a kind in a language; both empty: back to the default."""
    if kind not in set(DocumentKind) or language not in DOCUMENT_LANGUAGES:
        raise InvalidInput("body", _("Choose one of the kinds and languages offered."))
    heading, body = heading.strip(), body.strip()
    check_wording(kind, heading, body)
    own = wordings_of(programme.id, kind).get(language)
    if not heading and not body:
        if own is not None:
            db.session.delete(own)
        return
    if own is None:
        own = DocumentText(programme_id=programme.id, kind=kind, language=language)
        db.session.add(own)
    own.heading, own.body = heading, body
