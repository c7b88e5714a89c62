"""A small dataset for the export tests, with hand-computed results.

Gemeente Testdorp
  T-01 (jeugd), element e0 / e1 / e2:
    inwoner                   3 / nvt      / 4
    professional consulent    2 / 3        / -
    professional begeleider   4 / onbekend / -
    dossier                   5 / 1        / -
    casusscore e0 = (3 + (2+4)/2 + 5) / 3 = 11/3, verschil 2
    casusscore e1 = (3 + 1) / 2 = 2, verschil 2;  e2 = 4
  T-02 (volwassenen), no dossier (a missing perspective):
    inwoner 1 / 5;  professional consulent 2 / -
    casusscore e0 = 1.5, e1 = 5
  gemeentescore e0 = (11/3 + 1.5) / 2 = 31/12, e1 = 3.5, e2 = 4
Gemeente Anderstad
  A-01 (jeugd): inwoner 5, dossier 5 on e0 -> casusscore and gemeentescore 5
"""
from __future__ import annotations

import io
import zipfile

from openpyxl import load_workbook

from tests.helpers import make_casus, make_gemeente
from zet.rules import parse_answer
from zet.services.perspectieven import PerspectiefInput, save_perspectief

FORMULA_TEXTS = ('=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)")
QUOTE = "Ik werd steeds weer doorverwezen."
GEMEENTESCORE_E0 = 31 / 12


def _save(session, instrument, casus, soort, answers, rol="", toelichtingen=None, citaten=()):
    codes = instrument.codes
    data = PerspectiefInput(soort=soort, rol=rol)
    for index, raw in answers.items():
        data.answers[codes[index]] = parse_answer(raw)
    for index, text in (toelichtingen or {}).items():
        data.toelichtingen[codes[index]] = text
    data.citaten = [{"element_code": codes[index], "tekst": text, "bron": "inwoner"}
                    for index, text in citaten]
    save_perspectief(session, instrument, casus, data)


def make_export_dataset(session, instrument) -> dict:
    """The dataset of the module docstring; returns the gemeenten and casussen."""
    testdorp = make_gemeente(session, "Gemeente Testdorp")
    anderstad = make_gemeente(session, "Gemeente Anderstad")
    t01 = make_casus(session, testdorp, "T-01", "jeugd")
    t02 = make_casus(session, testdorp, "T-02", "volwassenen")
    a01 = make_casus(session, anderstad, "A-01", "jeugd")
    first, plus, minus, at = FORMULA_TEXTS
    _save(session, instrument, t01, "inwoner", {0: "3", 1: "nvt", 2: "4"},
          toelichtingen={0: first, 1: "Niet van toepassing voor dit gezin."},
          citaten=[(0, QUOTE)])
    _save(session, instrument, t01, "professional", {0: "2", 1: "3"}, rol="consulent",
          toelichtingen={0: plus})
    _save(session, instrument, t01, "professional", {0: "4", 1: "onbekend"}, rol="begeleider",
          toelichtingen={0: minus})
    _save(session, instrument, t01, "dossier", {0: "5", 1: "1"}, toelichtingen={0: at})
    _save(session, instrument, t02, "inwoner", {0: "1", 1: "5"})
    _save(session, instrument, t02, "professional", {0: "2"}, rol="consulent")
    _save(session, instrument, a01, "inwoner", {0: "5"})
    _save(session, instrument, a01, "dossier", {0: "5"})
    session.commit()
    return {"testdorp": testdorp, "anderstad": anderstad, "t01": t01, "t02": t02, "a01": a01}


def open_workbook(data: bytes):
    return load_workbook(io.BytesIO(data))


def rows(ws) -> list[tuple]:
    return list(ws.iter_rows(values_only=True))


def all_cells(workbook):
    for ws in workbook.worksheets:
        for row in ws.iter_rows():
            yield from row


def media(data: bytes) -> list[str]:
    return [n for n in zipfile.ZipFile(io.BytesIO(data)).namelist()
            if n.startswith("xl/media/") and n.endswith(".png")]
