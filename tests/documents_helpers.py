"""Badges and certificates in tests: what a badge's QR code holds, and a PDF's text."""

import io

from pypdf import PdfReader

from eventsapp.core.clock import utcnow
from eventsapp.core.links import site_url
from eventsapp.documents.models import DocumentKind
from eventsapp.documents.services import current_documents, issue
from eventsapp.extensions import db


def badge_code(registration) -> str:
    """What the registration's badge's QR code holds (its verification page's address): the
    badge printed for it, issued now if it has none (even to someone declined since)."""
    held = current_documents([registration.id], DocumentKind.BADGE).get(registration.id)
    badge = held or issue(DocumentKind.BADGE, [registration], utcnow(), None)[0]
    db.session.commit()
    return site_url("documents.verify", code=badge.code)


def pdf_text(response) -> str:
    assert response.status_code == 200, response.status_code
    assert response.content_type == "application/pdf"
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)


def words(text: str) -> str:
    """Text on one line, as wrapped lines read once joined (a line may end after a dash: "7–"
    then "9 de marzo")."""
    return " ".join(text.split()).replace("– ", "–")


def qr_codes(pdf: bytes) -> list[str]:
    """What the QR codes of a PDF hold, read by a barcode reader (zxing-cpp) from the images as
    the PDF holds them, drawn larger with a white margin as a camera would see them."""
    import zxingcpp
    from PIL import Image, ImageOps

    found = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for image in page.images:
            picture = image.image
            if picture.width != picture.height or picture.width > 200:
                continue  # logos and signatures
            large = picture.convert("L").resize(
                (picture.width * 8, picture.height * 8), Image.Resampling.NEAREST
            )
            framed = ImageOps.expand(large, border=32, fill=255)
            found += [result.text for result in zxingcpp.read_barcodes(framed)]
    return found
