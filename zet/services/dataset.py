"""Stored scores as the long frame the analysis package reads (one row per score).

One joined query per call, scoped to the user's gemeenten, so pages, exports and the benchmark
all read the data the same way.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

import analysis
from sqlalchemy import case, literal, select
from sqlalchemy.orm import Session

from zet.access import Scope
from zet.models import (Casus, Citaat, Eindanalyse, Gemeente, Onderzoek, Perspectief, Score,
                        TweedeBeoordeling, TweedeScore, Verbeteractie, Voortgang)
from zet.vocabulary import CASUS_STATUSSEN, PERSPECTIEF_STATUSSEN

LONG_COLUMNS = ["gemeente", "onderzoek", "casus", "doelgroep", "perspectief", "rol", "element",
                "antwoord", "toelichting"]
ID_COLUMNS = ["gemeente_id", "onderzoek_id", "casus_id", "perspectief_id"]
PERSPECTIVE_ORDER = case({"inwoner": 0, "professional": 1, "dossier": 2}, value=Perspectief.soort)


def _filtered(stmt, scope: Scope, gemeente_ids=None, onderzoek_id=None, casus_id=None,
              doelgroep=None):
    stmt = scope.restrict(stmt, Casus.gemeente_id)
    if gemeente_ids is not None:
        stmt = stmt.where(Casus.gemeente_id.in_(list(gemeente_ids)))
    if onderzoek_id is not None:
        stmt = stmt.where(Casus.onderzoek_id == onderzoek_id)
    if casus_id is not None:
        stmt = stmt.where(Casus.id == casus_id)
    if doelgroep:
        stmt = stmt.where(Casus.doelgroep == doelgroep)
    return stmt


def scores_frame(session: Session, scope: Scope, *, gemeente_ids=None, onderzoek_id=None,
                 casus_id=None, doelgroep=None, with_ids: bool = False,
                 toelichting: bool = True) -> pd.DataFrame:
    """The long frame: gemeente, onderzoek, casus, doelgroep, perspectief, rol, element,
    antwoord ('1'..'5', 'nvt', 'onbekend', ''), toelichting, status (of the perspective:
    concept, definitief) and casus_status (lopend, afgerond); plus the *_id columns on request.
    Rows in the order gemeente, casus, perspective (inwoner, professionals by rol, dossier) and
    then as entered.

    Two queries instead of one join of everything: the perspectives with their casus and
    gemeente (tens of thousands of rows, sorted by the database, so by its collation), and the
    scores with only their own few columns (hundreds of thousands); the perspectives' columns
    are then repeated per score by position. The driver so makes one name per perspective, not
    one per score, which is most of the time and memory of a national read.

    toelichting=False leaves the texts out (all ''): comparisons need only the scores. The two
    statuses arrive as small integer codes and become categoricals."""
    perspectives = session.execute(_filtered(
        select(Perspectief.id, Gemeente.naam, Onderzoek.titel, Casus.code, Casus.doelgroep,
               Perspectief.soort, Perspectief.rol, Casus.gemeente_id, Casus.onderzoek_id,
               Casus.id, _code(Perspectief.status, PERSPECTIEF_STATUSSEN),
               _code(Casus.status, CASUS_STATUSSEN))
        .join(Casus, Perspectief.casus_id == Casus.id)
        .join(Gemeente, Casus.gemeente_id == Gemeente.id)
        .outerjoin(Onderzoek, Casus.onderzoek_id == Onderzoek.id)
        .order_by(Gemeente.naam, Casus.code, PERSPECTIVE_ORDER, Perspectief.rol, Perspectief.id),
        scope, gemeente_ids, onderzoek_id, casus_id, doelgroep)).all()
    text = Score.toelichting if toelichting else literal("")
    scores = session.execute(_filtered(
        select(Score.perspectief_id, Score.id, Score.element_code, Score.score, Score.bijzonder,
               text)
        .join(Perspectief, Score.perspectief_id == Perspectief.id)
        .join(Casus, Perspectief.casus_id == Casus.id),
        scope, gemeente_ids, onderzoek_id, casus_id, doelgroep)).all()
    return _long(perspectives, scores, with_ids)


_PERSPECTIVE_COLUMNS = ["perspectief_id", "gemeente", "onderzoek", "casus", "doelgroep",
                        "perspectief", "rol", "gemeente_id", "onderzoek_id", "casus_id",
                        "status", "casus_status"]
_ANSWERS = np.array(["", "1", "2", "3", "4", "5"], dtype=object)


def _long(perspectives: list, scores: list, with_ids: bool) -> pd.DataFrame:
    """The long frame from the two queries' rows (see scores_frame)."""
    s_pid, s_id, element, score, bijzonder, text = (
        [list(column) for column in zip(*scores)] if scores else [[] for _ in range(6)])
    # Only perspectives with scores, as the one-join read had them (so the columns' types are
    # inferred from the same values).
    scored = set(s_pid)
    p = pd.DataFrame([tuple(row) for row in perspectives if row[0] in scored],
                     columns=_PERSPECTIVE_COLUMNS)
    ids = p["perspectief_id"].to_numpy(dtype=np.int64)
    position = pd.Index(ids).get_indexer(np.asarray(s_pid, dtype=np.int64))
    # The two reads may see different commits (each statement its own snapshot): a score whose
    # perspective the first read did not see (position -1) is left out.
    seen = np.flatnonzero(position >= 0)
    order = seen[np.lexsort((np.asarray(s_id, dtype=np.int64)[seen], position[seen]))]
    position = position[order]

    number = np.array([0 if value is None else value for value in score], dtype=np.int64)
    special = np.array(["" if value is None else value for value in bijzonder], dtype=object)
    answer = np.where(number > 0, _ANSWERS[np.clip(number, 0, 5)], special)[order]
    frame = pd.DataFrame({
        name: p[name].take(position).reset_index(drop=True)
        for name in ["gemeente", "onderzoek", "casus", "doelgroep", "perspectief", "rol"]})
    frame["element"] = pd.array(np.array(element, dtype=object)[order], dtype="str")
    frame["antwoord"] = pd.Series(answer, dtype=object)
    toelichtingen = np.array(text, dtype=object)[order]
    toelichtingen[pd.isna(toelichtingen)] = ""
    frame["toelichting"] = pd.array(toelichtingen, dtype="str")
    if with_ids:
        for name in ID_COLUMNS[:-1]:
            frame[name] = p[name].take(position).reset_index(drop=True)
        frame["perspectief_id"] = ids[position]
    for column, values in (("status", PERSPECTIEF_STATUSSEN), ("casus_status", CASUS_STATUSSEN)):
        frame[column] = pd.Categorical.from_codes(
            p[column].to_numpy(dtype="int64")[position], categories=list(values))
    return frame


