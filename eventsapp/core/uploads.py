"""Files sent by visitors: what they really are, and where they are kept.

A file's type is read from its first bytes (``file_kind``), never trusted from its name. Files are
kept outside the web root, under ``UPLOADS_FOLDER`` (``instance/uploads`` by default), in one
folder per store (``registrations``, ``requests``), each under a random name: the name the sender
gave is only shown (``shown_name``), never used as a path.

A file stored is removed again unless the transaction that stored it commits (a form refused by a
service, an error, a crash before the commit); files let go of are removed only once the
transaction that let go of them commits (``remove_after_commit``). Stores size files in bytes.
"""

import os
import re
import shutil
import zipfile
from collections.abc import Iterable
from pathlib import Path, PurePosixPath
from uuid import uuid4

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session
from werkzeug.datastructures import FileStorage

from ..extensions import db
from .validation import CONTROL_CHARACTERS

_ODT = b"application/vnd.oasis.opendocument.text"
# A file's type by its first bytes, and the names it may have.
SUFFIXES = {
    "pdf": (".pdf",),
    "doc": (".doc",),
    "docx": (".docx",),
    "odt": (".odt",),
    "jpeg": (".jpg", ".jpeg"),
    "png": (".png",),
}
MIME_TYPES = {
    ".pdf": "application/pdf",
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
}
# What a file input offers to choose.
ACCEPT = ",".join(suffix for suffixes in SUFFIXES.values() for suffix in suffixes)
_STORED_NAME = re.compile(r"[0-9a-f]{32}\.(pdf|doc|docx|odt|jpg|jpeg|png)")
SHOWN_NAME_LENGTH = 200
STORES: dict[str, "UploadStore"] = {}
_TO_REMOVE = "uploads_to_remove"
_NEW = "uploads_new"


def file_kind(stream) -> str | None:
    """The type of a file from its content, not its name: pdf, doc, docx, odt, jpeg, png or None."""
    head = stream.read(8)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":  # OLE2: Word 97-2003
        return "doc"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head == b"\x89PNG\r\n\x1a\n":
        return "png"
    if head.startswith(b"PK\x03\x04"):
        stream.seek(0)
        try:
            with zipfile.ZipFile(stream) as archive:
                names = set(archive.namelist())
                if "word/document.xml" in names:
                    return "docx"
                if "mimetype" in names:
                    # Only its first bytes are read: an entry may unpack to gigabytes.
                    with archive.open("mimetype") as entry:
                        if entry.read(100).strip() == _ODT:
                            return "odt"
        except (zipfile.BadZipFile, OSError, KeyError, ValueError):
            return None
    return None


def suffix_of(filename: str, kind: str | None) -> str | None:
    """The file's suffix (".pdf") when its name agrees with its content's type, else None."""
    suffix = PurePosixPath(filename.replace("\\", "/")).suffix.lower()
    return suffix if kind is not None and suffix in SUFFIXES[kind] else None


def megabytes(size: int) -> str:
    """A size in bytes as a number of megabytes, as people read it ("5", "0.5")."""
    return f"{size / (1024 * 1024):g}"


def upload_problem(upload: FileStorage, max_bytes: int) -> str | None:
    """Why a file sent cannot be taken (larger than ``max_bytes``, empty, not of an accepted type
    by its content and name), or None."""
    stream = upload.stream
    stream.seek(0, os.SEEK_END)
    size = stream.tell()
    stream.seek(0)
    if size > max_bytes:
        return _("This file is larger than %(mb)s MB: send a smaller one.", mb=megabytes(max_bytes))
    if size == 0:
        return _("This file is empty.")
    kind = file_kind(stream)
    stream.seek(0)
    if suffix_of(upload.filename or "", kind) is None:
        return _(
            "Send a PDF, a Word document (DOC, DOCX), an OpenDocument text (ODT) or a JPEG or "
            "PNG image."
        )
    return None


def shown_name(filename: str) -> str:
    """The name a sender's file had, fit to show and to offer as a download's name: without
    folders, control characters or line separators (a header cannot carry them), at most 200
    characters."""
    name = CONTROL_CHARACTERS.sub("", PurePosixPath(filename.replace("\\", "/")).name).strip()
    return name[-SHOWN_NAME_LENGTH:] or "file"


class UploadStore:
    """One folder of ``UPLOADS_FOLDER``, optionally split in subfolders (one per event). Each
    store is known by its name (``STORES``: backups hold them all)."""

    def __init__(self, name: str):
        self.name = name
        STORES[name] = self

    def folder(self, within: str | None = None) -> Path:
        root = Path(current_app.config["UPLOADS_FOLDER"]) / self.name
        return root / within if within else root

    def keep(self, content: bytes, suffix: str, within: str | None = None) -> str:
        """Write a file already checked; its stored name. Removed again unless the current
        transaction commits."""
        if suffix not in MIME_TYPES:
            raise ValueError(f"not a suffix of an accepted file: {suffix!r}")
        folder = self.folder(within)
        folder.mkdir(parents=True, exist_ok=True)
        stored = f"{uuid4().hex}{suffix}"
        keep_if_committed(db.session(), [folder / stored])
        (folder / stored).write_bytes(content)
        return stored

    def path(self, stored: str | None, within: str | None = None) -> Path | None:
        """Where a stored file is, if the name is one this store gives and the file exists."""
        if not stored or not _STORED_NAME.fullmatch(stored):
            return None
        path = self.folder(within) / stored
        return path if path.is_file() else None

    def paths(self, stored_names: Iterable[str], within: str | None = None) -> list[Path]:
        """The paths of stored names (whether the files exist or not), other names left out."""
        folder = self.folder(within)
        return [folder / s for s in stored_names if _STORED_NAME.fullmatch(str(s))]


# ---------------------------------------------------------------- kept or removed with the commit


def remove_after_commit(session: Session, paths: Iterable[Path]) -> None:
    """Remove these files (or folders) once the session's transaction commits; not if it rolls
    back."""
    session.info.setdefault(_TO_REMOVE, []).extend(paths)


def keep_if_committed(session: Session, paths: Iterable[Path]) -> None:
    """Files being stored: removed again unless the session's transaction commits (begun here
    if none is, so that its end is seen)."""
    session.connection()
    session.info.setdefault(_NEW, []).extend(paths)


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
