"""The benchmark's baselines (bench/baselines.py) produce exactly what ZET produces.

A baseline that stored fewer rows, skipped a figure or dropped cells would flatter or shame the
product; these tests compare each one with ZET on a small generated dataset, so the benchmark's
ratios compare equal work.
"""
from __future__ import annotations

import sys
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import make_url, select, text, update

import analysis
from tests.export_helpers import make_export_dataset
from zet.access import ALL
from zet.db import Base, get_session, make_engine, transaction
from zet.export.service import export_bytes
from zet.importing import import_file
from zet.models import Casus

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
import baselines  # noqa: E402
import generate  # noqa: E402

ORDER = list(generate.ELEMENT_CODES)


def small_frame() -> pd.DataFrame:
    """Seven gemeenten with eight casussen each (about 2,000 rows), half with two onderzoeken."""
    return generate.national_frame(scale=0.02, casussen=8)


# --- import -------------------------------------------------------------------------------

STORED = text("""
    SELECT g.naam, g.naam_key, o.titel, o.titel_key, c.code, c.code_key, c.doelgroep, c.status,
           c.beperkingen, c.leefgebieden, c.synthese, p.soort, p.rol, p.rol_key, p.status,
           p.instrument_version, p.version, p.toestemming, s.element_code, s.score, s.bijzonder,
           s.toelichting, s.instrument_version
    FROM score s JOIN perspectief p ON p.id = s.perspectief_id JOIN casus c ON c.id = p.casus_id
    JOIN gemeente g ON g.id = c.gemeente_id LEFT JOIN onderzoek o ON o.id = c.onderzoek_id""")


def stored(session) -> tuple[list, dict]:
    """Every stored score with everything about its perspective, casus, onderzoek and
    gemeente (ids and timestamps left out), sorted; and the rows per table."""
    rows = sorted((tuple(str(v) for v in row) for row in session.execute(STORED)))
    counts = {t: session.scalar(text(f"SELECT count(*) FROM {t}")) for t in
              ("gemeente", "onderzoek", "casus", "perspectief", "score")}
    return rows, counts


def empty_tables(url: str) -> None:
    engine = make_engine(url)
    with engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            if table.name != "data_versie":
                connection.execute(table.delete())
    engine.dispose()


def test_import_baseline_stores_what_zet_import_stores(app, database_url, tmp_path, instrument):
    csv = generate.write_csv(small_frame(), tmp_path / "klein.csv")
    if database_url.startswith("sqlite"):
        baselines.import_sqlite(csv, make_url(database_url).database, instrument.version)
    else:   # as the owner: setting the sequences needs more than the app's row rights
        baselines.import_postgres(csv, database_url, instrument.version)
    with app.app_context():
        baseline = stored(get_session())
        # ZET reads the baseline's rows back as its own (timestamps included).
        first = get_session().scalars(select(Casus).order_by(Casus.id)).first()
        assert isinstance(first.created_at, datetime)
        assert first.created_at.year >= 2026
    empty_tables(database_url)

    with app.app_context():
        with transaction() as session:
            plan = import_file(session, instrument, "klein.csv", csv.read_bytes(), ALL)
        assert plan.applied
        product = stored(get_session())
    assert baseline[1] == product[1]
    assert baseline[1]["score"] > 1500 and baseline[1]["gemeente"] == 7
    assert baseline[0] == product[0]


# --- analysis -----------------------------------------------------------------------------

def long_frame() -> pd.DataFrame:
    """The small dataset as ZET's long frame: rows without answer and toelichting are not
    stored; some perspectives are definitief, so some casussen are complete."""
    frame = small_frame().rename(columns={"score": "antwoord"})
    frame = frame[(frame["antwoord"] != "") | (frame["toelichting"] != "")].reset_index(drop=True)
    perspective = frame.groupby(["casus", "perspectief", "rol"], sort=False).ngroup().to_numpy()
    definitief = np.random.default_rng(7).random(perspective.max() + 1) < 0.7
    frame["status"] = np.where(definitief[perspective], "definitief", "concept")
    frame["casus_status"] = "lopend"
    return frame


