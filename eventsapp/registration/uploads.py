"""Files sent with the registration form (a CV, a nomination letter), for "file upload" questions.

They are kept in the ``registrations`` store of ``core.uploads`` (outside the web root), one
folder per event; the answer keeps the name the delegate gave and the stored one
(``{"name": ..., "stored": ...}``). Only staff download them, through a /manage/ page.

Files no longer answered are removed once the transaction that let go of them commits: a
registration deleted or sent again with other answers, a question or an event deleted, or an
unconfirmed registration forgotten by the periodic job (``services.forget_unconfirmed``). Files
are stored only where the answers are kept (``services._fill``).
"""

from collections.abc import Iterable
from pathlib import Path

from sqlalchemy import event as sa_event
from sqlalchemy import inspect
from sqlalchemy.orm import Session
from werkzeug.datastructures import FileStorage

from ..core.signals import event_deleting
from ..core.uploads import (
    UploadStore,
    file_kind,
    remove_after_commit,
    shown_name,
    suffix_of,
)
from ..extensions import db
from .models import Registration

STORE = UploadStore("registrations")


def store(event_id: int, upload: FileStorage) -> dict:
    """Keep a file already checked (``core.uploads.upload_problem``); the answer naming it."""
    upload.stream.seek(0)
    kind = file_kind(upload.stream)
    upload.stream.seek(0)
    stored = STORE.keep(
        upload.stream.read(), suffix_of(upload.filename or "", kind), within=str(event_id)
    )
    return {"name": shown_name(upload.filename or ""), "stored": stored}


def stored_path(event_id: int, answer) -> Path | None:
    """Where the file of an answer is kept, if the answer names one that exists."""
    return STORE.path(answer.get("stored"), str(event_id)) if _is_file(answer) else None


def files_of(event_id: int, answers: Iterable) -> list[Path]:
    """The paths of the files among some answers (whether they exist or not)."""
    return STORE.paths((a["stored"] for a in answers if _is_file(a)), str(event_id))


def _is_file(answer) -> bool:
    return isinstance(answer, dict) and isinstance(answer.get("stored"), str)


@sa_event.listens_for(Session, "before_flush")
def _answers_let_go(session: Session, _context, _instances) -> None:
    for registration in session.deleted:
        if isinstance(registration, Registration):
            answers = (registration.answers or {}).values()
            remove_after_commit(session, files_of(registration.event_id, answers))
    for registration in session.dirty:
        if not isinstance(registration, Registration):
            continue
        history = inspect(registration).attrs.answers.history
        kept = {a["stored"] for a in (registration.answers or {}).values() if _is_file(a)}
        for before in history.deleted or ():
            gone = [a for a in (before or {}).values() if _is_file(a) and a["stored"] not in kept]
            remove_after_commit(session, files_of(registration.event_id, gone))


@event_deleting.connect
def _event_folder(event, **_):
    """An event deleted takes the files sent for it (its registrations go with it)."""
    remove_after_commit(db.session(), [STORE.folder(str(event.id))])
