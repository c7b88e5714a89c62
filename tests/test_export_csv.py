"""The long CSV for R, SPSS and Dutch Excel: BOM, semicolons, formula guard, anonymity."""
from __future__ import annotations

import io
from datetime import date

import pandas as pd
import pytest

from tests.export_helpers import FORMULA_TEXTS, make_export_dataset
from zet.access import ALL
from zet.export import long_csv
from zet.export.service import export_bytes
from zet.models import Score

HEADER = "gemeente;onderzoek;casus;doelgroep;perspectief;rol;element;score;toelichting;status;beoordelaar;beoordeling"


@pytest.fixture
def dataset(session, instrument):
    return make_export_dataset(session, instrument)


def csv_export(session, instrument, **options):
    return export_bytes(session, ALL, instrument, fmt="csv", today=date(2026, 11, 23), **options)


def read(data: bytes) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(data), sep=";", dtype=str, keep_default_na=False,
                       encoding="utf-8-sig")


def test_csv_has_bom_semicolons_and_the_import_header(session, instrument, dataset):
    filename, data, mimetype = csv_export(session, instrument)
    assert filename == "zet-data-2026-11-23.csv"
    assert mimetype.startswith("text/csv")
    assert data.startswith(b"\xef\xbb\xbf")
    assert data[3:].decode("utf-8").split("\r\n", 1)[0] == HEADER
    frame = read(data)
    assert len(frame) == session.query(Score).count()
    assert {"1", "2", "3", "4", "5", "nvt", "onbekend"} >= set(frame["score"])
    assert {"nvt", "onbekend"} <= set(frame["score"])


def test_csv_guards_text_that_a_spreadsheet_would_run_as_a_formula(session, instrument,
                                                                   dataset):
    frame = read(csv_export(session, instrument)[1])
    toelichtingen = set(frame["toelichting"])
    for text in FORMULA_TEXTS:
        assert "'" + text in toelichtingen
        assert text not in toelichtingen
    assert "Niet van toepassing voor dit gezin." in toelichtingen  # plain text untouched


def test_anonymised_csv_names_no_gemeente_and_has_no_toelichting(session, instrument, dataset,
                                                                 export_of_tiny_groups):
    filename, data, _ = csv_export(session, instrument, anonymous=True)
    assert filename == "zet-data-anoniem-2026-11-23.csv"
    text = data.decode("utf-8-sig")
    assert "Testdorp" not in text and "Anderstad" not in text
    frame = read(data)
    assert set(frame["gemeente"]) == {"Gemeente A", "Gemeente B"}
    assert set(frame["toelichting"]) == {""}
    from zet.access import ALL
    from zet.services.dataset import anonymous_labels
    testdorp = anonymous_labels(session, ALL)["Gemeente Testdorp"].removeprefix("Gemeente ")
    anderstad = "B" if testdorp == "A" else "A"   # Testdorp has two casussen, Anderstad one
    assert set(frame["casus"]) == {f"{anderstad}-01", f"{testdorp}-01", f"{testdorp}-02"}


def test_long_csv_keeps_the_score_of_every_row():
    long = pd.DataFrame({"gemeente": ["G"] * 3, "onderzoek": [None] * 3, "casus": ["C"] * 3,
                         "doelgroep": ["jeugd"] * 3, "perspectief": ["inwoner"] * 3,
                         "rol": [""] * 3, "element": ["E1", "E2", "E3"],
                         "antwoord": ["3", "nvt", ""], "toelichting": ["a;b \"c\"", "", "-"]})
    frame = read(long_csv(long))
    assert list(frame["score"]) == ["3", "nvt", ""]
    assert list(frame["toelichting"]) == ["a;b \"c\"", "", "'-"]


def test_the_csv_guard_and_its_undoing_give_back_every_text():
    from zet.export.cells import needs_guard, unguard
    texts = ["=1+1", "'=al met apostrof", "''-twee apostroffen", "'gewoon citaat", "+31 tekst",
             "@noemer", "gewone tekst", "'", ""]
    for text in texts:
        written = "'" + text if needs_guard(text) else text
        assert unguard(written) == text, (text, written)
    assert needs_guard("=1+1") and not needs_guard("'gewoon citaat")
