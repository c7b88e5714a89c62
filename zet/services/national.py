"""The national analysis once per data version, shared by every worker process of the server.

The comparison needs the analysis of every gemeente; a totaalbeeld needs one gemeente's share
of the very same tables (each of them is per gemeente or per casus). One process computes it
(a lock file keeps the others from doing the same work at the same moment) and writes every
table as an Arrow IPC file under ``<CACHE_DIR>/landelijk/<key>/``. Each worker memory-maps
those files instead of reading them into its own memory, so the operating system holds one
copy for all of them, and slices its gemeente out.

Only the figures: the analysis runs without toelichting, so no free text about a casus is
written here. A new data version gets a new folder; building it removes the older ones.
"""
from __future__ import annotations

import fcntl
import hashlib
import shutil
import threading
from dataclasses import dataclass, fields, replace
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from analysis import AnalysisResult
from zet.access import Scope

FOLDER = "landelijk"
TABLES = tuple(field.name for field in fields(AnalysisResult))
_KEEP_OPEN = 8   # mapped versions per process (one per comparison filter, a few versions)
_open: dict[str, "NationalTables"] = {}
_lock = threading.Lock()


@dataclass(frozen=True)
class NationalTables:
    """The mapped tables of one national analysis (``AnalysisResult`` field name -> table)."""
    tables: dict[str, pa.Table]

    def frame(self, name: str) -> pd.DataFrame:
        """One table of every gemeente, as a pandas frame."""
        return _frame(self.tables[name])

    def of_gemeente(self, naam: str) -> AnalysisResult:
        """One gemeente's rows of every table: what the analysis of that gemeente alone gives."""
        return AnalysisResult(**{name: _frame(self._rows_of(name, naam)) for name in TABLES})

    def records_of(self, naam: str, names) -> dict[str, list[dict]]:
        """The template rows (zet.services.rows.records) of one gemeente's share of the tables
        ``names``, straight from Arrow: no pandas frame on the way for a page's few rows."""
        return {name: self._rows_of(name, naam).to_pylist() for name in names}

    def _rows_of(self, name: str, naam: str) -> pa.Table:
        table = self.tables[name]
        return table.filter(pc.equal(table["gemeente"], naam))


def slicable(filters) -> bool:
    """Whether a totaalbeeld with these filters is a slice of a national analysis: an onderzoek
    belongs to one gemeente, so that filter has no national counterpart."""
    return filters.onderzoek_id is None and filters.onderzoek_titel is None


def national_filters(filters):
    """The filters of the national analysis a gemeente's totaalbeeld is sliced from."""
    return replace(filters, gemeente_ids=None)


def key(data_state: tuple, filters, instrument_version: str) -> str:
    """``<data state>/<filters>``: one folder per database and data version, holding one
    analysis per filter set and instrument version."""
    return f"{_digest(data_state)}/{_digest((filters, instrument_version))}"


def _digest(value) -> str:
    return hashlib.sha256(repr(value).encode()).hexdigest()[:40]


def existing(cache_dir: Path, name: str) -> NationalTables | None:
    """The national analysis ``name`` if some process already made it, else None (never
    computes: a totaalbeeld does not wait for the whole country)."""
    with _lock:
        if name in _open:
            return _open[name]
    folder = Path(cache_dir) / FOLDER / name
    if not (folder / "klaar").exists():
        return None
    try:
        tables = NationalTables({table: _mapped(folder / f"{table}.arrow") for table in TABLES})
    except (OSError, pa.ArrowInvalid):
        return None   # removed meanwhile by a newer version: compute without it
    with _lock:
        _open[name] = tables
        while len(_open) > _KEEP_OPEN:
            _open.pop(next(iter(_open)))
    return tables


def get_or_build(cache_dir: Path, name: str, compute) -> NationalTables:
    """The national analysis ``name``; made by ``compute()`` (an AnalysisResult) in this
    process if no other has made it, or waited for while another one is making it."""
    found = existing(cache_dir, name)
    if found is not None:
        return found
    root = Path(cache_dir) / FOLDER
    (root / name).parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    with open(root / f"{name}.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)   # another process may be making the same one
        try:
            found = existing(cache_dir, name)
            if found is None:
                _write(root, name, compute())
                found = existing(cache_dir, name)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    if found is None:
        raise OSError(f"national analysis not readable under {root}")
    return found


def of_scope(found: NationalTables, scope: Scope, gemeente_id: int, naam: str,
             names=None):
    """The gemeente's slice, only for a gemeente in the user's scope: an AnalysisResult, or
    with ``names`` the template rows of those tables."""
    if not scope.allows(gemeente_id):
        raise PermissionError("gemeente outside the scope")
    return found.of_gemeente(naam) if names is None else found.records_of(naam, names)


def _write(root: Path, name: str, result: AnalysisResult) -> None:
    """Each table to ``<name>.deel/``, then renamed to ``<name>/`` whole; the folders of older
    data versions go (the other filter sets of this version stay)."""
    partial = root / f"{name}.deel"
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(mode=0o700)
    for table in TABLES:
        arrow = pa.Table.from_pandas(getattr(result, table), preserve_index=False)
        with pa.OSFile(str(partial / f"{table}.arrow"), "wb") as sink:
            with pa.ipc.new_file(sink, arrow.schema) as writer:
                writer.write_table(arrow)
    (partial / "klaar").touch()
    partial.rename(root / name)
    current = (root / name).parent
    for old in root.iterdir():
        # A worker that still maps an older version keeps reading it: its files stay until
        # it lets go of them. A process still making an older version fails to write it and
        # serves its page from memory.
        if old != current:
            shutil.rmtree(old, ignore_errors=True)


def _mapped(path: Path) -> pa.Table:
    """Zero-copy: the table's buffers point into the mapped file (kept open by them)."""
    return pa.ipc.open_file(pa.memory_map(str(path), "r")).read_all()


def _frame(table: pa.Table) -> pd.DataFrame:
    return table.to_pandas()