def _code(column, values: tuple[str, ...]):
    """The column as its position in ``values`` (a stored value outside them counts as the
    first: concept, lopend)."""
    return case({value: i for i, value in enumerate(values)}, value=column, else_=0)


RATING_COLUMNS = ["gemeente", "onderzoek", "casus", "doelgroep", "perspectief", "rol", "element",
                  "antwoord", "toelichting", "status", "beoordelaar"]


def ratings_frame(session: Session, scope: Scope, *, gemeente_ids=None, second: bool = True,
                  toelichting: bool = True, final_only: bool = False) -> pd.DataFrame:
    """The ratings of the double-rated perspectives as a long frame like scores_frame's
    (RATING_COLUMNS): the second ratings, or with ``second=False`` the first ratings of the
    same perspectives; ``status`` and ``beoordelaar`` those of that rating. In the order
    gemeente, casus, perspective, then as entered. Small (a sample of the perspectives), so one
    plain join. ``final_only``: only perspectives whose two ratings are both definitief (before
    that the second rating is blind: zet.services.dubbel)."""
    if second:
        answer, rating = TweedeScore, TweedeBeoordeling
        joined = (select().select_from(TweedeScore)
                  .join(TweedeBeoordeling, TweedeScore.beoordeling_id == TweedeBeoordeling.id)
                  .join(Perspectief, TweedeBeoordeling.perspectief_id == Perspectief.id))
    else:
        answer, rating = Score, Perspectief
        joined = (select().select_from(Score)
                  .join(Perspectief, Score.perspectief_id == Perspectief.id)
                  .join(TweedeBeoordeling, TweedeBeoordeling.perspectief_id == Perspectief.id))
    text = answer.toelichting if toelichting else literal("")
    if final_only:
        joined = joined.where(Perspectief.status == "definitief",
                              TweedeBeoordeling.status == "definitief")
    stmt = (joined.add_columns(
                Gemeente.naam, Onderzoek.titel, Casus.code, Casus.doelgroep, Perspectief.soort,
                Perspectief.rol, answer.element_code, answer.score, answer.bijzonder, text,
                rating.status, rating.beoordelaar)
            .join(Casus, Perspectief.casus_id == Casus.id)
            .join(Gemeente, Casus.gemeente_id == Gemeente.id)
            .outerjoin(Onderzoek, Casus.onderzoek_id == Onderzoek.id)
            .order_by(Gemeente.naam, Casus.code, PERSPECTIVE_ORDER, Perspectief.rol, answer.id))
    rows = [(g, o, c, d, p, r, e, str(score) if score is not None else (bijzonder or ""),
             t or "", status, b)
            for g, o, c, d, p, r, e, score, bijzonder, t, status, b
            in session.execute(_filtered(stmt, scope, gemeente_ids))]
    return pd.DataFrame(rows, columns=RATING_COLUMNS)


