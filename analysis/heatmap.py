"""Heatmap of a score matrix as PNG bytes (matplotlib Agg, no pyplot state)."""

from __future__ import annotations

import io
import textwrap

import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import ListedColormap, Normalize, to_rgba
from matplotlib.figure import Figure
from matplotlib.collections import PathCollection
from matplotlib.font_manager import FontProperties
from matplotlib.patches import Rectangle
from matplotlib.textpath import TextPath
from matplotlib.transforms import Affine2D, blended_transform_factory

from .colour_scale import BANDS, band_indices

EMPTY_FACE = "#d4d4d4"
EMPTY_HATCH_COLOUR = "#7a7a7a"
EMPTY_TEXT = "geen"
MAX_ANNOTATED_CELLS = 1200


def _wrap(label: object, width: int) -> str:
    return "\n".join(textwrap.wrap(str(label), width=width)) or str(label)


def heatmap_png(matrix: pd.DataFrame, title: str, *, dpi: int = 100, **options) -> bytes:
    """Draw `matrix` (rows = element names, columns = casussen or gemeenten, values 1-5 or NaN)
    as a PNG heatmap and return the bytes. Options: see heatmap_figure."""
    return _png(heatmap_figure(matrix, title, dpi=dpi, **options), dpi)


def heatmap_figure(
    matrix: pd.DataFrame,
    title: str,
    *,
    xlabel: str | None = None,
    ylabel: str | None = None,
    colorbar_label: str = "Score",
    annotate: bool | None = None,
    dpi: int = 100,
    label_width: int = 38,
) -> Figure:
    """The heatmap as a matplotlib Figure (Agg canvas, no pyplot state); see heatmap_png.

    Each cell shows its value with one decimal and a decimal comma; empty (NaN/None) cells are
    grey and hatched with the text 'geen', so they never look like a low score. annotate=None
    prints values only when the matrix has at most MAX_ANNOTATED_CELLS cells.
    """
    cells = pd.Series(matrix.to_numpy(dtype=object).ravel())
    values = pd.to_numeric(cells, errors="coerce").to_numpy(dtype=float, na_value=np.nan).reshape(matrix.shape)
    bands = band_indices(values)  # the colour of a cell is its band (analysis.colour_scale)
    n_rows, n_cols = values.shape
    if annotate is None:
        annotate = n_rows * n_cols <= MAX_ANNOTATED_CELLS

    row_labels = [_wrap(label, label_width) for label in matrix.index]
    col_labels = [str(label) for label in matrix.columns]
    row_lines = max((label.count("\n") + 1 for label in row_labels), default=1)
    longest_row = max((max(len(part) for part in label.split("\n")) for label in row_labels), default=4)
    longest_col = max((len(label) for label in col_labels), default=4)
    rotate = n_cols > 6 or longest_col > 6

    cell_w = 0.5 if annotate else max(0.14, min(0.5, 22.0 / max(n_cols, 1)))
    cell_h = max(0.42, 0.17 * row_lines + 0.1)
    left = 0.3 + 0.062 * longest_row + (0.3 if ylabel else 0)
    right = 1.4
    top = 0.75 + 0.2 * title.count("\n")
    label_space = 0.068 * min(longest_col, 30) + 0.1 if rotate else 0.25
    bottom = 0.2 + label_space + (0.3 if xlabel else 0)
    plot_w = max(cell_w * max(n_cols, 1), 2.5)
    plot_h = max(cell_h * max(n_rows, 1), 1.2)
    # The title spans the whole figure, wrapped to its width (about 11 characters per inch).
    title = "\n".join(textwrap.wrap(title, width=max(20, int((left + plot_w + right - 0.3) * 11))))
    top += 0.2 * title.count("\n")
    width, height = left + plot_w + right, top + plot_h + bottom

    figure = Figure(figsize=(width, height), dpi=dpi)
    FigureCanvasAgg(figure)
    ax = figure.add_axes((left / width, bottom / height, plot_w / width, plot_h / height))
    figure.text(0.15 / width, 1 - 0.15 / height, title, parse_math=False, fontsize=11, ha="left", va="top")

    if n_rows == 0 or n_cols == 0:
        ax.set_axis_off()
        ax.text(0.5, 0.5, "Geen gegevens", ha="center", va="center", fontsize=10, transform=ax.transAxes)
        return figure

    cmap = ListedColormap([band.fill for band in BANDS]).with_extremes(bad=(0, 0, 0, 0))
    norm = Normalize(vmin=-0.5, vmax=len(BANDS) - 0.5)
    background = Rectangle(
        (0, 0), n_cols, n_rows, facecolor=EMPTY_FACE, edgecolor=EMPTY_HATCH_COLOUR, hatch="///", linewidth=0, zorder=0
    )
    ax.add_patch(background)
    mesh = ax.pcolormesh(
        np.ma.masked_less(bands, 0), cmap=cmap, norm=norm, edgecolors="white", linewidth=0.6, zorder=1
    )
    ax.set_xlim(0, n_cols)
    ax.set_ylim(n_rows, 0)
    ax.set_axis_off()  # labels are plain texts: much cheaper than tick machinery
    label_at_left = blended_transform_factory(ax.transAxes, ax.transData)
    for i, label in enumerate(row_labels):
        ax.text(-0.008, i + 0.5, label, transform=label_at_left, ha="right", va="center", parse_math=False, fontsize=8)
    label_below = blended_transform_factory(ax.transData, ax.transAxes)
    col_size = 8 if n_cols <= 60 else 6
    for j, label in enumerate(col_labels):
        if rotate:
            ax.text(j + 0.5, -0.01, label, transform=label_below, ha="right", va="top", parse_math=False, fontsize=col_size,
                    rotation=60 if n_cols <= 60 else 90, rotation_mode="anchor")
        else:
            ax.text(j + 0.5, -0.02, label, transform=label_below, ha="center", va="top", parse_math=False, fontsize=col_size)
    if xlabel:
        figure.text((left + plot_w / 2) / width, 0.2 / height, xlabel, ha="center", va="bottom", parse_math=False, fontsize=9)
    if ylabel:
        figure.text(0.1 / width, (bottom + plot_h / 2) / height, ylabel, ha="left", va="center", parse_math=False, fontsize=9, rotation=90)

    if annotate:
        _annotate(ax, values, bands, dpi)

    # The colour key: one swatch per band, high at the top, with its range of scores.
    bar_height = min(max(plot_h, 1.6), 3.0)
    bar_left = left + plot_w + 0.3
    bar_bottom = bottom + plot_h - bar_height
    cax = figure.add_axes((bar_left / width, bar_bottom / height, 0.18 / width, bar_height / height))
    cax.imshow(np.arange(len(BANDS))[::-1].reshape(-1, 1), cmap=cmap, norm=norm, aspect="auto",
               extent=(0, 1, 0, len(BANDS)), interpolation="nearest")
    cax.set_axis_off()
    cax.set_ylim(0, len(BANDS))
    at_right = blended_transform_factory(cax.transAxes, cax.transData)
    for i, band in enumerate(BANDS):
        text = band.label + (" laag" if i == 0 else " hoog" if i == len(BANDS) - 1 else "")
        cax.text(1.25, i + 0.5, text, transform=at_right, ha="left", va="center", fontsize=7)
    cax.text(0.0, 1.0 + 0.12 / bar_height, colorbar_label, transform=cax.transAxes, ha="left", va="bottom", fontsize=8)
    # Key for empty cells, under the colour scale.
    key_bottom = max(bar_bottom - 0.45, 0.05)
    figure.patches.append(Rectangle(
        (bar_left / width, key_bottom / height), 0.18 / width, 0.18 / height,
        facecolor=EMPTY_FACE, edgecolor=EMPTY_HATCH_COLOUR, hatch="///", linewidth=0, transform=figure.transFigure,
    ))
    figure.text((bar_left + 0.25) / width, (key_bottom + 0.09) / height, "geen score", fontsize=8, va="center")
    return figure


