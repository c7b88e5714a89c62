"""The CSV bundle for R and SPSS: one zip with data.csv and a CSV per facts table.

Every file as the long CSV: UTF-8 with BOM, semicolons, a leading apostrophe before text a
spreadsheet would read as a formula (undone on import). Dates as dd-mm-jjjj, lists inside a
cell separated by ','. LEESMIJ.txt explains the files and their columns; the bundle imports back
into ZET like the workbook.
"""
from __future__ import annotations

import io
import zipfile
from datetime import date

import pandas as pd

from zet.export.csv import csv_bytes
from zet.interchange import DATA_FILE, INSTRUMENT_FILE, LIST_SEPARATOR, README_FILE, REGISTERS

README = """ZET-export als CSV-bundel
=========================

Geëxporteerd op {datum}. Instrumentversie {versie}.

Alle bestanden: UTF-8 met BOM, scheidingsteken puntkomma (;), eerste rij = kolomnamen.
Datums als dd-mm-jjjj. Meerdere waarden in één cel (beperkingen, leefgebieden) staan achter
elkaar met '{lijst}' ertussen. Een tekst die in een rekenblad als formule zou worden gelezen,
begint met een apostrof ('); ZET haalt die bij een import weer weg.

Bestanden
- {data}: één rij per antwoord (gemeente, onderzoek, casus, doelgroep, perspectief, rol, element,
  score, toelichting, status, beoordelaar, beoordeling). score is 1-5, nvt, onbekend of leeg.
  Een perspectief dat twee keer los is beoordeeld, heeft rijen van beide beoordelingen:
  beoordeling 1 is de eerste (die de analyse van ZET gebruikt), 2 de tweede. Tel voor scores
  per casus alleen beoordeling 1; beoordelaar is de pseudonieme code van wie beoordeelde.
- gemeenten.csv: grootteklasse en organisatie van de toegang per gemeente.
- onderzoeken.csv: titel, periode en focus van elk onderzoek.
- casussen.csv: de gegevens van elke casus, ook van casussen zonder scores.
- perspectieven.csv: per perspectief de status, datum, afnemer, wie is geïnterviewd,
  toestemming, rol en instrumentversie.
- citaten.csv: alle citaten, met het werkzaam element (code, of leeg), wie het zei (spreker),
  of het een knelpunt of succesfactor laat zien (soort) en of een rapport het mag citeren.
- synthese.csv: per casus en werkzaam element de synthese van de onderzoeker.
- verbeteracties.csv: de afgesproken verbeteracties per gemeente (elementen, niveau, eigenaar,
  start, deadline, evaluatie, status); voortgang.csv: hun voortgang, op datum.
- eindanalyses.csv: per eindanalyse (onderzoek en datum) het aantal deelnemers per discipline
  en de samenvatting; eindanalyse_elementen.csv: per werkzaam element de prioriteit, het
  berekende oordeel (ter informatie, een import leest het niet), het afgesproken oordeel, de
  reden en de conclusie; eindanalyse_onderbouwing.csv: de casussen (citaat leeg) en citaten
  die een conclusie onderbouwen.
- {instrument}: de werkzame elementen (code en naam).

In R: read.csv2("casussen.csv", fileEncoding = "UTF-8-BOM"); datums met
as.Date(x, "%d-%m-%Y"). In SPSS: GET DATA /TYPE=TXT /DELIMITERS=";" /ARRANGEMENT=DELIMITED
/FIRSTCASE=2.

Dit bestand kan als geheel (de zip) weer in ZET worden geïmporteerd. De kolommen staan
beschreven in docs/importformaat.md.
"""


def build_bundle(data_csv: bytes, registers: dict[str, pd.DataFrame], instrument, *,
                 exported_on: date) -> bytes:
    """The zip: data.csv (the long CSV, already built), one file per register, the element list
    and LEESMIJ.txt."""
    elements = pd.DataFrame({"code": [e.code for e in instrument.elements],
                             "naam": [e.name for e in instrument.elements]})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(README_FILE, README.format(
            datum=exported_on.strftime("%d-%m-%Y"), versie=instrument.version,
            lijst=LIST_SEPARATOR, data=DATA_FILE, instrument=INSTRUMENT_FILE).encode("utf-8"))
        archive.writestr(DATA_FILE, data_csv)
        for register in REGISTERS:
            archive.writestr(register.file, csv_bytes(registers[register.name]))
        archive.writestr(INSTRUMENT_FILE, csv_bytes(elements))
    return buffer.getvalue()
