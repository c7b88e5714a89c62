"""One export use case for the download route and the CLI: read the scoped frames, build bytes."""
from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy.orm import Session

import analysis

from zet.access import Scope, get_gemeente
from zet.errors import NotFound
from zet.export.bundle import build_bundle
from zet.export.csv import long_csv
from zet.export.registers import register_tables
from zet.export.tables import with_second_ratings
from zet.export.workbook import build_workbook
from zet.progress import Progress, silent
from zet.instrument import Instrument
from zet.rules.names import file_slug
from zet.services.analyse import SETTINGS
from zet.services.dataset import (anonymous_labels, beoordelaars_frame, casussen_frame,
                                  citaten_frame, eindanalyse_frames, gemeenten_frame,
                                  of_casussen, onderzoeken_frame, perspectieven_frame,
                                  ratings_frame, scores_frame, synthese_frame,
                                  verbeteracties_frame, voortgang_frame, with_beoordelaar)
from zet.services.overeenstemming import of_pairs, rating_pairs
from zet.services.gemeenten import find_gemeente_by_name, list_gemeenten
from zet.services.rondes import anonymous_ronde_names

FORMATS = {
    "xlsx": ("zet-export", "xlsx",
             "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "csv": ("zet-data", "csv", "text/csv; charset=utf-8"),
    "zip": ("zet-bundel", "zip", "application/zip"),
}


def export_bytes(session: Session, scope: Scope, instrument: Instrument, *,
                 gemeente_ids=None, anonymous: bool = False, fmt: str = "xlsx",
                 alleen_compleet: bool = False, today: date | None = None,
                 progress: Progress = silent) -> tuple[str, bytes, str]:
    """(filename, bytes, mimetype) of the workbook ('xlsx'), the long CSV ('csv') or the CSV
    bundle ('zip': the long CSV and the facts tables) of the gemeenten in ``scope`` (all of
    them, or ``gemeente_ids``). A gemeente id outside the scope raises NotFound, as everywhere
    else. Anonymised exports leave the facts tables out: they are one-way; their labels come
    from every gemeente exported, whatever the filter leaves. alleen_compleet keeps only the
    complete casussen (analysis.only_complete) in every sheet about casussen. progress hears
    how far the workbook is."""
    if fmt not in FORMATS:
        raise ValueError(f"Onbekend exportformaat '{fmt}': kies xlsx, csv of zip.")
    if fmt == "zip" and (anonymous or alleen_compleet):
        raise ValueError("Een CSV-bundel bevat altijd alle gegevens; kies csv voor een "
                         "geanonimiseerde export of een export van alleen complete casussen.")
    today = today or date.today()
    gemeenten = [get_gemeente(session, scope, int(i)) for i in gemeente_ids or ()]
    ids = tuple(g.id for g in gemeenten) or None
    long = scores_frame(session, scope, gemeente_ids=ids)
    if alleen_compleet:
        long = analysis.only_complete(long)
    prefix, extension, mimetype = FORMATS[fmt]
    complete = not anonymous and fmt != "csv"   # the long CSV holds the scores only
    citaten = citaten_frame(session, scope, gemeente_ids=ids) if complete else None
    if citaten is not None and alleen_compleet:
        citaten = of_casussen(citaten, long)
    labels = anonymous_labels(session, scope, gemeente_ids=ids) if anonymous else None
    rondes = anonymous_ronde_names(session, scope, gemeente_ids=ids) if anonymous else None
    registers = facts_tables(session, scope, ids, citaten,
                             casussen_of=long if alleen_compleet else None) if complete else None
    rows = None if anonymous else data_rows(session, scope, ids, long)
    if fmt == "csv" and not anonymous:
        data = long_csv(rows, elements=instrument.codes)
    elif fmt == "csv":
        data = long_csv(long, anonymous=anonymous, elements=instrument.codes, labels=labels,
                        rondes=rondes, settings=SETTINGS)
    elif fmt == "zip":
        data = build_bundle(long_csv(rows, elements=instrument.codes), registers, instrument,
                            exported_on=today)
    else:
        data = build_workbook(long, citaten, instrument, anonymous=anonymous,
                              filters_description=_describe(gemeenten, anonymous,
                                                            alleen_compleet),
                              settings=SETTINGS, exported_on=today, registers=registers,
                              labels=labels, rondes=rondes, data=rows,
                              overeenstemming=agreement_of(session, scope, ids, long,
                                                           instrument),
                              progress=progress)
    parts = [prefix]
    if len(gemeenten) == 1 and not anonymous:
        parts.append(file_slug(gemeenten[0].naam))
    if alleen_compleet:
        parts.append("compleet")
    if anonymous:
        parts.append("anoniem")
    parts.append(today.isoformat())
    return "-".join(p for p in parts if p) + "." + extension, data, mimetype


def data_rows(session: Session, scope: Scope, gemeente_ids, long: pd.DataFrame) -> pd.DataFrame:
    """The rows of the Data sheet and the named CSV: ``long`` with each perspective's rater code
    and, after it, the second ratings of its casussen (tables.with_second_ratings), those whose
    two ratings are both definitief: before that a second rating is blind, and stays in ZET."""
    labelled = with_beoordelaar(long, beoordelaars_frame(session, scope,
                                                         gemeente_ids=gemeente_ids))
    second = of_casussen(ratings_frame(session, scope, gemeente_ids=gemeente_ids,
                                       final_only=True), long)
    return with_second_ratings(labelled, second)


def agreement_of(session: Session, scope: Scope, gemeente_ids, long: pd.DataFrame,
                 instrument: Instrument):
    """The agreement figures of the exported casussen (those of ``long``)."""
    pairs = rating_pairs(session, scope, gemeente_ids=gemeente_ids)
    return of_pairs(of_casussen(pairs, long), instrument)


def facts_tables(session: Session, scope: Scope, gemeente_ids, citaten=None,
                 casussen_of=None) -> dict:
    """The facts tables (zet.interchange registers) of the gemeenten in scope, as cells; with
    ``casussen_of`` (a long frame) only the casussen, perspectives and quotes of its casussen."""
    citaten = citaten if citaten is not None else citaten_frame(session, scope,
                                                                gemeente_ids=gemeente_ids)
    per_casus = {"casussen": casussen_frame(session, scope, gemeente_ids=gemeente_ids),
                 "perspectieven": perspectieven_frame(session, scope, gemeente_ids=gemeente_ids),
                 "citaten": citaten.drop(columns=["casus_id"]),
                 "synthese": synthese_frame(session, scope, gemeente_ids=gemeente_ids)}
    eindanalyses = eindanalyse_frames(session, scope, gemeente_ids=gemeente_ids)
    per_casus["eindanalyse_onderbouwing"] = eindanalyses.pop("eindanalyse_onderbouwing")
    if casussen_of is not None:
        per_casus = {name: of_casussen(frame, casussen_of) for name, frame in per_casus.items()}
    return register_tables({
        **eindanalyses,
        "gemeenten": gemeenten_frame(session, scope, gemeente_ids=gemeente_ids),
        "onderzoeken": onderzoeken_frame(session, scope, gemeente_ids=gemeente_ids),
        **per_casus,
        "verbeteracties": verbeteracties_frame(session, scope, gemeente_ids=gemeente_ids),
        "voortgang": voortgang_frame(session, scope, gemeente_ids=gemeente_ids),
    })



def gemeente_ids_by_name(session: Session, scope: Scope, names) -> list[int]:
    """The ids of gemeenten given by name (ignoring case), as the CLI takes them; NotFound with
    the known names for a name that does not exist or lies outside the scope."""
    ids = []
    for naam in names:
        gemeente = find_gemeente_by_name(session, naam)
        if gemeente is None or not scope.allows(gemeente.id):
            known = [g.naam for g in list_gemeenten(session, scope)]
            shown = ", ".join(known[:20]) + (f" en nog {len(known) - 20}" if len(known) > 20 else "")
            raise NotFound(f"Onbekende gemeente '{naam}'. Bekende gemeenten: {shown or 'geen'}.")
        ids.append(gemeente.id)
    return ids


def _describe(gemeenten, anonymous: bool, alleen_compleet: bool = False) -> str:
    if not gemeenten:
        text = "Alle gemeenten waartoe de gebruiker toegang heeft."
    elif anonymous:
        text = f"Een selectie van {len(gemeenten)} gemeente(n) (geanonimiseerd)."
    else:
        text = "Gemeente(n): " + ", ".join(sorted(g.naam for g in gemeenten)) + "."
    if alleen_compleet:
        text += (" Alleen complete casussen (inwoner, minstens één professional en dossier "
                 "definitief).")
    return text
