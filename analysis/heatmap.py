"""Heatmap of a score matrix as PNG bytes (matplotlib Agg, no pyplot state)."""

from __future__ import annotations

import io
import math
import textwrap

import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import LinearSegmentedColormap, Normalize
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from .formatting import format_score

# Orange (low) - near white (middle) - blue (high): a diverging scale that stays distinguishable
# for the common forms of colour blindness (no red/green contrast).
SCALE_COLOURS = ("#b35806", "#f1a340", "#fee0b6", "#f7f7f7", "#d1e5f0", "#67a9cf", "#2166ac")
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
    colorbar_label: str = "Score (1 = knelpunt, 5 = succesfactor)",
    vmin: float = 1.0,
    vmax: float = 5.0,
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
    n_rows, n_cols = values.shape
    if annotate is None:
        annotate = n_rows * n_cols <= MAX_ANNOTATED_CELLS

    row_labels = [_wrap(label, label_width) for label in matrix.index]
    col_labels = [str(label) for label in matrix.columns]
    row_lines = max((label.count("\n") + 1 for label in row_labels), default=1)
    longest_row = max((max(len(part) for part in label.split("\n")) for label in row_labels), default=4)
    longest_col = max((len(label) for label in col_labels), default=4)
    rotate = n_cols > 6 or longest_col > 6

    cell_w = 0.62 if annotate else max(0.14, min(0.62, 22.0 / max(n_cols, 1)))
    cell_h = max(0.42, 0.17 * row_lines + 0.1)
    left = 0.3 + 0.075 * longest_row + (0.3 if ylabel else 0)
    right = 1.5
    top = 0.6 + 0.2 * title.count("\n")
    bottom = 0.4 + (0.068 * min(longest_col, 30) if rotate else 0.25) + (0.3 if xlabel else 0)
    plot_w = max(cell_w * max(n_cols, 1), 2.5)
    plot_h = max(cell_h * max(n_rows, 1), 1.2)
    width, height = left + plot_w + right, top + plot_h + bottom

    figure = Figure(figsize=(width, height), dpi=dpi)
    FigureCanvasAgg(figure)
    ax = figure.add_axes((left / width, bottom / height, plot_w / width, plot_h / height))
    ax.set_title(title, fontsize=11, loc="left", pad=10)

    if n_rows == 0 or n_cols == 0:
        ax.set_axis_off()
        ax.text(0.5, 0.5, "Geen gegevens", ha="center", va="center", fontsize=10, transform=ax.transAxes)
        return figure

    cmap = LinearSegmentedColormap.from_list("zet_oranje_blauw", SCALE_COLOURS).with_extremes(bad=(0, 0, 0, 0))
    norm = Normalize(vmin=vmin, vmax=vmax, clip=True)
    background = Rectangle(
        (0, 0), n_cols, n_rows, facecolor=EMPTY_FACE, edgecolor=EMPTY_HATCH_COLOUR, hatch="///", linewidth=0, zorder=0
    )
    ax.add_patch(background)
    mesh = ax.pcolormesh(
        np.ma.masked_invalid(values), cmap=cmap, norm=norm, edgecolors="white", linewidth=0.6, zorder=1
    )
    ax.set_xlim(0, n_cols)
    ax.set_ylim(n_rows, 0)
    ax.set_xticks(np.arange(n_cols) + 0.5)
    ax.set_yticks(np.arange(n_rows) + 0.5)
    col_size = 8 if n_cols <= 60 else 6
    if rotate:
        ax.set_xticklabels(col_labels, rotation=60 if n_cols <= 60 else 90, ha="right", rotation_mode="anchor", fontsize=col_size)
    else:
        ax.set_xticklabels(col_labels, fontsize=col_size)
    ax.set_yticklabels(row_labels, fontsize=8)
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    if xlabel:
        ax.set_xlabel(xlabel, fontsize=9)
    if ylabel:
        ax.set_ylabel(ylabel, fontsize=9)

    if annotate:
        missing = np.isnan(values)
        colours = cmap(norm(np.where(missing, vmin, values)))
        luminance = colours[..., 0] * 0.299 + colours[..., 1] * 0.587 + colours[..., 2] * 0.114
        for i in range(n_rows):
            for j in range(n_cols):
                if missing[i, j]:
                    ax.text(j + 0.5, i + 0.5, EMPTY_TEXT, ha="center", va="center", fontsize=7,
                            style="italic", color="#303030", zorder=2)
                else:
                    ax.text(j + 0.5, i + 0.5, format_score(values[i, j]), ha="center", va="center", fontsize=8,
                            color="white" if luminance[i, j] < 0.5 else "black", zorder=2)

    bar_height = min(plot_h, 3.0)
    cax = figure.add_axes(((left + plot_w + 0.25) / width, (bottom + plot_h - bar_height) / height, 0.18 / width, bar_height / height))
    bar = figure.colorbar(mesh, cax=cax, ticks=np.arange(math.ceil(vmin), math.floor(vmax) + 1))
    bar.set_label(colorbar_label, fontsize=8)
    bar.ax.tick_params(labelsize=8)
    bar.outline.set_visible(False)
    # Legend for empty cells, under the colour bar.
    key_bottom = bottom + plot_h - bar_height - 0.45
    if key_bottom < 0.05:
        key_bottom = 0.05
    figure.patches.append(Rectangle(
        ((left + plot_w + 0.25) / width, key_bottom / height), 0.18 / width, 0.18 / height,
        facecolor=EMPTY_FACE, edgecolor=EMPTY_HATCH_COLOUR, hatch="///", linewidth=0, transform=figure.transFigure,
    ))
    figure.text((left + plot_w + 0.5) / width, (key_bottom + 0.09) / height, "geen score", fontsize=8, va="center")
    return figure


def _png(figure: Figure, dpi: int) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi)
    figure.clear()
    return buffer.getvalue()
