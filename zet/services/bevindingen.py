"""The casus findings written while consolidating: knelpunten and wat gaat goed per casus and a
short synthesis per werkzaam element, checked with the same rules on the page and on import."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

import analysis
from zet.access import Scope
from zet.errors import ValidationFailed
from zet.instrument import Instrument
from zet.models import Casus, Gemeente
from zet.rules import catalog
from zet.services.analyse import SETTINGS, elements_frame
from zet.services.casussen import list_casussen
from zet.services.dataset import citaten_frame, scores_frame


def bevindingen_problems(instrument: Instrument, values: dict) -> dict[str, str]:
    """Per field (knelpunten, wat_gaat_goed, synthese-<code>) what is wrong; only the fields
    present in ``values`` are looked at."""
    errors = {}
    for rule in catalog.BEVINDINGEN:
        message = rule.problem(values.get(rule.field)) if rule.field in values else None
        if message:
            errors[rule.field] = message
    for code, text in (values.get("synthese") or {}).items():
        element = instrument.element(code)
        if element is None:
            errors[f"synthese-{code}"] = (f"Onbekend element '{code}': dit instrument (versie "
                                          f"{instrument.version}) kent alleen "
                                          f"{', '.join(instrument.codes)}.")
            continue
        message = catalog.SYNTHESE.labelled(f"Synthese bij {element.name}").problem(text)
        if message:
            errors[f"synthese-{code}"] = message
    return errors


def stored_synthese(instrument: Instrument, synthese: dict, stored: dict | None = None
                    ) -> dict[str, str]:
    """The synthesis as stored: cleaned, empty texts left out, in instrument order; the texts
    of ``stored`` about elements of another instrument version are kept as they are."""
    texts = {code: catalog.SYNTHESE.clean(text) for code, text in (synthese or {}).items()}
    kept = {code: text for code, text in (stored or {}).items() if instrument.element(code) is None}
    return {**{code: texts[code] for code in instrument.codes if texts.get(code)}, **kept}


def save_bevindingen(session: Session, instrument: Instrument, casus: Casus,
                     values: dict) -> Casus:
    """Store knelpunten, wat_gaat_goed and synthese ({element code: text}) as far as they are
    in ``values``; raises ValidationFailed (nothing stored) when any of them is wrong."""
    errors = bevindingen_problems(instrument, values)
    if errors:
        raise ValidationFailed(errors)
    for rule in catalog.BEVINDINGEN:
        if rule.field in values:
            setattr(casus, rule.field, rule.clean(values[rule.field]) or None)
    if "synthese" in values:
        casus.synthese = stored_synthese(instrument, values["synthese"], casus.synthese)
    session.add(casus)
    session.flush()
    return casus


@dataclass(frozen=True)
class MatrixCell:
    """One casus x element of the consolidation matrix."""
    casusscore: float | None
    oordeel: str
    afwijkend: bool
    synthese: str
    n_citaten: int


@dataclass(frozen=True)
class ConsolidatieMatrix:
    """Werkzame elementen (rows) x casussen (columns), as researchers know a framework matrix."""
    casussen: list[tuple[int, str, bool]]          # id, code, compleet
    rows: list[tuple[str, list[MatrixCell]]]       # element code, one cell per casus


def consolidatie_matrix(session: Session, scope: Scope, instrument: Instrument,
                        gemeente: Gemeente) -> ConsolidatieMatrix:
    """Every casus of the gemeente (also those without scores) against every element: the
    casusscore, whether the perspectives differ, the synthesis written so far and how many
    quotes back it."""
    casussen = list_casussen(session, scope, gemeente.id)
    long = scores_frame(session, scope, gemeente_ids=(gemeente.id,), toelichting=False)
    scores: dict[tuple[str, str], dict] = {}
    compleet: set[str] = set()
    if not long.empty:
        schema = analysis.analyseschema(long, elements_frame(instrument), SETTINGS,
                                        toelichting=False)
        for row in schema[["casus", "element", "casusscore", "oordeel", "afwijkend"]].to_dict(
                "records"):
            scores[(row["casus"], str(row["element"]))] = row
        table = analysis.casus_completeness(long)
        compleet = set(table.loc[table["compleet"], "casus"])
    quotes = citaten_frame(session, scope, gemeente_ids=(gemeente.id,))
    n_quotes = quotes.groupby(["casus", "element"]).size().to_dict() if len(quotes) else {}
    rows = []
    for code in instrument.codes:
        cells = []
        for casus in casussen:
            found = scores.get((casus.code, code), {})
            score = found.get("casusscore")
            cells.append(MatrixCell(
                casusscore=None if score is None or score != score else float(score),
                oordeel=found.get("oordeel") or "", afwijkend=bool(found.get("afwijkend")),
                synthese=(casus.synthese or {}).get(code, ""),
                n_citaten=int(n_quotes.get((casus.code, code), 0))))
        rows.append((code, cells))
    return ConsolidatieMatrix([(c.id, c.code, c.code in compleet) for c in casussen], rows)
