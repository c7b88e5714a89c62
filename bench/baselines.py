"""The leanest honest code for what each benchmarked ZET step produces.

A baseline is the floor the product is measured against, so it must be the cheapest code a
competent programmer would write for the same output, with nothing of ZET's work it does not
need (no validation, no audit, no styling) and nothing that makes it slower than it has to be.
tests/test_bench_baselines.py checks on a small dataset that each one stores or computes
exactly what ZET does, so none can drift into doing less (or more) than the product.

  import_sqlite      the stdlib sqlite3 driver, executemany of plain tuples with the ids given
                     (an empty database: no reading back of generated keys), one transaction.
  import_postgres    psycopg COPY of every table (the fastest bulk path PostgreSQL has), ids
                     given, the sequences set after.
  lean_analysis      pandas on integer codes: the key columns factorised once, every figure a
                     groupby on those integers, labels attached only to the results.
  dump_openpyxl      openpyxl write-only: append the cell values, nothing else.
  dump_xlsxwriter    XlsxWriter in constant_memory mode: write_row of the cell values.
"""
from __future__ import annotations

import io
import sqlite3
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import pandas as pd

# The leanest honest pandas keeps text as Python strings, as ZET does (analysis/__init__.py):
# with pyarrow installed the default would be Arrow-backed strings, 2-2.5x slower here.
pd.set_option("mode.string_storage", "python")

PERSPECTIEVEN = ("inwoner", "professional", "dossier")
SPECIAL = ("nvt", "onbekend")
KNELPUNT_MAX, SUCCES_MIN, AFWIJKEND_MIN, MIN_COMPLEET = 2.5, 3.5, 2.0, 3


# --- import -------------------------------------------------------------------------------

@dataclass
class ImportRows:
    """The rows of each table as tuples in column order (ids included)."""
    gemeente: list
    onderzoek: list
    casus: list
    perspectief: list
    score: list


COLUMNS = {
    "gemeente": ("id", "naam", "naam_key", "created_at", "updated_at"),
    "onderzoek": ("id", "gemeente_id", "titel", "titel_key", "created_at", "updated_at"),
    "casus": ("id", "gemeente_id", "onderzoek_id", "code", "code_key", "doelgroep",
              "beperkingen", "leefgebieden", "synthese", "status", "created_at", "updated_at"),
    "perspectief": ("id", "casus_id", "soort", "rol", "rol_key", "status",
                    "instrument_version", "version", "toestemming", "created_at",
                    "updated_at"),
    "score": ("perspectief_id", "element_code", "score", "bijzonder", "toelichting",
              "instrument_version"),
}


def read_csv(path, sep: str = ";") -> pd.DataFrame:
    """The long CSV as text (pandas' C reader: the fastest reader the stack has)."""
    return pd.read_csv(path, sep=sep, dtype=str, keep_default_na=False, engine="c")


