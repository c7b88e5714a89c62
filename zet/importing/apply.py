"""Planning and applying an import: what would change, then writing it in one transaction.

``plan_import`` validates the table and compares it with the database without writing.
``apply_import`` writes the plan: gemeenten and onderzoeken through the services; casussen,
perspectives and scores in bulk with Core executemany (insert, and update for changed scores);
and bumps the optimistic-lock version of every stored perspective whose scores changed. It
flushes and never commits; the caller commits once. Importing the same file twice changes
nothing.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sqlalchemy import bindparam, delete, func, insert, select, update
from sqlalchemy.orm import Session

from zet.access import ALL, Scope
from zet.errors import DomainError
from zet.instrument import Instrument
from zet.interchange import REGISTER_BY_NAME
from zet.models import (Casus, Gemeente, Onderzoek, Perspectief, Score, TweedeBeoordeling,
                        TweedeScore)
from zet.models.mixins import utcnow
from zet.progress import Progress, counted, silent
from zet import history
from zet.importing.bulk import insert_rows
from zet.importing.facts import Facts, apply_facts, check_facts, read_facts
from zet.importing.second import SecondPlan, apply_second, plan_second
from zet.importing.validate import (KnownState, Problem, StoredPerspectief, Table, Validation,
                                    validate_table)
from zet.rules import catalog, state
from zet.rules import history as history_rule
from zet.rules.answers import worth_storing
from zet.rules.names import beoordelaar_key, casus_key, onderzoek_key, rol_key

CHUNK = 5000          # ids per IN (...) list
LIST_SHOWN = 20       # names listed in the report before "en nog N"

_SCORE = Score.__table__
_PERSPECTIEF = Perspectief.__table__
_CASUS = Casus.__table__
_GEMEENTE = Gemeente.__table__
_ONDERZOEK = Onderzoek.__table__
_TWEEDE = TweedeBeoordeling.__table__
_TWEEDE_SCORE = TweedeScore.__table__
ADDED, CHANGED, UNCHANGED, REMOVED = 0, 1, 2, 3


class ImportRefused(DomainError):
    """The table has problems and --skip-invalid was not asked for; nothing was stored."""

    def __init__(self, plan: "ImportPlan"):
        count = len(plan.problems)
        super().__init__(f"Niet geïmporteerd: het bestand heeft {count} "
                         f"{'probleem' if count == 1 else 'problemen'}; er is niets opgeslagen.")
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
    to_concept: int = 0          # definitief perspectives set back to concept (status column)
    to_definitief: int = 0       # concept perspectives made definitief (status column)
    facts: Facts | None = None   # the facts tables beside the scores, when the file has them
    second: SecondPlan = field(default_factory=SecondPlan)   # second ratings (beoordelaar)
    fact_changes: dict = field(default_factory=dict)   # register name -> rows that change
    # Internals for apply_import.
    _known: KnownState | None = field(default=None, repr=False)
    _table: Table | None = field(default=None, repr=False)
    _new_gemeenten: list = field(default_factory=list, repr=False)
    _new_onderzoeken: list = field(default_factory=list, repr=False)
    _casussen: list = field(default_factory=list, repr=False)
    _perspectieven: list = field(default_factory=list, repr=False)
    _row_pid: np.ndarray | None = field(default=None, repr=False)
    _status: np.ndarray | None = field(default=None, repr=False)
    _score_ids: np.ndarray | None = field(default=None, repr=False)
    _touched: list = field(default_factory=list, repr=False)
    _status_changes: dict = field(default_factory=dict, repr=False)   # pid -> new status
    _status_was: dict = field(default_factory=dict, repr=False)       # pid -> stored status
    # Rows that meet a stored score, and its answer and toelichting (the change history).
    _hit: np.ndarray | None = field(default=None, repr=False)
    _old: tuple | None = field(default=None, repr=False)   # score, bijzonder, toelichting

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
                    or self.scores_changed or self._status_changes
                    or self.second.changes_anything or any(self.fact_changes.values()))

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
        added, changed = self._added_text(), self._changed_text()
        if self.applied:
            lines.append(f"Toegevoegd: {added}.")
            lines.append(f"Gewijzigd: {changed}.")
        else:
            lines.append(f"Zou worden toegevoegd: {added}.")
            lines.append(f"Zou worden gewijzigd: {changed}.")
        lines.append(f"Ongewijzigd: {_n(self.scores_unchanged, 'score', 'scores')}.")
        lines += self.second.summary_lines(self.applied)
        if self.to_concept:
            lines.append(f"{'Teruggezet' if self.applied else 'Terug te zetten'} naar concept "
                         f"(kolom status): {_n(self.to_concept, 'perspectief', 'perspectieven')}.")
        if self.to_definitief:
            lines.append(f"{'Definitief gemaakt' if self.applied else 'Definitief te maken'} "
                         f"(kolom status): {_n(self.to_definitief, 'perspectief', 'perspectieven')}.")
        if any(self.fact_changes.values()):
            counts = self.fact_changes
            parts = [_n(counts["gemeenten"], "gemeente", "gemeenten"),
                     _n(counts["onderzoeken"], "onderzoek", "onderzoeken"),
                     _n(counts["casussen"], "casus", "casussen"),
                     _n(counts["perspectieven"], "perspectief", "perspectieven"),
                     _n(counts["citaten"], "perspectief", "perspectieven") + " met citaten",
                     _n(counts["synthese"], "casus", "casussen") + " met synthese",
                     _n(counts["verbeteracties"], "verbeteractie", "verbeteracties"),
                     _n(counts["voortgang"], "verbeteractie", "verbeteracties")
                     + " met voortgang",
                     _n(counts["eindanalyses"], "eindanalyse", "eindanalyses")]
            lines.append(f"Gegevens {'aangevuld of gewijzigd' if self.applied else 'aan te vullen of te wijzigen'}"
                         f" (naast de scores): {', '.join(parts)}.")
        lines += self.reading_lines()
        if self.new_gemeenten:
            lines.append("Nieuwe gemeenten: " + _shortened(self.new_gemeenten) + ".")
        if self.new_onderzoeken:
            lines.append("Nieuwe onderzoeken: " + _shortened(
                [f"{titel} ({gemeente})" for gemeente, titel in self.new_onderzoeken]) + ".")
        if self.new_casussen:
            lines.append("Nieuwe casussen: " + _shortened(
                [f"{code} ({gemeente})" for gemeente, code in self.new_casussen]) + ".")
        if self.validation.table is not None and self.total_rows and \
                len(self.skipped_rows) == self.total_rows:
            lines.append("Er waren geen geldige rijen om te importeren.")
        elif not self.changes_anything:
            lines.append("Niets veranderd: alles in het bestand stond al zo in ZET."
                         if self.applied else "Er zou niets veranderen.")
        return lines


    def _added_text(self) -> str:
        return (f"{_n(len(self.new_gemeenten), 'gemeente', 'gemeenten')}, "
                f"{_n(len(self.new_onderzoeken), 'onderzoek', 'onderzoeken')}, "
                f"{_n(len(self.new_casussen), 'casus', 'casussen')}, "
                f"{_n(self.new_perspectieven, 'perspectief', 'perspectieven')}, "
                f"{_n(self.scores_added, 'score', 'scores')}")

    def _changed_text(self) -> str:
        perspectieven = _n(self.changed_perspectieven, "bestaand perspectief",
                           "bestaande perspectieven")
        return (f"{_n(self.scores_changed, 'score', 'scores')} (in {perspectieven}), "
                f"{_n(len(self.linked_casussen), 'casus', 'casussen')} aan een onderzoek "
                "gekoppeld")

    def audit_summary(self) -> str:
        """What the import did, in counts only: the audit log never quotes a value from the
        file (a refused value may be a phone number)."""
        parts = [f"toegevoegd: {self._added_text()}", f"gewijzigd: {self._changed_text()}"]
        facts = sum(self.fact_changes.values())
        if facts:
            parts.append(f"gegevens bijgewerkt: {facts}")
        if self.problems:
            parts.append(f"overgeslagen: {_n(len(self.skipped_rows), 'rij', 'rijen')}")
        return "; ".join(parts) + "."

    def reading_lines(self) -> list[str]:
        """How the file was read where it was not literal: element names, ignored columns."""
        lines = []
        source = self.validation.source
        where = []
        if source.get("sheet"):
            where.append(f"tabblad '{source['sheet']}'")
        if source.get("header_row", 1) != 1:
            where.append(f"kopregel in rij {source['header_row']}")
        if source.get("encoding") == "Windows-1252":
            where.append("tekenset Windows-1252 (CSV uit Excel)")
        if where:
            lines.append("Gelezen: " + ", ".join(where) + ".")
        if source.get("skipped_sheets"):
            lines.append("Niet gelezen als gegevens: " + ", ".join(source["skipped_sheets"])
                         + ".")
        readings = self.validation.element_readings
        if readings:
            lines.append("Elementnamen gelezen zonder accenten en hoofdletters: " + ", ".join(
                f"'{raw}' als '{name}'" for raw, name in readings[:LIST_SHOWN]) + ".")
        if self.facts is not None and self.facts.present:
            lines.append("Gelezen naast de scores: " + ", ".join(
                f"{len(rows)} {REGISTER_BY_NAME[name].noun}" for name, rows
                in self.facts.rows.items() if rows) + ".")
        if self.validation.ignored_columns:
            lines.append("Genegeerde kolommen (onbekend): "
                         + _shortened([f"'{c}'" for c in self.validation.ignored_columns]) + ".")
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


def load_known(session: Session, table: Table, scope: Scope = ALL,
               facts: Facts | None = None) -> KnownState:
    """The gemeenten (all: a name must not be taken twice), and the onderzoeken and casussen
    of the gemeenten in the table (and in the facts tables) that ``scope`` allows."""
    known = KnownState()
    for gemeente_id, naam in session.execute(select(Gemeente.id, Gemeente.naam)):
        known.add_gemeente(gemeente_id, naam)
    gkeys = set(table["gkey"].uniques.tolist()) | (facts.gemeente_keys() if facts else set())
    ids = [known.gemeenten[k][0] for k in sorted(gkeys)
           if k in known.gemeenten and scope.allows(known.gemeenten[k][0])]
    wanted_casussen = set(table["ckey"].uniques.tolist()) | (facts.casus_keys() if facts
                                                               else set())
    casus_ids = []
    for chunk in _chunks(ids):
        for oid, gid, titel in session.execute(select(
                Onderzoek.id, Onderzoek.gemeente_id, Onderzoek.titel).where(
                Onderzoek.gemeente_id.in_(chunk))):
            known.onderzoeken[(gid, onderzoek_key(titel))] = (oid, titel)
            known.onderzoek_titels[oid] = titel
        for cid, gid, code, doelgroep, onderzoek_id in session.execute(select(
                Casus.id, Casus.gemeente_id, Casus.code, Casus.doelgroep, Casus.onderzoek_id)
                .where(Casus.gemeente_id.in_(chunk))):
            key = casus_key(code)
            known.casussen[(gid, key)] = (cid, code, doelgroep, onderzoek_id)
            if key in wanted_casussen:
                casus_ids.append(cid)
    statuses = {str(v).strip().casefold() for v in table["status_raw"].uniques}
    _load_perspectives(session, known, casus_ids, all_answers="definitief" in statuses)
    if facts is not None:
        known.file_meta = facts.perspective_meta()
    return known


def _load_perspectives(session: Session, known: KnownState, casus_ids: list[int],
                       all_answers: bool = False) -> None:
    """The stored perspectives of the casussen in the file, with what the state rules need:
    which elements have an answer, for the definitief ones (for all when the file makes any
    perspective definitief)."""
    p = _PERSPECTIEF.c
    definitief = []
    for chunk in _chunks(casus_ids):
        for row in session.execute(select(
                p.id, p.casus_id, p.soort, p.rol_key, p.status, p.instrument_version,
                p.beoordelaar, *[p[name] for name in state.DEFINITIEF_FIELDS]).where(p.casus_id.in_(chunk))):
            stored = StoredPerspectief(id=row.id, status=row.status,
                                       instrument_version=row.instrument_version,
                                       meta={name: row._mapping[name]
                                             for name in state.DEFINITIEF_FIELDS},
                                       beoordelaar=beoordelaar_key(row.beoordelaar))
            known.perspectieven[(row.casus_id, row.soort, row.rol_key)] = stored
            if all_answers or row.status == "definitief":
                definitief.append(stored)
    seconds = _load_second_ratings(session, known, casus_ids, all_answers)
    by_id = {stored.id: stored for stored in definitief}
    answered: dict[int, list[str]] = {}
    for chunk in _chunks(list(by_id)):
        for pid, code in session.execute(select(_SCORE.c.perspectief_id, _SCORE.c.element_code)
                                         .where(_SCORE.c.perspectief_id.in_(chunk),
                                                _SCORE.c.score.is_not(None)
                                                | _SCORE.c.bijzonder.is_not(None))):
            answered.setdefault(pid, []).append(code)
    for pid, codes in answered.items():
        by_id[pid].answered = frozenset(codes)
    answered = {}
    for chunk in _chunks(list(seconds)):
        for bid, code in session.execute(select(_TWEEDE_SCORE.c.beoordeling_id,
                                                _TWEEDE_SCORE.c.element_code)
                                         .where(_TWEEDE_SCORE.c.beoordeling_id.in_(chunk),
                                                _TWEEDE_SCORE.c.score.is_not(None)
                                                | _TWEEDE_SCORE.c.bijzonder.is_not(None))):
            answered.setdefault(bid, []).append(code)
    for bid, codes in answered.items():
        seconds[bid].answered = frozenset(codes)


def _load_second_ratings(session: Session, known: KnownState, casus_ids: list[int],
                         all_answers: bool) -> dict[int, StoredPerspectief]:
    """Each stored perspective's second rating (``tweede``), as the state rules see a rating;
    returns those whose answers the rules need, by id."""
    by_pid = {stored.id: stored for stored in known.perspectieven.values()}
    t, p = _TWEEDE.c, _PERSPECTIEF.c
    needed: dict[int, StoredPerspectief] = {}
    for chunk in _chunks(casus_ids):
        for row in session.execute(select(t.id, t.perspectief_id, t.status, t.instrument_version,
                                          t.beoordelaar)
                                   .join(_PERSPECTIEF, p.id == t.perspectief_id)
                                   .where(p.casus_id.in_(chunk))):
            first = by_pid[row.perspectief_id]
            first.tweede = StoredPerspectief(id=row.id, status=row.status,
                                             instrument_version=row.instrument_version,
                                             meta=first.meta,
                                             beoordelaar=beoordelaar_key(row.beoordelaar))
            if all_answers or row.status == "definitief":
                needed[row.id] = first.tweede
    return needed


# --- planning -------------------------------------------------------------------------------

@dataclass
class _CasusPlan:
    group: int
    gkey: str
    code: str
    doelgroep: str
    okey: str
    onderzoek: str
    casus_id: int | None     # None: new
    link: bool               # existing casus without onderzoek gets the file's onderzoek


@dataclass
class _PerspectiefPlan:
    group: int
    casus_group: int
    soort: str
    rol: str
    perspectief_id: int | None   # None: new
    status: str = "concept"
    beoordelaar: str | None = None   # the first rater's code, for a new perspective


def _value(coded, position):
    return coded.uniques[coded.codes[position]]


def plan_import(session: Session, instrument: Instrument, frame: pd.DataFrame,
                scope: Scope = ALL, *, registers: dict[str, pd.DataFrame] | None = None,
                skip_invalid: bool = False, allow_new_gemeenten: bool = False,
                ignore_unknown_columns: bool = False) -> ImportPlan:
    """Validate ``frame`` (the scores, from read_bundle) and ``registers`` (its facts tables,
    if any) and work out what an import would add and change.

    Reads the database, never writes. With ``skip_invalid`` the plan covers the valid rows and
    the problems describe the skipped ones (a problem in a facts table is never skipped).
    ``allow_new_gemeenten`` confirms that gemeenten looking like existing ones ('Duinwijk'
    beside 'Gemeente Duinwijk') are really new; ``ignore_unknown_columns`` lists unknown
    columns instead of refusing the file.
    """
    holder = {}
    facts = read_facts(registers, instrument, ignore_unknown_columns) if registers else None

    def known_for(table):
        holder["known"] = load_known(session, table, scope, facts)
        return holder["known"]

    validation = validate_table(frame, instrument, scope, known_for,
                                allow_new_gemeenten=allow_new_gemeenten,
                                ignore_unknown_columns=ignore_unknown_columns,
                                allow_empty=facts is not None and facts.present)
    plan = ImportPlan(validation=validation, skip_invalid=skip_invalid,
                      total_rows=validation.total_rows or len(frame.index),
                      _known=holder.get("known"), facts=facts)
    if facts is not None:
        validation.ignored_columns += facts.ignored_columns
        problems = facts.problems
        if not validation.fatal and holder.get("known") is not None:
            problems = problems + check_facts(facts, validation, holder["known"], scope,
                                              instrument,
                                              allow_new_gemeenten=allow_new_gemeenten)
        validation.lookalike_gemeenten |= facts.lookalike_gemeenten
        validation.problems += problems
        validation.blocking_problems += problems
    if not plan.can_apply:
        return plan
    if facts is not None:
        changes = apply_facts(session, facts, instrument, write=False,
                              scores_pending=validation.table is not None
                              and len(validation.table) > 0)
        if changes.problems:
            validation.problems += changes.problems
            validation.blocking_problems += changes.problems
            return plan
        plan.fact_changes = changes.counts
    known = plan._known
    table = validation.table.take(validation.valid_positions)
    second = table["rating"].codes == 1
    if second.any():   # second ratings apart (zet.importing.second), the first ones below
        perspective = table["perspective"].codes
        with_first = np.isin(perspective[second], perspective[~second])
        plan.second = plan_second(session, known, table.take(np.flatnonzero(second)),
                                  validation.file_status, with_first)
        table = table.take(np.flatnonzero(~second))
    plan._table = table
    if len(table) == 0:
        return plan
    cols = table.columns

    # Gemeenten: known ones by key, the others are new (first spelling in the file).
    gkey, gemeente = cols["gkey"], cols["gemeente"]
    naam_of: dict[str, str] = {}
    for code, first in zip(*np.unique(gkey.codes, return_index=True)):
        key = gkey.uniques[code]
        if key in known.gemeenten:
            naam_of[key] = known.gemeenten[key][1]
        else:
            naam_of[key] = _value(gemeente, first)
            plan.new_gemeenten.append(naam_of[key])
            plan._new_gemeenten.append((key, naam_of[key]))

    # Casussen, each with its onderzoek (the first non-empty one in the file).
    groups = cols["casus_group"].codes
    okey = cols["okey"]
    has_onderzoek = np.flatnonzero(okey.where(bool))
    onderzoek_groups, onderzoek_first = np.unique(groups[has_onderzoek], return_index=True)
    onderzoek_position = dict(zip(onderzoek_groups.tolist(),
                                  has_onderzoek[onderzoek_first].tolist()))
    new_onderzoeken: dict[tuple[str, str], str] = {}
    for group, first in zip(*np.unique(groups, return_index=True)):
        key = _value(gkey, first)
        gemeente_id = known.gemeenten[key][0] if key in known.gemeenten else None
        stored = known.casussen.get((gemeente_id, _value(cols["ckey"], first))) \
            if gemeente_id is not None else None
        position = onderzoek_position.get(int(group))
        o_key = _value(okey, position) if position is not None else ""
        titel = _value(cols["onderzoek"], position) if position is not None else ""
        casus = _CasusPlan(group=int(group), gkey=key,
                           code=stored[1] if stored else _value(cols["casus"], first),
                           doelgroep=_value(cols["doelgroep"], first), okey=o_key,
                           onderzoek=titel, casus_id=stored[0] if stored else None,
                           link=bool(stored and stored[3] is None and o_key))
        plan._casussen.append(casus)
        if casus.casus_id is None:
            plan.new_casussen.append((naam_of[key], casus.code))
        if casus.link:
            plan.linked_casussen.append((naam_of[key], casus.code))
        if o_key and (casus.casus_id is None or casus.link) and (
                gemeente_id is None or (gemeente_id, o_key) not in known.onderzoeken):
            new_onderzoeken.setdefault((key, o_key), titel)
    plan._new_onderzoeken = list(new_onderzoeken.items())
    plan.new_onderzoeken = [(naam_of[g], titel) for (g, _), titel in new_onderzoeken.items()]

    # Perspectives: the stored ones of the stored casussen, matched on soort and rol.
    casus_id_of_group = {c.group: c.casus_id for c in plan._casussen}
    pgroups = cols["perspectief_group"].codes
    file_status = validation.file_status
    pid_of_group = np.full(int(pgroups.max()) + 1, -1, dtype=np.int64)
    for group, first in zip(*np.unique(pgroups, return_index=True)):
        casus_group = int(groups[first])
        soort = _value(cols["perspectief"], first)
        casus_id = casus_id_of_group[casus_group]
        rol = _value(cols["rol"], first) if soort == "professional" else ""
        stored = known.perspectieven.get((casus_id, soort, rol_key(rol))) \
            if casus_id is not None else None
        pid = stored.id if stored is not None else None
        wanted = file_status.get(int(group))
        plan._perspectieven.append(_PerspectiefPlan(
            group=int(group), casus_group=casus_group, soort=soort, rol=rol,
            perspectief_id=pid, status=wanted or "concept",
            beoordelaar=_value(cols["beoordelaar"], first) or None))
        if pid is None:
            plan.new_perspectieven += 1
        else:
            pid_of_group[group] = pid
            if wanted and wanted != stored.status:
                plan._status_changes[pid] = wanted
                plan._status_was[pid] = stored.status
                if wanted == "concept":
                    plan.to_concept += 1
                else:
                    plan.to_definitief += 1
    row_pid = pid_of_group[pgroups]

    # Scores: compare with the stored ones, loaded in one query per chunk of perspectives.
    element_codes = list(instrument.codes)
    element_index = {code: i for i, code in enumerate(element_codes)}
    width = len(element_codes) + 1
    stored_scores = []
    for chunk in _chunks(np.unique(row_pid[row_pid >= 0]).tolist()):
        stored_scores += session.execute(select(
            _SCORE.c.perspectief_id, _SCORE.c.element_code, _SCORE.c.id, _SCORE.c.score,
            _SCORE.c.bijzonder, _SCORE.c.toelichting).where(
            _SCORE.c.perspectief_id.in_(chunk))).all()
    row_element = np.array([element_index[c] for c in cols["element"].uniques],
                           dtype=np.int64)[cols["element"].codes]
    status = np.full(len(table), ADDED, dtype=np.int8)
    score_ids = np.full(len(table), -1, dtype=np.int64)
    if stored_scores:
        # Column-wise (zip is C-speed); elements the instrument no longer knows never match.
        pids, codes, ids, scores, specials, texts = (np.array(c, dtype=object)
                                                     for c in zip(*stored_scores))
        element = np.array([element_index.get(c, -1) for c in codes], dtype=np.int64)
        keys = np.where(element >= 0, pids.astype(np.int64) * width + element, -1)
        wanted = np.where(row_pid >= 0, row_pid * width + row_element, -2)
        found = pd.Index(keys).get_indexer(wanted)
        hit = found >= 0
        which = found[hit]
        old_score = np.array([s or 0 for s in scores[which]], dtype=np.int64)
        old_bijzonder = np.array([b or "" for b in specials[which]], dtype=object)
        old_toelichting = np.array([t or "" for t in texts[which]], dtype=object)
        score = cols["score"].values()[hit].astype(np.int64)
        bijzonder = cols["bijzonder"].map(lambda b: b or "").values()[hit]
        toelichting = cols["toelichting"].values()[hit]
        same = (score == old_score) & (bijzonder == old_bijzonder) \
            & (toelichting == old_toelichting)
        status[hit] = np.where(same, UNCHANGED, CHANGED)
        score_ids[hit] = ids[which].astype(np.int64)
        # Kept as arrays: their text is made in _keep_history, for the rows that change only.
        plan._hit = np.flatnonzero(hit)
        plan._old = (scores[which], specials[which], old_toelichting)
    # zet.rules.answers.worth_storing, per distinct (answer, toelichting) pair: a row with
    # neither is not stored, and removes a stored answer (as saving the form empty does).
    answer_empty = (cols["score"].values().astype(np.int64) == 0) \
        & cols["bijzonder"].where(lambda b: b is None)
    pairs, inverse = np.unique(cols["toelichting"].codes * 2 + answer_empty, return_inverse=True)
    kept = np.array([worth_storing(bool(pair % 2), cols["toelichting"].uniques[pair // 2])
                     for pair in pairs.tolist()], dtype=bool)[inverse.ravel()]
    status[~kept & (status == ADDED)] = UNCHANGED        # nothing there, nothing to store
    status[~kept & (status == CHANGED)] = REMOVED
    plan._row_pid, plan._status, plan._score_ids = row_pid, status, score_ids
    plan.scores_added = int((status == ADDED).sum())
    plan.scores_changed = int(np.isin(status, (CHANGED, REMOVED)).sum())
    plan.scores_unchanged = int((status == UNCHANGED).sum())
    touched = row_pid[(status != UNCHANGED) & (row_pid >= 0)]
    plan.changed_perspectieven = len(set(touched.tolist()))
    plan._touched = sorted(set(touched.tolist()) | set(plan._status_changes))
    return plan


# --- applying -------------------------------------------------------------------------------

def apply_import(session: Session, instrument: Instrument, plan_or_frame,
                 scope: Scope = ALL, progress: Progress = silent, **options) -> ImportPlan:
    """Write the import (a plan from plan_import, or a frame to plan first); flush, no commit.

    Raises ImportRefused when the file has problems (and ``skip_invalid`` is off): then nothing
    is written. Returns the plan, marked applied, as the report of what was done.
    """
    if isinstance(plan_or_frame, ImportPlan):
        plan = plan_or_frame
    else:
        plan = plan_import(session, instrument, plan_or_frame, scope, **options)
    if not plan.can_apply:
        raise ImportRefused(plan)
    if plan.applied:
        raise ValueError("Dit importplan is al uitgevoerd.")
    if not plan.changes_anything:
        plan.applied = True
        return plan
    with history.changes_from(session, "import"):
        _apply_scores(session, instrument, plan, scope, progress)
        if plan.facts is not None:
            session.expire_all()  # the facts compare with what the scores just wrote
            changes = apply_facts(session, plan.facts, instrument, write=True)
            session.flush()   # the history of the facts is kept as coming from the import
            if changes.problems:  # the data changed between plan and apply, or a check
                # needed what the scores just wrote (an eindanalyse's computed oordeel): say why
                plan.validation.problems += changes.problems
                plan.validation.blocking_problems += changes.problems
                raise ImportRefused(plan)
            plan.fact_changes = changes.counts
    plan.applied = True
    return plan


def _apply_scores(session: Session, instrument: Instrument, plan: ImportPlan,
                  scope: Scope, progress: Progress = silent) -> None:
    """The scores table's part: gemeenten, onderzoeken, casussen, perspectives, scores."""
    known, table = plan._known, plan._table
    if table is None or len(table) == 0:   # second ratings only: of stored perspectives
        apply_second(session, plan.second, {}, instrument.version)
        session.flush()
        return
    cols = table.columns

    # Gemeenten and onderzoeken. validate.check applied the rules of save_gemeente and
    # save_onderzoek per row (a name and a title by zet.rules.catalog, matched on their keys
    # with what is stored, the confirmation of look-alike names); new ones are inserted in
    # bulk and their ids read back by key, as the casussen below.
    if plan._new_gemeenten and scope.gemeente_ids is not None:
        raise DomainError("U kunt geen nieuwe gemeenten importeren.")
    now = utcnow()
    gemeente_ids = {key: gid for key, (gid, _) in known.gemeenten.items()}
    if plan._new_gemeenten:
        insert_rows(session, _GEMEENTE, ("naam", "naam_key"),
                    ((catalog.GEMEENTE_NAAM.require(naam), key)
                     for key, naam in plan._new_gemeenten),
                    constants={"created_at": now, "updated_at": now})
        for chunk in _chunks([key for key, _ in plan._new_gemeenten]):
            gemeente_ids.update(session.execute(select(_GEMEENTE.c.naam_key, _GEMEENTE.c.id)
                                                .where(_GEMEENTE.c.naam_key.in_(chunk))).all())
    onderzoek_ids = {(gid, okey): oid for (gid, okey), (oid, _) in known.onderzoeken.items()}
    if plan._new_onderzoeken:
        insert_rows(session, _ONDERZOEK, ("gemeente_id", "titel", "titel_key"),
                    ((gemeente_ids[key], catalog.ONDERZOEK_TITEL.require(titel), okey)
                     for (key, okey), titel in plan._new_onderzoeken),
                    constants={"created_at": now, "updated_at": now})
        for chunk in _chunks({gemeente_ids[key] for (key, _), _ in plan._new_onderzoeken}):
            for oid, gid, okey in session.execute(select(
                    _ONDERZOEK.c.id, _ONDERZOEK.c.gemeente_id, _ONDERZOEK.c.titel_key).where(
                    _ONDERZOEK.c.gemeente_id.in_(chunk))):
                onderzoek_ids.setdefault((gid, okey), oid)

    # Casussen. The rules save_casus enforces (code present, short and pseudonymous; a known
    # doelgroep; unique per gemeente ignoring case) were checked per row by validate.check, and
    # matching on the lower-cased code makes a stored casus be reused, never duplicated. New
    # ones are inserted in bulk: one save_casus (a query and a flush) per casus would take
    # minutes on a national import.
    casus_ids: dict[int, int] = {}
    new_casussen, links = [], []
    for casus in plan._casussen:
        gemeente_id = gemeente_ids[casus.gkey]
        onderzoek_id = onderzoek_ids.get((gemeente_id, casus.okey)) if casus.okey else None
        if casus.casus_id is None:
            new_casussen.append((casus.group, (gemeente_id, casus.code, casus_key(casus.code),
                                               casus.doelgroep, onderzoek_id)))
            continue
        casus_ids[casus.group] = casus.casus_id
        if casus.link:
            links.append({"b_id": casus.casus_id, "b_onderzoek_id": onderzoek_id})
    if links:
        session.execute(update(_CASUS).where(_CASUS.c.id == bindparam("b_id")).values(
            onderzoek_id=bindparam("b_onderzoek_id"), updated_at=now), links)
        _keep_link_history(session, links)
    if new_casussen:
        insert_rows(session, _CASUS, ("gemeente_id", "code", "code_key", "doelgroep",
                                      "onderzoek_id"),
                    (values for _, values in new_casussen),
                    constants={"created_at": now, "updated_at": now})
        stored = {}
        for chunk in _chunks({values[0] for _, values in new_casussen}):
            for cid, gid, key in session.execute(select(
                    _CASUS.c.id, _CASUS.c.gemeente_id, _CASUS.c.code_key).where(
                    _CASUS.c.gemeente_id.in_(chunk))):
                stored[(gid, key)] = cid
        for group, values in new_casussen:
            casus_ids[group] = stored[(values[0], values[2])]
        history.created_now(session, "casus", [casus_ids[group] for group, _ in new_casussen])

    # Perspectives: new ones as concept (validation refuses a new definitief one: the long
    # format has no datum, afnemer or toestemming), version 1 (where the optimistic lock starts).
    new = [p for p in plan._perspectieven if p.perspectief_id is None]
    new_ids = []
    if new:
        insert_rows(session, _PERSPECTIEF, ("casus_id", "soort", "rol", "rol_key", "status",
                                            "beoordelaar"),
                    ((casus_ids[p.casus_group], p.soort, p.rol, rol_key(p.rol), p.status,
                      p.beoordelaar) for p in new),
                    constants={"instrument_version": instrument.version, "version": 1,
                               "created_at": now, "updated_at": now})
        stored = {}
        for chunk in _chunks({casus_ids[p.casus_group] for p in new}):
            for pid, cid, soort, key in session.execute(select(
                    _PERSPECTIEF.c.id, _PERSPECTIEF.c.casus_id, _PERSPECTIEF.c.soort,
                    _PERSPECTIEF.c.rol_key).where(_PERSPECTIEF.c.casus_id.in_(chunk))):
                stored[(cid, soort, key)] = pid
        new_ids = [stored[(casus_ids[p.casus_group], p.soort, rol_key(p.rol))] for p in new]
        history.created_now(session, "perspectief", new_ids)
    row_pid = plan._row_pid.copy()
    if new:
        pid_of_group = np.full(int(cols["perspectief_group"].codes.max()) + 1, -1,
                               dtype=np.int64)
        pid_of_group[[p.group for p in new]] = new_ids
        fresh = row_pid < 0
        row_pid[fresh] = pid_of_group[cols["perspectief_group"].codes[fresh]]

    # Scores: the new ones in one bulk insert (COPY on PostgreSQL), the changed ones in one
    # executemany update.
    status = plan._status
    added = status == ADDED
    if added.any():
        insert_rows(session, _SCORE, SCORE_COLUMNS, counted(
            _score_rows(cols, added, row_pid, instrument.version), int(added.sum()), progress,
            "Scores opslaan", 0.45, 0.95))
    removed = plan._score_ids[status == REMOVED].tolist()
    for chunk in _chunks(removed):
        session.execute(delete(_SCORE).where(_SCORE.c.id.in_(chunk)))
    changed = status == CHANGED
    if changed.any():
        params = _score_params(cols, changed, row_pid, instrument.version)
        for param, score_id in zip(params, plan._score_ids[changed].tolist()):
            param["b_id"] = score_id
        session.execute(update(_SCORE).where(_SCORE.c.id == bindparam("b_id")).values(
            score=bindparam("score"), bijzonder=bindparam("bijzonder"),
            toelichting=bindparam("toelichting"),
            instrument_version=bindparam("instrument_version")), params)

    # The status column: perspectives set back to concept or made definitief (validation
    # checked that a definitief one is complete after the import).
    for wanted in ("concept", "definitief"):
        ids = [pid for pid, value in plan._status_changes.items() if value == wanted]
        for chunk in _chunks(ids):
            session.execute(update(_PERSPECTIEF).where(_PERSPECTIEF.c.id.in_(chunk)).values(
                status=wanted))

    _keep_history(session, plan, row_pid)
    apply_second(session, plan.second, casus_ids, instrument.version)

    # Stored perspectives whose scores or status changed get a new updated_at and a higher
    # version, so a form opened before the import gets a conflict instead of silently
    # overwriting the import.
    for chunk in _chunks(plan._touched):
        session.execute(update(_PERSPECTIEF).where(_PERSPECTIEF.c.id.in_(chunk)).values(
            updated_at=now, version=_PERSPECTIEF.c.version + 1))
    session.flush()
    if plan._touched or plan.linked_casussen:
        session.expire_all()  # ORM objects loaded before must not keep the old versions


