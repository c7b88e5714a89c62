"""The page Overeenstemming: agreement between double ratings, per element, gemeente and rater
pair, in the viewer's scope, with what each figure means."""
from __future__ import annotations

import re

from sqlalchemy import select

from tests.helpers import login_as
from tests.import_helpers import report, run_import, write_csv
from tests.test_double_rating_import import COLUMNS, FIRST, SECOND, finalise, rated
from zet.models import AuditEvent, Gemeente


def _import_double_ratings(session, instrument, tmp_path, final=True):
    rows = []
    for i in range(4):   # four dossiers in Duinwijk rated twice: 48 scored pairs
        rows += rated(instrument, "B1", FIRST, casus=f"DW-J0{i}")
        rows += rated(instrument, "B2" if i % 2 else "R-03", SECOND, casus=f"DW-J0{i}")
    zeedorp = rated(instrument, "B1", FIRST, casus="ZD-01") + rated(instrument, "B2", SECOND,
                                                                    casus="ZD-01")
    for row in zeedorp:
        row.update(gemeente="Zeedorp", onderzoek="")
    plan = run_import(session, instrument, write_csv(tmp_path / "dubbel.csv", rows + zeedorp,
                                                     columns=COLUMNS))
    assert plan.applied, report(plan)
    if final:
        finalise(session)
    return {g.naam: g for g in session.scalars(select(Gemeente))}


def _row(html: str, row_id: str) -> list[str]:
    match = re.search(rf'<tr id="{row_id}"[^>]*>(.*?)</tr>', html, re.S)
    assert match, row_id
    return [re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", match.group(1), re.S)]


def test_the_page_shows_the_figures_per_element_gemeente_and_rater_pair(client, session,
                                                                       instrument, tmp_path):
    _import_double_ratings(session, instrument, tmp_path)
    response = client.get("/overeenstemming")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    codes = instrument.codes
    # Element 1: five pairs, all 1 and 1: 100 % and uncertain (fewer than 10 pairs).
    first = _row(html, f"element-{codes[0]}")
    assert first[0] == instrument.elements[0].name
    assert first[1].startswith("5") and "onzeker" in first[1]
    assert first[2:4] == ["100,0", "100,0"]
    assert first[-1] == "0"
    # nvt on one side in every pair: no pairs, five without a score.
    assert _row(html, f"element-{codes[8]}")[1:] == [
        "0", "te weinig paren (minder dan 3)", "5"]
    overall = _row(html, "element-Alle-elementen")
    assert overall[1] == "65"                     # 5 perspectives x 13 scored pairs
    assert overall[2:4] == ["61,5", "92,3"]       # 8 of 13 the same, 12 within one point
    # As tests/analysis/test_analysis_agreement.py's formulas give them: 0.807 and 0.796.
    assert overall[4] == "0,81" and overall[5] == "0,80"
    assert "Gemeente Zeedorp" in html or "Zeedorp" in html
    assert "B1 en B2" in html and "B1 en R-03" in html
    assert "Cohens kappa met kwadratische gewichten" in html and "Krippendorffs alfa" in html
    assert "5 dubbel beoordeelde perspectieven:" in html and "65 paren van scores" in html
    assert session.scalar(select(AuditEvent).where(AuditEvent.detail == "overeenstemming"))


def test_a_gemeente_user_sees_only_their_own_gemeente(app, session, instrument, tmp_path):
    gemeenten = _import_double_ratings(session, instrument, tmp_path)
    client = app.test_client()
    login_as(client, "gemeente", [gemeenten["Zeedorp"]])
    html = client.get("/overeenstemming").get_data(as_text=True)
    assert "1 dubbel beoordeelde perspectief:" in html and "13 paren van scores" in html
    assert "Duinwijk" not in html and "R-03" not in html


def test_the_analist_sees_no_gemeente_names(app, session, instrument, tmp_path):
    gemeenten = _import_double_ratings(session, instrument, tmp_path)
    client = app.test_client()
    login_as(client, "analist", [gemeenten["Zeedorp"]])
    html = client.get("/overeenstemming").get_data(as_text=True)
    assert "Duinwijk" not in html and "Zeedorp" not in html
    assert 'id="per-gemeente"' not in html and "geanonimiseerd" in html


def test_without_double_ratings_the_page_says_how_they_arrive(client):
    html = client.get("/overeenstemming").get_data(as_text=True)
    assert 'id="geen-paren"' in html and "kolom <code>beoordelaar</code>" in html


def test_concept_ratings_are_counted_but_not_in_the_figures(client, session, instrument,
                                                           tmp_path):
    _import_double_ratings(session, instrument, tmp_path, final=False)
    html = client.get("/overeenstemming").get_data(as_text=True)
    assert "Nog niet meegeteld: 65 paren uit beoordelingen die nog concept zijn" in html
    assert _row(html, "element-Alle-elementen")[1] == "0"