def beoordelaars_frame(session: Session, scope: Scope, *, gemeente_ids=None) -> pd.DataFrame:
    """The first rater's code of every perspective that has one: gemeente, casus, perspectief,
    rol, beoordelaar."""
    stmt = (select(Gemeente.naam, Casus.code, Perspectief.soort, Perspectief.rol,
                   Perspectief.beoordelaar)
            .join(Casus, Perspectief.casus_id == Casus.id)
            .join(Gemeente, Casus.gemeente_id == Gemeente.id)
            .where(Perspectief.beoordelaar.is_not(None)))
    return pd.DataFrame([tuple(row) for row in session.execute(_filtered(stmt, scope,
                                                                         gemeente_ids))],
                        columns=["gemeente", "casus", "perspectief", "rol", "beoordelaar"])


def with_beoordelaar(long: pd.DataFrame, beoordelaars: pd.DataFrame) -> pd.DataFrame:
    """``long`` with a column ``beoordelaar``: the first rater's code of each row's perspective
    (None where it has none)."""
    keys = ["gemeente", "casus", "perspectief", "rol"]
    if beoordelaars.empty:
        return long.assign(beoordelaar=pd.Series([None] * len(long), index=long.index,
                                                 dtype=object))
    index = pd.MultiIndex.from_frame(beoordelaars[keys].astype(object))
    found = index.get_indexer(pd.MultiIndex.from_frame(long[keys].astype(object)))
    labels = np.append(beoordelaars["beoordelaar"].to_numpy(dtype=object), None)
    return long.assign(beoordelaar=labels[found])