def same(product: pd.DataFrame, baseline: pd.DataFrame, keys: list[str],
         columns: list[str]) -> None:
    """The two frames hold the same groups and, per group, the same values (NaN equals NaN)."""
    def ordered(frame):
        frame = frame.assign(**{k: frame[k].astype(str) for k in keys})
        return frame.sort_values(keys).reset_index(drop=True)
    a, b = ordered(product), ordered(baseline)
    assert len(a) == len(b) > 0
    pd.testing.assert_frame_equal(a[keys], b[keys], check_dtype=False)
    for column in columns:
        left, right = a[column].to_numpy(), b[column].to_numpy()
        if np.issubdtype(np.asarray(left).dtype, np.floating):
            np.testing.assert_allclose(left.astype(float), right.astype(float), equal_nan=True,
                                       err_msg=column)
        else:
            assert [str(v) for v in left] == [str(v) for v in right], column


@pytest.mark.parametrize("with_text", [True, False])
def test_lean_analysis_computes_every_figure_zet_computes(with_text):
    long = long_frame()
    elements = pd.DataFrame({"code": ORDER, "name": ORDER})
    product = analysis.analyse(long, elements, toelichting=with_text)
    baseline = baselines.lean_analysis(long, ORDER, with_text=with_text)

    schema_columns = ["inwoner", "professional", "dossier", "casusscore", "verschil",
                      "afwijkend", "oordeel", "compleet"] + (["toelichting"] if with_text else [])
    same(product.schema, baseline["schema"], ["gemeente", "onderzoek", "casus", "element"],
         schema_columns)
    assert product.schema["compleet"].any() and not product.schema["compleet"].all()
    if with_text:
        assert product.schema["toelichting"].str.contains("Professional (", regex=False).any()
    figures = ["score", "n_casussen", "oordeel", "n_knelpunt", "n_gemengd", "n_succesfactor",
               "n_afwijkend", "n_compleet", "indicatief"]
    same(product.gemeente_scores, baseline["gemeente_scores"], ["gemeente", "element"], figures)
    same(product.doelgroep_scores, baseline["doelgroep_scores"],
         ["gemeente", "doelgroep", "element"], figures)
    same(product.onderzoek_scores, baseline["onderzoek_scores"],
         ["onderzoek", "gemeente", "element"], figures)
    same(product.dossier, baseline["dossier"], ["gemeente", "element"],
         ["n_dossier", "n_onbekend"])
    same(product.basis, baseline["basis"], ["gemeente"], ["n_casussen", "n_compleet",
                                                          "indicatief"])
    same(product.samenvatting, baseline["samenvatting"], ["gemeente", "soort", "rang"],
         ["element", "score"])
    per = baseline["perspectief_scores"]
    wide = product.perspectief_scores.pivot_table(
        index=["gemeente", "element"], columns="perspectief", values=["score", "n_casussen"],
        observed=True).reset_index()
    flat = pd.DataFrame({"gemeente": wide["gemeente"], "element": wide["element"].astype(str)})
    for short, name in (("i", "inwoner"), ("p", "professional"), ("d", "dossier")):
        flat[f"{short}_mean"] = wide[("score", name)].to_numpy()
        flat[f"{short}_count"] = wide[("n_casussen", name)].to_numpy()
    per.columns = ["_".join(c).strip("_") if isinstance(c, tuple) else c for c in per.columns]
    same(flat, per, ["gemeente", "element"],
         ["i_mean", "i_count", "p_mean", "p_count", "d_mean", "d_count"])


# --- workbook -----------------------------------------------------------------------------

@pytest.mark.parametrize("dump", [baselines.dump_openpyxl, baselines.dump_xlsxwriter])
def test_workbook_dumps_write_exactly_the_cells_of_zet_workbook(session, instrument, dump,
                                                                database_url):
    if not database_url.startswith("sqlite"):
        pytest.skip("the workbook does not depend on the database")
    make_export_dataset(session, instrument)
    session.execute(update(Casus).values(datum_aanmelding=date(2026, 3, 9)))
    session.commit()
    _, data, _ = export_bytes(session, ALL, instrument, today=date(2026, 11, 23))
    cells = baselines.workbook_cells(data)
    assert len(cells) > 10 and any(isinstance(v, datetime) for _, rows in cells
                                   for row in rows for v in row)
    assert values(baselines.workbook_cells(dump(cells))) == values(cells)


def values(sheets) -> list:
    """Per sheet its rows without trailing empty cells and the sheet without trailing empty
    rows: an empty cell and a missing one are the same to a reader (and readers pad rows to
    the sheet's width when the writer states it)."""
    result = []
    for title, rows in sheets:
        rows = [list(row) for row in rows]
        for row in rows:
            while row and row[-1] is None:
                row.pop()
        while rows and not rows[-1]:
            rows.pop()
        result.append((title, rows))
    return result
