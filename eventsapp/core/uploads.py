"""What a file sent by a visitor really is, read from its first bytes."""

import zipfile

_ODT = b"application/vnd.oasis.opendocument.text"


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
        except (zipfile.BadZipFile, OSError, KeyError):
            return None
    return None
