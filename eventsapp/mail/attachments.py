"""Files made as an email is sent, not when it is queued: what takes long to make (a PDF) is
made by the worker, after the request, and from the data as it is then.

A capability above mail declares a maker by name (``attachment_maker``): given the key the
email names, it returns ``(filename, mimetype, content)``, or None when there is nothing to
attach any more (the email then goes without it). Emails name their makers in
``OutboxEmail.attachments_to_make``.
"""

from collections.abc import Callable

Made = tuple[str, str, bytes]
ATTACHMENT_MAKERS: dict[str, Callable[[int], Made | None]] = {}


def attachment_maker(name: str):
    """Declare the maker ``name`` (a decorator)."""

    def declare(maker: Callable[[int], Made | None]):
        ATTACHMENT_MAKERS[name] = maker
        return maker

    return declare


def made_attachments(wanted: list[dict]) -> list[Made]:
    """The files an email names, made now; a maker unknown here, or that makes nothing, is
    left out."""
    made = []
    for item in wanted or ():
        maker = ATTACHMENT_MAKERS.get(item.get("maker"))
        if maker is not None and (file := maker(item.get("key"))) is not None:
            made.append(file)
    return made
