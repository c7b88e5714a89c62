"""Completeness, visible everywhere: the totaalbeeld, the vergelijking, the analyseschema, the
workbook and `zet export` show how many casussen a figure rests on and how many are complete,
label too thin a totaalbeeld *indicatief*, and filter on "alleen complete casussen".

Gemeente Rondeel: K1 and K2 complete, every element 4; K3 an inwoner (definitief, all 1) and a
professional (concept, all 1), no dossier. So CON is (4 + 4 + 1) / 3 = 3,0 over all casussen
and 4,0 over the complete ones.
"""
import html
from datetime import date

import pytest

from tests.export_helpers import open_workbook, rows
from zet.cli import main
from zet.models import Gemeente
from zet.rules import parse_answer
from zet.services.perspectieven import PerspectiefInput, save_perspectief
from tests.helpers import make_casus, make_gemeente, page_text


def _perspective(session, instrument, casus, soort, score, final, rol="", citaten=()):
    data = PerspectiefInput(soort=soort, rol=rol, datum=date(2026, 3, 5), afnemer="Onderzoeker Vos",
                            answers={code: parse_answer(score) for code in instrument.codes},
                            citaten=list(citaten))
    if soort == "inwoner":
        data.geinterviewde, data.toestemming = "inwoner", True
        data.toestemming_datum, data.toestemming_vorm = date(2026, 3, 1), "schriftelijk"
    save_perspectief(session, instrument, casus, data, final=final)


def complete_casus(session, instrument, gemeente, code, score="4"):
    casus = make_casus(session, gemeente, code=code)
    for soort in ("inwoner", "professional", "dossier"):
        _perspective(session, instrument, casus, soort, score, True,
                     rol="consulent" if soort == "professional" else "")
    session.commit()
    return casus


@pytest.fixture
def rondeel(session, instrument):
    gemeente = make_gemeente(session, "Gemeente Rondeel")
    complete_casus(session, instrument, gemeente, "K1")
    complete_casus(session, instrument, gemeente, "K2")
    k3 = make_casus(session, gemeente, code="K3")
    _perspective(session, instrument, k3, "inwoner", "1", True, citaten=[
        {"element_code": "CON", "tekst": "Weer een nieuw gezicht.", "spreker": "ouder"}])
    _perspective(session, instrument, k3, "professional", "1", False, rol="consulent")
    session.commit()
    return gemeente, k3


def element_row(text, instrument, code="CON"):
    table = text.split('id="elementscores"')[1].split("</table>")[0]
    return table.split(instrument.element(code).name)[1].split("</tr>")[0]


def test_totaalbeeld_counts_complete_casussen_and_labels_itself_indicatief(client, rondeel,
                                                                           instrument):
    gemeente, _ = rondeel
    text = page_text(client, f"/gemeenten/{gemeente.id}/totaalbeeld")
    assert "3 casus(sen), waarvan 2 compleet" in text
    assert 'id="indicatief"' in text and "rust op 2 complete casus(sen)" in text
    assert "minstens 3 complete casussen" in text
    row = element_row(text, instrument)
    assert "3,0" in row and "3 (2)" in row and "indicatief" in row
    assert 'title="3 casus(sen), waarvan 2 compleet: indicatief">3,0*</td>' in row  # jeugd
    matrix = text.split('id="volledigheid"')[1].split("</details>")[0]
    k3 = matrix.split("K3")[1].split("</tr>")[0]
    assert "definitief" in k3 and "concept" in k3 and "ontbreekt" in k3 and "nee" in k3


def test_the_filter_alleen_complete_casussen_leaves_the_others_out(client, rondeel, instrument):
    gemeente, _ = rondeel
    text = page_text(client, f"/gemeenten/{gemeente.id}/totaalbeeld?compleet=1")
    assert "2 casus(sen), waarvan 2 compleet (alleen complete casussen)" in text
    assert 'name="compleet" value="1" checked' in text
    row = element_row(text, instrument)
    assert "4,0" in row and "2 (2)" in row
    assert 'id="indicatief"' in text  # two complete casussen are still fewer than three
    assert "K3" not in text.split('id="volledigheid"')[1]
    assert "compleet=1" in text.split('class="export-links"')[1].split("</p>")[0]
    evidence = page_text(client, f"/gemeenten/{gemeente.id}/totaalbeeld/CON?compleet=1").split(
        '<main id="inhoud">')[1]  # not the header, whose CSRF token may spell "K3"
    assert "K1" in evidence and "K3" not in evidence
    assert "Weer een nieuw gezicht." not in evidence  # K3's quote stays out with its casus
    assert "2 casus(sen), waarvan 2 compleet" in evidence
    succes = text.split('id="succesfactoren"')[1].split("</ol>")[0]
    assert "4,0" in succes and "indicatief" in succes  # two complete casussen only
    everything = page_text(client, f"/gemeenten/{gemeente.id}/totaalbeeld/CON")
    assert "Weer een nieuw gezicht." in everything and "3 casus(sen), waarvan 2 compleet" in everything
    assert "<td>K3</td><td>Inwoner</td><td>1</td><td></td><td>nee</td>" in everything
    filtered = client.get(f"/gemeenten/{gemeente.id}/totaalbeeld.png?compleet=1")
    assert filtered.mimetype == "image/png"
    assert filtered.data != client.get(f"/gemeenten/{gemeente.id}/totaalbeeld.png").data


