"""The words of documents: each kind's default heading and body in each language, the
placeholders a body may hold, and a body filled in for one holder.

A body is written as people write a letter, with placeholders in braces (``{event}``): blank
lines part paragraphs (on a badge each line is a line of its own), a paragraph that is only
``{name}`` (or ``{passport_name}``) is the holder's name written large, and a line whose every
placeholder is empty (a holder without an organisation) is left out. The defaults are written
here, in each language, as the centre's letterhead is: they are documents' content, which staff
rewrite per programme, not the site's interface.
"""

import re
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..core.errors import InvalidInput
from .models import DocumentKind

PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
HEADING_LENGTH, BODY_LENGTH = 200, 2000

# What each placeholder is, for the staff's form.
PLACEHOLDERS = {
    "name": _l("the holder's name"),
    "organisation": _l("their organisation"),
    "position": _l("their position"),
    "country": _l("their country"),
    "role": _l("their role at the event (delegate, speaker…)"),
    "event": _l("the event's title"),
    "dates": _l("the event's dates"),
    "place": _l("where it was held (city and country)"),
    "centre": _l("the centre's name"),
    "programme": _l("the programme's name"),
    "serial": _l("the document's serial number"),
    "issued": _l("the day it was issued"),
    "attendance": _l("what was attended (“3 days”, “2 of 3 days”, “6 of 8 sessions”)"),
    "stay": _l("the stay: from the day of arrival to the day of departure"),
    "costs": _l("who pays what (from the cost rules: air ticket, lodging, meals…)"),
    "passport_name": _l("the name as written in the passport"),
    "nationality": _l("the nationality"),
    "passport_number": _l("the passport's number"),
    "passport_expiry": _l("the day the passport expires"),
}
_COMMON = (
    "name",
    "organisation",
    "position",
    "country",
    "role",
    "event",
    "dates",
    "place",
    "centre",
    "programme",
    "serial",
    "issued",
)
# The placeholders of each kind: a badge is printed before anyone attends; letters are written
# before the event, and only a visa letter states passport data.
KIND_PLACEHOLDERS = {
    DocumentKind.CERTIFICATE: (*_COMMON, "attendance"),
    DocumentKind.ATTENDANCE_CERTIFICATE: (*_COMMON, "attendance"),
    DocumentKind.BADGE: _COMMON,
    DocumentKind.ACCEPTANCE_LETTER: (*_COMMON, "stay", "costs"),
    DocumentKind.VISA_LETTER: (
        *_COMMON,
        "stay",
        "costs",
        "passport_name",
        "nationality",
        "passport_number",
        "passport_expiry",
    ),
}
# A paragraph of one of these alone is the holder's name, written large.
NAME_PLACEHOLDERS = ("{name}", "{passport_name}")


@dataclass(frozen=True)
class Wording:
    heading: str
    body: str


