"""The fictional demo dataset: two gemeenten, three casussen each in 2026 (Duinwijk also three
in an earlier round, 2024), every perspective filled, the findings of each 2026 casus, quotes that
say who said them and whether a report may quote them, five verbeteracties of Duinwijk in
different states, and an eindanalyse of each Duinwijk round (agreed oordelen, two of them other
than computed, with their reasons, linked to casussen and quotes). Three Duinwijk dossiers of
2026 were rated twice, by independent raters with pseudonymous codes (double rating), so the page
Overeenstemming and the workbook's agreement sheet have figures to show.

All names are invented pseudonyms. Loading twice changes nothing: existing casussen are skipped.
"""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

from zet.instrument import Instrument
from zet.rules import catalog, parse_answer
from zet.services.bevindingen import save_bevindingen
from zet.services.casussen import find_casus, save_casus
from zet.services.dubbel import save_second_rating
from zet.services.eindanalyse import find_eindanalyse, save_eindanalyse
from zet.services.gemeenten import find_gemeente_by_name, save_gemeente, save_onderzoek
from zet.services.perspectieven import PerspectiefInput, save_perspectief
from zet.services.verbeteracties import add_voortgang, find_actie, save_actie

DEMO_FILE = Path(__file__).parent / "demo.json"
DATE_KEYS = ("periode_start", "periode_eind", "datum_aanmelding", "datum_eerste_contact",
             "datum_start_hulp", "datum", "toestemming_datum", "start", "deadline", "evaluatie")


def _dates(item: dict) -> dict:
    return {k: (date.fromisoformat(v) if k in DATE_KEYS and v else v) for k, v in item.items()}


def load_demo(session: Session, instrument: Instrument, path: Path = DEMO_FILE) -> int:
    """Add what is missing of the demo; returns the number of casussen added."""
    data = json.loads(path.read_text(encoding="utf-8"))
    added = 0
    for raw_gemeente in data["gemeenten"]:
        gemeente = find_gemeente_by_name(session, raw_gemeente["naam"]) or save_gemeente(
            session, raw_gemeente)
        onderzoeken = {o.titel: o for o in gemeente.onderzoeken}
        for raw in raw_gemeente.get("onderzoeken", []):
            if raw["titel"] not in onderzoeken:
                onderzoeken[raw["titel"]] = save_onderzoek(session, gemeente, _dates(raw))
        for raw_casus in raw_gemeente["casussen"]:
            if find_casus(session, gemeente, raw_casus["code"]) is not None:
                continue
            values = _dates(raw_casus)
            onderzoek = onderzoeken.get(values.pop("onderzoek", None))
            values["onderzoek_id"] = onderzoek.id if onderzoek else None
            perspectives = values.pop("perspectieven")
            findings = {key: values.pop(key) for key in ("knelpunten", "wat_gaat_goed",
                                                         "synthese") if key in values}
            casus = save_casus(session, gemeente, values)
            save_bevindingen(session, instrument, casus, findings)
            for raw_perspective in perspectives:
                perspectief = save_perspectief(session, instrument, casus,
                                               _perspective_input(raw_perspective), final=True)
                _add_second_rating(session, instrument, perspectief, raw_perspective)
            added += 1
        for raw in raw_gemeente.get("verbeteracties", []):
            if find_actie(session, gemeente, raw["titel"]) is None:
                _add_actie(session, instrument, gemeente, onderzoeken, raw)
        for raw in raw_gemeente.get("eindanalyses", []):
            onderzoek = onderzoeken[raw["onderzoek"]]
            if find_eindanalyse(session, onderzoek, date.fromisoformat(raw["datum"])) is None:
                _add_eindanalyse(session, instrument, gemeente, onderzoek, raw)
    session.flush()
    return added


def _add_eindanalyse(session: Session, instrument: Instrument, gemeente, onderzoek,
                     raw: dict) -> None:
    """The demo names casussen by code; the service takes their ids."""
    session.flush()
    ids = {casus.code: casus.id for casus in gemeente.casussen}
    elementen = {code: {**item, "casussen": [ids[c] for c in item.get("casussen", [])],
                        "citaten": [{"casus": ids[q["casus"]], "tekst": q["tekst"]}
                                    for q in item.get("citaten", [])]}
                 for code, item in raw["elementen"].items()}
    save_eindanalyse(session, instrument, onderzoek, {
        "datum": date.fromisoformat(raw["datum"]), "deelnemers": raw["deelnemers"],
        "samenvatting": raw["samenvatting"], "elementen": elementen})


def _add_actie(session: Session, instrument: Instrument, gemeente, onderzoeken: dict,
               raw: dict) -> None:
    values = _dates(raw)
    notes = values.pop("voortgang", [])
    onderzoek = onderzoeken.get(values.pop("onderzoek", None))
    values["onderzoek_id"] = onderzoek.id if onderzoek else None
    actie = save_actie(session, instrument, gemeente, values)
    for note in notes:
        add_voortgang(session, actie, date.fromisoformat(note["datum"]), note["tekst"])


def _add_second_rating(session: Session, instrument: Instrument, perspectief,
                       raw: dict) -> None:
    """The first rater's code and, where the demo has one, the independent second rating."""
    if raw.get("beoordelaar"):
        perspectief.beoordelaar = catalog.BEOORDELAAR.require(raw["beoordelaar"])
    second = raw.get("tweede_beoordeling")
    if second:
        items = second["scores"].items()
        save_second_rating(session, instrument, perspectief, beoordelaar=second["beoordelaar"],
                           answers={code: parse_answer(item.get("score")) for code, item in items},
                           toelichtingen={code: item.get("toelichting", "") for code, item in items},
                           final=True)


def _perspective_input(raw: dict) -> PerspectiefInput:
    raw = _dates(raw)
    data = PerspectiefInput(
        soort=raw["soort"], rol=raw.get("rol", ""), datum=raw.get("datum"),
        afnemer=raw.get("afnemer"), geinterviewde=raw.get("geinterviewde"),
        toestemming=bool(raw.get("toestemming_datum")),
        toestemming_datum=raw.get("toestemming_datum"),
        toestemming_vorm=raw.get("toestemming_vorm"))
    for code, item in raw.get("scores", {}).items():
        data.answers[code] = parse_answer(item.get("score"))
        data.toelichtingen[code] = item.get("toelichting", "")
    data.citaten = [{"element_code": c.get("element"), "tekst": c["tekst"],
                     "bron": c.get("bron", ""), "spreker": c.get("spreker", ""),
                     "soort": c.get("soort"), "citeerbaar": c.get("citeerbaar", False)}
                    for c in raw.get("citaten", [])]
    return data
