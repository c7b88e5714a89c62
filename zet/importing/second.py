"""The second ratings in an import (double rating): the rows that validate.check gave rating 1.

They are planned and written apart from the first ratings, into zet.models.beoordeling, with
the same rules for an answer (zet.rules.answers.worth_storing) and the same status rules
(checked in validate). Second ratings are a sample of the perspectives, so plain loops and
small statements suffice here; the first ratings go through the bulk path in apply.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from zet import history
from zet.importing.validate import KnownState, Table
from zet.models import Perspectief, TweedeBeoordeling, TweedeScore
from zet.models.mixins import utcnow
from zet.rules.answers import worth_storing
from zet.rules import history as history_rule
from zet.rules.names import rol_key

_TWEEDE = TweedeBeoordeling.__table__
_TWEEDE_SCORE = TweedeScore.__table__
_PERSPECTIEF = Perspectief.__table__


@dataclass
class SecondRating:
    """One perspective's second rating as the file gives it."""
    casus_group: int
    casus_id: int | None          # None: a casus the import creates
    soort: str
    rol: str
    beoordelaar: str
    tweede_id: int | None         # None: a new second rating (set once written)
    status: str
    status_changed: bool
    inserts: list = field(default_factory=list)   # (element, score, bijzonder, toelichting)
    updates: list = field(default_factory=list)   # (score id, score, bijzonder, toelichting)
    deletes: list = field(default_factory=list)   # score ids
    new: bool = False             # the import creates this second rating
    # For the change history of a stored second rating: status and answers before and after
    # (per element code: score, bijzonder, toelichting), of what the file changes.
    old_answers: dict = field(default_factory=dict)
    new_answers: dict = field(default_factory=dict)
    old_status: str | None = None


@dataclass
class SecondPlan:
    ratings: list[SecondRating] = field(default_factory=list)
    added: int = 0            # answers
    changed: int = 0
    unchanged: int = 0
    without_first: int = 0    # second ratings left out: their first rating is not imported

    @property
    def new_ratings(self) -> int:
        return sum(r.new for r in self.ratings)

    def summary_lines(self, applied: bool) -> list[str]:
        """The import report's lines about second ratings (none when the file has none)."""
        lines = []
        if self.ratings:
            added, changed = ("toegevoegd", "gewijzigd") if applied else ("toe te voegen",
                                                                            "te wijzigen")
            to_final = sum(r.status_changed and r.status == "definitief" for r in self.ratings)
            to_concept = sum(r.status_changed and r.status == "concept" for r in self.ratings)
            status = (f"; status naar definitief: {to_final}" if to_final else "") + (
                f"; terug naar concept: {to_concept}" if to_concept else "")
            lines.append(
                "Tweede beoordelingen (kolom beoordelaar): "
                f"{self.new_ratings} {'nieuw' if applied else 'nieuw aan te maken'}, "
                f"{len(self.ratings) - self.new_ratings} bestaand; antwoorden: "
                f"{self.added} {added}, {self.changed} {changed}, {self.unchanged} ongewijzigd"
                f"{status}.")
        if self.without_first:
            lines.append(f"Overgeslagen: {self.without_first} tweede beoordeling(en) waarvan de "
                         "eerste beoordeling niet in ZET staat en niet wordt geïmporteerd.")
        return lines

    @property
    def changes_anything(self) -> bool:
        return any(r.new or r.status_changed or r.inserts or r.updates or r.deletes
                   for r in self.ratings)


