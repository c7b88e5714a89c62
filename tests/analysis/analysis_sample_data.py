"""A small hand-made long frame for the analysis tests (expectations are computed by hand in the tests).

Amberdam (onderzoek R1): A1 jeugd (two professionals, nvt, onbekend), A2 volwassenen (no dossier,
an empty professional answer), A3 jeugd (professional without rol).
Bergveld (no onderzoek): B1 volwassenen, one casus only.
Element order VRA, CON, INT is deliberately not alphabetical.
"""

import pandas as pd

ELEMENTS = pd.DataFrame(
    {
        "code": ["VRA", "CON", "INT"],
        "name": ["Vraagverheldering", "Continuïteit", "Integraal plan"],
    }
)
ORDER = ["VRA", "CON", "INT"]

COLUMNS = ["gemeente", "onderzoek", "casus", "doelgroep", "perspectief", "rol", "element", "antwoord", "toelichting"]


def _rows(gemeente, onderzoek, casus, doelgroep, perspectief, rol, answers, notes=None):
    notes = notes or {}
    return [
        (gemeente, onderzoek, casus, doelgroep, perspectief, rol, element, answer, notes.get(element, ""))
        for element, answer in answers.items()
    ]


def sample_long() -> pd.DataFrame:
    rows = []
    # Dossier first and begeleider before consulent: toelichting must still come out inwoner,
    # professionals (row order), dossier.
    rows += _rows("Amberdam", "R1", "A1", "jeugd", "dossier", "", {"VRA": "4", "CON": "onbekend", "INT": "1"},
                  {"VRA": "Verslag aanwezig"})
    rows += _rows("Amberdam", "R1", "A1", "jeugd", "inwoner", "", {"VRA": "4", "CON": "2", "INT": "nvt"},
                  {"VRA": "Goed gesprek", "CON": "Steeds iemand anders"})
    rows += _rows("Amberdam", "R1", "A1", "jeugd", "professional", "begeleider", {"VRA": "3", "CON": "1", "INT": "onbekend"},
                  {"CON": "Wisselingen"})
    rows += _rows("Amberdam", "R1", "A1", "jeugd", "professional", "consulent", {"VRA": "5", "CON": "3", "INT": "2"},
                  {"VRA": "Breed uitgevraagd", "CON": "Drie consulenten"})
    rows += _rows("Amberdam", "R1", "A2", "volwassenen", "inwoner", "", {"VRA": "5", "CON": "1", "INT": "3"})
    rows += _rows("Amberdam", "R1", "A2", "volwassenen", "professional", "consulent", {"VRA": "3", "CON": "4", "INT": ""})
    rows += _rows("Amberdam", "R1", "A3", "jeugd", "inwoner", "", {"VRA": "3", "CON": "4", "INT": "2"})
    rows += _rows("Amberdam", "R1", "A3", "jeugd", "professional", "", {"VRA": "4", "CON": "4", "INT": "3"},
                  {"INT": "Zonder rol"})
    rows += _rows("Amberdam", "R1", "A3", "jeugd", "dossier", "", {"VRA": "2", "CON": "3", "INT": "onbekend"})
    rows += _rows("Bergveld", None, "B1", "volwassenen", "inwoner", "", {"VRA": "2", "CON": "5", "INT": "4"})
    rows += _rows("Bergveld", None, "B1", "volwassenen", "professional", "wijkcoach", {"VRA": "2", "CON": "5", "INT": "4"})
    rows += _rows("Bergveld", None, "B1", "volwassenen", "dossier", "", {"VRA": "1", "CON": "5", "INT": "nvt"})
    return pd.DataFrame(rows, columns=COLUMNS)
