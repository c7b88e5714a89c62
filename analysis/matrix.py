"""Element x something matrices (input for heatmaps and tables)."""

from __future__ import annotations

import pandas as pd

from .frames import element_labels


def element_matrix(
    frame: pd.DataFrame,
    columns: str,
    values: str = "score",
    elements=None,
) -> pd.DataFrame:
    """Pivot a frame with an element column into a matrix: rows = elements in instrument order,
    columns = the distinct values of `columns` in order of first appearance (analysis outputs are
    sorted, and anonymised labels keep that order: Gemeente Z before Gemeente AA), cells =
    `values` as floats (mean if repeated; None, e.g. from suppress_small, becomes NaN).

    Expects columns element (ordered Categorical, as every analysis output has), `columns` and
    `values`; e.g. analyseschema of one gemeente with columns='casus', values='casusscore', or
    gemeente_element_scores with columns='gemeente'. Rows are labelled with element names when
    `elements` is a frame with code, name; all elements of the order appear, missing cells are NaN.
    """
    work = pd.DataFrame({
        "element": frame["element"],
        columns: frame[columns],
        values: pd.to_numeric(frame[values], errors="coerce").astype(float),
    })
    pivot = (
        work.groupby(["element", columns], observed=True, sort=True, dropna=False)[values]
        .mean()
        .unstack(columns)
    )
    pivot = pivot.reindex(columns=pd.unique(frame[columns].to_numpy(dtype=object)))
    if isinstance(frame["element"].dtype, pd.CategoricalDtype):
        order = list(frame["element"].cat.categories)
    else:
        order = sorted(frame["element"].unique())
    pivot = pivot.reindex(order)
    pivot.index = pd.Index([str(code) for code in pivot.index], name="element")
    names = element_labels(elements)
    if names:
        pivot.index = pd.Index([names.get(code, code) for code in pivot.index], name="element")
    pivot.columns = pd.Index([str(c) for c in pivot.columns], name=columns)
    return pivot.astype(float)
