"""Anonymity that holds: labels in a random order, no free text, no recomputable small cells.

The attacks: map Gemeente A, B, ... back by sorting the names one knows took part; read titles and
roles from an anonymised export; recompute from the anonymised per-casus data a mean the pages
show as "< 3".
"""
import io

import pandas as pd
import pytest
from pypdf import PdfReader

from analysis import AnalysisSettings, drop_small_groups
from tests.export_helpers import all_cells, open_workbook
from tests.helpers import login_as
from tests.import_helpers import rows_for, run_import, write_csv
from zet.access import ALL
from zet.models import Gemeente
from zet.services.dataset import anonymous_labels

NAMES = [f"Gemeente {n}" for n in ("Aalwijk", "Beekveld", "Croonstad", "Dijkhaven", "Eemdorp",
                                   "Fluitdam", "Gorsveen", "Hooglust", "Ijzerwaard", "Jolderen")]


@pytest.fixture
def ten_gemeenten(app, session, instrument, tmp_path):
    """Ten gemeenten of three casussen each (enough for every figure to be shown), with a
    free-text onderzoek title and professional roles that must never reach anonymised output."""
    rows = []
    for i, naam in enumerate(NAMES):
        for c in range(1, 4):
            casus = f"{naam.split()[-1][:3].upper()}-{c:02d}"
            common = {"gemeente": naam, "casus": casus, "onderzoek": f"Kwartelonderzoek {naam}"}
            rows += rows_for(instrument, **common, score=str(1 + (i + c) % 5))
            rows += rows_for(instrument, **common, perspectief="professional",
                             rol=f"koekoekconsulent {c}", score=str(1 + (i * c) % 5))
    run_import(session, instrument, write_csv(tmp_path / "tien.csv", rows),
               allow_new_gemeenten=True)
    # Downloaded in the request here: a background job makes the same export (test_jobs.py).
    app.config["BACKGROUND_EXPORT_GEMEENTEN"] = len(NAMES)
    return NAMES


def test_the_label_order_is_not_the_name_order(session, ten_gemeenten):
    labels = anonymous_labels(session, ALL)
    by_label = sorted(labels, key=lambda name: (len(labels[name]), labels[name]))
    assert sorted(labels.values()) == [f"Gemeente {c}" for c in "ABCDEFGHIJ"]
    assert by_label != sorted(NAMES)   # chance of equality by accident: 1 in 3.6 million
    # Stable: stored per gemeente, the same in every later output.
    assert anonymous_labels(session, ALL) == labels
    stored = {g.naam: g.anoniem_volgorde for g in session.query(Gemeente)}
    assert sorted(stored, key=stored.get) == by_label


def texts_of_every_anonymised_output(app, session) -> dict[str, str]:
    analist = app.test_client()
    login_as(analist, "analist", gemeenten=[g.id for g in session.query(Gemeente)])
    beheerder = app.test_client()
    login_as(beheerder, "beheerder")
    workbook = open_workbook(analist.get("/export/werkboek.xlsx").data)
    outputs = {
        "werkboek": "\n".join(str(c.value) for c in all_cells(workbook) if c.value is not None),
        "csv": analist.get("/export/data.csv").get_data(as_text=True),
        "vergelijking": analist.get("/vergelijking").get_data(as_text=True),
        "werkboek (beheerder, anoniem)": "\n".join(
            str(c.value) for c in all_cells(open_workbook(
                beheerder.get("/export/werkboek.xlsx?anoniem=1").data)) if c.value is not None),
    }
    gemeente = session.query(Gemeente).filter_by(naam=NAMES[3]).one()
    pdf = beheerder.get(f"/gemeenten/{gemeente.id}/rapport.pdf?anoniem=1")
    assert pdf.status_code == 200
    outputs["rapport"] = "\n".join(page.extract_text() for page in
                                   PdfReader(io.BytesIO(pdf.data)).pages)
    return outputs


def test_no_name_title_or_role_in_any_anonymised_output(app, session, ten_gemeenten):
    outputs = texts_of_every_anonymised_output(app, session)
    forbidden = [n.split()[-1] for n in NAMES] + ["Kwartel", "koekoek"]
    for output, text in outputs.items():
        for word in forbidden:
            assert word.lower() not in text.lower(), (output, word)
    data = pd.read_csv(io.StringIO(outputs["csv"].lstrip("\ufeff")), sep=";", dtype=str,
                       keep_default_na=False)
    assert set(data["onderzoek"]) == {"Ronde 1"}
    assert set(data["rol"]) == {"", "professional 1"}   # one professional per casus
    assert len(set(data["gemeente"])) == 10 and len(data) == 10 * 3 * 2 * 15


