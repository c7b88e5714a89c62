"""Planning and applying an import: what would change, then writing it in one transaction.

``plan_import`` validates the table and compares it with the database without writing.
``apply_import`` writes the plan: gemeenten and onderzoeken through the services, new casussen
and perspectives as ORM objects, scores in bulk with Core (insert / update executemany), and
bumps the optimistic-lock version of every existing perspective whose scores changed. It flushes
and never commits; the caller commits once. Importing the same file twice changes nothing.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.orm import Session

from zet.access import ALL, Scope
from zet.errors import DomainError
from zet.instrument import Instrument
from zet.models import Casus, Gemeente, Onderzoek, Perspectief, Score
from zet.models.mixins import utcnow
from zet.services.gemeenten import save_gemeente, save_onderzoek
from zet.importing.validate import (KnownState, Problem, Validation, _group_ids, gemeente_key,
                                    text_key, validate_table)

CHUNK = 5000          # ids per IN (...) list
LIST_SHOWN = 20       # names listed in the report before "en nog N"

_SCORE = Score.__table__
_PERSPECTIEF = Perspectief.__table__


class ImportRefused(DomainError):
    """The table has problems and --skip-invalid was not asked for; nothing was stored."""

    def __init__(self, plan: "ImportPlan"):
        super().__init__(f"Niet geïmporteerd: {len(plan.problems)} probleem/problemen in het "
                         "bestand.")
        self.plan = plan


@dataclass
class ImportPlan:
    """What an import adds and changes (or would), and every problem found in the file."""
    validation: Validation
    skip_invalid: bool = False
    applied: bool = False
    total_rows: int = 0
    new_gemeenten: list[str] = field(default_factory=list)
    new_onderzoeken: list[tuple[str, str]] = field(default_factory=list)   # (gemeente, titel)
    new_casussen: list[tuple[str, str]] = field(default_factory=list)      # (gemeente, code)
    linked_casussen: list[tuple[str, str]] = field(default_factory=list)   # onderzoek set
    new_perspectieven: int = 0
    changed_perspectieven: int = 0
    scores_added: int = 0
    scores_changed: int = 0
    scores_unchanged: int = 0
    # Internals for apply_import.
    _known: KnownState | None = field(default=None, repr=False)
    _casussen: pd.DataFrame | None = field(default=None, repr=False)
    _perspectieven: pd.DataFrame | None = field(default=None, repr=False)
    _rows: pd.DataFrame | None = field(default=None, repr=False)

    @property
    def problems(self) -> list[Problem]:
        return self.validation.problems

    @property
    def skipped_rows(self) -> list[int]:
        if self.validation.table is None:
            return []
        return self.validation.skipped_rows

    @property
    def can_apply(self) -> bool:
        """No problems, or only row problems while skipping invalid rows."""
        if self.validation.fatal:
            return False
        return not self.problems or self.skip_invalid

    @property
    def changes_anything(self) -> bool:
        return bool(self.new_gemeenten or self.new_onderzoeken or self.new_casussen
                    or self.linked_casussen or self.new_perspectieven or self.scores_added
                    or self.scores_changed)

    def summary_lines(self) -> list[str]:
        """The Dutch report: problems (with row numbers), then what was (or would be) done."""
        lines: list[str] = []
        if not self.can_apply:
            count = len(self.problems)
            lines.append(f"Niet geïmporteerd: het bestand heeft {count} "
                         f"{'probleem' if count == 1 else 'problemen'}. Er is niets opgeslagen.")
            lines += [f"- {p}" for p in self.problems]
            return lines
        if self.problems:
            skipped = len(self.skipped_rows)
            lines.append(f"Overgeslagen: {skipped} van {self.total_rows} "
                         f"{'rij' if self.total_rows == 1 else 'rijen'}, om deze redenen:")
            lines += [f"- {p}" for p in self.problems]
        added = (f"{_n(len(self.new_gemeenten), 'gemeente', 'gemeenten')}, "
                 f"{_n(len(self.new_onderzoeken), 'onderzoek', 'onderzoeken')}, "
                 f"{_n(len(self.new_casussen), 'casus', 'casussen')}, "
                 f"{_n(self.new_perspectieven, 'perspectief', 'perspectieven')}, "
                 f"{_n(self.scores_added, 'score', 'scores')}")
        changed = (f"{_n(self.scores_changed, 'score', 'scores')} (in "
                   f"{_n(self.changed_perspectieven, 'bestaand perspectief', 'bestaande perspectieven')}"
                   f"), {_n(len(self.linked_casussen), 'casus', 'casussen')} aan een onderzoek "
                   "gekoppeld")
        if self.applied:
            lines.append(f"Toegevoegd: {added}.")
            lines.append(f"Gewijzigd: {changed}.")
        else:
            lines.append(f"Zou worden toegevoegd: {added}.")
            lines.append(f"Zou worden gewijzigd: {changed}.")
        lines.append(f"Ongewijzigd: {_n(self.scores_unchanged, 'score', 'scores')}.")
        if self.new_gemeenten:
            lines.append("Nieuwe gemeenten: " + _shortened(self.new_gemeenten) + ".")
        if self.new_onderzoeken:
            lines.append("Nieuwe onderzoeken: " + _shortened(
                [f"{titel} ({gemeente})" for gemeente, titel in self.new_onderzoeken]) + ".")
        if self.new_casussen:
            lines.append("Nieuwe casussen: " + _shortened(
                [f"{code} ({gemeente})" for gemeente, code in self.new_casussen]) + ".")
        if self.validation.table is not None and len(self.skipped_rows) == self.total_rows:
            lines.append("Er waren geen geldige rijen om te importeren.")
        elif not self.changes_anything:
            lines.append("Niets veranderd: alles in het bestand stond al zo in ZET."
                         if self.applied else "Er zou niets veranderen.")
        return lines


def _n(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def _shortened(items: list[str]) -> str:
    shown = ", ".join(items[:LIST_SHOWN])
    if len(items) > LIST_SHOWN:
        shown += f" en nog {len(items) - LIST_SHOWN}"
    return shown


# --- reading what exists --------------------------------------------------------------------

def _chunks(values, size: int = CHUNK):
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start:start + size]


def load_known(session: Session, table: pd.DataFrame) -> KnownState:
    """The gemeenten (all), and onderzoeken and casussen of the gemeenten in the table."""
    known = KnownState()
    for gemeente_id, naam in session.execute(select(Gemeente.id, Gemeente.naam)):
        known.gemeenten[gemeente_key(naam)] = (gemeente_id, naam)
    ids = [known.gemeenten[k][0] for k in pd.unique(table["gkey"]) if k in known.gemeenten]
    for chunk in _chunks(ids):
        for oid, gid, titel in session.execute(select(
                Onderzoek.id, Onderzoek.gemeente_id, Onderzoek.titel).where(
                Onderzoek.gemeente_id.in_(chunk))):
            known.onderzoeken[(gid, text_key(titel))] = (oid, titel)
            known.onderzoek_titels[oid] = titel
        for cid, gid, code, doelgroep, onderzoek_id in session.execute(select(
                Casus.id, Casus.gemeente_id, Casus.code, Casus.doelgroep, Casus.onderzoek_id)
                .where(Casus.gemeente_id.in_(chunk))):
            known.casussen[(gid, code.strip().lower())] = (cid, code, doelgroep, onderzoek_id)
    return known


# --- planning -------------------------------------------------------------------------------

def plan_import(session: Session, instrument: Instrument, frame: pd.DataFrame,
                scope: Scope = ALL, *, skip_invalid: bool = False) -> ImportPlan:
    """Validate ``frame`` (from read_table) and work out what an import would add and change.

    Reads the database, never writes. With ``skip_invalid`` the plan covers the valid rows and
    the problems describe the skipped ones.
    """
    known_holder = {}

    def known_for(table):
        known_holder["known"] = load_known(session, table)
        return known_holder["known"]

    validation = validate_table(frame, instrument, scope, known_for)
    plan = ImportPlan(validation=validation, skip_invalid=skip_invalid,
                      total_rows=len(frame.index), _known=known_holder.get("known"))
    if not plan.can_apply:
        return plan
    known = plan._known
    rows = validation.valid_rows.copy()
    if rows.empty:
        plan._rows = rows
        return plan

    # Gemeenten.
    firsts = rows.drop_duplicates("gkey")
    rows["gemeente_id"] = rows["gkey"].map(
        {k: v[0] for k, v in known.gemeenten.items()}).astype("Int64")
    plan.new_gemeenten = [g for k, g in zip(firsts["gkey"], firsts["gemeente"])
                          if k not in known.gemeenten]
    naam_of = {k: known.gemeenten[k][1] if k in known.gemeenten else g
               for k, g in zip(firsts["gkey"], firsts["gemeente"])}

    # Casussen, each with its onderzoek (first non-empty in the file).
    casussen = rows.drop_duplicates("casus_group")[
        ["casus_group", "gkey", "ckey", "casus", "doelgroep", "gemeente_id"]].copy()
    onderzoek = rows[rows["okey"] != ""].drop_duplicates("casus_group").set_index(
        "casus_group")
    casussen["okey"] = casussen["casus_group"].map(onderzoek["okey"]).fillna("")
    casussen["onderzoek"] = casussen["casus_group"].map(onderzoek["onderzoek"]).fillna("")
    casus_ids, link, new_onderzoeken = [], [], {}
    for c in casussen.itertuples(index=False):
        stored = known.casussen.get((int(c.gemeente_id), c.ckey)) \
            if not pd.isna(c.gemeente_id) else None
        casus_ids.append(stored[0] if stored else None)
        link.append(bool(stored and stored[3] is None and c.okey))
        if c.okey and (pd.isna(c.gemeente_id) or (int(c.gemeente_id), c.okey)
                       not in known.onderzoeken) and (not stored or stored[3] is None):
            new_onderzoeken.setdefault((c.gkey, c.okey), c.onderzoek)
    casussen["casus_id"] = pd.array(casus_ids, dtype="Int64")
    casussen["link"] = link
    plan.new_onderzoeken = [(naam_of[g], t) for (g, _), t in new_onderzoeken.items()]
    new = casussen[casussen["casus_id"].isna()]
    plan.new_casussen = [(naam_of[g], code) for g, code in zip(new["gkey"], new["casus"])]
    linked = casussen[casussen["link"]]
    plan.linked_casussen = [(naam_of[g], code) for g, code in zip(linked["gkey"], linked["casus"])]
    plan._casussen = casussen
    rows["casus_id"] = rows["casus_group"].map(casussen.set_index("casus_group")["casus_id"])

    # Perspectives: existing ones of the existing casussen, matched on soort and rol.
    rows["perspectief_group"] = _group_ids(rows["casus_group"].to_numpy(),
                                           rows["perspectief"].to_numpy(dtype=object),
                                           rows["rkey"].to_numpy(dtype=object))
    existing_casus_ids = [int(i) for i in casussen["casus_id"].dropna()]
    stored_perspectieven = {}
    for chunk in _chunks(existing_casus_ids):
        for pid, cid, soort, rol in session.execute(select(
                Perspectief.id, Perspectief.casus_id, Perspectief.soort, Perspectief.rol).where(
                Perspectief.casus_id.in_(chunk)).order_by(Perspectief.id)):
            stored_perspectieven.setdefault((cid, soort, text_key(rol or "")), pid)
    perspectieven = rows.drop_duplicates("perspectief_group")[
        ["perspectief_group", "casus_group", "casus_id", "perspectief", "rol", "rkey"]].copy()
    perspectieven["perspectief_id"] = pd.array(
        [stored_perspectieven.get((int(cid), soort, rkey)) if not pd.isna(cid) else None
         for cid, soort, rkey in zip(perspectieven["casus_id"], perspectieven["perspectief"],
                                     perspectieven["rkey"])], dtype="Int64")
    plan.new_perspectieven = int(perspectieven["perspectief_id"].isna().sum())
    plan._perspectieven = perspectieven
    rows["perspectief_id"] = rows["perspectief_group"].map(
        perspectieven.set_index("perspectief_group")["perspectief_id"])

    # Scores: compare with the stored ones in one query per chunk of perspectives.
    rows["score_key"] = rows["score"].map(lambda s: int(s) if _present(s) else 0).astype(
        np.int64)
    rows["bijzonder_key"] = rows["bijzonder"].map(lambda b: b if isinstance(b, str) else "")
    existing_pids = [int(i) for i in perspectieven["perspectief_id"].dropna()]
    stored = []
    for chunk in _chunks(existing_pids):
        stored += session.execute(select(
            Score.perspectief_id, Score.element_code, Score.id, Score.score, Score.bijzonder,
            Score.toelichting).where(Score.perspectief_id.in_(chunk))).all()
    stored = pd.DataFrame(stored, columns=["perspectief_id", "element", "score_id",
                                           "old_score", "old_bijzonder", "old_toelichting"],
                          dtype=object)
    rows["row"] = rows.index
    if len(stored):
        stored["perspectief_id"] = stored["perspectief_id"].astype("Int64")
        stored["score_id"] = stored["score_id"].astype("Int64")
        stored["old_score"] = stored["old_score"].map(
            lambda s: 0 if s is None else int(s)).astype(np.int64)
        stored["old_bijzonder"] = stored["old_bijzonder"].map(lambda b: b or "")
        stored["old_toelichting"] = stored["old_toelichting"].map(lambda t: t or "")
        merged = rows.merge(stored, how="left", on=["perspectief_id", "element"])
        merged.index = merged["row"]
        found = merged["score_id"].notna().to_numpy()
        same = found & (merged["score_key"].to_numpy() == merged["old_score"].fillna(-1)
                        .to_numpy()) \
            & (merged["bijzonder_key"].to_numpy(dtype=object)
               == merged["old_bijzonder"].fillna("-").to_numpy(dtype=object)) \
            & (merged["toelichting"].to_numpy(dtype=object)
               == merged["old_toelichting"].fillna("\0").to_numpy(dtype=object))
        rows["score_id"] = merged["score_id"].to_numpy()
    else:
        found = np.zeros(len(rows), dtype=bool)
        same = found
        rows["score_id"] = pd.array([None] * len(rows), dtype="Int64")
    status = np.where(~found, "added", np.where(same, "unchanged", "changed"))
    rows["status"] = status
    plan.scores_added = int((status == "added").sum())
    plan.scores_changed = int((status == "changed").sum())
    plan.scores_unchanged = int((status == "unchanged").sum())
    touched = rows.loc[(status != "unchanged") & rows["perspectief_id"].notna().to_numpy(),
                       "perspectief_id"]
    plan.changed_perspectieven = int(touched.nunique())
    plan._rows = rows
    return plan


# --- applying -------------------------------------------------------------------------------

def apply_import(session: Session, instrument: Instrument, plan_or_frame,
                 scope: Scope = ALL, *, skip_invalid: bool = False) -> ImportPlan:
    """Write the import (a plan from plan_import, or a frame to plan first); flush, no commit.

    Raises ImportRefused when the file has problems (and ``skip_invalid`` is off): then nothing
    is written. Returns the plan, marked applied, as the report of what was done.
    """
    if isinstance(plan_or_frame, ImportPlan):
        plan = plan_or_frame
    else:
        plan = plan_import(session, instrument, plan_or_frame, scope, skip_invalid=skip_invalid)
    if not plan.can_apply:
        raise ImportRefused(plan)
    if plan.applied:
        raise ValueError("Dit importplan is al uitgevoerd.")
    rows = plan._rows
    if rows is None or rows.empty or not plan.changes_anything:
        plan.applied = True
        return plan
    known = plan._known
    casussen, perspectieven = plan._casussen, plan._perspectieven

    # Gemeenten (only with an unrestricted scope: validation refused others already).
    gemeenten = {key: gid for key, (gid, _) in known.gemeenten.items()}
    gemeente_objects: dict[str, Gemeente] = {}
    if plan.new_gemeenten:
        if scope.gemeente_ids is not None:
            raise DomainError("U kunt geen nieuwe gemeenten importeren.")
        firsts = rows.drop_duplicates("gkey")
        for key, naam in zip(firsts["gkey"], firsts["gemeente"]):
            if key not in gemeenten:
                gemeente = save_gemeente(session, {"naam": naam})
                gemeenten[key] = gemeente.id
                gemeente_objects[key] = gemeente

    def gemeente_object(key: str) -> Gemeente:
        if key not in gemeente_objects:
            gemeente_objects[key] = session.get(Gemeente, gemeenten[key])
        return gemeente_objects[key]

    # Onderzoeken.
    onderzoeken = {(gid, okey): oid for (gid, okey), (oid, _) in known.onderzoeken.items()}
    for c in casussen.itertuples(index=False):
        if not c.okey:
            continue
        gid = gemeenten[c.gkey]
        if (gid, c.okey) not in onderzoeken and (pd.isna(c.casus_id) or c.link):
            onderzoek = save_onderzoek(session, gemeente_object(c.gkey), {"titel": c.onderzoek})
            onderzoeken[(gid, c.okey)] = onderzoek.id

    # Casussen: new ones as ORM objects in one flush. The rules save_casus enforces (code
    # present, short and pseudonymous; a known doelgroep; unique per gemeente, ignoring case)
    # were checked per row by validate.check, and matching on the lower-cased code above makes
    # a stored casus be reused, never duplicated. One save_casus call (a query and a flush) per
    # casus would cost minutes on a national import.
    casus_id_of, new_casussen = {}, []
    for c in casussen.itertuples(index=False):
        onderzoek_id = onderzoeken.get((gemeenten[c.gkey], c.okey)) if c.okey else None
        if pd.isna(c.casus_id):
            new_casussen.append((c.casus_group, {
                "gemeente_id": gemeenten[c.gkey], "code": c.casus, "doelgroep": c.doelgroep,
                "onderzoek_id": onderzoek_id, "beperkingen": [], "leefgebieden": [],
                "status": "lopend"}))
        else:
            casus_id_of[c.casus_group] = int(c.casus_id)
            if c.link:
                session.execute(update(Casus.__table__).where(
                    Casus.__table__.c.id == int(c.casus_id)).values(
                    onderzoek_id=onderzoek_id, updated_at=utcnow()))
    casus_id_of.update(zip([group for group, _ in new_casussen],
                           _insert_returning_ids(session, Casus,
                                                 [values for _, values in new_casussen])))

    # Perspectives: new ones as concept, version 1 (the optimistic-lock counter starts there).
    new = perspectieven[perspectieven["perspectief_id"].isna()]
    new_ids = _insert_returning_ids(session, Perspectief, [
        {"casus_id": casus_id_of[group], "soort": soort,
         "rol": rol if soort == "professional" else "", "status": "concept",
         "instrument_version": instrument.version, "version": 1, "toestemming": False}
        for group, soort, rol in zip(new["casus_group"], new["perspectief"], new["rol"])])
    pid_of = dict(zip(perspectieven["perspectief_group"], perspectieven["perspectief_id"]))
    pid_of.update(zip(new["perspectief_group"], new_ids))

    # Scores: bulk insert the new ones, bulk update the changed ones.
    status = rows["status"].to_numpy()
    perspectief_ids = rows["perspectief_group"].map(pid_of).astype(np.int64).to_numpy()
    added = status == "added"
    if added.any():
        params = _score_params(rows, added, perspectief_ids, instrument.version)
        session.execute(insert(_SCORE), params)
    changed = status == "changed"
    if changed.any():
        params = _score_params(rows, changed, perspectief_ids, instrument.version)
        for param, score_id in zip(params, rows.loc[changed, "score_id"].tolist()):
            param["b_id"] = int(score_id)
        session.execute(update(_SCORE).where(_SCORE.c.id == bindparam("b_id")).values(
            score=bindparam("score"), bijzonder=bindparam("bijzonder"),
            toelichting=bindparam("toelichting"),
            instrument_version=bindparam("instrument_version")), params)

    # Existing perspectives whose scores changed: new updated_at and a higher version, so a
    # form opened before the import gets a conflict instead of silently overwriting it.
    existing = rows["perspectief_id"].notna().to_numpy() & (status != "unchanged")
    touched = sorted(set(int(i) for i in rows.loc[existing, "perspectief_id"]))
    now = utcnow()
    for chunk in _chunks(touched):
        session.execute(update(_PERSPECTIEF).where(_PERSPECTIEF.c.id.in_(chunk)).values(
            updated_at=now, version=_PERSPECTIEF.c.version + 1))
    session.flush()
    if touched or plan.linked_casussen:
        session.expire_all()  # ORM objects loaded earlier must not keep the old versions
    plan.applied = True
    return plan


def _insert_returning_ids(session: Session, model, params: list[dict]) -> list[int]:
    """ORM bulk INSERT of many rows in a few statements, returning the new ids in order."""
    if not params:
        return []
    table = model.__table__
    stmt = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    return list(session.scalars(stmt, params))


def _score_params(rows: pd.DataFrame, mask: np.ndarray, perspectief_ids: np.ndarray,
                  version: str) -> list[dict]:
    """Plain dicts with Python values (no numpy types) for an executemany."""
    selected = rows.loc[mask]
    return [{"perspectief_id": int(pid), "element_code": element,
             "score": int(score) if _present(score) else None,
             "bijzonder": bijzonder if isinstance(bijzonder, str) else None,
             "toelichting": toelichting, "instrument_version": version}
            for pid, element, score, bijzonder, toelichting in zip(
                perspectief_ids[mask].tolist(), selected["element"].tolist(),
                selected["score"].tolist(), selected["bijzonder"].tolist(),
                selected["toelichting"].tolist())]


def _present(value) -> bool:
    return value is not None and value == value  # None and NaN are both "no value"


def count_rows(session: Session) -> dict[str, int]:
    """How many gemeenten, casussen, perspectives and scores are stored (for reports, tests)."""
    return {name: session.scalar(select(func.count()).select_from(model))
            for name, model in (("gemeente", Gemeente), ("casus", Casus),
                                ("perspectief", Perspectief), ("score", Score))}