def _ids(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per row its 1-based id in first-appearance order, and the first row of every id."""
    ids, uniques = pd.factorize(codes)
    first = np.unique(ids, return_index=True)[1]
    return ids + 1, first


def import_rows(df: pd.DataFrame, version: str, now) -> ImportRows:
    """Every row to insert, from the text frame: ids from integer codes of the key columns
    (a casus is its gemeente + code, a perspective its casus + soort + rol), no lookups."""
    g_codes, g_names = pd.factorize(df["gemeente"])
    o_codes, o_titles = pd.factorize(df["onderzoek"])
    c_codes, _ = pd.factorize(df["casus"])
    p_codes = pd.Series(df["perspectief"]).map(
        {name: i for i, name in enumerate(PERSPECTIEVEN)}).to_numpy()
    r_codes, _ = pd.factorize(df["rol"])
    g, o = g_codes.astype(np.int64), o_codes.astype(np.int64)
    onderzoek_id, o_first = _ids(g * (len(o_titles) + 1) + o)
    casus_id, c_first = _ids(g * (c_codes.max() + 1) + c_codes)
    perspectief_id, p_first = _ids((casus_id * 3 + p_codes) * (r_codes.max() + 1) + r_codes)

    gemeente = [(i + 1, name, name.casefold(), now, now) for i, name in enumerate(g_names)]
    titles = df["onderzoek"].to_numpy(dtype=object)[o_first]
    onderzoek = [(i + 1, gid, t, t.casefold(), now, now) for i, (gid, t) in
                 enumerate(zip((g[o_first] + 1).tolist(), titles.tolist()))]
    codes = df["casus"].to_numpy(dtype=object)[c_first]
    casus = [(i + 1, gid, oid, code, code.casefold(), doelgroep, "[]", "[]", "{}", "lopend", now,
              now)
             for i, (gid, oid, code, doelgroep) in enumerate(zip(
                 (g[c_first] + 1).tolist(), onderzoek_id[c_first].tolist(), codes.tolist(),
                 df["doelgroep"].to_numpy(dtype=object)[c_first].tolist()))]
    rollen = df["rol"].to_numpy(dtype=object)[p_first]
    perspectief = [(i + 1, cid, soort, rol, rol.casefold(), "concept", version, 1, False, now,
                    now) for i, (cid, soort, rol) in enumerate(zip(
                        casus_id[p_first].tolist(),
                        df["perspectief"].to_numpy(dtype=object)[p_first].tolist(),
                        rollen.tolist()))]

    # The answer column has a handful of distinct values: decode those, then index.
    a_codes, answers = pd.factorize(df["score"])
    number = np.array([int(a) if a in ("1", "2", "3", "4", "5") else None for a in answers],
                      dtype=object)
    special = np.array([a if a in SPECIAL else None for a in answers], dtype=object)
    text = df["toelichting"].to_numpy(dtype=object)
    # Neither an answer nor a toelichting: not stored (as zet.rules.answers decides).
    keep = np.flatnonzero((answers[a_codes] != "") | (text != ""))
    score = list(zip(perspectief_id[keep].tolist(), df["element"].to_numpy(dtype=object)[keep]
                     .tolist(), number[a_codes[keep]].tolist(),
                     special[a_codes[keep]].tolist(), text[keep].tolist(),
                     [version] * len(keep)))
    return ImportRows(gemeente, onderzoek, casus, perspectief, score)


def _insert_sql(table: str) -> str:
    columns = COLUMNS[table]
    return (f"INSERT INTO {table} ({', '.join(columns)}) "
            f"VALUES ({', '.join('?' * len(columns))})")


def import_sqlite(csv_path, db_path, version: str, sep: str = ";") -> None:
    """Read the CSV and insert every row into the migrated, empty SQLite database at db_path
    with the stdlib driver, under the same pragmas as ZET's engine (zet.db)."""
    df = read_csv(csv_path, sep)
    now = datetime.now().strftime("%Y-%m-%d %H:%M:%S.%f")   # SQLAlchemy's SQLite format
    rows = import_rows(df, version, now)
    connection = sqlite3.connect(db_path, isolation_level=None)
    try:
        connection.execute("PRAGMA foreign_keys=ON")
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")
        connection.execute("BEGIN")
        for table in COLUMNS:
            connection.executemany(_insert_sql(table), getattr(rows, table))
        connection.execute("COMMIT")
    finally:
        connection.close()


def import_postgres(csv_path, url: str, version: str, sep: str = ";") -> None:
    """Read the CSV and COPY every row into the migrated, empty PostgreSQL database at url
    (a SQLAlchemy URL), then move each id sequence past the ids given, in one transaction."""
    import psycopg
    from sqlalchemy import make_url
    libpq = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    df = read_csv(csv_path, sep)
    rows = import_rows(df, version, datetime.now().astimezone())
    with psycopg.connect(libpq) as connection:
        with connection.cursor() as cursor:
            for table, columns in COLUMNS.items():
                with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                    for row in getattr(rows, table):
                        copy.write_row(row)
            for table in ("gemeente", "onderzoek", "casus", "perspectief"):
                cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                               f"(SELECT max(id) FROM {table}))")


# --- analysis -----------------------------------------------------------------------------

