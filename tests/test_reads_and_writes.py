"""Reads never wait for writes: a page writes nothing while it computes (its audit events go in
one short transaction after its reads), and one data version row tells the caches when to
recompute, changed by every kind of write to casus data and by nothing else."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

from tests.helpers import (full_perspective_form, login, login_as, make_casus, make_gemeente,
                           make_user, post_form)
from tests.import_helpers import rows_for, run_import, write_csv
from tests.route_matrix import build_world, html_get_routes
from zet import data_version
from zet.access import ALL
from zet.db import make_engine
from zet.rules import parse_answer
from zet.services.analyse import Filters, run_analysis
from zet.services.perspectieven import PerspectiefInput, save_perspectief
from zet.models import AuditEvent, Casus, Gemeente
from zet.services.casussen import delete_casus

DML = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)


@pytest.fixture
def statements(app):
    """Every SQL statement the app sends, in order."""
    sent: list[str] = []

    def remember(_conn, _cursor, statement, *_args):
        sent.append(statement)

    engine = app.extensions["zet_engine"]
    event.listen(engine, "before_cursor_execute", remember)
    yield sent
    event.remove(engine, "before_cursor_execute", remember)


def test_no_page_writes_before_its_reads_are_done(app, client, session, instrument, statements):
    world = build_world(session, instrument)
    audited = 0
    for route in html_get_routes(app, world):
        if route.endpoint in ("auth.logout", "auth.second_factor", "auth.enrol"):
            continue
        statements.clear()
        response = client.get(route.url)
        assert response.status_code < 500, route
        writes = [i for i, sql in enumerate(statements) if DML.match(sql)]
        assert all(statements[i].lstrip().upper().startswith("INSERT INTO AUDIT_EVENT")
                   for i in writes), (route, [statements[i] for i in writes])
        if writes:
            audited += 1
            reads = [i for i, sql in enumerate(statements) if not DML.match(sql)
                     and "audit_event" not in sql]
            assert max(reads) < min(writes), route   # written after the page's reads
    assert audited >= 10   # the pages that show casus data did log their views


def test_the_audit_event_of_a_page_is_stored_and_a_failed_page_stores_none(client, session):
    gemeente = make_gemeente(session)
    casus = make_casus(session, gemeente)
    session.commit()
    assert client.get(f"/casussen/{casus.id}").status_code == 200
    assert client.get(f"/casussen/{casus.id + 999}").status_code == 404
    viewed = session.scalars(select(AuditEvent).where(AuditEvent.action == "bekeken",
                                                      AuditEvent.object_type == "casus")).all()
    assert [(e.object_id, e.username) for e in viewed] == [(casus.id, "test-beheerder")]


def version(session) -> str:
    session.rollback()   # a fresh read, as the next request would make
    return data_version.current(session.connection())


def test_the_data_version_changes_with_every_kind_of_write_and_only_then(
        app, client, session, instrument, tmp_path):
    seen = [version(session)]

    def changed() -> bool:
        seen.append(version(session))
        return seen[-1] != seen[-2]

    # The ORM's flush.
    gemeente = make_gemeente(session)
    casus = make_casus(session, gemeente)
    assert changed()
    # Not casus data: an account, a login, a page view with its audit event.
    make_user(session, "onderzoeker", [gemeente], username="ada")
    assert not changed()
    login(app.test_client(), "ada")
    assert client.get(f"/casussen/{casus.id}").status_code == 200
    assert not changed()
    session.add(Gemeente(naam="Gemeente Terug"))
    session.flush()
    session.rollback()   # a rolled-back write takes its bump with it
    assert not changed()
    # A form, through the page.
    response = post_form(client, f"/casussen/{casus.id}/perspectieven/dossier/nieuw",
                         full_perspective_form(instrument))
    assert response.status_code == 302
    assert changed()
    # The bulk import's Core statements.
    run_import(session, instrument, write_csv(tmp_path / "s.csv", rows_for(instrument)))
    assert changed()
    # A Core UPDATE through the session.
    session.execute(update(Casus).where(Casus.id == casus.id).values(status="afgerond"))
    session.commit()
    assert changed()
    # A savepoint rolled back after the bump: the next write in the transaction bumps again.
    nested = session.begin_nested()
    session.add(Casus(gemeente=gemeente, code="T-02", doelgroep="jeugd", status="lopend"))
    session.flush()
    nested.rollback()
    session.execute(update(Casus).where(Casus.id == casus.id).values(status="lopend"))
    session.commit()
    assert changed()
    # Deleting.
    delete_casus(session, session.get(Casus, casus.id))
    session.commit()
    assert changed()
    assert len(set(seen)) == 7


def test_a_cached_analysis_is_recomputed_after_a_write_by_another_process(app, session,
                                                                         instrument):
    gemeente = make_gemeente(session)
    casus = make_casus(session, gemeente)
    save_perspectief(session, instrument, casus, PerspectiefInput(
        soort="dossier", answers={c: parse_answer("2") for c in instrument.codes}))
    session.commit()
    filters = Filters(gemeente_ids=(gemeente.id,))
    first = run_analysis(session, ALL, instrument, filters)
    session.rollback()
    assert run_analysis(session, ALL, instrument, filters) is first   # cached
    other = make_engine(app.config["DATABASE_URL"])   # another worker, its own engine
    with Session(other) as elsewhere:
        save_perspectief(elsewhere, instrument, elsewhere.get(Casus, casus.id), PerspectiefInput(
            soort="inwoner", answers={c: parse_answer("5") for c in instrument.codes}))
        elsewhere.commit()
    other.dispose()
    session.rollback()
    long, _result = run_analysis(session, ALL, instrument, filters)
    assert set(long["perspectief"]) == {"dossier", "inwoner"}


def test_a_view_that_left_a_write_unfinished_neither_blocks_nor_commits_it(app, session,
                                                                          monkeypatch):
    """The events are written on their own connection; the request's own unfinished change
    (which on SQLite holds the write lock) is rolled back first, never committed with them."""
    from zet.audit import record
    from zet.auth import policy
    from zet.db import get_session
    gemeente = make_gemeente(session, "Gemeente Vast")

    @app.get("/test-onaf")
    def unfinished():
        get_session().get(Gemeente, gemeente.id).toegang = "Nooit opgeslagen."
        get_session().flush()
        record("bekeken", "gemeente", gemeente.id)
        return "ok"

    monkeypatch.setitem(policy.POLICY, "unfinished", policy.rule_for("gemeenten.index"))
    client = app.test_client()
    login_as(client, "beheerder")
    assert client.get("/test-onaf").status_code == 200
    session.rollback()
    assert session.get(Gemeente, gemeente.id).toegang == "Eén centraal loket."
    assert session.scalar(select(AuditEvent.object_id).where(
        AuditEvent.object_type == "gemeente", AuditEvent.action == "bekeken")) == gemeente.id
