"""Feeding stored data to the pure analysis package, with a cache for the big comparisons.

The cache key includes the data version (one row, changed in the same transaction as every
write), so any save, import or deletion, by any process, makes the next page compute afresh.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import shutil
import threading
import time
from collections import OrderedDict
from pathlib import Path
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

import analysis
from analysis import AnalysisResult, AnalysisSettings
from zet import data_version
from zet.access import Scope
from zet.instrument import Instrument
from zet.models import Casus, Onderzoek
from zet.services import national
from zet.services.rows import records
from zet.services.dataset import anonymous_labels, citaten_frame, of_casussen, scores_frame

SETTINGS = AnalysisSettings()  # the documented defaults; change them here only
# One memory cache per kind of entry, each with its own size: the hundreds of per-gemeente
# analyses a server sees never push out the few national comparisons (one per filter), which
# are the expensive ones to compute again.
_CACHE_SIZES = {"vergelijking": 64, "analyse": 256, "rows": 256, "png": 256}
_caches: dict[str, OrderedDict] = {kind: OrderedDict() for kind in _CACHE_SIZES}
_lock = threading.Lock()


def elements_frame(instrument: Instrument) -> pd.DataFrame:
    """The instrument's elements as the analysis package expects them: code, name (in order)."""
    return pd.DataFrame({"code": instrument.codes, "name": [e.name for e in instrument.elements]})


def data_state(session: Session) -> tuple:
    """Which database, at which data version (zet.data_version): part of every cache key."""
    database = session.get_bind().url.render_as_string(hide_password=True)
    return database, data_version.current(session.connection())


@dataclass(frozen=True)
class Filters:
    """What a totaalbeeld or comparison is restricted to."""
    gemeente_ids: tuple[int, ...] | None = None
    onderzoek_id: int | None = None
    onderzoek_titel: str | None = None
    doelgroep: str | None = None
    alleen_compleet: bool = False  # only casussen whose three perspectives are definitief


def _scope_key(scope: Scope) -> tuple | None:
    """The scope as a stable cache key (sorted, so the file cache's hash is the same in every
    process); None for all gemeenten."""
    return None if scope.gemeente_ids is None else tuple(sorted(scope.gemeente_ids))


def _cached(key, compute, disk_dir: Path | None = None):
    """Memory cache per process; with ``disk_dir`` also a file cache the server's worker
    processes share, so a national comparison is computed once, not once per worker."""
    cache, size = _caches[key[0]], _CACHE_SIZES[key[0]]
    with _lock:
        if key in cache:
            cache.move_to_end(key)
            return cache[key]
    value = _from_disk(disk_dir, key) if disk_dir else None
    if value is None:
        value = compute()
        if disk_dir:
            _to_disk(disk_dir, key, value)
    with _lock:
        cache[key] = value
        while len(cache) > size:
            cache.popitem(last=False)
    return value


def clear_memory_cache() -> None:
    """Forget every entry held in this process (as a new worker process starts)."""
    with _lock:
        for cache in _caches.values():
            cache.clear()


def forget_shared_results(disk_dir: Path) -> None:
    """Remove every analysis result the workers share on disk (the pickled comparisons, the
    national Arrow files): after a purge no copy of what was removed stays behind. The next
    page computes afresh."""
    disk_dir = Path(disk_dir)
    for path in disk_dir.glob("*.pickle"):
        path.unlink(missing_ok=True)
    shutil.rmtree(disk_dir / national.FOLDER, ignore_errors=True)


def _disk_path(disk_dir: Path, key) -> Path:
    return disk_dir / (hashlib.sha256(repr(key).encode()).hexdigest() + ".pickle")


def _from_disk(disk_dir: Path, key):
    try:
        with _disk_path(disk_dir, key).open("rb") as fh:
            return pickle.load(fh)  # only files this application wrote itself
    except (OSError, pickle.PickleError, EOFError):
        return None


def _to_disk(disk_dir: Path, key, value) -> None:
    """Write atomically; drop entries of older data states after an hour."""
    try:
        disk_dir.mkdir(parents=True, exist_ok=True)
        path = _disk_path(disk_dir, key)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        with tmp.open("wb") as fh:
            pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(path)
        for old in disk_dir.glob("*.pickle"):
            if time.time() - old.stat().st_mtime > 3600:
                old.unlink(missing_ok=True)
    except OSError:
        pass  # the cache is an optimisation; the page still works without it


def long_frame(session: Session, scope: Scope, filters: Filters,
               toelichting: bool = True) -> pd.DataFrame:
    frame = scores_frame(session, scope, gemeente_ids=filters.gemeente_ids,
                         onderzoek_id=filters.onderzoek_id, doelgroep=filters.doelgroep,
                         toelichting=toelichting)
    if filters.onderzoek_titel:
        frame = frame[frame["onderzoek"] == filters.onderzoek_titel]
    if filters.alleen_compleet:
        frame = analysis.only_complete(frame)
    return frame


