"""One colour scale: every band readable (4.5:1), no band across an oordeel threshold, and the
heatmap image painted in exactly the bands' colours."""
import io

import numpy as np
import pandas as pd
from matplotlib.image import imread

from analysis import oordeel
from analysis.colour_scale import BANDS, band_indices, band_of
from analysis.heatmap import _png, heatmap_figure

ONE_PER_BAND = [1.2, 1.8, 2.3, 2.8, 3.2, 3.7, 4.2, 4.8]


def contrast(a: str, b: str) -> float:
    """WCAG 2.1 contrast ratio of two #rrggbb colours (the formula of the standard)."""
    def luminance(colour):
        channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_every_band_has_text_readable_at_aa_contrast():
    for band in BANDS:
        assert contrast(band.fill, band.ink) >= 4.5, band


def test_the_bands_run_from_low_to_high_and_cover_one_to_five():
    assert list(band_indices(ONE_PER_BAND)) == list(range(8))
    assert list(band_indices([1.0, 5.0, np.nan])) == [0, 7, -1]
    assert band_of(None) is None and band_of(2.6) is BANDS[3]


def test_one_score_gets_the_band_the_whole_matrix_gets():
    scores = np.round(np.arange(0.9, 5.2, 0.01), 2).tolist() + [7.5 / 3, 10.5 / 3, np.nan]
    one_by_one = [BANDS.index(band_of(s)) if band_of(s) else -1 for s in scores]
    assert one_by_one == list(band_indices(scores))


def test_no_band_holds_two_oordelen():
    scores = np.round(np.arange(1.0, 5.0001, 0.01), 2).tolist() + [7.5 / 3, 10.5 / 3]
    frame = pd.DataFrame({"band": band_indices(scores), "oordeel": oordeel(pd.Series(scores))})
    assert (frame.groupby("band")["oordeel"].nunique() == 1).all()
    assert frame.loc[frame["oordeel"] == "knelpunt", "band"].max() == 2
    assert frame.loc[frame["oordeel"] == "succesfactor", "band"].min() == 5


def test_the_heatmap_paints_each_cell_in_its_bands_colour():
    matrix = pd.DataFrame([ONE_PER_BAND], index=["Continuïteit"],
                          columns=[f"C{i}" for i in range(8)])
    figure = heatmap_figure(matrix, "Kleuren", annotate=False)
    ax = figure.axes[0]
    height = figure.get_figheight() * figure.dpi
    centres = ax.transData.transform([(j + 0.5, 0.5) for j in range(8)])
    image = imread(io.BytesIO(_png(figure, 100)), format="png")
    for (x, y), band in zip(centres, BANDS):
        pixel = image[int(round(height - y)), int(round(x))][:3]
        assert "#%02x%02x%02x" % tuple(int(round(c * 255)) for c in pixel) == band.fill