def test_a_suppressed_figure_cannot_be_recomputed_from_the_anonymised_csv(app, client, session,
                                                                         ten_gemeenten,
                                                                         instrument):
    """Casus 3 of one gemeente removed: its two remaining casussen make every figure of that
    gemeente "< 3" on the comparison page, and the anonymised CSV holds none of their scores."""
    from zet.models import Casus
    from zet.services.casussen import delete_casus
    gemeente = session.query(Gemeente).filter_by(naam=NAMES[5]).one()
    delete_casus(session, session.query(Casus).filter_by(gemeente_id=gemeente.id,
                                                          code="FLU-03").one())
    session.commit()
    label = anonymous_labels(session, ALL)[gemeente.naam]
    page = client.get("/vergelijking?anoniem=1").get_data(as_text=True)
    assert "&lt; 3" in page or "< 3" in page
    data = pd.read_csv(io.BytesIO(client.get("/export/data.csv?anoniem=1").data), sep=";",
                       dtype=str, keep_default_na=False, encoding="utf-8-sig")
    mine = data[data["gemeente"] == label]
    assert mine.empty or set(mine["score"]) <= {"", "nvt", "onbekend"}
    assert (data["gemeente"] != label).sum() == 9 * 3 * 2 * 15   # the others are all there


def long_frame(rows):
    return pd.DataFrame(rows, columns=["gemeente", "onderzoek", "casus", "doelgroep",
                                       "perspectief", "element", "antwoord"])


def test_drop_small_groups_by_hand():
    """Gemeente G: casussen 1-3 jeugd, 4 volwassenen, all scored on E; casus 4 also on F, and
    casus 2 only 'nvt' on F. With min 3: E overall 4 casussen (kept), but E for volwassenen rests
    on one casus, so casus 4's E goes; then E for jeugd (3) and overall (3) hold. F has one
    scored casus: gone; the nvt stays (it carries no value)."""
    rows = [("G", "R", str(c), "jeugd" if c < 4 else "volwassenen", "inwoner", "E", "3")
            for c in range(1, 5)]
    rows += [("G", "R", "4", "volwassenen", "inwoner", "F", "2"),
             ("G", "R", "2", "jeugd", "inwoner", "F", "nvt")]
    kept = drop_small_groups(long_frame(rows), AnalysisSettings(min_casussen=3))
    assert sorted(zip(kept["casus"], kept["element"], kept["antwoord"])) == [
        ("1", "E", "3"), ("2", "E", "3"), ("2", "F", "nvt"), ("3", "E", "3")]


def test_drop_small_groups_follows_a_drop_into_the_other_splits():
    """Casussen 1-3 jeugd, 4 volwassenen; 1, 2 and 4 in R1, 3 in R2. Casus 4 is the only
    volwassene: it goes. Then R1 has only casussen 1 and 2 left: they go; R2 had one: it goes.
    Counted once, before any drop, R1 would have looked big enough (3)."""
    rows = [("G", "R1", "1", "jeugd", "inwoner", "E", "4"),
            ("G", "R1", "2", "jeugd", "inwoner", "E", "4"),
            ("G", "R2", "3", "jeugd", "inwoner", "E", "4"),
            ("G", "R1", "4", "volwassenen", "inwoner", "E", "4")]
    kept = drop_small_groups(long_frame(rows), AnalysisSettings(min_casussen=3))
    assert kept.empty
    rows.append(("G", "R1", "5", "jeugd", "inwoner", "E", "4"))   # now R1 keeps 1, 2, 5
    kept = drop_small_groups(long_frame(rows), AnalysisSettings(min_casussen=3))
    assert sorted(kept["casus"]) == ["1", "2", "5"]


def test_drop_small_groups_respects_the_complete_only_view():
    rows = [("G", "R", str(c), "jeugd", "inwoner", "E", "3") for c in range(1, 6)]
    complete = [True, True, False, False, False]   # only 2 complete casussen
    kept = drop_small_groups(long_frame(rows), AnalysisSettings(min_casussen=3),
                             complete=complete)
    assert sorted(kept["casus"]) == ["3", "4", "5"]


def test_only_a_beheerder_sees_the_anonymous_label_of_a_gemeente(app, client, session,
                                                                 ten_gemeenten):
    gemeente = session.query(Gemeente).filter_by(naam=NAMES[0]).one()
    label = anonymous_labels(session, ALL)[gemeente.naam]
    page = client.get(f"/gemeenten/{gemeente.id}").get_data(as_text=True)
    assert f"<strong>{label}</strong>" in page
    onderzoeker = app.test_client()
    login_as(onderzoeker, "onderzoeker", gemeenten=[gemeente])
    assert 'id="anoniem-label"' not in onderzoeker.get(f"/gemeenten/{gemeente.id}").get_data(
        as_text=True)


def test_the_comparison_lists_the_labels_in_label_order(app, session, ten_gemeenten):
    """Listed in the order of the real names, random labels would still give those names away."""
    import re
    analist = app.test_client()
    login_as(analist, "analist", gemeenten=[g.id for g in session.query(Gemeente)])
    page = analist.get("/vergelijking").get_data(as_text=True)
    header = page.split('id="vergelijking"')[1].split("</thead>")[0]
    assert re.findall(r"Gemeente [A-J]\b", header) == [f"Gemeente {c}" for c in "ABCDEFGHIJ"]
