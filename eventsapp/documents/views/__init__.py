"""Documents' pages: anyone checks a document by its code (``/documents/<code>``; a
certificate's older address ``/certificates/<code>`` leads there), its holder and staff download
its PDF, a delegate downloads their own badge; staff set a programme's documents and see an
event's (``staff.py``)."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...core.clock import utcnow
from ...core.exports import download
from ...core.pdf import PdfUnavailable
from ...extensions import db
from ...registration.models import Registration
from ..rendering import document_pdf, verification_facts
from ..services import (
    SERIAL,
    badge_of,
    document_by_code,
    documents_for,
    may_download,
    why_not_valid,
)

bp = Blueprint("documents", __name__)


@bp.app_template_global()
def documents_of(registrations) -> dict:
    """For "My registrations": ``{registration id: {kind: document}}``, in one query."""
    return documents_for(list(registrations))


def pdf_download(make, name: str):
    """A PDF to download, or a page saying this server cannot make PDFs yet (503)."""
    try:
        return download(make(), "application/pdf", name)
    except PdfUnavailable as error:
        current_app.logger.error("A PDF cannot be made: %s", error)
        message = _("This server cannot make PDFs yet (it needs Pango: libpango-1.0-0).")
        return render_template("error.html", code=503, message=message), 503


@bp.get("/documents/<code>")
def verify(code: str):
    """What a verifier needs: what the document is, whose, for which event, and whether it is
    valid; a plain "not valid" (410) when it was revoked or its holder lost their place, and a
    plain "no such document" (404) for a code nobody was given."""
    document = document_by_code(code)
    if document is None:
        serial = bool(SERIAL.fullmatch(code))  # typed from the paper: "CICIE-2027-0019"
        return render_template("documents/unknown.html", code=code[:40], serial=serial), 404
    problem = why_not_valid(document)
    downloadable = problem is None and (
        not current_user.is_authenticated or may_download(document, current_user)
    )
    page = render_template(
        "documents/verify.html",
        document=document,
        problem=problem,
        downloadable=downloadable,
        **verification_facts(document),
    )
    return page, 410 if problem else 200


@bp.get("/documents/<code>.pdf")
def pdf(code: str):
    """The PDF of a valid document, for its holder (signed in, by link or password) and
    staff: anyone else signed out is asked to sign in first, and comes back here."""
    document = document_by_code(code) or abort(404)
    if problem := why_not_valid(document):
        abort(410, description=problem)
    if not current_user.is_authenticated:
        flash(_("Sign in to download your document: its PDF is for its holder."), "info")
        return redirect(url_for("accounts.login", next=request.path))
    if not may_download(document, current_user):
        abort(
            403,
            description=_(
                "This document's PDF is for its holder. Anyone can check the document on its page."
            ),
        )
    return pdf_download(lambda: document_pdf(document), f"{document.serial}.pdf")


@bp.get("/certificates/<code>")
def certificate_page(code: str):
    """The address certificates were emailed with until documents had their own."""
    return redirect(url_for(".verify", code=code[:40]), 301)


@bp.get("/certificates/<code>.pdf")
def certificate_pdf(code: str):
    return redirect(url_for(".pdf", code=code[:40]), 301)


@bp.get("/me/registrations/<int:registration_id>/badge.pdf")
def my_badge(registration_id: int):
    """A delegate's own badge, once their place is confirmed (issued the first time)."""
    if not current_user.is_authenticated:
        flash(_("Sign in to download your badge."), "info")
        return redirect(url_for("accounts.login", next=request.path))
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.user_id != current_user.id:
        abort(404)
    badge = badge_of(registration, utcnow(), current_user)
    if badge is None:
        abort(404, description=_("Your badge is ready once your place is confirmed."))
    return pdf_download(lambda: document_pdf(badge), f"badge-{badge.serial}.pdf")


from . import staff  # noqa: E402, F401  (staff's pages, on this blueprint)
