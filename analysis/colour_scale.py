"""One colour scale for scores 1-5: the same bands and colours in the heatmap images, the HTML
tables and the workbook, so 2,6 has one colour wherever it is shown.

Eight bands, diverging from dark orange (low) to dark blue (high); the colours avoid a
red/green contrast, so they stay apart for the common forms of colour blindness. The band edges
follow the oordeel thresholds (analysis.settings: a knelpunt at or below 2,5, a succesfactor at
or above 3,5): no band holds scores of two oordelen. Each band has the text colour that reads on
it with a contrast of at least 4.5:1 (WCAG 2.1 AA), checked by the tests.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

INK = "#1d2733"     # ZET's text colour, for the light bands
WHITE = "#ffffff"   # for the dark bands


@dataclass(frozen=True)
class Band:
    label: str        # the range in Dutch, for legends: "> 2,5 – 3"
    fill: str         # background colour, #rrggbb
    ink: str          # text colour on it
    upper: float      # the highest score in the band ...
    closed: bool      # ... itself included (the low half, up to the knelpunt edge and 3,0)


BANDS: tuple[Band, ...] = (
    Band("1 – 1,5", "#8f4504", WHITE, 1.5, True),
    Band("> 1,5 – 2", "#b35806", WHITE, 2.0, True),
    Band("> 2 – 2,5", "#e08214", INK, 2.5, True),
    Band("> 2,5 – 3", "#fdd0a2", INK, 3.0, True),
    Band("> 3 – < 3,5", "#deebf7", INK, 3.5, False),
    Band("3,5 – < 4", "#9ecae1", INK, 4.0, False),
    Band("4 – < 4,5", "#3a78b5", WHITE, 4.5, False),
    Band("4,5 – 5", "#1b5a96", WHITE, np.inf, False),
)
EDGES = np.array([band.upper for band in BANDS[:-1]])
_CLOSED = np.array([band.closed for band in BANDS[:-1]])
_TOLERANCE = 1e-9  # scores are means: 7.5 / 3 is 2.5, as in analysis.oordeel


def band_indices(values) -> np.ndarray:
    """The band of each score (0 to 7), -1 where there is none (NaN)."""
    values = np.asarray(values, dtype=float)
    # A score belongs to the first band whose upper edge it is below (or at, for a closed one).
    below = np.where(_CLOSED, values[..., None] <= EDGES + _TOLERANCE,
                     values[..., None] < EDGES - _TOLERANCE)
    index = np.where(below.any(axis=-1), below.argmax(axis=-1), len(BANDS) - 1)
    return np.where(np.isnan(values), -1, index)


def band_of(value) -> Band | None:
    """The band of one score; None for no score. Plain Python: a page asks this per table cell,
    thousands of times (the tests keep it equal to band_indices)."""
    if value is None or value != value:
        return None
    for band in BANDS:
        if value <= band.upper + _TOLERANCE if band.closed else value < band.upper - _TOLERANCE:
            return band
    return BANDS[-1]
