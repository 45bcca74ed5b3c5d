"""Files sent with the registration form (a CV, a nomination letter), for "file upload" questions.

They are kept outside the web root, under ``QUESTION_UPLOAD_FOLDER`` (by default
``instance/uploads/registrations``), one folder per event, each under a random name; the answer
keeps the name the delegate gave and the stored one (``{"name": ..., "stored": ...}``). Only staff
download them, through a /manage/ page.

A file's type is read from its first bytes as well as from its name (``core/uploads.py``). A
file stored is removed again unless the request's transaction commits; files no longer
answered are removed once the transaction that let go of them commits: a registration deleted or
sent again with other answers, a question or an event deleted, or an unconfirmed registration
forgotten by the periodic job (``services.forget_unconfirmed``). Files are stored only where the
answers are kept (``services._fill``).
"""

import os
import re
import shutil
from collections.abc import Iterable
from pathlib import Path, PurePosixPath
from uuid import uuid4

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import event as sa_event
from sqlalchemy import inspect
from sqlalchemy.orm import Session
from werkzeug.datastructures import FileStorage

from ..core.signals import event_deleting
from ..core.uploads import file_kind
from ..core.validation import CONTROL_CHARACTERS
from ..extensions import db
from .models import Registration

# A file's type by its first bytes, and the names it may have.
SUFFIXES = {
    "pdf": (".pdf",),
    "doc": (".doc",),
    "docx": (".docx",),
    "odt": (".odt",),
    "jpeg": (".jpg", ".jpeg"),
    "png": (".png",),
}
ACCEPT = ",".join(suffix for suffixes in SUFFIXES.values() for suffix in suffixes)
_STORED_NAME = re.compile(r"[0-9a-f]{32}\.(pdf|doc|docx|odt|jpg|jpeg|png)")
_TO_REMOVE = "registration_uploads_to_remove"
_NEW = "registration_uploads_new"


def max_bytes() -> int:
    return current_app.config["QUESTION_UPLOAD_MAX_BYTES"]


def max_megabytes() -> str:
    return f"{max_bytes() / (1024 * 1024):g}"


def uploads_folder() -> Path:
    configured = current_app.config.get("QUESTION_UPLOAD_FOLDER")
    if configured:
        return Path(configured)
    return Path(current_app.instance_path) / "uploads" / "registrations"


def upload_problem(upload: FileStorage) -> str | None:
    """Why the file cannot be taken (too large, not of an accepted type), or None."""
    stream = upload.stream
    stream.seek(0, os.SEEK_END)
    size = stream.tell()
    stream.seek(0)
    if size > max_bytes():
        return _("This file is larger than %(mb)s MB: send a smaller one.", mb=max_megabytes())
    if size == 0:
        return _("This file is empty.")
    kind = file_kind(stream)
    stream.seek(0)
    if kind is None or PurePosixPath(upload.filename or "").suffix.lower() not in SUFFIXES[kind]:
        return _(
            "Send a PDF, a Word document (DOC, DOCX), an OpenDocument text (ODT) or a JPEG or "
            "PNG image."
        )
    return None


def store(event_id: int, upload: FileStorage) -> dict:
    """Keep a file already checked (``upload_problem``); returns the answer that names it."""
    folder = uploads_folder() / str(event_id)
    folder.mkdir(parents=True, exist_ok=True)
    suffix = PurePosixPath(upload.filename or "").suffix.lower()
    stored = f"{uuid4().hex}{suffix}"
    upload.stream.seek(0)
    upload.save(folder / stored)
    keep_if_committed(db.session(), [folder / stored])
    return {"name": shown_name(upload.filename or ""), "stored": stored}


def shown_name(filename: str) -> str:
    """The name the delegate's file had, without folders or control characters."""
    name = CONTROL_CHARACTERS.sub("", PurePosixPath(filename.replace("\\", "/")).name)
    return name[-200:] or "file"


def stored_path(event_id: int, answer) -> Path | None:
    """Where the file of an answer is kept, if the answer names one that exists."""
    if not isinstance(answer, dict) or not _STORED_NAME.fullmatch(str(answer.get("stored", ""))):
        return None
    path = uploads_folder() / str(event_id) / answer["stored"]
    return path if path.is_file() else None


def files_of(event_id: int, answers: Iterable) -> list[Path]:
    """The paths of the files among some answers (whether they exist or not)."""
    return [
        uploads_folder() / str(event_id) / a["stored"]
        for a in answers
        if isinstance(a, dict) and _STORED_NAME.fullmatch(str(a.get("stored", "")))
    ]


# ---------------------------------------------------------------- kept or removed with the commit


def remove_after_commit(session: Session, paths: Iterable[Path]) -> None:
    """Remove these files (or folders) once the session's transaction commits; not if it rolls
    back."""
    session.info.setdefault(_TO_REMOVE, []).extend(paths)


def keep_if_committed(session: Session, paths: Iterable[Path]) -> None:
    """Files just stored: removed again unless the session's transaction commits (a form refused
    by the service, an error)."""
    session.info.setdefault(_NEW, []).extend(paths)


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
        kept = {a.get("stored") for a in (registration.answers or {}).values() if _is_file(a)}
        for before in history.deleted or ():
            gone = [a for a in (before or {}).values() if _is_file(a) and a["stored"] not in kept]
            remove_after_commit(session, files_of(registration.event_id, gone))


def _is_file(answer) -> bool:
    return isinstance(answer, dict) and "stored" in answer


@sa_event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    session.info.pop(_NEW, None)
    _remove(session.info.pop(_TO_REMOVE, []))


@sa_event.listens_for(Session, "after_transaction_end")
def _ended(session: Session, transaction) -> None:
    """A transaction ended without a commit (rolled back or closed): what it stored goes."""
    if transaction.parent is None:
        session.info.pop(_TO_REMOVE, None)
        _remove(session.info.pop(_NEW, []))


def _remove(paths: list[Path]) -> None:
    for path in paths:
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


@event_deleting.connect
def _event_folder(event, **_):
    """An event deleted takes the files sent for it (its registrations go with it)."""
    remove_after_commit(db.session(), [uploads_folder() / str(event.id)])
