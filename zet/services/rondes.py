"""Rounds over time: two onderzoeken of one gemeente side by side, with the verbeteracties the
earlier round agreed beside the elements they address."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

import analysis
from zet.access import Scope
from zet.instrument import Instrument
from zet.models import Gemeente, Onderzoek, Verbeteractie
from zet.services.analyse import SETTINGS, Filters, elements_frame, run_analysis
from zet.services.dataset import anonymous_labels
from zet.services.gemeenten import find_gemeente_by_name
from zet.services.verbeteracties import list_acties


@dataclass(frozen=True)
class RondeBasis:
    """What one round's figures rest on."""
    n_casussen: int
    n_compleet: int


@dataclass(frozen=True)
class RondeVergelijking:
    eerder: Onderzoek
    later: Onderzoek
    basis: tuple[RondeBasis, RondeBasis]
    rows: list[dict]                          # analysis.ROUND_COLUMNS per element
    acties: dict[str, list[Verbeteractie]]     # element code -> actions of the earlier round


def rondes(gemeente: Gemeente) -> list[Onderzoek]:
    """The gemeente's onderzoeken from first to last (by the start of their period)."""
    return sorted(gemeente.onderzoeken, key=lambda o: (o.periode_start or date.min, o.id))


def ronde_labels(gemeente: Gemeente) -> dict[int, str]:
    """Onderzoek id -> 'Ronde 1', 'Ronde 2', ...: the rounds as anonymised output names them
    (their titles are free text)."""
    return {o.id: f"Ronde {i}" for i, o in enumerate(rondes(gemeente), start=1)}


def default_pair(gemeente: Gemeente) -> tuple[Onderzoek, Onderzoek] | None:
    """The two most recent rounds, or None when the gemeente has fewer than two."""
    ordered = rondes(gemeente)
    return (ordered[-2], ordered[-1]) if len(ordered) >= 2 else None


def vergelijk_rondes(session: Session, scope: Scope, instrument: Instrument, gemeente: Gemeente,
                     eerder: Onderzoek, later: Onderzoek,
                     alleen_compleet: bool = False) -> RondeVergelijking:
    _, result = run_analysis(session, scope, instrument,
                             Filters(gemeente_ids=(gemeente.id,), alleen_compleet=alleen_compleet))
    per_round = result.onderzoek_scores
    casussen = result.casussen

    def of(onderzoek):
        scores = per_round[per_round["onderzoek"] == onderzoek.titel]
        mine = casussen[casussen["onderzoek"] == onderzoek.titel]
        return scores, RondeBasis(len(mine), int(mine["compleet"].sum()))

    (earlier, basis_eerder), (latest, basis_later) = of(eerder), of(later)
    table = analysis.compare_rounds(earlier, latest, elements_frame(instrument))
    acties: dict[str, list[Verbeteractie]] = {}
    for actie in list_acties(session, scope, gemeente.id):
        if actie.onderzoek_id == eerder.id:
            for code in actie.elementen or []:
                acties.setdefault(code, []).append(actie)
    rows = table.astype(object).where(table.notna(), None).to_dict("records")
    return RondeVergelijking(eerder, later, (basis_eerder, basis_later), rows, acties)


@dataclass(frozen=True)
class AnoniemeRondes:
    """The same comparison for a gemeente known only by its anonymous label: rounds as
    'Ronde 1', 'Ronde 2', ... (their titles are free text), values resting on fewer than
    SETTINGS.min_casussen casussen suppressed, and of the actions only their status."""
    labels: list[str]                          # gemeenten with at least two rounds
    label: str | None
    rondes: list[str]                          # 'Ronde 1', ... of the chosen gemeente
    eerder: int | None
    later: int | None
    comparison: RondeVergelijking | None


def _too_few_hidden(session: Session, scope: Scope, instrument: Instrument,
                    gemeente: Gemeente) -> set[str]:
    """Elements whose suppressed rounds together hold 1 or 2 casussen: the comparison page's
    figure over all rounds, minus the rounds shown, would give their value away, so every
    round of such an element is suppressed (complementary suppression)."""
    _, result = run_analysis(session, scope, instrument, Filters(gemeente_ids=(gemeente.id,)))
    scores = result.onderzoek_scores
    small = scores[scores["n_casussen"] < SETTINGS.min_casussen]
    hidden = small.groupby(small["element"].astype(str), observed=True)["n_casussen"].sum()
    return {code for code, n in hidden.items() if 0 < n < SETTINGS.min_casussen}


def anonieme_rondes(session: Session, scope: Scope, instrument: Instrument, label: str | None,
                    eerder: int | None, later: int | None) -> AnoniemeRondes:
    """``eerder`` and ``later`` count rounds from 1 in period order. No filter on complete
    casussen here: the difference with the unfiltered figures would reveal single casussen."""
    names = {lab: naam for naam, lab in anonymous_labels(session, scope).items()}
    gemeenten = {lab: find_gemeente_by_name(session, naam) for lab, naam in names.items()}
    choosable = sorted((lab for lab, g in gemeenten.items() if len(g.onderzoeken) >= 2),
                       key=lambda lab: (len(lab), lab))
    if label not in choosable:
        return AnoniemeRondes(choosable, None, [], None, None, None)
    ordered = rondes(gemeenten[label])
    titles = list(ronde_labels(gemeenten[label]).values())
    eerder = eerder if eerder and 1 <= eerder <= len(ordered) else len(ordered) - 1
    later = later if later and 1 <= later <= len(ordered) else len(ordered)
    if eerder == later:
        return AnoniemeRondes(choosable, label, titles, eerder, later, None)
    full = vergelijk_rondes(session, scope, instrument, gemeenten[label], ordered[eerder - 1],
                            ordered[later - 1])
    hidden = _too_few_hidden(session, scope, instrument, gemeenten[label])
    rows = []
    for row in full.rows:
        row = dict(row)
        for side in ("eerder", "later"):
            row[f"onderdrukt_{side}"] = (row[f"n_{side}"] < SETTINGS.min_casussen
                                         or row["element"] in hidden)
            if row[f"onderdrukt_{side}"]:
                row[f"score_{side}"] = None
                row[f"oordeel_{side}"] = ""
        if row["onderdrukt_eerder"] or row["onderdrukt_later"]:
            row["verschil"], row["oordeel_veranderd"] = None, False
        rows.append(row)
    return AnoniemeRondes(choosable, label, titles, eerder, later,
                          RondeVergelijking(full.eerder, full.later, full.basis, rows,
                                            full.acties))


def anonymous_ronde_names(session: Session, scope: Scope, gemeente_ids=None
                          ) -> dict[tuple[str, str], str]:
    """(gemeente naam, onderzoek titel) -> 'Ronde 1', 'Ronde 2', ...: what anonymised exports
    write instead of the titles, in the same order as the pages (``ronde_labels``)."""
    stmt = scope.restrict(select(Gemeente), Gemeente.id)
    if gemeente_ids is not None:
        stmt = stmt.where(Gemeente.id.in_(list(gemeente_ids)))
    names = {}
    for gemeente in session.scalars(stmt):
        labels = ronde_labels(gemeente)
        names.update({(gemeente.naam, o.titel): labels[o.id] for o in gemeente.onderzoeken})
    return names
