"""Staff write an event's title, purpose and description in other languages; pages show them
(the ``localized`` template filter)."""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ...core.errors import InvalidInput
from ...core.navigation import BAR, PAGE, event_tab
from ...core.web import show_beside_field
from ...extensions import db
from ..forms import TranslationForm
from ..models import LANGUAGES, Event
from ..translations import (
    date_reading,
    localized,
    original_language,
    save_translation,
    translation_languages,
    translations_of,
    window_beside_reading,
)
from . import manage_bp

manage_bp.app_template_filter("localized")(localized)
manage_bp.app_template_filter("date_reading")(date_reading)
manage_bp.app_template_filter("window_beside_reading")(window_beside_reading)
event_tab("catalogue_manage.event_translations", _l("Translations"), 12, (BAR, PAGE))
manage_bp.app_template_global("original_language")(original_language)


def _forms(event: Event, posted: str | None = None) -> dict[str, TranslationForm]:
    """A form per translation language: the `posted` one reads the request, the others show
    what is saved."""
    saved, forms = translations_of(event), {}
    for language in translation_languages():
        if language == posted:
            forms[language] = TranslationForm(prefix=language)
            continue
        forms[language] = form = TranslationForm(prefix=language, formdata=None)
        if language in saved:
            form.fill_from(saved[language])
    return forms


@manage_bp.route("/events/<int:event_id>/translations")
def event_translations(event_id: int):
    event = db.session.get(Event, event_id) or abort(404)
    return _page(event, _forms(event))


@manage_bp.route("/events/<int:event_id>/translations/<language>", methods=["POST"])
def save_event_translation(event_id: int, language: str):
    event = db.session.get(Event, event_id) or abort(404)
    if language not in translation_languages():
        abort(404)
    forms = _forms(event, posted=language)
    form = forms[language]
    if form.validate_on_submit():
        try:
            translation = save_translation(event, language, form.to_input())
        except InvalidInput as error:
            show_beside_field(form, error)
        else:
            name = LANGUAGES[language]
            if translation is None:
                flash(_("Removed the %(language)s version.", language=name), "success")
            else:
                flash(_("Saved the %(language)s version.", language=name), "success")
            return redirect(url_for(".event_translations", event_id=event.id))
    return _page(event, forms), 400


def _page(event: Event, forms: dict[str, TranslationForm]) -> str:
    return render_template(
        "catalogue/event_translations.html",
        event=event,
        forms=forms,
        languages=LANGUAGES,
        original=original_language(),
    )
