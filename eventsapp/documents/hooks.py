"""What documents answer for the capabilities below them (``core.signals``, ``mail``): the
badge that goes with the email confirming a place, where the event wants it; a merged
organisation's logo."""

from flask import current_app

from ..core.clock import utcnow
from ..core.pdf import PdfUnavailable
from ..core.signals import (
    organisations_merging,
    participant_email_attachments,
    registration_certificates,
)
from ..extensions import db
from ..mail.attachments import attachment_maker
from .models import Document, DocumentKind
from .rendering import document_pdf
from .services import badge_of, badge_with_approval, current_documents, why_not_valid
from .settings import forget_logo_of, has_logo


@participant_email_attachments.connect
def _badge_with_the_approval(registration, template: str, **_):
    """The email confirming a place carries the badge, issued now, when its event says so."""
    if template != "approved" or not badge_with_approval(registration.event.id):
        return None
    badge = badge_of(registration, utcnow(), None)
    return [{"maker": "badge", "key": badge.id}] if badge else None


@attachment_maker("badge")
def _badge_file(document_id: int):
    """The badge's PDF as the email leaves; nothing when it is no longer valid (revoked, the
    place given up meanwhile) or this server cannot make PDFs (the email goes without it)."""
    document = db.session.get(Document, document_id) if isinstance(document_id, int) else None
    if document is None or why_not_valid(document):
        return None
    try:
        content = document_pdf(document)
    except PdfUnavailable as error:
        current_app.logger.error("The badge %s cannot be made: %s", document.serial, error)
        return None
    return f"badge-{document.serial}.pdf", "application/pdf", content


@organisations_merging.connect
def _one_logo_for_the_kept_organisation(organisation, into, **_):
    """The organisation kept keeps its own logo; the merged one's moves to it only when it has
    none."""
    if has_logo(organisation.id) and has_logo(into.id):
        forget_logo_of(organisation.id)


@registration_certificates.connect
def _certificates_held(_sender, registration_ids: list[int], **_):
    """Which of the registrations hold a certificate not revoked (a delegate's past, beside her
    registration waiting for approval)."""
    return set(current_documents(registration_ids, DocumentKind.CERTIFICATE))
