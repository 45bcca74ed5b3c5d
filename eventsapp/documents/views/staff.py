"""Staff's pages: a programme's documents (``/manage/programmes/<id>/documents``: the centre,
the partners' logos, the signatories, colours and paper, each kind's wording per language and
its preview), and an event's (its documents issued, revoking one, the approval email's badge,
the badge sheet)."""

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ...catalogue.models import Programme
from ...catalogue.services import get_event
from ...core.actions import log_action
from ...core.clock import utcnow
from ...core.errors import InvalidInput
from ...core.navigation import BAR, event_tab
from ...core.web import direction_steps, show_beside_field
from ...extensions import db
from ..forms import EventDocumentsForm, ImageForm, SettingsForm, SignatoryForm, WordingForm
from ..images import image_content, image_path
from ..models import DOCUMENT_LANGUAGES, Document, DocumentKind, Signatory
from ..rendering import badge_sheet_pdf, preview_pdf
from ..services import (
    BADGES_PRINTED,
    badge_with_approval,
    badges_of,
    event_documents,
    revoke,
    set_badge_with_approval,
    why_not_valid,
)
from ..settings import (
    add_signatory,
    move_signatory,
    partners_of,
    programme_settings,
    remove_signatory,
    save_settings,
    save_wording,
    set_centre_logo,
    set_logo,
    set_signature,
    signatories_of,
    update_signatory,
    wordings_of,
)
from ..texts import KIND_PLACEHOLDERS, PLACEHOLDERS, default_wording
from . import bp, pdf_download

event_tab("documents.event_page", _l("Documents"), 85, (BAR,))


def _programme(programme_id: int) -> Programme:
    return db.session.get(Programme, programme_id) or abort(404)


def _settings_page(programme: Programme, settings_form=None, status: int = 200, **errors):
    settings = programme_settings(programme.id)
    if settings_form is None:
        settings_form = SettingsForm(formdata=None)
        settings_form.fill(settings)
    page = render_template(
        "documents/settings.html",
        programme=programme,
        settings=settings,
        form=settings_form,
        signatory_form=errors.pop("signatory_form", None) or SignatoryForm(formdata=None),
        partners=partners_of(programme),
        signatories=signatories_of(programme.id),
        kinds=list(DocumentKind),
        languages=DOCUMENT_LANGUAGES,
        own={kind: wordings_of(programme.id, kind) for kind in DocumentKind},
        image_errors=errors,
    )
    return page, status


def _back(programme: Programme, anchor: str = ""):
    url = url_for(".settings_page", programme_id=programme.id)
    return redirect(f"{url}#{anchor}" if anchor else url)


@bp.route("/manage/programmes/<int:programme_id>/documents", methods=["GET", "POST"])
def settings_page(programme_id: int):
    programme = _programme(programme_id)
    form = SettingsForm()
    if form.validate_on_submit():
        try:
            save_settings(programme, form.to_input())
        except InvalidInput as error:
            show_beside_field(form, error)
        else:
            flash(_("Saved: the programme's documents use these settings."), "success")
            return _back(programme)
    if request.method == "POST":
        return _settings_page(programme, form, 400)
    return _settings_page(programme)


def _image_posted(programme: Programme, apply, anchor: str, error_key: str):
    """Store the image sent with the form (``apply(content, suffix)``), or remove it
    (``apply(None)``) when the form asks to."""
    if request.form.get("remove"):
        apply(None)
        flash(_("Removed the image."), "success")
        return _back(programme, anchor)
    form = ImageForm()
    if form.validate_on_submit():
        try:
            apply(*image_content(form.image.data, "image"))
        except InvalidInput as error:
            db.session.rollback()
            return _settings_page(programme, status=400, **{error_key: error.message})
        flash(_("Saved the image."), "success")
    return _back(programme, anchor)


@bp.post("/manage/programmes/<int:programme_id>/documents/logo")
def centre_logo(programme_id: int):
    programme = _programme(programme_id)
    return _image_posted(
        programme, lambda *image: set_centre_logo(programme, *image), "centre", "centre"
    )


@bp.post("/manage/programmes/<int:programme_id>/documents/partners/<int:organisation_id>/logo")
def partner_logo(programme_id: int, organisation_id: int):
    programme = _programme(programme_id)
    if organisation_id not in {p.organisation_id for p in programme.partners}:
        abort(404)
    return _image_posted(
        programme,
        lambda *image: set_logo(programme, organisation_id, *image),
        "partners",
        f"partner-{organisation_id}",
    )


@bp.get("/manage/programmes/<int:programme_id>/documents/images/<name>")
def image(programme_id: int, name: str):
    """An image the programme's documents show (for staff's pages only)."""
    programme = _programme(programme_id)
    used = {
        programme_settings(programme.id).centre_logo,
        *(p.logo for p in partners_of(programme)),
        *(s.signature for s in signatories_of(programme.id)),
    }
    path = image_path(name) if name in used else None
    if path is None:
        abort(404)
    return send_file(path, max_age=3600)


# ---------------------------------------------------------------- signatories


def _signatory(programme: Programme, signatory_id: int) -> Signatory:
    signatory = db.session.get(Signatory, signatory_id)
    if signatory is None or signatory.programme_id != programme.id:
        abort(404)
    return signatory


@bp.post("/manage/programmes/<int:programme_id>/documents/signatories")
def add_signatory_page(programme_id: int):
    programme = _programme(programme_id)
    form = SignatoryForm()
    if form.validate_on_submit():
        try:
            add_signatory(programme, form.to_input())
        except InvalidInput as error:
            show_beside_field(form, error, error.field if error.field == "name" else None)
        else:
            flash(_("Added the signatory: add their signature below."), "success")
            return _back(programme, "signatories")
    return _settings_page(programme, status=400, signatory_form=form)


