"""The pages colour a score as the heatmaps and the workbook do: zet.css holds the bands of
analysis.colour_scale, and a page puts each score in its band."""
import re
from pathlib import Path

from analysis.colour_scale import BANDS
from zet.web import score_band

CSS = Path(__file__).resolve().parents[1] / "zet" / "static" / "zet.css"


def test_the_stylesheet_has_the_colours_of_every_band():
    rules = dict((int(n), (fill, ink)) for n, fill, ink in re.findall(
        r"\.score\.b(\d) \{ background:(#[0-9a-f]{6}); color:(#[0-9a-f]{6}); \}", CSS.read_text()))
    assert rules == {i: (band.fill, band.ink) for i, band in enumerate(BANDS)}


def test_a_page_puts_a_score_in_the_band_the_heatmap_uses():
    assert [score_band(v) for v in (1.0, 2.5, 2.6, 3.0, 3.4, 3.5, 4.4, 4.5, 5.0, None)] == [
        "b0", "b2", "b3", "b3", "b4", "b5", "b6", "b7", "b7", "empty"]


def test_the_band_edges_are_the_oordeel_thresholds_in_use():
    """The colours split where the oordelen do; changing the thresholds in
    zet/services/analyse.py without the colour scale makes this fail."""
    from analysis.colour_scale import EDGES
    from zet.services.analyse import SETTINGS
    closed = {band.upper for band in BANDS if band.closed}
    opened = {band.upper for band in BANDS if not band.closed}
    assert SETTINGS.knelpunt_max in closed and max(closed) < SETTINGS.succesfactor_min
    assert SETTINGS.succesfactor_min in opened and SETTINGS.succesfactor_min in EDGES
