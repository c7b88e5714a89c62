"""The national analysis is made once per data version for every worker (Arrow files in the
cache folder), and a gemeente's totaalbeeld is its slice of it: the same figures as the
gemeente's own analysis, never those of an older data version, never outside the scope."""
from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import select, update

import analysis
from tests.helpers import login_as
from zet.access import ALL, Scope
from zet.db import transaction
from zet.importing import import_file
from zet.models import Casus, Gemeente, Perspectief, Score
from zet.services import analyse as service
from zet.services import national
from zet.services.rows import records

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
import generate  # noqa: E402


@pytest.fixture
def country(app, session, instrument):
    """Seven generated gemeenten (eight casussen each, both doelgroepen, onderzoeken, nvt and
    onbekend); in every other casus all perspectives definitief, so "alleen complete
    casussen" keeps some and drops others."""
    data = generate.national_frame(scale=0.02, casussen=8).to_csv(index=False, sep=";")
    with transaction():
        assert import_file(session, instrument, "land.csv", data.encode(), ALL).applied
    with transaction():
        even = select(Casus.id).where(Casus.id % 2 == 0)
        session.execute(update(Perspectief).where(Perspectief.casus_id.in_(even))
                        .values(status="definitief"))
    return list(session.scalars(select(Gemeente).order_by(Gemeente.naam)))


def cache_dir(app) -> Path:
    return Path(app.config["CACHE_DIR"])


@pytest.mark.parametrize("compleet", [False, True])
def test_each_gemeentes_slice_equals_its_own_analysis(app, session, instrument, country,
                                                      compleet):
    service.clear_memory_cache()
    made = service._national_result(session, instrument, service.Filters(alleen_compleet=compleet),
                                    cache_dir(app))
    assert len(made.frame("basis")) == len(country) == 7
    for gemeente in country:
        filters = service.Filters(gemeente_ids=(gemeente.id,), alleen_compleet=compleet)
        sliced = service.gemeente_analysis(session, ALL, instrument, filters, gemeente,
                                           cache_dir(app))
        own = analysis.analyse(service.long_frame(session, ALL, filters, toelichting=False),
                               service.elements_frame(instrument), service.SETTINGS,
                               toelichting=False)
        for table in national.TABLES:
            pd.testing.assert_frame_equal(getattr(sliced, table),
                                          getattr(own, table).reset_index(drop=True),
                                          obj=f"{gemeente.naam}: {table}")
        assert len(sliced.schema) > 0 and set(sliced.schema["gemeente"]) == {gemeente.naam}
        # The template rows straight from Arrow are those of the gemeente's own frames.
        names = national.TABLES
        from_arrow = service.gemeente_rows(session, ALL, instrument, filters, gemeente, names,
                                           cache_dir(app))
        own_rows = {name: records(getattr(own, name)) for name in names}
        assert from_arrow == own_rows
        assert [[{k: type(v) for k, v in row.items()} for row in from_arrow[name]]
                for name in names] == \
            [[{k: type(v) for k, v in row.items()} for row in own_rows[name]] for name in names]
    if compleet:   # the filter reached the national analysis
        assert made.frame("basis")["n_casussen"].sum() < 7 * 8


def test_the_totaalbeeld_is_sliced_from_the_comparisons_analysis(app, client, session,
                                                                 instrument, country,
                                                                 monkeypatch):
    gemeente = country[2]
    service.clear_memory_cache()
    own = client.get(f"/gemeenten/{gemeente.id}/totaalbeeld").get_data(as_text=True)
    assert not (cache_dir(app) / national.FOLDER).exists()   # a totaalbeeld never makes it
    assert client.get("/vergelijking").status_code == 200     # the comparison does
    service.clear_memory_cache()   # another worker process: nothing in its memory

    def no_analysis(*args, **kwargs):
        raise AssertionError("computed again instead of sliced from the national analysis")
    monkeypatch.setattr(analysis, "analyse", no_analysis)
    sliced = client.get(f"/gemeenten/{gemeente.id}/totaalbeeld").get_data(as_text=True)
    assert sliced.split("<main")[1] == own.split("<main")[1]
    assert client.get(f"/gemeenten/{gemeente.id}/totaalbeeld.png").status_code == 200
    # An onderzoek belongs to one gemeente: that totaalbeeld is the gemeente's own analysis.
    onderzoek = gemeente.onderzoeken[0]
    with pytest.raises(AssertionError, match="computed again"):
        client.get(f"/gemeenten/{gemeente.id}/totaalbeeld?onderzoek={onderzoek.id}")


