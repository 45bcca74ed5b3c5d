"""What a sent file really is (core/uploads.py), read without trusting what it says of itself."""

import io
import zipfile

from eventsapp.core.uploads import file_kind


def zipped(entries: dict[str, bytes]) -> io.BytesIO:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    out.seek(0)
    return out


def test_an_opendocument_text_is_told_by_its_mimetype_entry():
    assert file_kind(zipped({"mimetype": b"application/vnd.oasis.opendocument.text"})) == "odt"
    assert file_kind(zipped({"mimetype": b"application/zip"})) is None


def test_a_zip_bomb_is_not_unpacked(tmp_path):
    """A mimetype entry of 200 MB of zeros (200 KB packed) is read for its first bytes only."""
    import tracemalloc

    bomb = zipped({"mimetype": b"application/vnd.oasis.opendocument.text" + bytes(200 * 2**20)})
    assert len(bomb.getvalue()) < 2**20
    tracemalloc.start()
    kind = file_kind(bomb)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert kind is None and peak < 20 * 2**20