def _annotate(ax, values: np.ndarray, bands: np.ndarray, dpi: int) -> None:
    """Print each cell's value (one decimal, decimal comma) and 'geen' in empty cells.

    Drawing hundreds of Text artists is slow, so each distinct label becomes one glyph outline
    (TextPath) drawn at all its cells by a single PathCollection; the collection's label is the text.
    """
    missing = np.isnan(values)
    rounded = np.round(np.where(missing, 0.0, values), 1)
    labels = np.where(missing, EMPTY_TEXT, np.char.replace(np.char.mod("%.1f", rounded), ".", ","))
    # Each band's own text colour (readable at 4.5:1); empty cells in dark grey (the last one).
    ink_colours = np.array([to_rgba(band.ink) for band in BANDS] + [(0.19, 0.19, 0.19, 1)])
    ink = np.where(missing, len(BANDS), bands)
    rows, cols = np.indices(values.shape)
    points_to_pixels = Affine2D().scale(dpi / 72.0)
    number_font = FontProperties(size=8)
    empty_font = FontProperties(size=7, style="italic")
    for label in np.unique(labels):
        at = labels == label
        path = TextPath((0, 0), str(label), prop=empty_font if label == EMPTY_TEXT else number_font)
        low, high = path.vertices.min(axis=0), path.vertices.max(axis=0)  # control points: cheap, close
        path = path.transformed(Affine2D().translate(*(-(low + high) / 2)))
        offsets = np.column_stack([cols[at] + 0.5, rows[at] + 0.5])
        collection = PathCollection(
            [path], offsets=offsets, offset_transform=ax.transData, transform=points_to_pixels,
            facecolors=ink_colours[ink[at]], edgecolors="none", linewidths=0, zorder=2,
        )
        collection.set_label(str(label))
        ax.add_collection(collection, autolim=False)


def _png(figure: Figure, dpi: int) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, pil_kwargs={"compress_level": 3})
    figure.clear()
    return buffer.getvalue()
