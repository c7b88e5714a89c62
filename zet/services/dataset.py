"""Stored scores as the long frame the analysis package reads (one row per score).

One joined query per call, scoped to the user's gemeenten, so pages, exports and the benchmark
all read the data the same way.
"""
from __future__ import annotations

import pandas as pd
from sqlalchemy import case, literal, select
from sqlalchemy.orm import Session

from zet.access import Scope
from zet.models import Casus, Citaat, Gemeente, Onderzoek, Perspectief, Score

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
    antwoord ('1'..'5', 'nvt', 'onbekend', ''), toelichting; plus the *_id columns on request.

    toelichting=False leaves the texts out (all ''): comparisons need only the scores, and the
    texts are most of the memory of a national frame."""
    text = Score.toelichting if toelichting else literal("")
    stmt = (select(Gemeente.naam, Onderzoek.titel, Casus.code, Casus.doelgroep, Perspectief.soort,
                   Perspectief.rol, Score.element_code, Score.score, Score.bijzonder,
                   text, Casus.gemeente_id, Casus.onderzoek_id, Casus.id,
                   Perspectief.id)
            .join(Perspectief, Score.perspectief_id == Perspectief.id)
            .join(Casus, Perspectief.casus_id == Casus.id)
            .join(Gemeente, Casus.gemeente_id == Gemeente.id)
            .outerjoin(Onderzoek, Casus.onderzoek_id == Onderzoek.id)
            .order_by(Gemeente.naam, Casus.code, PERSPECTIVE_ORDER, Perspectief.rol, Score.id))
    stmt = _filtered(stmt, scope, gemeente_ids, onderzoek_id, casus_id, doelgroep)
    rows = [tuple(row) for row in session.execute(stmt)]  # pandas is slow on Row objects
    columns = ["gemeente", "onderzoek", "casus", "doelgroep", "perspectief", "rol", "element",
               "score", "bijzonder", "toelichting"] + ID_COLUMNS
    frame = pd.DataFrame(rows, columns=columns)
    score_text = frame["score"].astype("Int64").astype("string")
    frame["antwoord"] = score_text.fillna(frame["bijzonder"].astype("string")).fillna("").astype(
        object)
    frame["toelichting"] = frame["toelichting"].fillna("")
    frame = frame.drop(columns=["score", "bijzonder"])
    return frame[LONG_COLUMNS + (ID_COLUMNS if with_ids else [])]


def citaten_frame(session: Session, scope: Scope, *, gemeente_ids=None, onderzoek_id=None,
                  casus_id=None) -> pd.DataFrame:
    """Quotes as evidence: gemeente, casus, perspectief, rol, element, tekst, bron."""
    stmt = (select(Gemeente.naam, Casus.code, Perspectief.soort, Perspectief.rol,
                   Citaat.element_code, Citaat.tekst, Citaat.bron, Casus.id)
            .join(Perspectief, Citaat.perspectief_id == Perspectief.id)
            .join(Casus, Perspectief.casus_id == Casus.id)
            .join(Gemeente, Casus.gemeente_id == Gemeente.id)
            .order_by(Gemeente.naam, Casus.code, PERSPECTIVE_ORDER, Perspectief.rol, Citaat.id))
    stmt = _filtered(stmt, scope, gemeente_ids, onderzoek_id, casus_id)
    return pd.DataFrame(session.execute(stmt).all(),
                        columns=["gemeente", "casus", "perspectief", "rol", "element", "tekst",
                                 "bron", "casus_id"])
