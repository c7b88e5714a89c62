"""The Excel export: sheets, numbers, formula safety, long texts, anonymity, images, colours."""
from __future__ import annotations

import io
import re
import zipfile
from datetime import date

import pandas as pd
import pytest
from sqlalchemy import update

from analysis.colour_scale import BANDS
from tests.export_helpers import (FORMULA_TEXTS, GEMEENTESCORE_E0, QUOTE, all_cells,
                                  make_export_dataset, media, open_workbook, rows)
from zet.access import ALL, Scope
from zet.errors import NotFound
from zet.export import build_workbook
from zet.export.cells import MAX_CELL_TEXT
from zet.export.service import export_bytes
from zet.export.workbook import sheet_names
from zet.models import Score

SHEETS = ["Gemeenten", "Gemeente Anderstad", "Gemeente Testdorp", "Analyseschema", "Volledigheid",
          "Data", "Overeenstemming", "Gemeentegegevens", "Onderzoeken", "Casussen", "Perspectieven", "Citaten",
          "Synthese", "Verbeteracties", "Voortgang", "Eindanalyses", "Eindanalyse per element",
          "Eindanalyse onderbouwing", "Instrument", "Over deze export"]
DATA_HEADER = ("gemeente", "onderzoek", "casus", "doelgroep", "perspectief", "rol", "element",
               "score", "toelichting", "status", "beoordelaar", "beoordeling")


@pytest.fixture
def dataset(session, instrument):
    return make_export_dataset(session, instrument)


def export(session, instrument, **options):
    filename, data, mimetype = export_bytes(session, ALL, instrument, today=date(2026, 11, 23),
                                            **options)
    return filename, data, mimetype


def by_element(ws) -> dict:
    """Rows of a matrix sheet keyed by the element name in column A."""
    return {row[0].value: row for row in ws.iter_rows(min_row=2) if row[0].value}


def test_workbook_has_the_documented_sheets_in_order(session, instrument, dataset):
    filename, data, mimetype = export(session, instrument)
    assert filename == "zet-export-2026-11-23.xlsx"
    assert mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert open_workbook(data).sheetnames == SHEETS


def test_gemeente_scores_are_numbers_in_instrument_order(session, instrument, dataset):
    workbook = open_workbook(export(session, instrument)[1])
    ws = workbook["Gemeenten"]
    assert rows(ws)[0][:3] == ("Werkzaam element", "Gemeente Anderstad", "Gemeente Testdorp")
    names = [e.name for e in instrument.elements]
    assert [r[0] for r in rows(ws)[1:len(names) + 1]] == names
    first = ws["B2"], ws["C2"]
    assert [c.data_type for c in first] == ["n", "n"]
    assert first[0].value == 5
    assert first[1].value == pytest.approx(GEMEENTESCORE_E0)
    assert ws["C3"].value == pytest.approx(3.5) and ws["C4"].value == pytest.approx(4)
    assert ws["B3"].value is None  # Anderstad has no score on e1
    assert ws.freeze_panes == "B2"


def test_gemeente_sheet_has_casusscores_and_gemiddelde(session, instrument, dataset):
    ws = open_workbook(export(session, instrument)[1])["Gemeente Testdorp"]
    assert rows(ws)[0] == ("Werkzaam element", "T-01", "T-02", "Gemiddelde", "n casussen",
                           "waarvan compleet", "indicatief")
    names = [e.name for e in instrument.elements]
    assert [r[0] for r in rows(ws)[1:len(names) + 1]] == names
    e0, e1, e2 = (by_element(ws)[name] for name in names[:3])
    assert [c.value for c in e0[1:4]] == pytest.approx([11 / 3, 1.5, GEMEENTESCORE_E0])
    assert [c.value for c in e1[1:4]] == pytest.approx([2, 5, 3.5])
    assert e2[1].value == 4 and e2[2].value is None and e2[3].value == 4
    assert all(c.data_type == "n" for c in e0[1:4])
    # The dataset's perspectives are concept: two casussen, none complete, so indicatief.
    assert [c.value for c in e0[4:]] == [2, 0, "ja"]
    assert [c.value for c in e2[4:]] == [1, 0, "ja"]