def citaten_frame(session: Session, scope: Scope, *, gemeente_ids=None, onderzoek_id=None,
                  casus_id=None) -> pd.DataFrame:
    """Quotes as evidence: gemeente, casus, perspectief, rol, element, tekst, bron, spreker,
    soort (knelpunt, succesfactor or None), citeerbaar (in the order they were entered per
    perspective)."""
    stmt = (select(Gemeente.naam, Casus.code, Perspectief.soort, Perspectief.rol,
                   Citaat.element_code, Citaat.tekst, Citaat.bron, Citaat.spreker,
                   Citaat.soort, Citaat.citeerbaar, Casus.id)
            .join(Perspectief, Citaat.perspectief_id == Perspectief.id)
            .join(Casus, Perspectief.casus_id == Casus.id)
            .join(Gemeente, Casus.gemeente_id == Gemeente.id)
            .order_by(Gemeente.naam, Casus.code, PERSPECTIVE_ORDER, Perspectief.rol, Citaat.id))
    stmt = _filtered(stmt, scope, gemeente_ids, onderzoek_id, casus_id)
    frame = pd.DataFrame(session.execute(stmt).all(),
                         columns=["gemeente", "casus", "perspectief", "rol", "element", "tekst",
                                  "bron", "spreker", "soort", "citeerbaar", "casus_id"])
    frame["soort"] = frame["soort"].astype(object).where(frame["soort"].notna(), None)
    return frame


def gemeenten_frame(session: Session, scope: Scope, *, gemeente_ids=None) -> pd.DataFrame:
    """The gemeenten in scope (also those without casussen): gemeente, grootteklasse, toegang."""
    stmt = scope.restrict(select(Gemeente.naam, Gemeente.grootteklasse, Gemeente.toegang),
                          Gemeente.id)
    if gemeente_ids is not None:
        stmt = stmt.where(Gemeente.id.in_(list(gemeente_ids)))
    return pd.DataFrame(session.execute(stmt).all(),
                        columns=["gemeente", "grootteklasse", "toegang"])


def anonymous_labels(session: Session, scope: Scope, *, gemeente_ids=None) -> dict[str, str]:
    """'Gemeente A', 'Gemeente B', ... for the gemeenten in scope, built from all of them and
    not from the rows a filter leaves, so no filter changes which gemeente gets which label; in
    the random order stored per gemeente (``Gemeente.anoniem_volgorde``), not by name."""
    stmt = scope.restrict(select(Gemeente.naam, Gemeente.anoniem_volgorde), Gemeente.id)
    if gemeente_ids is not None:
        stmt = stmt.where(Gemeente.id.in_(list(gemeente_ids)))
    order = dict(session.execute(stmt).all())
    return analysis.gemeente_labels(order, order=order)


def of_casussen(frame: pd.DataFrame, long: pd.DataFrame) -> pd.DataFrame:
    """The rows of ``frame`` (with gemeente and casus columns) whose casus is in ``long``."""
    keys = ["gemeente", "casus"]
    shown = pd.MultiIndex.from_frame(long[keys].drop_duplicates())
    return frame[pd.MultiIndex.from_frame(frame[keys]).isin(shown)]


def onderzoeken_frame(session: Session, scope: Scope, *, gemeente_ids=None) -> pd.DataFrame:
    """Every onderzoek of those gemeenten: gemeente, onderzoek, periode_start, periode_eind,
    focus."""
    stmt = scope.restrict(select(Gemeente.naam, Onderzoek.titel, Onderzoek.periode_start,
                                 Onderzoek.periode_eind, Onderzoek.focus)
                          .join(Gemeente, Onderzoek.gemeente_id == Gemeente.id)
                          .order_by(Onderzoek.id), Onderzoek.gemeente_id)
    if gemeente_ids is not None:
        stmt = stmt.where(Onderzoek.gemeente_id.in_(list(gemeente_ids)))
    return pd.DataFrame(session.execute(stmt).all(),
                        columns=["gemeente", "onderzoek", "periode_start", "periode_eind",
                                 "focus"])


CASUS_FACTS = ["doelgroep", "wet", "levensfase", "beperkingen", "leefgebieden", "hulpvraag",
               "knelpunten", "wat_gaat_goed", "datum_aanmelding", "datum_eerste_contact", "datum_start_hulp",
               "indicatie_maanden", "wisselingen_contactpersoon", "status"]
ACTIE_COLUMNS = ["omschrijving", "elementen", "niveau", "eigenaar", "nodig", "start", "deadline",
                 "evaluatie", "status"]
