"""Travel's pages: the travel file (``files``), hotels and lists (``hotels``), letters
(``letters``), per diem (``perdiem``)."""

from flask import Blueprint

bp = Blueprint("travel", __name__)

from . import files, hotels, letters, perdiem  # noqa: E402, F401