def test_analyseschema_sheet_has_one_row_per_casus_and_element(session, instrument, dataset):
    ws = open_workbook(export(session, instrument)[1])["Analyseschema"]
    header, *body = rows(ws)
    for column in ("gemeente", "casus", "doelgroep", "element", "inwoner", "professional",
                   "dossier", "casusscore", "verschil", "oordeel", "toelichting", "citaten"):
        assert column in header
    assert len(body) == 3 * len(instrument.elements)
    get = {(r[header.index("casus")], r[header.index("element")]): dict(zip(header, r))
           for r in body}
    codes = instrument.codes
    e0 = get[("T-01", codes[0])]
    assert (e0["inwoner"], e0["professional"], e0["dossier"]) == (3, 3, 5)
    assert e0["casusscore"] == pytest.approx(11 / 3) and e0["verschil"] == 2
    assert e0["oordeel"] == "succesfactor"
    assert e0["toelichting"].startswith('Inwoner: =HYPERLINK("http://x")')
    assert QUOTE in e0["citaten"]
    e1 = get[("T-01", codes[1])]
    assert e1["inwoner"] is None and e1["casusscore"] == 2 and e1["oordeel"] == "knelpunt"
    assert get[("T-02", codes[0])]["dossier"] is None  # the missing perspective
    assert [r[header.index("element")] for r in body[:len(codes)]] == codes


def test_data_sheet_is_the_import_format(session, instrument, dataset):
    ws = open_workbook(export(session, instrument)[1])["Data"]
    header, *body = rows(ws)
    assert header == DATA_HEADER
    assert len(body) == session.query(Score).count()
    scores = [r[7] for r in body]
    assert {"nvt", "onbekend"} <= set(scores)
    numbers = [c for c in ws["H"][1:] if isinstance(c.value, (int, float))]
    assert numbers and all(c.data_type == "n" and 1 <= c.value <= 5 for c in numbers)
    assert {r[6] for r in body} <= set(instrument.codes)
    assert [r[0] for r in body][0] == "Gemeente Anderstad"
    e0, e1, e2 = instrument.codes[:3]
    assert [(r[4], r[5], r[6]) for r in body if r[2] == "T-01"] == [
        ("inwoner", None, e0), ("inwoner", None, e1), ("inwoner", None, e2),
        ("professional", "begeleider", e0), ("professional", "begeleider", e1),
        ("professional", "consulent", e0), ("professional", "consulent", e1),
        ("dossier", None, e0), ("dossier", None, e1)]


def test_formula_like_text_is_never_a_formula_and_reads_back_as_text(session, instrument,
                                                                     dataset):
    workbook = open_workbook(export(session, instrument)[1])
    assert all(cell.data_type != "f" for cell in all_cells(workbook))
    toelichtingen = {c.value: c for c in workbook["Data"]["I"][1:] if c.value}
    for text in FORMULA_TEXTS:
        assert toelichtingen[text].data_type == "s"
        assert toelichtingen[text].quotePrefix


def test_text_over_the_excel_limit_is_cut_with_a_note(session, instrument, dataset):
    session.execute(update(Score).where(Score.toelichting == "+1").values(toelichting="x" * 40_000))
    session.commit()
    workbook = open_workbook(export(session, instrument)[1])
    long_cells = [c.value for c in all_cells(workbook)
                  if isinstance(c.value, str) and len(c.value) > 30_000]
    assert len(long_cells) == 2  # the Data cell and the joined analyseschema toelichting
    data_cell = next(v for v in long_cells if v.startswith("xxx"))
    assert len(data_cell) <= MAX_CELL_TEXT
    removed = int(re.search(r"… \[ingekort: (\d+) tekens weggelaten\]$", data_cell).group(1))
    assert len(data_cell) - len(f"… [ingekort: {removed} tekens weggelaten]") + removed == 40_000
    assert all(len(v) <= MAX_CELL_TEXT and "[ingekort:" in v for v in long_cells)


