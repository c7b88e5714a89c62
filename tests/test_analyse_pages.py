"""The analysis pages show the computed figures and the evidence behind them."""
import html

from tests.helpers import make_casus, make_gemeente
from zet.rules import parse_answer
from zet.services.perspectieven import PerspectiefInput, save_perspectief


def perspective(session, instrument, casus, soort, answers, rol="", toelichting=None, quote=None):
    data = PerspectiefInput(soort=soort, rol=rol)
    data.answers = {code: parse_answer(value) for code, value in answers.items()}
    data.toelichtingen = toelichting or {}
    if quote:
        data.citaten = [quote]
    save_perspectief(session, instrument, casus, data)
    session.commit()


def small_dataset(session, instrument):
    """Casus J1: inwoner 1, professionals 2 and 4 (mean 3), dossier onbekend on CON ->
    casusscore 2.0, verschil 2 (afwijkend), knelpunt. Casus V1: all 4 -> 4.0 succesfactor."""
    gemeente = make_gemeente(session, "Gemeente Kustdorp")
    j1 = make_casus(session, gemeente, code="J1", doelgroep="jeugd")
    perspective(session, instrument, j1, "inwoner", {"CON": 1, "IPL": 2},
                toelichting={"CON": "Steeds een ander gezicht."},
                quote={"element_code": "CON", "tekst": "Weer iemand nieuw.", "bron": "vader"})
    perspective(session, instrument, j1, "professional", {"CON": 2, "IPL": "nvt"}, rol="wijkteam")
    perspective(session, instrument, j1, "professional", {"CON": 4}, rol="begeleider")
    perspective(session, instrument, j1, "dossier", {"CON": "onbekend", "IPL": 2})
    v1 = make_casus(session, gemeente, code="V1", doelgroep="volwassenen")
    for soort in ("inwoner", "professional", "dossier"):
        perspective(session, instrument, v1, soort, {"CON": 4, "IPL": 3},
                    rol="consulent" if soort == "professional" else "")
    return gemeente, j1, v1


def test_analyseschema_shows_perspectives_casusscore_verschil_and_evidence(client, session,
                                                                            instrument):
    _, j1, _ = small_dataset(session, instrument)
    page = html.unescape(client.get(f"/casussen/{j1.id}/analyseschema").get_data(as_text=True))
    row = page.split('id="rij-CON"')[1].split("</tbody>")[0]  # the scores, and under them why
    cells = [c.split(">", 1)[1].split("<")[0] for c in row.split("<td")[1:6]]
    assert cells == ["1,0", "3,0", "onbekend", "2,0", "2,0 "]
    assert "afwijkend" in row and "knelpunt" in row
    assert "Steeds een ander gezicht." in row and "Weer iemand nieuw." in row


def test_totaalbeeld_lists_knelpunten_and_succesfactoren_with_evidence(client, session,
                                                                       instrument):
    gemeente, _, _ = small_dataset(session, instrument)
    page = html.unescape(client.get(f"/gemeenten/{gemeente.id}/totaalbeeld").get_data(
        as_text=True))
    knelpunten = page.split('id="knelpunten"')[1].split("</ol>")[0]
    succes = page.split('id="succesfactoren"')[1].split("</ol>")[0]
    con, ipl = instrument.element("CON").name, instrument.element("IPL").name
    # CON scores 3,0 (gemengd): one casus knelpunt and one succesfactor, but the element is in
    # neither list. IPL scores (2,0 + 3,0) / 2 = 2,5, exactly the knelpunt threshold.
    assert con not in knelpunten and con not in succes
    assert ipl in knelpunten and "2,5 (1 van 2 casussen knelpunt)" in knelpunten
    assert "Geen element met een score van 3,5 of hoger." in succes
    scores = page.split('id="elementscores"')[1].split("</table>")[0]
    con_row = scores.split(con)[1].split("</tr>")[0]
    assert "3,0" in con_row  # (2.0 + 4.0) / 2
    assert "1 van 2" in con_row  # dossier onbekend once out of two dossiers
    assert f"/gemeenten/{gemeente.id}/totaalbeeld/CON" in page
    evidence = html.unescape(client.get(f"/gemeenten/{gemeente.id}/totaalbeeld/CON").get_data(
        as_text=True))
    assert "Weer iemand nieuw." in evidence and "Steeds een ander gezicht." in evidence
    assert "<td>J1</td><td>Inwoner</td><td>1</td>" in evidence
    assert "<td>J1</td><td>Dossier</td><td>onbekend</td>" in evidence
    part = client.get(f"/gemeenten/{gemeente.id}/totaalbeeld/CON?deel=1").get_data(as_text=True)
    assert "<html" not in part and "Weer iemand nieuw." in html.unescape(part)
    assert client.get(f"/gemeenten/{gemeente.id}/totaalbeeld/XYZ").status_code == 404


def test_heatmap_images_are_png(client, session, instrument):
    gemeente, _, _ = small_dataset(session, instrument)
    for url in (f"/gemeenten/{gemeente.id}/totaalbeeld.png", "/vergelijking.png",
                "/vergelijking.png?anoniem=1&doelgroep=jeugd"):
        response = client.get(url)
        assert response.status_code == 200 and response.mimetype == "image/png"
        assert response.data.startswith(b"\x89PNG")