def test_a_change_makes_a_new_version_and_removes_the_old_one(app, client, session,
                                                             instrument, country):
    gemeente = country[0]
    client.get("/vergelijking")
    root = cache_dir(app) / national.FOLDER
    before = {p.name for p in root.iterdir() if p.is_dir()}
    page = client.get(f"/gemeenten/{gemeente.id}/totaalbeeld").get_data(as_text=True)
    assert "8 casus(sen)" in page
    with transaction():   # one casus fewer in this gemeente
        casus = session.scalars(select(Casus).where(Casus.gemeente_id == gemeente.id)).first()
        session.delete(casus)
    page = client.get(f"/gemeenten/{gemeente.id}/totaalbeeld").get_data(as_text=True)
    assert "7 casus(sen)" in page and "8 casus(sen)" not in page   # not the old national one
    client.get("/vergelijking")
    after = {p.name for p in root.iterdir() if p.is_dir()}
    assert len(before) == len(after) == 1 and before != after   # the old version is gone
    made = [p for p in (root / after.pop()).iterdir() if p.is_dir()]
    assert len(made) == 1
    files = [p.name for p in made[0].iterdir()]
    assert sorted(files) == sorted([f"{t}.arrow" for t in national.TABLES] + ["klaar"])


def test_the_filter_sets_of_one_version_stand_side_by_side(app, client, session, instrument,
                                                           country, monkeypatch):
    """The three comparisons (all, jeugd, volwassenen) each make their national analysis; one
    never removes another of the same data version, so the totaalbeeld can still use its own."""
    for query in ("", "?doelgroep=jeugd", "?doelgroep=volwassenen", "?compleet=1"):
        assert client.get("/vergelijking" + query).status_code == 200
    versions = [p for p in (cache_dir(app) / national.FOLDER).iterdir()]
    assert len(versions) == 1
    assert len([p for p in versions[0].iterdir() if (p / "klaar").exists()]) == 4
    service.clear_memory_cache()
    national._open.clear()
    monkeypatch.setattr(analysis, "analyse", lambda *a, **k: pytest.fail("not sliced"))
    for query in ("", "?compleet=1"):
        assert client.get(f"/gemeenten/{country[1].id}/totaalbeeld{query}").status_code == 200


def test_a_second_process_maps_the_files_instead_of_computing(app, session, instrument,
                                                              country):
    filters = service.Filters()
    service._national_result(session, instrument, filters, cache_dir(app))
    service.clear_memory_cache()
    national._open.clear()   # as in a freshly started worker

    def no_compute():
        raise AssertionError("computed twice")
    name = service._national_key(session, instrument, filters)
    found = national.get_or_build(cache_dir(app), name, no_compute)
    assert found.tables["schema"].num_rows == 7 * 8 * len(instrument.codes)


def test_no_free_text_is_written_to_the_shared_files(app, session, instrument, country):
    with transaction():
        session.execute(update(Score).values(toelichting="Zin die nergens anders staat."))
    made = service._national_result(session, instrument, service.Filters(), cache_dir(app))
    assert set(made.frame("schema")["toelichting"]) == {""}
    for path in (cache_dir(app) / national.FOLDER).rglob("*.arrow"):
        assert b"nergens anders" not in path.read_bytes()


def test_a_slice_is_only_for_a_gemeente_in_the_scope(app, session, instrument, country):
    made = service._national_result(session, instrument, service.Filters(), cache_dir(app))
    inside, outside = country[0], country[1]
    scope = Scope(frozenset({inside.id}))
    assert len(national.of_scope(made, scope, inside.id, inside.naam).schema) > 0
    with pytest.raises(PermissionError):
        national.of_scope(made, scope, outside.id, outside.naam)


def test_a_gemeente_user_sees_the_same_totaalbeeld_either_way(app, session, instrument,
                                                              country, client):
    gemeente = country[4]
    user = app.test_client()
    login_as(user, "gemeente", [gemeente.id], username="test-gemeente")
    service.clear_memory_cache()
    own = user.get(f"/gemeenten/{gemeente.id}/totaalbeeld").get_data(as_text=True)
    client.get("/vergelijking")   # a beheerder's comparison makes the national analysis
    service.clear_memory_cache()
    sliced = user.get(f"/gemeenten/{gemeente.id}/totaalbeeld").get_data(as_text=True)
    assert sliced.split("<main")[1] == own.split("<main")[1]
    assert user.get(f"/gemeenten/{country[5].id}/totaalbeeld").status_code == 404


def test_the_comparison_table_follows_the_data_and_never_mixes_anonymous_and_named(
        app, client, session, instrument, country):
    """The table's HTML is rendered once per data version, scope and anonymity."""
    named = client.get("/vergelijking").get_data(as_text=True)
    assert country[0].naam in named
    anonymous = client.get("/vergelijking?anoniem=1").get_data(as_text=True)
    table = anonymous.split('id="vergelijking"')[1].split("</table>")[0]
    assert not any(g.naam in table for g in country)
    analist = app.test_client()
    login_as(analist, "analist", [g.id for g in country], username="test-analist")
    forced = analist.get("/vergelijking").get_data(as_text=True)
    assert not any(g.naam in forced for g in country)
    first_basis = named.split('id="basis"')[1].split("</tr>")[0]
    with transaction():
        casus = session.scalars(select(Casus).where(Casus.gemeente_id == country[0].id)).first()
        session.delete(casus)
    again = client.get("/vergelijking").get_data(as_text=True)
    assert again.split('id="basis"')[1].split("</tr>")[0] != first_basis
