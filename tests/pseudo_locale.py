"""A pseudo-language for tests: every message of the code "translated" into recognisable text, and
what finds English left outside gettext on a page or in an email.

The pseudo-language is registered under the code of a language Babel knows but the site does not
speak (``PSEUDO``, German), so that dates, numbers and country names come out in German from CLDR
while every message reads ``⟦Ŧĥé ŕéšţ⟧``. What a page shows is then one of: pseudo-text (taken
out), data (the values stored in the database, taken out whole: titles, names, notes), or words
of CLDR's German; an English word of the interface left over (a word of the messages' English) is
a string that skipped gettext, a label shown by its slug, or a name not localised (English country
names are not data here: they should be German).
"""

import base64
import re
from collections.abc import Iterable
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

from babel import Locale
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from sqlalchemy import JSON, String, Text, select

from eventsapp.core.labels import Labelled

ROOT = Path(__file__).resolve().parent.parent
PSEUDO = "de"
OPEN, CLOSE = "⟦", "⟧"
# What a message keeps as written: conversions, format fields, markup, entities, links.
KEPT = re.compile(
    r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[a-zA-Z]|%[-#0 +]*\d*(?:\.\d+)?[sdif]|%%|\{\w*\}|<[^>]*>"
    r"|&#?\w+;|https?://\S+"
)
ACCENTED = str.maketrans(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "áƀçđéƒĝĥíĵķĺɱñóƥɋŕšţúṽŵẋýžÁƁÇĐÉƑĜĤÍĴĶĹṀÑÓƤɊŔŠŢÚṼŴẊÝŽ",
)
PSEUDO_TEXT = re.compile(f"{OPEN}[^{OPEN}{CLOSE}]*{CLOSE}")
WORD = re.compile(r"[A-Za-z]{2,}")
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")
ADDRESS = re.compile(r"https?://\S+|[\w.+-]+@[\w-]+(\.[\w-]+)+|\b[\w-]+\.(?:pdf|csv|xlsx|ics)\b")
# Names of formats, standards and products, the same in every language.
SAME_IN_EVERY_LANGUAGE = {"csv", "xlsx", "pdf", "ical", "ics", "json", "api", "qr", "excel", "iso"}


def pseudo(text: str) -> str:
    """``text`` in the pseudo-language: letters accented between ⟦ ⟧, what code reads kept."""
    out, last = [], 0
    for match in KEPT.finditer(text):
        out.append(text[last : match.start()].translate(ACCENTED))
        out.append(match.group())
        last = match.end()
    out.append(text[last:].translate(ACCENTED))
    return OPEN + "".join(out) + CLOSE


def messages_of_the_code() -> Catalog:
    """Every message of the code and templates, extracted as `make translations` does."""
    with (ROOT / "babel.cfg").open() as handle:
        method_map, options_map = parse_mapping_cfg(handle, "babel.cfg")
    keywords = {
        **DEFAULT_KEYWORDS,
        "_l": None,
        "lazy_gettext": None,
        "lazy_pgettext": DEFAULT_KEYWORDS["pgettext"],
    }
    catalog = Catalog(locale=PSEUDO)
    for _filename, _line, message, _comments, context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=keywords
    ):
        catalog.add(message, context=context)
    return catalog


def write_pseudo_catalogue(directory: Path) -> set[str]:
    """The pseudo-language's compiled catalogue under ``directory`` (``<code>/LC_MESSAGES``);
    returns the words of the messages' English (the interface's vocabulary)."""
    catalog = messages_of_the_code()
    vocabulary = set()
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        message.string = tuple(map(pseudo, ids)) if len(ids) > 1 else pseudo(ids[0])
        for text in ids:
            vocabulary.update(w.lower() for w in WORD.findall(KEPT.sub(" ", text)))
    folder = directory / PSEUDO / "LC_MESSAGES"
    folder.mkdir(parents=True)
    with (folder / "messages.mo").open("wb") as handle:
        write_mo(handle, catalog)
    return vocabulary - SAME_IN_EVERY_LANGUAGE