def test_comparison_filters_and_anonymises_with_small_cell_suppression(client, session,
                                                                       instrument):
    small_dataset(session, instrument)
    other = make_gemeente(session, "Gemeente Zandhoven")
    for i in range(3):
        casus = make_casus(session, other, code=f"Z{i}", doelgroep="jeugd")
        perspective(session, instrument, casus, "inwoner", {"CON": 5})
    page = client.get("/vergelijking").get_data(as_text=True)
    assert "Gemeente Kustdorp" in page and "Gemeente Zandhoven" in page
    anon = html.unescape(client.get("/vergelijking?anoniem=1").get_data(as_text=True))
    assert "Kustdorp" not in anon and "Zandhoven" not in anon
    assert "<th>Gemeente A</th>" in anon and "<th>Gemeente B</th>" in anon
    table = anon.split('id="vergelijking"')[1]
    assert "< 3" in table  # Kustdorp rests on 2 casussen
    assert "5,0" in table  # Zandhoven rests on 3 casussen
    jeugd = html.unescape(client.get("/vergelijking?doelgroep=volwassenen").get_data(
        as_text=True)).split('id="vergelijking"')[1]
    assert "Gemeente Kustdorp" in jeugd and "Gemeente Zandhoven" not in jeugd


def test_pages_recompute_after_a_change(client, session, instrument):
    gemeente, j1, _ = small_dataset(session, instrument)
    before = client.get(f"/gemeenten/{gemeente.id}/totaalbeeld").get_data(as_text=True)
    casus = make_casus(session, gemeente, code="J2")
    perspective(session, instrument, casus, "inwoner", {"CON": 5})
    after = client.get(f"/gemeenten/{gemeente.id}/totaalbeeld").get_data(as_text=True)
    assert "2 casus(sen)" in before and "3 casus(sen)" in after


def test_a_comparison_is_computed_once_and_shared_through_the_file_cache(client, session,
                                                                        instrument, monkeypatch):
    """Another server process (here: an emptied memory cache) reads the comparison from disk."""
    from pathlib import Path

    import analysis
    from zet.services import analyse as service
    small_dataset(session, instrument)
    first = client.get("/vergelijking").get_data(as_text=True)
    assert list(Path(client.application.config["CACHE_DIR"]).glob("*.pickle"))
    service.clear_memory_cache()

    def no_recompute(*args, **kwargs):
        raise AssertionError("comparison recomputed instead of read from the shared cache")
    monkeypatch.setattr(analysis, "analyse", no_recompute)
    assert client.get("/vergelijking").get_data(as_text=True).split('id="vergelijking"')[1] == \
        first.split('id="vergelijking"')[1]


def test_many_gemeente_analyses_never_push_a_comparison_out_of_memory(client, session,
                                                                      instrument, monkeypatch):
    """Per-gemeente entries have their own room: after more of them than that room holds, the
    national comparison still comes from memory (here no file cache either)."""
    from pathlib import Path

    import analysis
    from zet.services import analyse as service
    small_dataset(session, instrument)
    service.clear_memory_cache()
    first = client.get("/vergelijking").get_data(as_text=True)
    for path in Path(client.application.config["CACHE_DIR"]).glob("*.pickle"):
        path.unlink()
    for i in range(service._CACHE_SIZES["analyse"] + 50):
        service._cached(("analyse", "test", i), lambda: i)
    assert len(service._caches["analyse"]) == service._CACHE_SIZES["analyse"]

    def no_recompute(*args, **kwargs):
        raise AssertionError("comparison evicted and recomputed")
    monkeypatch.setattr(analysis, "analyse", no_recompute)
    again = client.get("/vergelijking").get_data(as_text=True)
    assert again.split('id="vergelijking"')[1] == first.split('id="vergelijking"')[1]


def test_totaalbeeld_rows_follow_the_data(client, session, instrument):
    """The rows are built once per data state: a new score shows on the next request."""
    from zet.models import Score
    gemeente, _, _ = small_dataset(session, instrument)
    url = f"/gemeenten/{gemeente.id}/totaalbeeld"
    before = client.get(url).get_data(as_text=True)
    # The page itself (the header's logout form carries a CSRF token that changes per second).
    assert client.get(url).get_data(as_text=True).split("<main")[1] == before.split("<main")[1]
    for score in session.query(Score).filter(Score.score.isnot(None)):
        score.score = 1
    session.commit()
    after = client.get(url).get_data(as_text=True)
    assert "1,0" not in before and "1,0" in after


def test_template_rows_have_plain_values_and_none_for_gaps():
    import numpy as np
    import pandas as pd

    from zet.views.common import records
    frame = pd.DataFrame({
        "element": pd.Categorical(["CON", "IPL"]), "score": [2.5, np.nan],
        "n": np.array([3, 4], dtype="int64"), "oordeel": pd.array(["knelpunt", None], dtype="str"),
        "extra": pd.array([1, pd.NA], dtype="Int64"), "vlag": [True, False]})
    rows = records(frame)
    assert rows == [{"element": "CON", "score": 2.5, "n": 3, "oordeel": "knelpunt", "extra": 1,
                     "vlag": True},
                    {"element": "IPL", "score": None, "n": 4, "oordeel": None, "extra": None,
                     "vlag": False}]
    assert [type(rows[0][k]) for k in ("element", "score", "n", "vlag")] == [str, float, int, bool]
    assert records(frame.iloc[0:0]) == []