def lean_analysis(long: pd.DataFrame, order: list[str], with_text: bool = True) -> dict:
    """Every figure of analysis.analyse from the long frame, the lean pandas way: factorise
    the casus (gemeente + casus code) and element once, group on integers, attach labels last.

    Returns frames keyed as analysis.AnalysisResult's fields, with the columns the parity test
    compares: schema (per casus x element), gemeente_scores, doelgroep_scores,
    onderzoek_scores, perspectief_scores, dossier, samenvatting and basis.
    """
    n_el = len(order)
    element = pd.Categorical(long["element"], categories=order).codes.astype(np.int64)
    g_row, _ = pd.factorize(long["gemeente"])
    c_row, c_uniques = pd.factorize(long["casus"])
    casus = pd.factorize(g_row.astype(np.int64) * (len(c_uniques) + 1) + c_row)[0] \
        .astype(np.int64)
    n_casus = int(casus.max()) + 1 if len(casus) else 0
    first = np.unique(casus, return_index=True)[1]
    facts = long.iloc[first][["gemeente", "onderzoek", "casus", "doelgroep"]].reset_index(drop=True)
    perspectief = pd.Categorical(long["perspectief"], categories=PERSPECTIEVEN).codes
    answer = long["antwoord"]
    score = pd.to_numeric(answer, errors="coerce").to_numpy()

    cell = casus * n_el + element
    frame = pd.DataFrame({"cell": cell, "p": perspectief, "s": score})
    # Perspective values: the mean over that perspective's rows (professionals averaged).
    values = frame.groupby(["cell", "p"])["s"].mean().unstack("p").reindex(
        index=np.arange(n_casus * n_el), columns=range(3))
    v = values.to_numpy()
    present = ~np.isnan(v)
    n_present = present.sum(axis=1)
    casusscore = np.nanmean(np.where(present, v, np.nan), axis=1) if len(v) else v[:, 0]
    casusscore[n_present == 0] = np.nan
    verschil = np.where(n_present >= 2, np.nanmax(v, axis=1, initial=-np.inf)
                        - np.nanmin(v, axis=1, initial=np.inf), np.nan)

    # Complete casus: inwoner, a professional and the dossier each have a definitief row.
    final = pd.DataFrame({"c": casus, "p": perspectief,
                          "d": (long["status"] == "definitief").to_numpy()})
    definitief = final[final["d"]].drop_duplicates(["c", "p"]).groupby("c").size()
    compleet = definitief.reindex(np.arange(n_casus), fill_value=0).to_numpy() == 3

    rows = np.repeat(np.arange(n_casus), n_el)
    schema = pd.DataFrame({
        "gemeente": facts["gemeente"].to_numpy()[rows],
        "onderzoek": facts["onderzoek"].to_numpy()[rows],
        "casus": facts["casus"].to_numpy()[rows],
        "doelgroep": facts["doelgroep"].to_numpy()[rows],
        "element": np.tile(np.array(order, dtype=object), n_casus),
        "inwoner": v[:, 0], "professional": v[:, 1], "dossier": v[:, 2],
        "casusscore": casusscore, "verschil": verschil,
        "afwijkend": verschil >= AFWIJKEND_MIN - 1e-9,
        "oordeel": np.select([casusscore <= KNELPUNT_MAX, casusscore >= SUCCES_MIN,
                              ~np.isnan(casusscore)],
                             ["knelpunt", "succesfactor", "gemengd"], ""),
        "compleet": compleet[rows],
    })
    if with_text:
        text = long["toelichting"].to_numpy(dtype=object)
        filled = np.flatnonzero(text != "")
        who = np.where(perspectief[filled] == 1,
                       "Professional (" + long["rol"].to_numpy(dtype=object)[filled] + "): ",
                       np.where(perspectief[filled] == 0, "Inwoner: ", "Dossier: "))
        parts = pd.DataFrame({"cell": cell[filled], "p": perspectief[filled],
                              "t": who + text[filled]})
        parts = parts.sort_values(["cell", "p"], kind="stable")
        joined = parts.groupby("cell", sort=False)["t"].agg(" | ".join)
        schema["toelichting"] = joined.reindex(np.arange(n_casus * n_el), fill_value="") \
            .to_numpy()

    g_codes, g_names = pd.factorize(facts["gemeente"], sort=True)
    d_codes, d_names = pd.factorize(facts["doelgroep"], sort=True)
    o_codes, o_names = pd.factorize(facts["onderzoek"], sort=True)
    casus_of_cell = {"gemeente": g_codes[rows], "doelgroep": d_codes[rows],
                     "onderzoek": o_codes[rows], "element": np.tile(np.arange(n_el), n_casus)}
    labels = {"gemeente": g_names, "doelgroep": d_names, "onderzoek": o_names,
              "element": np.array(order, dtype=object)}
    flags = pd.DataFrame({
        **casus_of_cell, "score": casusscore,
        "k": schema["oordeel"].to_numpy() == "knelpunt",
        "m": schema["oordeel"].to_numpy() == "gemengd",
        "v": schema["oordeel"].to_numpy() == "succesfactor",
        "a": schema["afwijkend"].to_numpy(),
        "c": schema["compleet"].to_numpy() & ~np.isnan(casusscore)})

    def labelled(result: pd.DataFrame, by: list[str]) -> pd.DataFrame:
        result = result.reset_index()
        for key in by:
            result[key] = labels[key][result[key].to_numpy()]
        return result

    def element_scores(by: list[str]) -> pd.DataFrame:
        keys = by + ["element"]
        result = flags.groupby(keys).agg(
            score=("score", "mean"), n_casussen=("score", "count"), n_knelpunt=("k", "sum"),
            n_gemengd=("m", "sum"), n_succesfactor=("v", "sum"), n_afwijkend=("a", "sum"),
            n_compleet=("c", "sum"))
        result = labelled(result, keys)
        s = result["score"].to_numpy()
        result["oordeel"] = np.select([s <= KNELPUNT_MAX, s >= SUCCES_MIN, ~np.isnan(s)],
                                      ["knelpunt", "succesfactor", "gemengd"], "")
        result["indicatief"] = result["n_compleet"].to_numpy() < MIN_COMPLEET
        return result

    gemeente = element_scores(["gemeente"])
    per_perspectief = pd.DataFrame({**casus_of_cell, "i": v[:, 0], "p": v[:, 1], "d": v[:, 2]}) \
        .groupby(["gemeente", "element"])[["i", "p", "d"]].agg(["mean", "count"])
    dossier_rows = perspectief == 2
    gemeente_of_row = g_codes[casus]
    dossier = pd.DataFrame({"gemeente": gemeente_of_row[dossier_rows],
                            "element": element[dossier_rows],
                            "o": (answer.to_numpy(dtype=object)[dossier_rows] == "onbekend")}) \
        .groupby(["gemeente", "element"])["o"].agg(n_onbekend="sum", n_dossier="count")
    basis = pd.DataFrame({"gemeente": g_codes, "c": compleet}).groupby("gemeente")["c"] \
        .agg(n_casussen="size", n_compleet="sum")
    basis = labelled(basis, ["gemeente"])
    basis["indicatief"] = basis["n_compleet"] < MIN_COMPLEET

    ranked = []
    e_position = {code: i for i, code in enumerate(order)}
    gemeente["_e"] = gemeente["element"].map(e_position)
    for soort, ascending in (("knelpunt", True), ("succesfactor", False)):
        chosen = gemeente[gemeente["oordeel"] == soort].sort_values(
            ["gemeente", "score", "n_" + soort, "_e"], ascending=[True, ascending, False, True],
            kind="stable")
        ranked.append(chosen.assign(soort=soort, rang=chosen.groupby("gemeente").cumcount() + 1))
    samenvatting = pd.concat(ranked, ignore_index=True).sort_values(
        ["gemeente", "soort", "rang"], kind="stable").drop(columns="_e").reset_index(drop=True)
    gemeente = gemeente.drop(columns="_e")
    return {
        "schema": schema,
        "gemeente_scores": gemeente,
        "doelgroep_scores": element_scores(["gemeente", "doelgroep"]),
        "onderzoek_scores": element_scores(["onderzoek", "gemeente"]),
        "perspectief_scores": labelled(per_perspectief, ["gemeente", "element"]),
        "dossier": labelled(dossier, ["gemeente", "element"]),
        "samenvatting": samenvatting,
        "basis": basis,
    }


# --- workbook -----------------------------------------------------------------------------

def workbook_cells(data: bytes) -> list[tuple[str, list[tuple]]]:
    """The sheets of a workbook as (title, rows of cell values): what the dumps write."""
    import openpyxl
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    try:
        return [(ws.title, list(ws.iter_rows(values_only=True))) for ws in book.worksheets]
    finally:
        book.close()


def dump_openpyxl(sheets) -> bytes:
    """openpyxl write-only: one append per row, nothing else."""
    import openpyxl
    book = openpyxl.Workbook(write_only=True)
    for title, rows in sheets:
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def dump_xlsxwriter(sheets) -> bytes:
    """XlsxWriter constant_memory: one write_row per row, streamed to disk row by row."""
    import xlsxwriter
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"constant_memory": True, "in_memory": False,
                                        "default_date_format": "dd-mm-yyyy",
                                        "strings_to_numbers": False,
                                        "strings_to_formulas": False, "strings_to_urls": False})
    for title, rows in sheets:
        sheet = book.add_worksheet(title)
        for r, row in enumerate(rows):
            sheet.write_row(r, 0, row)
    book.close()
    return buffer.getvalue()