def _keep_link_history(session: Session, links: list[dict]) -> None:
    """A stored casus without an onderzoek that the file puts in one: kept as the casus form
    keeps it (the onderzoek's title; before, none)."""
    titles = {}
    for chunk in _chunks(sorted({link["b_onderzoek_id"] for link in links})):
        titles.update(session.execute(select(_ONDERZOEK.c.id, _ONDERZOEK.c.titel)
                                      .where(_ONDERZOEK.c.id.in_(chunk))).all())
    history.write_bulk(session, ((link["b_id"], None, *change) for link in links
                                 for change in history_rule.changes(
                                     {"onderzoek": ""},
                                     {"onderzoek": titles[link["b_onderzoek_id"]]})))


def _keep_history(session: Session, plan: ImportPlan, row_pid: np.ndarray) -> None:
    """The change history of stored perspectives (zet.history): answers and toelichtingen
    added, changed or removed, and the status column's changes, with the rule the forms
    follow (zet.rules.history). New perspectives start without history."""
    cols, status = plan._table.columns, plan._status
    stored_before = plan._row_pid >= 0
    rows = np.flatnonzero(stored_before & (status != UNCHANGED)).tolist()
    if not rows and not plan._status_changes:
        return
    element, score = cols["element"], cols["score"]
    bijzonder, toelichting = cols["bijzonder"], cols["toelichting"]
    found = []
    hit = plan._hit if plan._hit is not None else np.empty(0, dtype=np.int64)
    for row in rows:
        code = element.uniques[element.codes[row]]
        before = {}
        at = int(np.searchsorted(hit, row))
        if at < len(hit) and hit[at] == row:   # the row met a stored score
            old_score, old_bijzonder, old_toelichting = (values[at] for values in plan._old)
            before = {history_rule.element_field("antwoord", code):
                          history_rule.answer_text(old_score, old_bijzonder),
                      history_rule.element_field("toelichting", code): old_toelichting}
        after = {}
        if status[row] != REMOVED:
            after = {history_rule.element_field("antwoord", code): history_rule.answer_text(
                         score.uniques[score.codes[row]], bijzonder.uniques[bijzonder.codes[row]]),
                     history_rule.element_field("toelichting", code):
                         toelichting.uniques[toelichting.codes[row]] or ""}
        found += [(int(row_pid[row]), *change) for change in history_rule.changes(before, after)]
    for pid, wanted in plan._status_changes.items():
        found += [(pid, *change) for change in history_rule.changes(
            {"status": plan._status_was[pid]}, {"status": wanted})]
    casus_of = {}
    for chunk in _chunks(sorted({pid for pid, *_ in found})):
        casus_of.update(session.execute(select(_PERSPECTIEF.c.id, _PERSPECTIEF.c.casus_id)
                                        .where(_PERSPECTIEF.c.id.in_(chunk))).all())
    history.write_bulk(session, ((casus_of[pid], pid, *change) for pid, *change in found))