def test_anonymised_export_names_no_gemeente_and_has_no_toelichting(session, instrument,
                                                                     dataset,
                                                                     export_of_tiny_groups):
    from zet.services.dataset import anonymous_labels
    filename, data, _ = export(session, instrument, anonymous=True)
    assert filename == "zet-export-anoniem-2026-11-23.xlsx"
    workbook = open_workbook(data)
    assert workbook.sheetnames == ["Gemeenten", "Gemeente A", "Gemeente B", "Analyseschema",
                                   "Volledigheid", "Data", "Overeenstemming", "Instrument", "Over deze export"]
    testdorp = anonymous_labels(session, ALL)["Gemeente Testdorp"]   # a random one of A and B
    texts = [str(c.value) for c in all_cells(workbook) if c.value is not None]
    for forbidden in ("Testdorp", "Anderstad", "HYPERLINK", "Niet van toepassing voor", QUOTE):
        assert not any(forbidden.lower() in t.lower() for t in texts), forbidden
    header, *body = rows(workbook["Data"])
    assert all(r[header.index("toelichting")] is None for r in body)
    assert {r[0] for r in body} == {"Gemeente A", "Gemeente B"}
    schema_header = rows(workbook["Analyseschema"])[0]
    assert "toelichting" not in schema_header and "citaten" not in schema_header
    # The labels are the same on every sheet.
    column = "B" if testdorp == "Gemeente A" else "C"
    assert workbook["Gemeenten"][f"{column}1"].value == testdorp
    assert workbook["Gemeenten"][f"{column}2"].value == pytest.approx(GEMEENTESCORE_E0)
    assert workbook[testdorp]["D2"].value == pytest.approx(GEMEENTESCORE_E0)
    about = dict((r[0], r[1]) for r in rows(workbook["Over deze export"]))
    assert about["Geanonimiseerd"] == "ja"


def test_heatmaps_are_embedded_and_cells_carry_a_colour_scale(session, instrument, dataset):
    data = export(session, instrument)[1]
    assert len(media(data)) == 3  # the comparison plus one per gemeente
    # Each picture has alt text that says what it shows and where the values are.
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        drawings = [archive.read(n).decode() for n in archive.namelist()
                    if n.startswith("xl/drawings/drawing") and n.endswith(".xml")]
    descriptions = [d for xml in drawings for d in re.findall(r'descr="([^"]*)"', xml)]
    assert len(descriptions) == 3 and all(d.startswith("Heatmap van de") for d in descriptions)
    assert any("Gemeente Testdorp" in d for d in descriptions)
    workbook = open_workbook(data)
    for name in ("Gemeenten", "Gemeente Anderstad", "Gemeente Testdorp"):
        formatting = list(workbook[name].conditional_formatting)
        assert formatting, name
        rules = sorted(formatting[0].rules, key=lambda rule: rule.priority)
        # The bands of the pages and heatmaps (analysis.colour_scale), first match wins.
        assert [r.type for r in rules] == ["expression"] * len(BANDS)
        assert all(r.stopIfTrue for r in rules)
        assert [r.dxf.fill.bgColor.rgb[-6:].lower() for r in rules] == [
            b.fill.lstrip("#") for b in BANDS]
        assert [r.dxf.font.color.rgb[-6:].lower() for r in rules] == [
            b.ink.lstrip("#") for b in BANDS]
        assert [r.formula[0] for r in rules] == [
            "AND(ISNUMBER(B2),B2<=1.5+1E-9)", "AND(ISNUMBER(B2),B2<=2.0+1E-9)",
            "AND(ISNUMBER(B2),B2<=2.5+1E-9)", "AND(ISNUMBER(B2),B2<=3.0+1E-9)",
            "AND(ISNUMBER(B2),B2<3.5-1E-9)", "AND(ISNUMBER(B2),B2<4.0-1E-9)",
            "AND(ISNUMBER(B2),B2<4.5-1E-9)", "AND(ISNUMBER(B2),B2>=4.5-1E-9)"]
        assert workbook[name].freeze_panes == "B2"
    assert workbook["Gemeenten"].column_dimensions["A"].width >= 20


