import io

import numpy as np
import pandas as pd
from matplotlib.image import imread
from matplotlib.text import Text
from matplotlib.patches import Rectangle

from analysis import analyseschema, element_matrix, gemeente_element_scores, heatmap_png
from analysis.heatmap import heatmap_figure
from analysis_sample_data import ELEMENTS, sample_long

PNG = b"\x89PNG\r\n\x1a\n"


def matrix():
    schema = analyseschema(sample_long(), ELEMENTS)
    return element_matrix(schema[schema["gemeente"] == "Amberdam"], columns="casus", values="dossier", elements=ELEMENTS)


def test_element_matrix_rows_in_instrument_order_with_names():
    m = matrix()
    assert list(m.index) == ["Vraagverheldering", "Continuïteit", "Integraal plan"]
    assert list(m.columns) == ["A1", "A2", "A3"]
    assert m.loc["Vraagverheldering", "A1"] == 4.0
    assert np.isnan(m.loc["Continuïteit", "A1"])  # dossier onbekend
    assert m["A2"].isna().all()  # no dossier at all


def test_heatmap_png_is_a_png_with_nan_cells():
    data = heatmap_png(matrix(), "Dossier per casus", xlabel="Casus")
    assert data.startswith(PNG)
    image = imread(io.BytesIO(data), format="png")
    assert image.shape[0] > 100 and image.shape[1] > 100


def test_heatmap_labels_values_with_comma_and_empty_cells_with_geen():
    m = pd.DataFrame({"G1": [3.5, np.nan], "G2": [1.0, None]}, index=["Continuïteit", "Integraal plan"], dtype=object)
    figure = heatmap_figure(m, "Test")
    ax = figure.axes[0]
    # Cell values are drawn as one glyph collection per distinct label, at each cell with that value.
    cells = {c.get_label(): len(c.get_offsets()) for c in ax.collections if c.get_label() in ("3,5", "1,0", "geen")}
    assert cells == {"3,5": 1, "1,0": 1, "geen": 2}
    hatched = [p for p in ax.patches if isinstance(p, Rectangle) and p.get_hatch()]
    assert hatched, "empty cells need a hatched background"
    labels = [t.get_text() for t in ax.texts]
    assert labels[:2] == ["Continuïteit", "Integraal plan"] and "G1" in labels
    scale = [t.get_text() for t in figure.axes[1].texts]
    assert "1 – 1,5 laag" in scale and "4,5 – 5 hoog" in scale and "Score" in scale
    assert "geen score" in [t.get_text() for t in figure.texts]
    # An empty cell must not look like a low score.
    assert heatmap_png(m, "Test") != heatmap_png(m.fillna(1.0), "Test")


def test_heatmap_handles_empty_and_large_matrices():
    assert heatmap_png(pd.DataFrame(), "Leeg").startswith(PNG)
    scores = gemeente_element_scores(analyseschema(sample_long(), ELEMENTS))
    wide = element_matrix(scores, columns="gemeente", elements=ELEMENTS)
    assert heatmap_png(wide, "Gemeenten").startswith(PNG)
    big = pd.DataFrame(np.random.default_rng(1).uniform(1, 5, size=(15, 200)))
    big.iloc[0, 0] = np.nan
    figure = heatmap_figure(big, "Veel")
    assert not any(c.get_label() == "geen" for c in figure.axes[0].collections)  # too many cells: colour only
    assert heatmap_png(big, "Veel").startswith(PNG)


def test_element_matrix_after_anonymising_and_suppressing():
    from analysis import AnalysisSettings, anonymise_gemeenten, gemeente_labels, suppress_small

    scores = gemeente_element_scores(analyseschema(sample_long(), ELEMENTS))
    many = pd.concat([scores.assign(gemeente=f"G{i:02d}") for i in range(28)], ignore_index=True)
    shown = suppress_small(anonymise_gemeenten(many, gemeente_labels(many["gemeente"])), AnalysisSettings(min_casussen=2))
    m = element_matrix(shown, columns="gemeente", values="score", elements=ELEMENTS)
    assert list(m.columns[24:]) == ["Gemeente Y", "Gemeente Z", "Gemeente AA", "Gemeente AB"]
    assert m.dtypes.eq(float).all()
    assert m.loc["Continuïteit", "Gemeente A"] == scores["score"].iloc[1]
    assert heatmap_png(m, "Vergelijking").startswith(PNG)
    suppressed = suppress_small(scores)  # Bergveld has 1 casus: its column is all NaN
    m = element_matrix(suppressed, columns="gemeente", values="score")
    assert m["Bergveld"].isna().all() and m["Amberdam"].notna().all()


def test_labels_with_dollar_signs_are_drawn_as_plain_text():
    """'$...$' in a casus code or name is matplotlib mathtext: drawn as text, never parsed (an
    unbalanced one used to fail the whole image, a balanced one lost its signs)."""
    matrix = pd.DataFrame({"A$^$1": [1.0, 2.0], "DW-$J$01": [3.0, np.nan]},
                          index=["Continuïteit", "Maatwerk"])
    figure = heatmap_figure(matrix, "Gemeente $x^$ & <Duin>", xlabel="Casus")
    texts = [t.get_text() for t in figure.findobj(Text)]
    assert "DW-$J$01" in texts and "Gemeente $x^$ & <Duin>" in texts
    assert heatmap_png(matrix, "Gemeente $x^$ & <Duin>").startswith(b"\x89PNG")
