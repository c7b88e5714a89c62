"""Which gemeenten a user may see. Every query that returns casus data takes a Scope.

An object outside the scope is reported as not found, so nobody learns that it exists.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select
from sqlalchemy.orm import Session, selectinload

from zet.errors import NotFound
from zet.models import Casus, Eindanalyse, Gemeente, Onderzoek, Perspectief, Verbeteractie


@dataclass(frozen=True)
class Scope:
    """``gemeente_ids`` None means every gemeente (beheerder); otherwise only those ids."""
    gemeente_ids: frozenset[int] | None = None

    def allows(self, gemeente_id: int) -> bool:
        return self.gemeente_ids is None or gemeente_id in self.gemeente_ids

    def may_import_into(self, gemeente_id: int | None) -> bool:
        """A stored gemeente (its id) in scope, or a new one (None) for an unrestricted user:
        only a beheerder creates gemeenten."""
        return self.allows(gemeente_id) if gemeente_id is not None else self.gemeente_ids is None

    def restrict(self, stmt: Select, gemeente_id_column) -> Select:
        if self.gemeente_ids is None:
            return stmt
        return stmt.where(gemeente_id_column.in_(self.gemeente_ids))


ALL = Scope(None)


def get_gemeente(session: Session, scope: Scope, gemeente_id: int) -> Gemeente:
    gemeente = session.get(Gemeente, gemeente_id)
    if gemeente is None or not scope.allows(gemeente.id):
        raise NotFound("Deze gemeente bestaat niet (meer) of u heeft er geen toegang toe.")
    return gemeente


def get_onderzoek(session: Session, scope: Scope, onderzoek_id: int) -> Onderzoek:
    onderzoek = session.get(Onderzoek, onderzoek_id)
    if onderzoek is None or not scope.allows(onderzoek.gemeente_id):
        raise NotFound("Dit onderzoek bestaat niet (meer) of u heeft er geen toegang toe.")
    return onderzoek


def get_casus(session: Session, scope: Scope, casus_id: int, *, with_scores: bool = True
              ) -> Casus:
    """The casus (NotFound outside the scope), by default with its perspectives and scores
    loaded at once; ``with_scores=False`` for a page that reads its scores as a frame."""
    options = [selectinload(Casus.perspectieven).selectinload(Perspectief.scores)] \
        if with_scores else []
    casus = session.get(Casus, casus_id, options=options)
    if casus is None or not scope.allows(casus.gemeente_id):
        raise NotFound("Deze casus bestaat niet (meer): misschien is hij intussen verwijderd.")
    return casus


def get_perspectief(session: Session, scope: Scope, perspectief_id: int) -> Perspectief:
    perspectief = session.get(Perspectief, perspectief_id)
    if perspectief is None or not scope.allows(perspectief.casus.gemeente_id):
        raise NotFound("Dit perspectief bestaat niet (meer): misschien is de casus intussen "
                       "verwijderd.")
    return perspectief


def get_verbeteractie(session: Session, scope: Scope, actie_id: int) -> Verbeteractie:
    actie = session.get(Verbeteractie, actie_id)
    if actie is None or not scope.allows(actie.gemeente_id):
        raise NotFound("Deze verbeteractie bestaat niet (meer) of u heeft er geen toegang toe.")
    return actie


def get_eindanalyse(session: Session, scope: Scope, eindanalyse_id: int) -> Eindanalyse:
    eindanalyse = session.get(Eindanalyse, eindanalyse_id)
    if eindanalyse is None or not scope.allows(eindanalyse.onderzoek.gemeente_id):
        raise NotFound("Deze eindanalyse bestaat niet (meer) of u heeft er geen toegang toe.")
    return eindanalyse