@bp.route(
    "/manage/programmes/<int:programme_id>/documents/signatories/<int:signatory_id>",
    methods=["GET", "POST"],
)
def signatory_page(programme_id: int, signatory_id: int):
    programme = _programme(programme_id)
    signatory = _signatory(programme, signatory_id)
    form = SignatoryForm()
    if request.method == "GET":
        form.fill(signatory)
    elif form.validate_on_submit():
        try:
            update_signatory(signatory, form.to_input())
        except InvalidInput as error:
            show_beside_field(form, error)
        else:
            flash(_("Saved %(name)s.", name=signatory.name), "success")
            return _back(programme, "signatories")
    page = render_template(
        "documents/signatory.html", programme=programme, signatory=signatory, form=form
    )
    return page, 400 if form.errors else 200


@bp.post("/manage/programmes/<int:programme_id>/documents/signatories/<int:signatory_id>/signature")
def signature(programme_id: int, signatory_id: int):
    programme = _programme(programme_id)
    signatory = _signatory(programme, signatory_id)
    return _image_posted(
        programme,
        lambda *image: set_signature(signatory, *image),
        "signatories",
        f"signatory-{signatory.id}",
    )


@bp.post("/manage/programmes/<int:programme_id>/documents/signatories/<int:signatory_id>/move")
def move_signatory_page(programme_id: int, signatory_id: int):
    programme = _programme(programme_id)
    signatory = _signatory(programme, signatory_id)
    move_signatory(signatory, direction_steps())
    return _back(programme, "signatories")


@bp.post("/manage/programmes/<int:programme_id>/documents/signatories/<int:signatory_id>/delete")
def delete_signatory(programme_id: int, signatory_id: int):
    programme = _programme(programme_id)
    signatory = _signatory(programme, signatory_id)
    remove_signatory(signatory)
    flash(_("Removed %(name)s from the signatories.", name=signatory.name), "success")
    return _back(programme, "signatories")


# ---------------------------------------------------------------- wording and previews


def _kind_and_language(kind: str, language: str) -> tuple[DocumentKind, str]:
    if kind not in set(DocumentKind) or language not in DOCUMENT_LANGUAGES:
        abort(404)
    return DocumentKind(kind), language


@bp.route(
    "/manage/programmes/<int:programme_id>/documents/<kind>/<language>", methods=["GET", "POST"]
)
def wording_page(programme_id: int, kind: str, language: str):
    programme = _programme(programme_id)
    kind, language = _kind_and_language(kind, language)
    own = wordings_of(programme.id, kind).get(language)
    default = default_wording(kind, language)
    form = WordingForm()
    if request.method == "GET":
        form.heading.data = own.heading if own else default.heading
        form.body.data = own.body if own else default.body
    elif form.validate_on_submit():
        try:
            save_wording(programme, kind, language, form.heading.data or "", form.body.data or "")
        except InvalidInput as error:
            show_beside_field(form, error)
        else:
            flash(_("Saved the wording: the preview shows it."), "success")
            return redirect(request.path)
    page = render_template(
        "documents/wording.html",
        programme=programme,
        kind=kind,
        language=language,
        form=form,
        own=own,
        default=default,
        placeholders=[(name, PLACEHOLDERS[name]) for name in KIND_PLACEHOLDERS[kind]],
    )
    return page, 400 if form.errors else 200


@bp.get("/manage/programmes/<int:programme_id>/documents/<kind>/<language>.pdf")
def preview(programme_id: int, kind: str, language: str):
    """A sample of the document as the programme's settings make it, with a made-up holder."""
    programme = _programme(programme_id)
    kind, language = _kind_and_language(kind, language)
    return pdf_download(
        lambda: preview_pdf(programme, kind, language), f"sample-{kind}-{language}.pdf"
    )


# ---------------------------------------------------------------- an event's documents


def _event(event_id: int):
    return get_event(event_id) or abort(404)


@bp.route("/manage/events/<int:event_id>/documents", methods=["GET", "POST"])
def event_page(event_id: int):
    event = _event(event_id)
    form = EventDocumentsForm()
    if form.validate_on_submit():
        set_badge_with_approval(event, form.badge_with_approval.data)
        flash(
            _("The email that confirms a place now carries the badge.")
            if form.badge_with_approval.data
            else _("The email that confirms a place no longer carries the badge."),
            "success",
        )
        return redirect(url_for(".event_page", event_id=event.id))
    form.badge_with_approval.data = badge_with_approval(event.id)
    documents = event_documents(event.id)
    return render_template(
        "documents/event.html",
        event=event,
        form=form,
        documents=documents,
        problems={d.id: why_not_valid(d) for d in documents},
    )


@bp.post("/manage/events/<int:event_id>/documents/<int:document_id>/revoke")
def revoke_page(event_id: int, document_id: int):
    event = _event(event_id)
    document = db.session.get(Document, document_id)
    if document is None or document.registration.event_id != event.id:
        abort(404)
    revoke(document, utcnow(), current_user)
    flash(
        _(
            "Revoked %(serial)s of %(name)s: its page says it is not valid.",
            serial=document.serial,
            name=document.registration.name,
        ),
        "success",
    )
    return redirect(url_for(".event_page", event_id=event.id))


@bp.get("/manage/events/<int:event_id>/badges.pdf")
def badges_pdf(event_id: int):
    """A badge for each participant with a place, eight to a page (issued the first time)."""
    event = _event(event_id)
    badges = badges_of(event, utcnow(), current_user)
    log_action(event, BADGES_PRINTED, current_user, {"count": len(badges)})
    return pdf_download(lambda: badge_sheet_pdf(event, badges), f"badges-{event.id}.pdf")
