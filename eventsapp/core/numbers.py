"""Figures as people round them: half up (33 / 8 = 4.125 → 4.13), not to the nearest even number
as ``round`` does on binary floats."""

from decimal import ROUND_HALF_UP, Decimal


def half_up(value: float | Decimal | None, digits: int) -> float | None:
    """``value`` rounded half up to ``digits`` decimals; a float read as it is written (4.125,
    not the 4.12499… a binary float may hold)."""
    if value is None:
        return None
    exact = value if isinstance(value, Decimal) else Decimal(str(value))
    return float(exact.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP))


def ratio(part: float, whole: float, digits: int) -> float | None:
    """``part`` / ``whole`` rounded half up to ``digits`` decimals; None of nothing."""
    return half_up(Decimal(str(part)) / Decimal(str(whole)), digits) if whole else None
