"""The demo's documents: each programme's centre names, colours and signatories as its data file
writes them, and a logo for each partner. The seeds hold no images, so logos are drawn here (the
partner's acronym on a coloured plate) and signatures too (a flourish of ink), all made on the
spot: no network, nothing shipped. A programme whose documents staff set already is left alone.
"""

import hashlib
import io
import math

from PIL import Image, ImageDraw, ImageFont

from ..catalogue.models import Programme
from ..core.pdf import STATIC
from ..documents.models import DocumentSettings
from ..documents.settings import (
    SettingsInput,
    SignatoryInput,
    add_signatory,
    has_logo,
    save_settings,
    set_centre_logo,
    set_logo,
    set_signature,
)
from ..extensions import db

BOLD = STATIC / "vendor" / "dejavu" / "DejaVuSans-Bold.ttf"
PLATES = ("#7a1f4d", "#0b6e69", "#1d4f73", "#8a5a00", "#4b3f8f", "#2f6b2f", "#a23b2a", "#37474f")


def _seed(text: str) -> int:
    return int(hashlib.sha256(text.encode()).hexdigest()[:8], 16)


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


def logo(acronym: str) -> bytes:
    """A plate of the organisation's colour with its acronym in white."""
    image = Image.new("RGB", (480, 160), "white")
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((4, 4, 476, 156), radius=28, fill=PLATES[_seed(acronym) % len(PLATES)])
    size = 96
    font = ImageFont.truetype(str(BOLD), size)
    while draw.textlength(acronym, font=font) > 420 and size > 24:
        size -= 6
        font = ImageFont.truetype(str(BOLD), size)
    draw.text((240, 80), acronym, font=font, fill="white", anchor="mm")
    return _png(image)


def signature(name: str) -> bytes:
    """A flourish of dark blue ink, different for each name."""
    image = Image.new("RGBA", (600, 180), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    seed = _seed(name)
    points = []
    for n in range(241):
        t = n / 240
        loops = 3 + seed % 3
        x = 40 + 500 * t + 28 * math.sin(2 * math.pi * loops * t + seed % 7)
        y = 95 + 45 * math.sin(2 * math.pi * (loops + 0.5) * t) * (1 - 0.6 * t)
        points.append((x, y))
    draw.line(points, fill=(20, 40, 110, 255), width=5, joint="curve")
    draw.line([(60, 150), (560, 140)], fill=(20, 40, 110, 255), width=3)
    return _png(image)


def load(data: dict, programme: Programme, organisations: dict) -> None:
    """The programme's documents as its data file writes them, and its partners' logos."""
    documents = data["programme"].get("documents")
    if not documents or db.session.get(DocumentSettings, programme.id) is not None:
        return
    save_settings(
        programme,
        SettingsInput(
            centre_names=documents["centre_names"],
            primary_colour=documents["primary_colour"],
            accent_colour=documents["accent_colour"],
        ),
    )
    set_centre_logo(programme, logo(programme.short_name), ".png")
    for entry in documents.get("signatories", []):
        signatory = add_signatory(programme, SignatoryInput(entry["name"], entry["titles"]))
        set_signature(signatory, signature(entry["name"]), ".png")
    for partner in programme.partners:
        organisation = partner.organisation
        if not has_logo(organisation.id):
            set_logo(programme, organisation.id, logo(organisation.short_name), ".png")
            db.session.flush()
