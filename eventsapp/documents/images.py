"""The images documents show: logos and signatures, sent by staff as PNG or JPEG.

They are kept in the ``documents`` store of ``core.uploads`` (``UPLOADS_FOLDER/documents``),
checked by their content (a file named .png that is not one is refused) and by their size in
pixels, read from the header alone: a small file may claim an enormous image, which the PDF
maker would then unpack.
"""

from pathlib import Path

from flask_babel import gettext as _
from PIL import Image, UnidentifiedImageError
from werkzeug.datastructures import FileStorage

from ..core.errors import InvalidInput
from ..core.uploads import UploadStore, file_kind, megabytes, remove_after_commit, suffix_of
from ..extensions import db

IMAGES = UploadStore("documents")
IMAGE_MAX_BYTES = 2 * 1024 * 1024
IMAGE_MAX_PIXELS = 4000  # on each side


def image_content(upload: FileStorage | None, field: str) -> tuple[bytes, str]:
    """The content and suffix of an image sent (PNG or JPEG, 2 MB and 4000 pixels a side at
    most), or InvalidInput naming ``field``."""
    if upload is None or not upload.filename:
        raise InvalidInput(field, _("Choose a PNG or JPEG image."))
    content = upload.stream.read(IMAGE_MAX_BYTES + 1)
    if len(content) > IMAGE_MAX_BYTES:
        raise InvalidInput(
            field,
            _(
                "This file is larger than %(mb)s MB: send a smaller one.",
                mb=megabytes(IMAGE_MAX_BYTES),
            ),
        )
    upload.stream.seek(0)
    kind = file_kind(upload.stream)
    suffix = suffix_of(upload.filename, kind) if kind in ("png", "jpeg") else None
    if suffix is None:
        raise InvalidInput(field, _("Send a PNG or JPEG image (a logo, a scanned signature)."))
    upload.stream.seek(0)
    try:
        with Image.open(upload.stream) as image:
            width, height = image.size
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise InvalidInput(field, _("This image cannot be read: send another.")) from None
    if max(width, height) > IMAGE_MAX_PIXELS:
        raise InvalidInput(
            field,
            _("At most %(num)d pixels wide and high: send a smaller image.", num=IMAGE_MAX_PIXELS),
        )
    return content, suffix


def keep_image(content: bytes, suffix: str, replacing: str | None) -> str:
    """Store an image already checked, letting go of the one it replaces (removed once the
    transaction commits); its stored name."""
    forget_image(replacing)
    return IMAGES.keep(content, suffix)


def forget_image(stored: str | None) -> None:
    if stored:
        remove_after_commit(db.session(), IMAGES.paths([stored]))


def image_path(stored: str | None) -> Path | None:
    return IMAGES.path(stored)