DEFAULTS = {
    DocumentKind.CERTIFICATE: {
        "en": Wording(
            "Certificate of completion",
            "This certifies that\n\n{name}\n\ncompleted “{event}”, held in {place} "
            "({dates}), and attended {attendance}.",
        ),
        "es": Wording(
            "Certificado de finalización",
            "Se hace constar que\n\n{name}\n\ncompletó «{event}», celebrado en {place} "
            "({dates}), con una asistencia de {attendance}.",
        ),
        "fr": Wording(
            "Certificat de fin de formation",
            "Nous attestons que\n\n{name}\n\na suivi jusqu’à son terme « {event} », tenu à "
            "{place} ({dates}), avec une présence de {attendance}.",
        ),
    },
    # To those who attended without meeting the completion rule: what they attended, no more.
    DocumentKind.ATTENDANCE_CERTIFICATE: {
        "en": Wording(
            "Certificate of attendance",
            "This certifies that\n\n{name}\n\nattended {attendance} of “{event}”, held in "
            "{place} ({dates}).",
        ),
        "es": Wording(
            "Constancia de asistencia",
            "Se hace constar que\n\n{name}\n\nasistió a «{event}», celebrado en {place} "
            "({dates}), con una asistencia de {attendance}.",
        ),
        "fr": Wording(
            "Attestation de présence",
            "Nous attestons que\n\n{name}\n\na été présent·e {attendance} de « {event} », "
            "tenu à {place} ({dates}).",
        ),
    },
    DocumentKind.BADGE: {
        language: Wording(
            "{centre}", "{organisation}\n{country} · {role}\n{event}\n{dates} · {place}"
        )
        for language in ("en", "es", "fr")
    },
    # Read by a consulate: who invites whom (as in the passport), to what, when and where, for
    # which stay, and who pays what; nothing the travel file and the cost rules do not give.
    DocumentKind.VISA_LETTER: {
        "en": Wording(
            "Visa support letter",
            "To the consular authorities concerned:\n\n"
            "{centre} invites\n\n{passport_name}\n\n"
            "a national of {nationality}, holder of passport number {passport_number} "
            "(valid until {passport_expiry}),\n{position}, {organisation},\n"
            "to take part as {role} in “{event}”, held in {place} ({dates}).\n\n"
            "The stay in the country runs {stay}.\n\n{costs}\n\n"
            "We kindly ask you to grant the visa this stay needs. The authenticity of this "
            "letter ({serial}) can be checked at the address of its QR code.",
        ),
        "es": Wording(
            "Carta de apoyo para la solicitud de visa",
            "A las autoridades consulares correspondientes:\n\n"
            "En nombre de la institución organizadora, {centre}, invitamos a\n\n"
            "{passport_name}\n\n"
            "de nacionalidad {nationality}, titular del pasaporte número {passport_number} "
            "(válido hasta el {passport_expiry}),\n{position}, {organisation},\n"
            "a participar como {role} en «{event}», que se celebrará en {place} ({dates}).\n\n"
            "La estancia en el país será {stay}.\n\n{costs}\n\n"
            "Les rogamos otorgar la visa que requiere esta estancia. La autenticidad de esta "
            "carta ({serial}) puede verificarse en la dirección de su código QR.",
        ),
        "fr": Wording(
            "Lettre d’appui à la demande de visa",
            "Aux autorités consulaires concernées :\n\n"
            "Au nom de l’institution organisatrice, {centre}, nous invitons\n\n"
            "{passport_name}\n\n"
            "de nationalité {nationality}, titulaire du passeport numéro {passport_number} "
            "(valide jusqu’au {passport_expiry}),\n{position}, {organisation},\n"
            "à participer en tant que {role} à « {event} », qui se tiendra à {place} "
            "({dates}).\n\n"
            "Le séjour dans le pays s’étend {stay}.\n\n{costs}\n\n"
            "Nous vous prions de bien vouloir accorder le visa que ce séjour requiert. "
            "L’authenticité de cette lettre ({serial}) peut être vérifiée à l’adresse de son "
            "code QR.",
        ),
    },
    DocumentKind.ACCEPTANCE_LETTER: {
        "en": Wording(
            "Letter of acceptance",
            "{centre} is pleased to confirm that\n\n{name}\n\n"
            "{position}, {organisation} ({country}),\n"
            "has been accepted to take part as {role} in “{event}”, held in {place} "
            "({dates}).\n\n{costs}\n\n"
            "We look forward to welcoming you.",
        ),
        "es": Wording(
            "Carta de aceptación",
            "En nombre de la institución organizadora, {centre}, tenemos el agrado de confirmar "
            "la participación de\n\n{name}\n\n"
            "{position}, {organisation} ({country}),\n"
            "como {role} en «{event}», que se celebrará en {place} ({dates}).\n\n{costs}\n\n"
            "Será un placer darle la bienvenida.",
        ),
        "fr": Wording(
            "Lettre d’acceptation",
            "Au nom de l’institution organisatrice, {centre}, nous avons le plaisir de "
            "confirmer que\n\n{name}\n\n"
            "{position}, {organisation} ({country}),\n"
            "participera en tant que {role} à « {event} », qui se tiendra à {place} "
            "({dates}).\n\n"
            "{costs}\n\n"
            "Nous nous réjouissons de vous accueillir.",
        ),
    },
}


def default_wording(kind: str, language: str) -> Wording:
    return DEFAULTS[DocumentKind(kind)].get(language) or DEFAULTS[DocumentKind(kind)]["en"]


def check_wording(kind: str, heading: str, body: str) -> None:
    """Refuse a heading on several lines or too long, a body too long, and placeholders the
    kind does not have (or braces that are not one)."""
    if "\n" in heading or "\r" in heading or len(heading) > HEADING_LENGTH:
        raise InvalidInput(
            "heading",
            _("Write the heading on one line, in %(num)d characters at most.", num=HEADING_LENGTH),
        )
    if len(body) > BODY_LENGTH:
        raise InvalidInput("body", _("At most %(num)d characters.", num=BODY_LENGTH))
    allowed = KIND_PLACEHOLDERS[DocumentKind(kind)]
    for field, value in (("heading", heading), ("body", body)):
        unknown = [name for name in PLACEHOLDER.findall(value) if name not in allowed]
        if unknown:
            raise InvalidInput(
                field,
                _("“{%(name)s}” is not one of the placeholders listed.", name=unknown[0]),
            )
        if "{" in PLACEHOLDER.sub("", value) or "}" in PLACEHOLDER.sub("", value):
            raise InvalidInput(field, _("Write placeholders as a word in braces, such as {event}."))


def fill(text: str, values: dict[str, str]) -> str:
    """The text with each placeholder replaced by its value."""
    return PLACEHOLDER.sub(lambda m: values.get(m.group(1), ""), text)


def _all_empty(line: str, values: dict[str, str]) -> bool:
    names = PLACEHOLDER.findall(line)
    return bool(names) and not any(values.get(name) for name in names)


@dataclass(frozen=True)
class Paragraph:
    text: str
    is_name: bool = False  # the holder's name, written large


def paragraphs(body: str, values: dict[str, str]) -> list[Paragraph]:
    """A certificate's or letter's body as paragraphs (parted by blank lines)."""
    found = []
    for block in re.split(r"\n\s*\n", body.replace("\r\n", "\n").strip()):
        lines = [line for line in block.split("\n") if not _all_empty(line, values)]
        if not lines:
            continue
        is_name = block.strip() in NAME_PLACEHOLDERS
        found.append(Paragraph(" ".join(fill(line, values).strip() for line in lines), is_name))
    return found


_LOOSE_ENDS = re.compile(r"^[\s·,]+|[\s·,]+$")


def lines(body: str, values: dict[str, str]) -> list[str]:
    """A badge's body as lines, those with nothing to say left out (and a separator left
    hanging by an empty placeholder: "18 January 2027 · ")."""
    return [
        _LOOSE_ENDS.sub("", fill(line, values))
        for line in body.replace("\r\n", "\n").split("\n")
        if line.strip() and not _all_empty(line, values)
    ]