def test_about_sheet_states_date_counts_and_rules(session, instrument, dataset):
    about = {r[0]: r[1] for r in rows(open_workbook(export(session, instrument)[1])
                                      ["Over deze export"])}
    assert about["Exportdatum"] == "23-11-2026"
    assert about["Instrumentversie"].startswith(instrument.version)
    assert (about["Aantal gemeenten"], about["Aantal casussen"]) == (2, 3)
    assert about["Aantal antwoorden (rijen in Data)"] == session.query(Score).count()
    assert about["Geanonimiseerd"] == "nee"
    assert "elke casus telt even zwaar" in about["Gemeentescore"]


def test_instrument_sheet_lists_every_element_with_its_source(session, instrument, dataset):
    table = rows(open_workbook(export(session, instrument)[1])["Instrument"])
    assert table[0] == ("code", "naam", "bron", "omschrijving")
    assert [(r[0], r[1], r[2]) for r in table[1:len(instrument.elements) + 1]] == [
        (e.code, e.name, e.source) for e in instrument.elements]
    assert ("Instrumentversie", instrument.version, None, None) in table


def test_export_of_one_gemeente_holds_only_that_gemeente(session, instrument, dataset):
    filename, data, _ = export(session, instrument, gemeente_ids=[dataset["testdorp"].id])
    assert filename == "zet-export-gemeente-testdorp-2026-11-23.xlsx"
    workbook = open_workbook(data)
    assert "Gemeente Anderstad" not in workbook.sheetnames
    assert {r[0] for r in rows(workbook["Data"])[1:]} == {"Gemeente Testdorp"}


def test_gemeente_outside_the_scope_is_not_found(session, instrument, dataset):
    scope = Scope(frozenset({dataset["anderstad"].id}))
    with pytest.raises(NotFound):
        export_bytes(session, scope, instrument, gemeente_ids=[dataset["testdorp"].id])


# --- the builder on its own (no database) -------------------------------------------------

class _Instrument:
    version, title = "t-1", "Proef"

    def __init__(self, codes):
        from types import SimpleNamespace
        self.elements = [SimpleNamespace(code=c, name=f"Element {c}", source="Bron",
                                         description="Wat") for c in codes]

    def element(self, code):
        return next((e for e in self.elements if e.code == code), None)


def test_sheet_names_are_valid_unique_and_never_a_fixed_sheet():
    names = sheet_names(["Data", "data", "A/B: [x]*?\\", "x" * 40, "x" * 40 + "y", "'Quote'"])
    assert names[0].casefold() != "data" and names[1].casefold() != "data"
    assert len({n.casefold() for n in names}) == len(names)
    assert all(len(n) <= 31 and not set(n) & set("[]:*?/\\") for n in names)
    assert names[5] == "Quote"


def test_gemeente_named_like_a_formula_stays_text_everywhere():
    long = pd.DataFrame({"gemeente": ["=EVIL()", "=EVIL()"], "onderzoek": [None, None],
                         "casus": ["-1", "-1"], "doelgroep": ["jeugd", "jeugd"],
                         "perspectief": ["inwoner", "dossier"], "rol": ["", ""],
                         "element": ["E1", "E2"], "antwoord": ["4", "2"],
                         "toelichting": ["\t=1+1", " @x"]})
    data = build_workbook(long, None, _Instrument(["E1", "E2"]))
    workbook = open_workbook(data)
    assert workbook.sheetnames[1] == "=EVIL()"
    assert all(cell.data_type != "f" for cell in all_cells(workbook))
    assert workbook["Gemeenten"]["B1"].value == "=EVIL()"
    assert workbook["Data"]["I2"].value == "\t=1+1" and workbook["Data"]["I2"].quotePrefix


def test_empty_export_is_a_valid_workbook():
    long = pd.DataFrame(columns=["gemeente", "onderzoek", "casus", "doelgroep", "perspectief",
                                 "rol", "element", "antwoord", "toelichting"])
    workbook = open_workbook(build_workbook(long, None, _Instrument(["E1"])))
    assert workbook.sheetnames == ["Gemeenten", "Analyseschema", "Volledigheid", "Data", "Instrument",
                                   "Over deze export"]
    assert rows(workbook["Data"]) == [DATA_HEADER]