def cldr_words(languages: Iterable[str], code: str = PSEUDO) -> set[str]:
    """The words CLDR writes in the pseudo-language's locale: month, day, country, language and
    currency names (what Babel shows there is data); and the name of each of the site's
    ``languages`` in itself, which its language switcher shows ("English")."""
    locale = Locale.parse(code)
    names: list[str] = [Locale.parse(language).get_display_name(language) for language in languages]
    for width in ("wide", "abbreviated"):
        for context in ("format", "stand-alone"):
            names += locale.months[context][width].values()
            names += locale.days[context][width].values()
    names += locale.territories.values()
    names += locale.languages.values()
    names += locale.currencies.values()
    return {w.lower() for name in names for w in WORD.findall(name)}


# ---------------------------------------------------------------- data, taken out whole

# Tables whose text is no one's data: caches of what the site wrote, the log's English keys.
NOT_DATA = {
    "countries",
    "alembic_version",
    "calendar_texts",
    "calendar_documents",
    "action_log",
    "outbox_emails",
}
SLUG = re.compile(r"^[a-z0-9_.:/-]*$")


def data_strings(db, vocabulary: set[str]) -> list[str]:
    """The text the database holds (but the country list and caches), longest first: each
    value, and each line of a longer one; only those with a word of the vocabulary (others
    cannot hide one). Values that are slugs or stored choices ("Americas", a region) are left
    out: one shown is a label forgotten."""
    choices = {member.value for kind in _subclasses(Labelled) for member in kind}
    found = set()
    for table in db.metadata.sorted_tables:
        if table.name in NOT_DATA:
            continue
        columns = [c for c in table.columns if isinstance(c.type, String | Text | JSON)]
        if not columns:
            continue
        for row in db.session.execute(select(*columns)):
            for value in row:
                found.update(_strings(value))
    kept = set()
    for value in found:
        for text in (value, *value.splitlines()):
            text = " ".join(text.split())
            if SLUG.match(text) or text in choices:
                continue
            if any(w.lower() in vocabulary for w in WORD.findall(text)):
                kept.add(text)
    return sorted(kept, key=len, reverse=True)


def _subclasses(kind: type) -> set[type]:
    found = set(kind.__subclasses__())
    for sub in list(found):
        found |= _subclasses(sub)
    return found


def _strings(value) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)


# ---------------------------------------------------------------- what a page shows

# Attributes people read or hear.
SEEN = {"title", "alt", "aria-label", "placeholder", "aria-description"}


class ShownText(HTMLParser):
    """The text a page shows: its text but scripts and styles, the attributes people read, the
    value of its buttons, and the text of the SVG images it draws from data: URLs (charts)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "style"):
            self._hidden += 1
        for name in SEEN:
            if attrs.get(name):
                self.parts.append(attrs[name])
        if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
            self.parts.append(attrs["value"])
        source = attrs.get("src") or ""
        if tag == "img" and source.startswith("data:image/svg+xml"):
            self.parts.append(svg_text(source))

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)


def svg_text(url: str) -> str:
    header, _comma, payload = url.partition(",")
    data = base64.b64decode(payload) if header.endswith(";base64") else unquote(payload).encode()
    parser = ShownText()
    parser.feed(data.decode("utf-8"))
    return "\n".join(parser.parts)


def shown_text(html: str) -> str:
    parser = ShownText()
    parser.feed(html)
    return "\n".join(parser.parts)


def english_left(text: str, data: list[str], vocabulary: set[str], allowed: set[str]) -> list[str]:
    """Each English word of the interface ``text`` still shows once the pseudo-text, the data,
    addresses and CLDR's words are taken out, with what surrounds it."""
    text = " ".join(text.split())
    while PSEUDO_TEXT.search(text):
        text = PSEUDO_TEXT.sub(" \x00 ", text)
    for value in data:
        if value in text:
            text = text.replace(value, " \x00 ")
    text = ADDRESS.sub(" \x00 ", text)
    text = PLACEHOLDER.sub(" \x00 ", text)  # {name}: what staff type into wordings, as code
    left = []
    for match in WORD.finditer(text):
        word = match.group()
        if word.lower() in vocabulary and word.lower() not in allowed and not word.isupper():
            around = text[max(0, match.start() - 40) : match.end() + 40].replace("\x00", "…")
            left.append(f"{word!r} in “{around}”")
    return left
