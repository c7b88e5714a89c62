"""The interchange format beyond the scores: the facts sheets of the workbook and the files of
the CSV bundle, defined once for the export that writes them and the import that reads them.

Each register is one table with one row per gemeente, onderzoek, casus, perspective or quote,
named by the same readable keys as the Data sheet (gemeente name, onderzoek title, casus code,
perspective and rol), so a researcher can read and edit it in Excel, R or SPSS.
docs/importformaat.md describes every column.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from zet.vocabulary import DISCIPLINES, LEEFGEBIEDEN

LIST_SEPARATOR = ","          # between values in one cell (beperkingen, leefgebieden)
YES, NO = "ja", "nee"
DATE_FORMAT = "%d-%m-%Y"       # dates in the CSV bundle; the workbook writes date cells
DATA_FILE = "data.csv"
README_FILE = "LEESMIJ.txt"
INSTRUMENT_FILE = "instrument.csv"


def vraag_column(gebied: str) -> str:
    """The column with the question on one leefgebied: 'vraag_werk_dagbesteding' (letters,
    digits and underscores only, so R and SPSS take it as a variable name)."""
    ascii_text = unicodedata.normalize("NFKD", gebied).encode("ascii", "ignore").decode()
    return "vraag_" + re.sub(r"[^a-z0-9]+", "_", ascii_text.lower()).strip("_")


VRAAG_COLUMNS = {vraag_column(gebied): gebied for gebied in LEEFGEBIEDEN}


@dataclass(frozen=True)
class Register:
    """One facts table: its sheet in the workbook, its file in the bundle, its columns (the
    first ones name the row: ``key``)."""
    name: str
    sheet: str
    file: str
    key: tuple[str, ...]
    columns: tuple[str, ...]
    rows_noun: str = ""   # what a count of its rows is called in a report (default: name)

    @property
    def noun(self) -> str:
        return self.rows_noun or self.name


GEMEENTEN = Register("gemeenten", "Gemeentegegevens", "gemeenten.csv", ("gemeente",),
                     ("gemeente", "grootteklasse", "toegang"))
ONDERZOEKEN = Register("onderzoeken", "Onderzoeken", "onderzoeken.csv", ("gemeente", "onderzoek"),
                       ("gemeente", "onderzoek", "periode_start", "periode_eind", "focus"))
CASUSSEN = Register("casussen", "Casussen", "casussen.csv", ("gemeente", "casus"),
                    ("gemeente", "casus", "onderzoek", "doelgroep", "wet", "levensfase",
                     "beperkingen", "leefgebieden", *VRAAG_COLUMNS, "hulpvraag",
                     "knelpunten", "wat_gaat_goed", "datum_aanmelding", "datum_eerste_contact", "datum_start_hulp",
                     "indicatie_maanden", "wisselingen_contactpersoon", "status"))
PERSPECTIEVEN = Register("perspectieven", "Perspectieven", "perspectieven.csv",
                         ("gemeente", "casus", "perspectief", "rol"),
                         ("gemeente", "casus", "perspectief", "rol", "status", "datum", "afnemer",
                          "geinterviewde", "toestemming", "toestemming_datum", "toestemming_vorm",
                          "instrumentversie"))
CITATEN = Register("citaten", "Citaten", "citaten.csv",
                   ("gemeente", "casus", "perspectief", "rol"),
                   ("gemeente", "casus", "perspectief", "rol", "element", "tekst", "bron",
                    "spreker", "soort", "citeerbaar"))
SYNTHESE = Register("synthese", "Synthese", "synthese.csv", ("gemeente", "casus", "element"),
                    ("gemeente", "casus", "element", "tekst"), rows_noun="regels synthese")
VERBETERACTIES = Register("verbeteracties", "Verbeteracties", "verbeteracties.csv",
                          ("gemeente", "titel"),
                          ("gemeente", "titel", "onderzoek", "omschrijving", "elementen", "niveau",
                           "eigenaar", "nodig", "start", "deadline", "evaluatie", "status"))
VOORTGANG = Register("voortgang", "Voortgang", "voortgang.csv", ("gemeente", "titel"),
                     ("gemeente", "titel", "datum", "tekst"), rows_noun="regels voortgang")
# The eindanalyse: one row per session (named by onderzoek and date), one per element the
# session agreed on, and one per casus or quote that supports an element (a row without citaat
# links the casus itself), so no cell holds a list of free-text names.
DEELNEMER_COLUMNS = {f"deelnemers_{code}": code for code in DISCIPLINES}
_SESSIE = ("gemeente", "onderzoek", "datum")
EINDANALYSES = Register("eindanalyses", "Eindanalyses", "eindanalyses.csv", _SESSIE,
                        (*_SESSIE, *DEELNEMER_COLUMNS, "samenvatting"))
EINDANALYSE_ELEMENTEN = Register(
    "eindanalyse_elementen", "Eindanalyse per element", "eindanalyse_elementen.csv",
    (*_SESSIE, "element"),
    (*_SESSIE, "element", "prioriteit", "berekend_oordeel", "oordeel", "reden", "conclusie"),
    rows_noun="regels eindanalyse per element")
EINDANALYSE_ONDERBOUWING = Register(
    "eindanalyse_onderbouwing", "Eindanalyse onderbouwing", "eindanalyse_onderbouwing.csv",
    (*_SESSIE, "element", "casus"), (*_SESSIE, "element", "casus", "citaat"),
    rows_noun="regels onderbouwing")
EINDANALYSE_REGISTERS = (EINDANALYSES, EINDANALYSE_ELEMENTEN, EINDANALYSE_ONDERBOUWING)
REGISTERS = (GEMEENTEN, ONDERZOEKEN, CASUSSEN, PERSPECTIEVEN, CITATEN, SYNTHESE, VERBETERACTIES,
             VOORTGANG, *EINDANALYSE_REGISTERS)
REGISTER_BY_NAME = {register.name: register for register in REGISTERS}
DATE_COLUMNS = frozenset({"periode_start", "periode_eind", "datum_aanmelding",
                          "datum_eerste_contact", "datum_start_hulp", "datum",
                          "toestemming_datum", "start", "deadline", "evaluatie"})
NUMBER_COLUMNS = frozenset({"indicatie_maanden", "wisselingen_contactpersoon", "prioriteit",
                            *DEELNEMER_COLUMNS})
