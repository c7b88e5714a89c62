"""Rounds over time against hand-computed values: Gemeente Rondeel, round 2024 with K1 and K2
(every element 2 from every perspective, complete) and round 2026 with L1-L3 (every element 4,
complete). So CON goes from 2,0 (n 2, knelpunt, indicatief) to 4,0 (n 3, succesfactor): +2,0.
The 2024 round agreed one action on CON."""
from datetime import date

import pytest

from tests.helpers import login_as, make_casus, make_gemeente, page_text
from tests.test_completeness_pages import _perspective
from zet.services.gemeenten import save_onderzoek
from zet.services.verbeteracties import save_actie


@pytest.fixture
def rondeel(session, instrument):
    gemeente = make_gemeente(session, "Gemeente Rondeel")
    first = save_onderzoek(session, gemeente, {"titel": "Ronde 2024",
                                               "periode_start": date(2024, 2, 1)})
    second = save_onderzoek(session, gemeente, {"titel": "Ronde 2026",
                                                "periode_start": date(2026, 2, 1)})
    for onderzoek, codes, score in ((first, ("K1", "K2"), "2"), (second, ("L1", "L2", "L3"), "4")):
        for code in codes:
            casus = make_casus(session, gemeente, code=code, onderzoek_id=onderzoek.id)
            for soort in ("inwoner", "professional", "dossier"):
                _perspective(session, instrument, casus, soort, score, True,
                             rol="consulent" if soort == "professional" else "")
    save_actie(session, instrument, gemeente, {"titel": "Vaste coach per gezin",
                                               "elementen": ["CON"], "status": "gereed",
                                               "onderzoek_id": first.id})
    save_actie(session, instrument, gemeente, {"titel": "Later plan", "elementen": ["CON"],
                                               "onderzoek_id": second.id})
    session.commit()
    return gemeente, first, second


def test_two_rounds_side_by_side_with_the_earlier_actions(client, rondeel):
    gemeente, first, second = rondeel
    text = page_text(client, f"/gemeenten/{gemeente.id}/rondes")  # the two latest by default
    assert "Ronde 2024: 2 casus(sen), waarvan 2 compleet." in text
    assert "Ronde 2026: 3 casus(sen), waarvan 3 compleet." in text
    row = text.split('id="ronde-CON"')[1].split("</tr>")[0]
    cells = [c.split(">", 1)[1].split("<")[0] for c in row.split("<td")[1:6]]
    assert cells == ["2,0", "2 (2)", "4,0", "3 (3)", "+2,0"]
    assert "knelpunt" in row and "succesfactor" in row and "→" in row
    assert "indicatief" in row  # 2024 rests on two complete casussen
    assert "Vaste coach per gezin" in row and "gereed" in row
    assert "Later plan" not in row  # an action of the later round is not the earlier round's
    reversed_ = page_text(client, f"/gemeenten/{gemeente.id}/rondes?eerder={second.id}"
                                  f"&later={first.id}")
    assert "-2,0" in reversed_.split('id="ronde-CON"')[1].split("</tr>")[0]
    same = page_text(client, f"/gemeenten/{gemeente.id}/rondes?eerder={first.id}&later={first.id}")
    assert "Kies twee verschillende onderzoeken." in same


def test_a_gemeente_with_one_round_and_other_users(app, session, rondeel):
    gemeente, _, _ = rondeel
    single = make_gemeente(session, "Gemeente Eenmalig")
    client = app.test_client()
    login_as(client, "beheerder", username="beheerder-rondes")
    assert "minstens twee onderzoeken" in page_text(client, f"/gemeenten/{single.id}/rondes")
    outsider = app.test_client()
    login_as(outsider, "gemeente", [single])
    assert outsider.get(f"/gemeenten/{gemeente.id}/rondes").status_code == 404
    analist = app.test_client()
    login_as(analist, "analist", [gemeente])
    assert analist.get(f"/gemeenten/{gemeente.id}/rondes").status_code == 404


def test_the_kennisinstituut_sees_the_comparison_anonymised(app, session, rondeel):
    gemeente, _, _ = rondeel
    analist = app.test_client()
    login_as(analist, "analist", [gemeente])
    start = page_text(analist, "/vergelijking/rondes")
    assert "Gemeente A" in start and "Rondeel" not in start
    text = page_text(analist, "/vergelijking/rondes?gemeente=Gemeente+A").split(
        '<main id="inhoud">')[1]
    table = text.split('id="rondes"')[1]
    for secret in ("Rondeel", "Ronde 2024", "Ronde 2026", "Vaste coach", "Later plan"):
        assert secret not in text, secret
    row = table.split('id="ronde-CON"')[1].split("</tr>")[0]
    # 2024 rests on two casussen: suppressed. The comparison page shows CON over all five
    # casussen (3,2), so 2026's 4,0 beside it would give 2024 away ((5 x 3,2 - 3 x 4,0) / 2):
    # complementary suppression hides it too, and the change.
    assert row.count("< 3") == 2 and "4,0" not in row and "+2,0" not in row
    assert "gereed" in row
    assert "Ronde 1" in text and "Ronde 2" in text
    unknown = page_text(analist, "/vergelijking/rondes?gemeente=Gemeente+Z")
    assert 'id="rondes"' not in unknown