def test_three_complete_casussen_are_no_longer_indicatief(client, session, rondeel, instrument):
    gemeente, _ = rondeel
    complete_casus(session, instrument, session.get(Gemeente, gemeente.id), "K4")
    text = page_text(client, f"/gemeenten/{gemeente.id}/totaalbeeld?compleet=1")
    assert 'id="indicatief"' not in text
    assert "indicatief" not in element_row(text, instrument)
    text = page_text(client, f"/gemeenten/{gemeente.id}/totaalbeeld")
    assert 'id="indicatief"' not in text
    assert "Nog niet compleet: 1 van de 4 casussen. Ze tellen wel mee" in text


def test_vergelijking_shows_the_basis_per_gemeente_and_marks_indicatief(client, rondeel):
    text = page_text(client, "/vergelijking")
    basis = text.split('id="basis"')[1].split("</tr>")[0]
    assert "3 (2)*" in basis
    table = text.split('id="vergelijking"')[1].split("</tbody>")[0]
    assert "3,0*" in table
    text = page_text(client, "/vergelijking?compleet=1")
    assert "2 (2)*" in text.split('id="basis"')[1].split("</tr>")[0]
    assert "4,0*" in text.split('id="vergelijking"')[1].split("</tbody>")[0]
    anonymous = page_text(client, "/vergelijking?compleet=1&anoniem=1").split('id="vergelijking"')[1]
    assert "Gemeente Rondeel" not in anonymous and "Gemeente A" in anonymous
    assert "< 3" in anonymous  # two casussen: suppressed, whatever their completeness
    assert "< 3*" in anonymous.split('id="basis"')[1].split("</tr>")[0]  # not "2 (2)": small


def test_anonymous_labels_do_not_change_with_the_filter(client, session, rondeel, instrument,
                                                        export_of_tiny_groups):
    aaland = make_gemeente(session, "Gemeente Aaland")  # before Rondeel, nothing complete
    _perspective(session, instrument, make_casus(session, aaland, code="A1"), "inwoner", "3",
                 False)
    session.commit()
    from zet.access import ALL
    from zet.services.dataset import anonymous_labels
    label = anonymous_labels(session, ALL)[rondeel[0].naam]
    for url in ("/vergelijking?anoniem=1", "/vergelijking?anoniem=1&compleet=1"):
        header = page_text(client, url).split('id="vergelijking"')[1].split("</thead>")[0]
        assert label in header, url  # Rondeel's label, also when Aaland drops out
    data = client.get("/export/werkboek.xlsx?anoniem=1&compleet=1").data
    assert {row[0] for row in rows(open_workbook(data)["Data"])[1:]} == {label}


def test_analyseschema_says_whether_the_casus_is_complete(client, rondeel):
    _, k3 = rondeel
    text = page_text(client, f"/casussen/{k3.id}/analyseschema")
    line = text.split('id="compleetheid"')[1].split("</p>")[0]
    assert "Nog niet compleet" in line and "ontbreekt" in line and "concept" in line


def test_workbook_shows_completeness_and_filters_on_it(client, rondeel):
    gemeente, _ = rondeel
    response = client.get(f"/export/werkboek.xlsx?gemeente={gemeente.id}")
    workbook = open_workbook(response.data)
    volledigheid = rows(workbook["Volledigheid"])
    assert volledigheid[0] == ("gemeente", "onderzoek", "casus", "doelgroep", "casusstatus",
                               "inwoner", "professional", "dossier", "compleet")
    by_code = {row[2]: row for row in volledigheid[1:] if row[0]}
    assert by_code["K1"][4:] == ("lopend", "definitief", "definitief", "definitief", "ja")
    assert by_code["K3"][5:] == ("definitief", "concept", "ontbreekt", "nee")
    gemeenten = {row[0]: row[1] for row in rows(workbook["Gemeenten"]) if row and row[0]}
    assert (gemeenten["Aantal casussen"], gemeenten["waarvan compleet"],
            gemeenten["Indicatief"]) == (3, 2, "ja")
    about = {row[0]: row[1] for row in rows(workbook["Over deze export"]) if row}
    assert about["waarvan compleet"] == 2

    response = client.get(f"/export/werkboek.xlsx?gemeente={gemeente.id}&compleet=1")
    assert "compleet" in response.headers["Content-Disposition"]
    workbook = open_workbook(response.data)
    data_codes = {row[2] for row in rows(workbook["Data"])[1:]}
    assert data_codes == {"K1", "K2"}
    assert {row[1] for row in rows(workbook["Casussen"])[1:]} == {"K1", "K2"}
    assert {row[1] for row in rows(workbook["Perspectieven"])[1:]} == {"K1", "K2"}
    about = {row[0]: row[1] for row in rows(workbook["Over deze export"]) if row}
    assert "Alleen complete casussen" in about["Filters"]
    csv = client.get(f"/export/data.csv?gemeente={gemeente.id}&compleet=1").data.decode("utf-8-sig")
    assert ";K1;" in csv and ";K3;" not in csv
    bundle = client.get(f"/export/bundel.zip?gemeente={gemeente.id}&compleet=1")
    assert bundle.status_code == 200 and bundle.mimetype == "application/zip"  # always whole


def test_cli_exports_only_complete_casussen(app, rondeel, tmp_path):
    out = tmp_path / "compleet.xlsx"
    result = app.test_cli_runner().invoke(main, ["export", "--out", str(out), "--alleen-compleet"])
    assert result.exit_code == 0, result.output
    workbook = open_workbook(out.read_bytes())
    assert {row[2] for row in rows(workbook["Data"])[1:]} == {"K1", "K2"}
    refused = app.test_cli_runner().invoke(
        main, ["export", "--bundel", str(tmp_path / "b.zip"), "--alleen-compleet"])
    assert refused.exit_code != 0 and "--alleen-compleet" in refused.output