SCORE_COLUMNS = ("perspectief_id", "element_code", "score", "bijzonder", "toelichting",
                 "instrument_version")


def _score_rows(cols, mask: np.ndarray, row_pid: np.ndarray, version: str):
    """The selected rows as tuples of plain Python values (no numpy types) in SCORE_COLUMNS
    order; a score 0 (no score) becomes NULL."""
    element, score = cols["element"], cols["score"]
    bijzonder, toelichting = cols["bijzonder"], cols["toelichting"]
    scores = [value or None for value in score.uniques.tolist()]
    return zip(row_pid[mask].tolist(), element.uniques[element.codes[mask]].tolist(),
               [scores[code] for code in score.codes[mask].tolist()],
               bijzonder.uniques[bijzonder.codes[mask]].tolist(),
               toelichting.uniques[toelichting.codes[mask]].tolist(),
               [version] * int(mask.sum()))


def _score_params(cols, mask: np.ndarray, row_pid: np.ndarray, version: str) -> list[dict]:
    """The selected rows as dicts for an executemany update (SCORE_COLUMNS as keys)."""
    return [dict(zip(SCORE_COLUMNS, row)) for row in _score_rows(cols, mask, row_pid, version)]


def count_rows(session: Session) -> dict[str, int]:
    """How many gemeenten, casussen, perspectives and scores are stored (for reports, tests)."""
    return {name: session.scalar(select(func.count()).select_from(model))
            for name, model in (("gemeente", Gemeente), ("casus", Casus),
                                ("perspectief", Perspectief), ("score", Score))}
