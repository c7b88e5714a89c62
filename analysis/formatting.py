"""Dutch number formatting for display."""

from __future__ import annotations

import math


def format_score(value: float | None, decimals: int = 1) -> str:
    """A score with a Dutch decimal comma ('3,5'); '' for None or NaN."""
    if value is None:
        return ""
    value = float(value)
    if not math.isfinite(value):
        return ""
    return f"{value:.{decimals}f}".replace(".", ",")
