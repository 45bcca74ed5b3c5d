"""Text that must fit a fixed box whole (a badge's name and lines): each block's font size is
chosen so that the blocks, wrapped, fit the box's height; never cut.

Widths are measured with the fonts the PDF is printed in (the vendored DejaVu Sans, through
Pillow), and lines are broken at spaces only (and a word longer than the line wherever it
must, as ``overflow-wrap: anywhere`` does): the PDF maker, which may also break after hyphens,
never needs more lines than counted here. What is too long at every size keeps the smallest,
and the badge grows rather than lose a line.
"""

import math
from dataclasses import dataclass
from functools import cache

from PIL import ImageFont

from ..core.pdf import STATIC

FONTS = {False: "DejaVuSans.ttf", True: "DejaVuSans-Bold.ttf"}
POINT = 0.3528  # millimetres
LINE_HEIGHT = 1.15  # the stylesheet's, for fitted blocks
SAFETY = 0.96  # a little of each line left free: kerning, rounding
_UNITS = 100  # fonts measured at 100 px: widths in hundredths of an em


@cache
def _font(bold: bool) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(STATIC / "vendor" / "dejavu" / FONTS[bold]), _UNITS)


@cache
def _width(word: str, bold: bool) -> float:
    """A word's width in ems."""
    return _font(bold).getlength(word) / _UNITS


def line_count(text: str, size: float, width: float, bold: bool = False) -> int:
    """How many lines ``text`` takes at ``size`` points in ``width`` millimetres."""
    room = width * SAFETY / (size * POINT)  # in ems
    space = _width(" ", bold)
    lines, used = 1, 0.0
    for word in text.split():
        wide = _width(word, bold)
        if used and used + space + wide <= room:
            used += space + wide
            continue
        if used:
            lines += 1
        if wide > room:  # broken inside the word
            lines += math.ceil(wide / room) - 1
            used = wide - (math.ceil(wide / room) - 1) * room
        else:
            used = wide
    return lines


@dataclass
class Block:
    """A paragraph of a box: its text, the sizes it may take (points, largest first)."""

    text: str
    sizes: tuple[float, ...]
    bold: bool = False
    gap: float = 0.6  # millimetres below it
    step: int = 0

    @property
    def size(self) -> float:
        return self.sizes[self.step]

    def height(self, width: float) -> float:
        lines = line_count(self.text, self.size, width, self.bold)
        return lines * self.size * POINT * LINE_HEIGHT + self.gap


def fit(blocks: list[Block], width: float, height: float) -> list[Block]:
    """Shrink the blocks until they fit ``height`` millimetres: each time the tallest that can
    still shrink, so that a long title gives way before a short name."""
    heights = [b.height(width) for b in blocks]
    while sum(heights) > height:
        shrinkable = [n for n, b in enumerate(blocks) if b.step < len(b.sizes) - 1]
        if not shrinkable:
            break
        tallest = max(shrinkable, key=lambda n: heights[n])
        blocks[tallest].step += 1
        heights[tallest] = blocks[tallest].height(width)
    return blocks
