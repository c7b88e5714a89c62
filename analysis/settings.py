"""Analysis thresholds: the single place where the defaults live."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AnalysisSettings:
    """Thresholds used throughout the analysis.

    knelpunt_max: a casusscore (or element score) at or below this is a 'knelpunt'.
    succesfactor_min: a score at or above this is a 'succesfactor'; in between is 'gemengd'.
    afwijkend_min: perspectives differ notably ('afwijkend') when max - min >= this.
    min_casussen: anonymised views suppress values based on fewer casussen than this.
    min_compleet: a figure resting on fewer complete casussen than this is 'indicatief' (the
      method advises at least three complete casussen per gemeente).
    """

    knelpunt_max: float = 2.5
    succesfactor_min: float = 3.5
    afwijkend_min: float = 2.0
    min_casussen: int = 3
    min_compleet: int = 3

    def __post_init__(self) -> None:
        if not self.knelpunt_max < self.succesfactor_min:
            raise ValueError("knelpunt_max must be lower than succesfactor_min")
        if self.afwijkend_min <= 0:
            raise ValueError("afwijkend_min must be positive")
        if self.min_casussen < 1:
            raise ValueError("min_casussen must be at least 1")
        if self.min_compleet < 1:
            raise ValueError("min_compleet must be at least 1")


DEFAULT_SETTINGS = AnalysisSettings()