PERSPECTIEF_FACTS = ["status", "datum", "afnemer", "geinterviewde", "toestemming",
                     "toestemming_datum", "toestemming_vorm", "instrument_version"]


def casussen_frame(session: Session, scope: Scope, *, gemeente_ids=None) -> pd.DataFrame:
    """Every casus (also those without scores) with its facts: gemeente, casus, onderzoek and
    the columns of CASUS_FACTS (beperkingen and leefgebieden as stored: lists)."""
    stmt = (select(Gemeente.naam, Casus.code, Onderzoek.titel,
                   *[getattr(Casus, name) for name in CASUS_FACTS])
            .join(Gemeente, Casus.gemeente_id == Gemeente.id)
            .outerjoin(Onderzoek, Casus.onderzoek_id == Onderzoek.id))
    stmt = _filtered(stmt, scope, gemeente_ids)
    return pd.DataFrame([tuple(row) for row in session.execute(stmt)],
                        columns=["gemeente", "casus", "onderzoek"] + CASUS_FACTS)


def perspectieven_frame(session: Session, scope: Scope, *, gemeente_ids=None) -> pd.DataFrame:
    """Every perspective (also those without scores): gemeente, casus, perspectief, rol and
    the columns of PERSPECTIEF_FACTS."""
    stmt = (select(Gemeente.naam, Casus.code, Perspectief.soort, Perspectief.rol,
                   *[getattr(Perspectief, name) for name in PERSPECTIEF_FACTS])
            .join(Casus, Perspectief.casus_id == Casus.id)
            .join(Gemeente, Casus.gemeente_id == Gemeente.id))
    stmt = _filtered(stmt, scope, gemeente_ids)
    return pd.DataFrame([tuple(row) for row in session.execute(stmt)],
                        columns=["gemeente", "casus", "perspectief", "rol"] + PERSPECTIEF_FACTS)


def synthese_frame(session: Session, scope: Scope, *, gemeente_ids=None) -> pd.DataFrame:
    """The synthesis per casus and element: gemeente, casus, element, tekst (per casus in
    instrument order, as stored)."""
    stmt = (select(Gemeente.naam, Casus.code, Casus.synthese)
            .join(Gemeente, Casus.gemeente_id == Gemeente.id))
    stmt = _filtered(stmt, scope, gemeente_ids)
    rows = [(naam, code, element, tekst) for naam, code, synthese in session.execute(stmt)
            for element, tekst in (synthese or {}).items()]
    return pd.DataFrame(rows, columns=["gemeente", "casus", "element", "tekst"])


def verbeteracties_frame(session: Session, scope: Scope, *, gemeente_ids=None) -> pd.DataFrame:
    """Every verbeteractie of those gemeenten: gemeente, titel, onderzoek, omschrijving,
    elementen (a list of codes), niveau, eigenaar, nodig, start, deadline, evaluatie, status."""
    stmt = (select(Gemeente.naam, Verbeteractie.titel, Onderzoek.titel,
                   *[getattr(Verbeteractie, name) for name in ACTIE_COLUMNS])
            .join(Gemeente, Verbeteractie.gemeente_id == Gemeente.id)
            .outerjoin(Onderzoek, Verbeteractie.onderzoek_id == Onderzoek.id)
            .order_by(Verbeteractie.id))
    stmt = scope.restrict(stmt, Verbeteractie.gemeente_id)
    if gemeente_ids is not None:
        stmt = stmt.where(Verbeteractie.gemeente_id.in_(list(gemeente_ids)))
    return pd.DataFrame([tuple(row) for row in session.execute(stmt)],
                        columns=["gemeente", "titel", "onderzoek", *ACTIE_COLUMNS])