def run_analysis(session: Session, scope: Scope, instrument: Instrument, filters: Filters,
                 toelichting: bool = True) -> tuple[pd.DataFrame, AnalysisResult]:
    """The long frame and every analysis table for these filters, cached until data change."""
    key = ("analyse", data_state(session), _scope_key(scope), filters, instrument.version,
           toelichting)

    def compute():
        long = long_frame(session, scope, filters, toelichting)
        return long, analysis.analyse(long, elements_frame(instrument), SETTINGS, toelichting)

    return _cached(key, compute)


def gemeente_analysis(session: Session, scope: Scope, instrument: Instrument, filters: Filters,
                      gemeente, cache_dir: Path | None = None) -> AnalysisResult:
    """The figures of one gemeente's totaalbeeld (no toelichting): its slice of the national
    analysis when a process already made that for this data version (zet.services.national),
    else the gemeente's own analysis."""
    found = _national_of(session, scope, instrument, filters, gemeente, cache_dir)
    if found is not None:
        return national.of_scope(found, scope, gemeente.id, gemeente.naam)
    return run_analysis(session, scope, instrument, filters, toelichting=False)[1]


def gemeente_rows(session: Session, scope: Scope, instrument: Instrument, filters: Filters,
                  gemeente, names, cache_dir: Path | None = None) -> dict[str, list[dict]]:
    """``gemeente_analysis`` as template rows (zet.services.rows) of the tables ``names``:
    from the national Arrow files directly when they exist, so a totaalbeeld builds no frames."""
    found = _national_of(session, scope, instrument, filters, gemeente, cache_dir)
    if found is not None:
        return national.of_scope(found, scope, gemeente.id, gemeente.naam, names)
    result = run_analysis(session, scope, instrument, filters, toelichting=False)[1]
    return {name: records(getattr(result, name)) for name in names}


def _national_of(session: Session, scope: Scope, instrument: Instrument, filters: Filters,
                 gemeente, cache_dir: Path | None) -> national.NationalTables | None:
    """The national analysis a gemeente's totaalbeeld can be sliced from, if one exists. Never
    waits for it to be made: a change anywhere makes a new data version, and the whole country
    is not worth computing for one gemeente's page."""
    if cache_dir is None or not national.slicable(filters):
        return None   # (the slice itself refuses a gemeente outside the scope: national.of_scope)
    return national.existing(cache_dir, _national_key(session, instrument,
                                                      national.national_filters(filters)))


def _national_key(session: Session, instrument: Instrument, filters: Filters) -> str:
    return national.key(data_state(session), filters, instrument.version)


def _national_result(session: Session, instrument: Instrument, filters: Filters,
                     cache_dir: Path) -> national.NationalTables:
    """The national analysis for ``filters`` (every gemeente), made once for all workers."""
    def compute():
        long = long_frame(session, Scope(), filters, toelichting=False)
        return analysis.analyse(long, elements_frame(instrument), SETTINGS, toelichting=False)
    return national.get_or_build(cache_dir, _national_key(session, instrument, filters), compute)


def cached_rows(session: Session, scope: Scope, key: tuple, build, kind: str = "rows"):
    """What ``build`` makes of the analysis for a page (its template rows), once per data
    state and scope: until the data change every request gets the same rows, which must
    therefore never be changed by the caller. ``kind="vergelijking"`` keeps it in the
    comparisons' own room, which per-gemeente rows never push out."""
    return _cached((kind, data_state(session), _scope_key(scope)) + key, build)


def cached_png(session: Session, key: tuple, draw) -> bytes:
    """A heatmap PNG, drawn once per data state."""
    return _cached(("png", data_state(session)) + key, draw)


def casus_schema(session: Session, scope: Scope, instrument: Instrument, casus: Casus):
    """The analyseschema of one casus, with each perspective's toelichting and quotes per
    element, and its completeness (a casus_completeness row as a dict; None without scores)."""
    long = scores_frame(session, scope, casus_id=casus.id)
    if long.empty:
        schema = pd.DataFrame(columns=list(analysis.SCHEMA_COLUMNS))
        completeness = None
    else:
        schema, casussen = analysis.casus_analysis(long, elements_frame(instrument), SETTINGS)
        completeness = casussen.iloc[0].to_dict()
    evidence: dict[str, list[tuple[str, str]]] = {}
    for row in long.itertuples(index=False):
        if row.toelichting:
            evidence.setdefault(row.element, []).append(
                (perspective_label(row.perspectief, row.rol), row.toelichting))
    quotes: dict[str, list] = {}
    for row in citaten_frame(session, scope, casus_id=casus.id).itertuples(index=False):
        quotes.setdefault(row.element or "", []).append(row)
    return schema, evidence, quotes, completeness


def perspective_label(perspectief: str, rol: str = "") -> str:
    label = {"inwoner": "Inwoner", "professional": "Professional", "dossier": "Dossier"}[perspectief]
    return f"{label} ({rol})" if rol else label


