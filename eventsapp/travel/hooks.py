"""What travel answers to the capabilities below it (``core.signals``, ``mail``): letters end
with the participant's place; the email carrying new letters attaches their PDFs, made as it
leaves."""

from flask import current_app

from ..core.pdf import PdfUnavailable
from ..core.signals import participant_email_attachments, registration_status_changed
from ..documents.models import LETTER_KINDS, Document
from ..documents.rendering import document_pdf
from ..documents.services import why_not_valid
from ..extensions import db
from ..mail.attachments import attachment_maker
from .letters import APPROVED, LETTER_MAKER, LETTERS_EMAIL, letters_to_attach, revoke_letters


@registration_status_changed.connect
def _letters_end_with_the_place(registration, now, **_):
    """Withdrawn, declined, waitlisted, a nominee substituted: the participant's letters are
    revoked (their pages say so)."""
    if registration.status not in APPROVED:
        revoke_letters(registration, now, None)


@participant_email_attachments.connect
def _letters_with_their_email(registration, template: str, **_):
    if template != LETTERS_EMAIL:
        return None
    return [{"maker": LETTER_MAKER, "key": id_} for id_ in letters_to_attach(registration)] or None


@attachment_maker(LETTER_MAKER)
def _letter_file(document_id: int):
    """A letter's PDF as its email leaves; nothing when it is no longer valid (revoked, issued
    again meanwhile) or this server cannot make PDFs (the email goes without it)."""
    document = db.session.get(Document, document_id) if isinstance(document_id, int) else None
    if document is None or document.kind not in LETTER_KINDS or why_not_valid(document):
        return None
    try:
        content = document_pdf(document)
    except PdfUnavailable as error:
        current_app.logger.error("The letter %s cannot be made: %s", document.serial, error)
        return None
    name = document.kind.replace("_", "-")
    return f"{name}-{document.serial}.pdf", "application/pdf", content