def plan_second(session: Session, known: KnownState, table: Table,
                file_status: dict[int, str], with_first: np.ndarray) -> SecondPlan:
    """Compare the second-rating rows with what is stored (reads only). ``with_first`` says
    per row whether the file also imports the perspective's first rating; a second rating
    whose first is neither stored nor imported (its rows were skipped as invalid) is left out:
    a second rating never stands alone."""
    plan = SecondPlan()
    if len(table) == 0:
        return plan
    cols = table.columns

    def value(name, position):
        return cols[name].uniques[cols[name].codes[position]]

    groups = cols["perspectief_group"].codes
    firsts = np.unique(groups, return_index=True)[1]
    entries, kept = [], []
    for position in firsts.tolist():
        gemeente = known.gemeenten.get(value("gkey", position))
        casus = known.casussen.get((gemeente[0], value("ckey", position))) if gemeente else None
        soort = value("perspectief", position)
        rol = value("rol", position) if soort == "professional" else ""
        stored = known.perspectieven.get((casus[0], soort, rol_key(rol))) if casus else None
        if stored is None and not with_first[position]:
            plan.without_first += 1
            continue
        tweede = stored.tweede if stored is not None else None
        wanted = file_status.get(int(groups[position]))
        kept.append(position)
        entries.append(SecondRating(
            casus_group=int(cols["casus_group"].codes[position]),
            casus_id=casus[0] if casus else None, soort=soort, rol=rol,
            beoordelaar=value("beoordelaar", position),
            tweede_id=tweede.id if tweede else None, new=tweede is None,
            status=wanted or (tweede.status if tweede else "concept"),
            status_changed=bool(tweede and wanted and wanted != tweede.status),
            old_status=tweede.status if tweede else None))
    stored_answers: dict[tuple[int, str], tuple] = {}
    ids = [e.tweede_id for e in entries if e.tweede_id is not None]
    if ids:
        for row in session.execute(select(
                _TWEEDE_SCORE.c.beoordeling_id, _TWEEDE_SCORE.c.element_code,
                _TWEEDE_SCORE.c.id, _TWEEDE_SCORE.c.score, _TWEEDE_SCORE.c.bijzonder,
                _TWEEDE_SCORE.c.toelichting).where(_TWEEDE_SCORE.c.beoordeling_id.in_(ids))):
            stored_answers[(row[0], row[1])] = row[2:]
    entry_of_group = {int(groups[p]): e for p, e in zip(kept, entries)}
    for position in range(len(table)):
        entry = entry_of_group.get(int(groups[position]))
        if entry is None:
            continue
        element = value("element", position)
        score = int(value("score", position)) or None
        bijzonder = value("bijzonder", position)
        toelichting = value("toelichting", position)
        keep = worth_storing(score is None and bijzonder is None, toelichting)
        old = stored_answers.get((entry.tweede_id, element))
        if old is None:
            if keep:
                entry.inserts.append((element, score, bijzonder, toelichting))
                entry.new_answers[element] = (score, bijzonder, toelichting)
                plan.added += 1
            else:
                plan.unchanged += 1
        elif (old[1], old[2], old[3] or "") == (score, bijzonder, toelichting):
            plan.unchanged += 1
        else:
            entry.old_answers[element] = tuple(old[1:])
            if keep:
                entry.updates.append((old[0], score, bijzonder, toelichting))
                entry.new_answers[element] = (score, bijzonder, toelichting)
            else:
                entry.deletes.append(old[0])
            plan.changed += 1
    plan.ratings = entries
    return plan


def apply_second(session: Session, plan: SecondPlan, casus_ids: dict[int, int],
                 instrument_version: str) -> None:
    """Write the second ratings; ``casus_ids`` maps the casus groups the import created (or
    met) to their ids. Their perspectives exist by now: a second rating always has a first."""
    if not plan.changes_anything:
        return
    now = utcnow()
    wanted = {e.casus_id if e.casus_id is not None else casus_ids[e.casus_group]
              for e in plan.ratings}
    perspectives = {(cid, soort, key): pid for pid, cid, soort, key in session.execute(
        select(_PERSPECTIEF.c.id, _PERSPECTIEF.c.casus_id, _PERSPECTIEF.c.soort,
               _PERSPECTIEF.c.rol_key).where(_PERSPECTIEF.c.casus_id.in_(sorted(wanted))))}
    kept = []
    for entry in plan.ratings:
        casus_id = entry.casus_id if entry.casus_id is not None else casus_ids[entry.casus_group]
        if not entry.new:   # a new rating's first answers are no change (as for perspectives)
            status = ({"status": entry.old_status}, {"status": entry.status}) \
                if entry.status_changed else ({}, {})
            pid = perspectives[(casus_id, entry.soort, rol_key(entry.rol))]
            kept += [(casus_id, pid, *change) for change in history_rule.second_rating_changes(
                *status, entry.old_answers, entry.new_answers)]
        if entry.new:
            entry.tweede_id = session.execute(insert(_TWEEDE).values(
                perspectief_id=perspectives[(casus_id, entry.soort, rol_key(entry.rol))],
                beoordelaar=entry.beoordelaar, status=entry.status,
                instrument_version=instrument_version, created_at=now,
                updated_at=now).returning(_TWEEDE.c.id)).scalar_one()
        elif entry.status_changed or entry.inserts or entry.updates or entry.deletes:
            session.execute(update(_TWEEDE).where(_TWEEDE.c.id == entry.tweede_id).values(
                status=entry.status, updated_at=now))
        if entry.inserts:
            session.execute(insert(_TWEEDE_SCORE), [
                {"beoordeling_id": entry.tweede_id, "element_code": element, "score": score,
                 "bijzonder": bijzonder, "toelichting": toelichting}
                for element, score, bijzonder, toelichting in entry.inserts])
        for score_id, score, bijzonder, toelichting in entry.updates:
            session.execute(update(_TWEEDE_SCORE).where(_TWEEDE_SCORE.c.id == score_id).values(
                score=score, bijzonder=bijzonder, toelichting=toelichting))
        if entry.deletes:
            session.execute(delete(_TWEEDE_SCORE).where(_TWEEDE_SCORE.c.id.in_(entry.deletes)))
    if kept:
        history.write_bulk(session, kept)
