"""An event's title, purpose, description and audience in other languages, and the text a page
shows.

Staff write an event's content in the site's language (its original: the event has no field
saying otherwise) and, where they can, in the other languages of the site. A page shows each
field in the visitor's language when staff wrote it, else the original's; with its language, so
that the template marks it (``lang``) when it differs from the page's.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from flask import current_app
from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import select

from ..core.clock import utcnow
from ..core.dates import DateWindow, describe_window
from ..core.errors import InvalidInput
from ..core.i18n import language_of
from ..core.validation import CONTROL_CHARACTERS, ONE_LINE_MESSAGE
from ..extensions import db
from .models import CONTENT_LANGUAGES, Event, EventTranslation

FIELDS = ("title", "purpose", "description", "audience")
TITLE_MAX, DESCRIPTION_MAX, AUDIENCE_MAX = 300, 10_000, 300


def original_language() -> str:
    """The language events are written in: the site's (``BABEL_DEFAULT_LOCALE``'s)."""
    return language_of(current_app.config["BABEL_DEFAULT_LOCALE"])


def translation_languages() -> list[str]:
    """The languages staff may translate an event into: the site's others."""
    return [code for code in CONTENT_LANGUAGES if code != original_language()]


# ---------------------------------------------------------------- writing translations


@dataclass
class TranslationInput:
    title: str = ""
    purpose: list[str] = field(default_factory=list)  # the bullets
    description: str = ""
    audience: str = ""


def translations_of(event: Event) -> dict[str, EventTranslation]:
    return {translation.locale: translation for translation in event.translations}


def save_translation(
    event: Event, language: str, data: TranslationInput
) -> EventTranslation | None:
    """Write the event's content in `language`; all fields empty removes the translation (and
    returns None). Refuses a language that is not a translation language, a title on more than
    one line or too long, and a description too long."""
    if language not in translation_languages():
        raise InvalidInput("language", _("Choose one of the languages offered."))
    title, description = data.title.strip(), data.description.strip()
    audience = data.audience.strip()
    purpose = [point.strip() for point in data.purpose if point.strip()]
    for name, text, most in (("title", title, TITLE_MAX), ("audience", audience, AUDIENCE_MAX)):
        if CONTROL_CHARACTERS.search(text):
            raise InvalidInput(name, str(ONE_LINE_MESSAGE))
        if len(text) > most:
            raise InvalidInput(name, _("At most %(count)d characters.", count=most))
    if len(description) > DESCRIPTION_MAX:
        raise InvalidInput("description", _("At most %(count)d characters.", count=DESCRIPTION_MAX))
    translation = translations_of(event).get(language)
    event.updated_at = utcnow()  # pages and feeds kept for the event's version are written again
    if not (title or purpose or description or audience):
        if translation is not None:
            event.translations.remove(translation)
        return None
    if translation is None:
        translation = EventTranslation(locale=language)
        event.translations.append(translation)
    translation.title, translation.purpose, translation.description = title, purpose, description
    translation.audience = audience
    db.session.flush()
    return translation


# ---------------------------------------------------------------- what pages show


@dataclass(frozen=True)
class Localized:
    """A field of an event's content as a page shows it, and the language it is written in.

    Printed, it is its text (escaped as any text); ``lang_attribute`` is `` lang="es"`` when that
    language is not the page's, else nothing: ``<h1{{ title.lang_attribute }}>{{ title }}</h1>``.
    The purpose is a list: iterate over it.
    """

    text: str | list[str]
    lang: str
    page_lang: str

    def __str__(self) -> str:
        return self.text if isinstance(self.text, str) else "\n".join(self.text)

    def __bool__(self) -> bool:
        return bool(self.text)

    def __iter__(self):
        return iter(self.text if isinstance(self.text, list) else [self.text])

    @property
    def lang_attribute(self) -> Markup:
        if self.lang == self.page_lang:
            return Markup("")
        return Markup(' lang="%s"') % self.lang


def localized(content, name: str) -> Localized:
    """The field `name` (title, purpose, description, audience) of an event (or a list's row of
    one) in the visitor's language when staff wrote it, else the original's.

    It reads ``content.translations``: on one event, its relationship (one query); on a list,
    load them at once (``selectinload(Event.translations)``, or :func:`attach_translations` on
    rows). An object without translations shows its original.
    """
    if name not in FIELDS:
        raise ValueError(f"{name!r} is not translated; one of {FIELDS}")
    page, original = get_locale().language, original_language()
    if page != original:
        for translation in getattr(content, "translations", ()):
            if translation.locale == page and getattr(translation, name):
                return Localized(getattr(translation, name), page, page)
    return Localized(getattr(content, name, "") or "", original, page)


def date_reading(event, tbc: bool = True) -> str:
    """The event's dates as the visitor's language writes them ("début mars 2027 (à
    confirmer)"), for pages in another language than the event's phrase ("early March 2027
    (tbc)"). ``tbc``: False beside a badge that says the dates are to be confirmed."""
    window = DateWindow(event.starts_on, event.ends_on, event.precision, tbc and event.tentative)
    return describe_window(window)


def window_beside_reading(event) -> str:
    """The window ("1–10 de marzo de 2027") to show beside the reading of the dates
    ("principios de marzo de 2027"), or "" when it says nothing more ("febrero de 2027")."""
    plain = describe_window(DateWindow(event.starts_on, event.ends_on, event.precision, False))
    label = event.window_label
    return "" if _letters_and_digits(plain) == _letters_and_digits(label) else label


def _letters_and_digits(text: str) -> str:
    return "".join(c for c in text.casefold() if c.isalnum())


def attach_translations(rows: Iterable) -> None:
    """Give each of `rows` (anything with the ``id`` of an event, not Event itself: use
    selectinload there) its ``translations`` in the visitor's language, in one query."""
    rows = list(rows)
    found = defaultdict(list)
    if rows and get_locale().language != original_language():
        stmt = select(EventTranslation).where(
            EventTranslation.event_id.in_([row.id for row in rows]),
            EventTranslation.locale == get_locale().language,
        )
        for translation in db.session.scalars(stmt):
            found[translation.event_id].append(translation)
    for row in rows:
        row.translations = found[row.id]
