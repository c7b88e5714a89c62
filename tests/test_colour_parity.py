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
    assert [score_band(v) for v in (1.0, 2.5, 2.6, 3.4, 3.5, 5.0, None)] == [
        "b0", "b2", "b3", "b4", "b5", "b7", "empty"]