def element_evidence(session: Session, scope: Scope, filters: Filters, element: str) -> dict:
    """Scores, toelichting and quotes behind one element of a totaalbeeld, and which of its
    casussen are complete."""
    long = long_frame(session, scope, filters)
    rows = long[long["element"] == element]
    table = analysis.casus_completeness(long) if len(rows) else None  # all of a casus counts
    compleet = set(table.loc[table["compleet"], "casus"]) & set(rows["casus"]) \
        if table is not None else set()
    citaten = citaten_frame(session, scope, gemeente_ids=filters.gemeente_ids,
                            onderzoek_id=filters.onderzoek_id)
    if filters.alleen_compleet:
        citaten = of_casussen(citaten, long)
    return {
        "n_casussen": rows["casus"].nunique(), "n_compleet": len(compleet),
        "scores": [(r.casus, perspective_label(r.perspectief, r.rol), r.antwoord, r.toelichting,
                    r.casus in compleet) for r in rows.itertuples(index=False)],
        "citaten": [(r.casus, perspective_label(r.perspectief, r.rol), r.tekst, r.bron)
                    for r in citaten[citaten["element"] == element].itertuples(index=False)],
    }


def onderzoek_titles(session: Session, scope: Scope) -> list[str]:
    stmt = scope.restrict(select(Onderzoek.titel).distinct().order_by(Onderzoek.titel),
                          Onderzoek.gemeente_id)
    return list(session.scalars(stmt))


@dataclass(frozen=True)
class ComparisonTable:
    """Element x gemeente cells ready to show: (text, css class) per cell, built once per data
    state. A score resting on fewer than SETTINGS.min_compleet complete casussen ends in '*'
    (indicatief); ``basis`` gives per gemeente its casussen and how many are complete."""
    gemeenten: list[str]
    rows: list[tuple[str, list[tuple[str, str]]]]  # (element code, cells)
    basis: list[tuple[int, int, bool]] = ()  # per gemeente: n_casussen, n_compleet, indicatief


def comparison_table(session: Session, scope: Scope, instrument: Instrument, filters: Filters,
                     anonymous: bool, cache_dir: Path | None = None
                     ) -> tuple[pd.DataFrame, ComparisonTable]:
    """Gemeente element scores for the comparison (anonymised and suppressed on request) and the
    table the page shows, cached until the data change."""
    key = ("vergelijking", data_state(session), _scope_key(scope), filters,
           instrument.version, anonymous)

    def compute():
        scores, basis = _comparison_figures(session, scope, instrument, filters, cache_dir)
        if anonymous and not scores.empty:
            labels = anonymous_labels(session, scope)
            scores = analysis.in_label_order(analysis.suppress_small(
                analysis.anonymise_gemeenten(scores, labels), SETTINGS))
            basis = analysis.in_label_order(analysis.anonymise_gemeenten(basis, labels))
        return scores, _table(scores, basis)

    return _cached(key, compute, cache_dir)


def _comparison_figures(session: Session, scope: Scope, instrument: Instrument,
                        filters: Filters, cache_dir: Path | None):
    """Element scores and basis per gemeente: from the shared national analysis for a user who
    sees every gemeente, else computed for the scope."""
    if scope.gemeente_ids is None and cache_dir is not None:
        try:
            found = _national_result(session, instrument, filters, Path(cache_dir))
            return found.frame("gemeente_scores"), found.frame("basis")
        except OSError:
            pass   # no room for the shared files: compute it here, as below
    long = long_frame(session, scope, filters, toelichting=False)
    result = analysis.analyse(long, elements_frame(instrument), SETTINGS, toelichting=False)
    return result.gemeente_scores, result.basis


def _table(scores: pd.DataFrame, basis: pd.DataFrame) -> ComparisonTable:
    if scores.empty:
        return ComparisonTable([], [])
    values = pd.to_numeric(scores["score"], errors="coerce")
    suppressed = scores["onderdrukt"].to_numpy(dtype=bool) if "onderdrukt" in scores else \
        [False] * len(scores)
    indicatief = scores["indicatief"].fillna(False).to_numpy(dtype=bool)
    cells = pd.DataFrame({
        "element": scores["element"].astype(str).to_numpy(),
        "gemeente": scores["gemeente"].astype(str).to_numpy(),
        "text": [f"< {SETTINGS.min_casussen}" if hidden else
                 ("–" if v != v else analysis.format_score(v) + ("*" if rough else ""))
                 for v, hidden, rough in zip(values, suppressed, indicatief)],
        "css": ["score suppressed" if hidden else ("score empty" if v != v else f"score s{round(v)}")
                for v, hidden in zip(values, suppressed)],
    })
    gemeenten = list(dict.fromkeys(cells["gemeente"]))
    elements = list(dict.fromkeys(cells["element"]))
    text = cells.pivot(index="element", columns="gemeente", values="text").reindex(
        index=elements, columns=gemeenten).fillna("–")
    css = cells.pivot(index="element", columns="gemeente", values="css").reindex(
        index=elements, columns=gemeenten).fillna("score empty")
    rows = [(code, list(zip(text.loc[code], css.loc[code]))) for code in elements]
    per_gemeente = basis.set_index(basis["gemeente"].astype(str))
    return ComparisonTable(gemeenten, rows, [
        (int(per_gemeente.at[g, "n_casussen"]), int(per_gemeente.at[g, "n_compleet"]),
         bool(per_gemeente.at[g, "indicatief"])) for g in gemeenten])