def voortgang_frame(session: Session, scope: Scope, *, gemeente_ids=None) -> pd.DataFrame:
    """The progress notes: gemeente, titel (of the action), datum, tekst, in date order."""
    stmt = (select(Gemeente.naam, Verbeteractie.titel, Voortgang.datum, Voortgang.tekst)
            .join(Verbeteractie, Voortgang.verbeteractie_id == Verbeteractie.id)
            .join(Gemeente, Verbeteractie.gemeente_id == Gemeente.id)
            .order_by(Voortgang.datum, Voortgang.id))
    stmt = scope.restrict(stmt, Verbeteractie.gemeente_id)
    if gemeente_ids is not None:
        stmt = stmt.where(Verbeteractie.gemeente_id.in_(list(gemeente_ids)))
    return pd.DataFrame(session.execute(stmt).all(), columns=["gemeente", "titel", "datum", "tekst"])


def eindanalyse_frames(session: Session, scope: Scope, *, gemeente_ids=None
                       ) -> dict[str, pd.DataFrame]:
    """The eindanalyses of those gemeenten as three frames (see zet.interchange):
    'eindanalyses' (gemeente, onderzoek, datum, deelnemers as a dict, samenvatting),
    'eindanalyse_elementen' (... element, prioriteit, berekend_oordeel, oordeel, reden,
    conclusie) and 'eindanalyse_onderbouwing' (... element, casus, citaat: empty for a casus
    link), by onderzoek, date and element as stored."""
    stmt = (select(Eindanalyse).join(Onderzoek, Eindanalyse.onderzoek_id == Onderzoek.id)
            .order_by(Onderzoek.id, Eindanalyse.datum))
    stmt = scope.restrict(stmt, Onderzoek.gemeente_id)
    if gemeente_ids is not None:
        stmt = stmt.where(Onderzoek.gemeente_id.in_(list(gemeente_ids)))
    sessies = list(session.scalars(stmt))
    gemeenten = {s.onderzoek.gemeente_id for s in sessies}
    casus_rows = session.execute(select(Casus.id, Casus.code, Casus.onderzoek_id).where(
        Casus.gemeente_id.in_(gemeenten))).all() if sessies else []
    codes = {cid: code for cid, code, _ in casus_rows}
    onderzoek_of = {cid: oid for cid, _, oid in casus_rows}
    quotes = set(session.execute(select(Perspectief.casus_id, Citaat.tekst).join(
        Citaat, Citaat.perspectief_id == Perspectief.id).where(
        Perspectief.casus_id.in_(list(codes)))).all()) if codes else set()
    rows, elementen, links = [], [], []
    for sessie in sessies:
        key = (sessie.onderzoek.gemeente.naam, sessie.onderzoek.titel, sessie.datum)
        rows.append((*key, dict(sessie.deelnemers or {}), sessie.samenvatting))
        for item in sorted(sessie.elementen, key=lambda e: e.id):
            if any(getattr(item, name) for name in ("prioriteit", "oordeel", "reden",
                                                    "conclusie")):
                elementen.append((*key, item.element_code, item.prioriteit, item.berekend,
                                  item.oordeel, item.reden, item.conclusie))
            # only links that still hold: a casus of this onderzoek, a quote it still has
            links += [(*key, item.element_code, codes[i], None) for i in item.casussen or ()
                      if onderzoek_of.get(i) == sessie.onderzoek_id]
            links += [(*key, item.element_code, codes[q["casus"]], q["tekst"])
                      for q in item.citaten or ()
                      if onderzoek_of.get(q["casus"]) == sessie.onderzoek_id
                      and (q["casus"], q["tekst"]) in quotes]
    session_columns = ["gemeente", "onderzoek", "datum"]
    return {
        "eindanalyses": pd.DataFrame(rows, columns=[*session_columns, "deelnemers",
                                                    "samenvatting"]),
        "eindanalyse_elementen": pd.DataFrame(elementen, columns=[
            *session_columns, "element", "prioriteit", "berekend_oordeel", "oordeel", "reden",
            "conclusie"]),
        "eindanalyse_onderbouwing": pd.DataFrame(links, columns=[*session_columns, "element",
                                                                 "casus", "citaat"]),
    }
