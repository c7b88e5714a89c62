"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

import zet.models  # noqa: F401
from zet import migrate
from zet.db import Base, make_engine


def test_migrations_match_the_models(database_url):
    engine = make_engine(database_url)
    _fresh_at(engine, "head")
    assert {"gemeente", "onderzoek", "casus", "perspectief", "score", "citaat"} <= set(
        inspect(engine).get_table_names())
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert diff == []
    migrate.upgrade(engine)  # running again is harmless
    engine.dispose()
    if engine.dialect.name == "postgresql":  # leave the shared test schema as the fixtures expect
        from tests import conftest
        conftest._pg_schema_ready = False


def _fresh_at(engine, target: str) -> None:
    from alembic import command
    with engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(text(f"DROP TABLE IF EXISTS {table.name} CASCADE"
                                    if engine.dialect.name == "postgresql"
                                    else f"DROP TABLE IF EXISTS {table.name}"))
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    config = migrate.alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, target)


def test_migration_0003_cleans_names_and_fills_identity_keys(database_url):
    engine = make_engine(database_url)
    _fresh_at(engine, "0002")
    now = "CURRENT_TIMESTAMP"
    with engine.begin() as connection:
        connection.execute(text(f"INSERT INTO gemeente (id, naam, created_at, updated_at) "
                                f"VALUES (1, 'Den\u00a0 Haag', {now}, {now})"))
        connection.execute(text(f"INSERT INTO casus (id, gemeente_id, code, doelgroep, "
                                f"beperkingen, leefgebieden, status, created_at, updated_at) "
                                f"VALUES (1, 1, 'DH  J01', 'jeugd', '[]', '[]', 'lopend', "
                                f"{now}, {now})"))
    migrate.upgrade(engine)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT naam, naam_key FROM gemeente")).one() == (
            "Den Haag", "den haag")
        assert connection.execute(text("SELECT code, code_key FROM casus")).one() == (
            "DH J01", "dh j01")
    engine.dispose()
    if engine.dialect.name == "postgresql":
        from tests import conftest
        conftest._pg_schema_ready = False


def test_migration_0003_refuses_names_that_become_the_same_and_says_which(database_url):
    import pytest
    engine = make_engine(database_url)
    _fresh_at(engine, "0002")
    with engine.begin() as connection:
        for i, naam in ((1, "Den Haag"), (2, "den  haag")):
            connection.execute(text("INSERT INTO gemeente (id, naam, created_at, updated_at) "
                                    f"VALUES ({i}, '{naam}', CURRENT_TIMESTAMP, "
                                    "CURRENT_TIMESTAMP)"))
    with pytest.raises(RuntimeError, match="rij 1 en rij 2 dezelfde naam"):
        migrate.upgrade(engine)
    with engine.connect() as connection:  # nothing half-done: still at 0002, both rows there
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar() \
            == "0002"
        assert connection.execute(text("SELECT count(*) FROM gemeente")).scalar() == 2
    engine.dispose()
    if engine.dialect.name == "postgresql":
        from tests import conftest
        conftest._pg_schema_ready = False


def _casus_t01(connection) -> None:
    """Gemeente Testdorp (id 1) with casus T-01 (id 1), as rows of a schema after 0003."""
    now = "CURRENT_TIMESTAMP"
    connection.execute(text(f"INSERT INTO gemeente (id, naam, naam_key, created_at, updated_at) "
                            f"VALUES (1, 'Testdorp', 'testdorp', {now}, {now})"))
    connection.execute(text(f"INSERT INTO casus (id, gemeente_id, code, code_key, doelgroep, "
                            f"beperkingen, leefgebieden, status, created_at, updated_at) VALUES "
                            f"(1, 1, 'T-01', 't-01', 'jeugd', '[]', '[]', 'lopend', {now}, {now})"))


def test_migration_0004_drops_scores_without_answer_or_toelichting(database_url):
    engine = make_engine(database_url)
    _fresh_at(engine, "0003")
    now = "CURRENT_TIMESTAMP"
    with engine.begin() as connection:
        _casus_t01(connection)
        connection.execute(text(f"INSERT INTO perspectief (id, casus_id, soort, rol, rol_key, "
                                f"toestemming, status, instrument_version, version, created_at, "
                                f"updated_at) VALUES (1, 1, 'inwoner', '', '', false, "
                                f"'concept', '2026.1', 1, {now}, {now})"))
        for i, (score, bijzonder, toelichting) in enumerate(
                [("3", "NULL", "''"), ("NULL", "'nvt'", "''"), ("NULL", "NULL", "'Uitleg'"),
                 ("NULL", "NULL", "''")]):
            connection.execute(text(
                f"INSERT INTO score (perspectief_id, element_code, score, bijzonder, toelichting, "
                f"instrument_version) VALUES (1, 'E{i}', {score}, {bijzonder}, {toelichting}, "
                f"'2026.1')"))
    migrate.upgrade(engine)
    with engine.connect() as connection:
        kept = connection.execute(text("SELECT element_code FROM score ORDER BY element_code"))
        assert [row[0] for row in kept] == ["E0", "E1", "E2"]
    engine.dispose()
    if engine.dialect.name == "postgresql":
        from tests import conftest
        conftest._pg_schema_ready = False


def test_migration_0005_gives_every_quote_its_perspective_as_speaker(database_url):
    engine = make_engine(database_url)
    _fresh_at(engine, "0004")
    now = "CURRENT_TIMESTAMP"
    with engine.begin() as connection:
        _casus_t01(connection)
        for pid, soort, geinterviewde in ((1, "inwoner", "ouder"), (2, "dossier", None),
                                          (3, "inwoner", "inwoner")):
            connection.execute(text(
                f"INSERT INTO perspectief (id, casus_id, soort, rol, rol_key, geinterviewde, "
                f"toestemming, status, instrument_version, version, created_at, updated_at) "
                f"VALUES ({pid}, 1, '{soort}', 'r{pid}', 'r{pid}', :who, false, 'concept', "
                f"'2026.1', 1, {now}, {now})"), {"who": geinterviewde})
            connection.execute(text(f"INSERT INTO citaat (perspectief_id, element_code, tekst, "
                                    f"bron) VALUES ({pid}, NULL, 'Citaat {pid}', '')"))
    migrate.upgrade(engine)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT tekst, spreker, soort, citeerbaar FROM citaat "
                                       "ORDER BY tekst")).all()
        assert [tuple(r) for r in rows] == [("Citaat 1", "ouder", None, False),  # the parent
                                            ("Citaat 2", "dossier", None, False),
                                            ("Citaat 3", "inwoner", None, False)]
        casus = connection.execute(text("SELECT knelpunten, wat_gaat_goed, synthese FROM casus"))
        assert tuple(casus.one()) == (None, None, None)
    engine.dispose()
    if engine.dialect.name == "postgresql":
        from tests import conftest
        conftest._pg_schema_ready = False


def test_downgrading_keeps_the_rows_under_a_casus(database_url):
    """A downgrade past 0005 and 0003 changes columns of casus: the perspectives and quotes
    under it stay (a table rebuild on SQLite would cascade-delete them)."""
    from alembic import command
    engine = make_engine(database_url)
    _fresh_at(engine, "head")
    now = "CURRENT_TIMESTAMP"
    with engine.begin() as connection:
        _casus_t01(connection)
        connection.execute(text(
            f"INSERT INTO perspectief (id, casus_id, soort, rol, rol_key, toestemming, status, "
            f"instrument_version, version, created_at, updated_at) VALUES (1, 1, 'inwoner', '', "
            f"'', false, 'concept', '2026.1', 1, {now}, {now})"))
        connection.execute(text("INSERT INTO citaat (perspectief_id, tekst, bron, spreker, "
                                "citeerbaar) VALUES (1, 'Citaat', '', 'ouder', true)"))
    config = migrate.alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0002")
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM perspectief")).scalar() == 1
        assert connection.execute(text("SELECT tekst FROM citaat")).scalar() == "Citaat"
    migrate.upgrade(engine)  # and back up again
    engine.dispose()
    if engine.dialect.name == "postgresql":
        from tests import conftest
        conftest._pg_schema_ready = False


def test_migrations_0008_0009_give_accounts_tokens_and_gemeenten_a_random_order(database_url):
    """Existing rows get their random values; nothing under them is lost (a table rebuild on
    SQLite would cascade-delete the casussen and the users' gemeente links)."""
    engine = make_engine(database_url)
    _fresh_at(engine, "0007")
    true = "TRUE" if engine.dialect.name == "postgresql" else "1"
    with engine.begin() as connection:
        _casus_t01(connection)
        connection.execute(text("INSERT INTO gemeente (id, naam, naam_key, created_at, "
                                "updated_at) VALUES (2, 'Anderstad', 'anderstad', "
                                "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))
        for user_id, name in ((1, "anna"), (2, "bram")):
            connection.execute(text(
                "INSERT INTO gebruiker (id, username, password_hash, role, active, "
                f"failed_logins, created_at) VALUES ({user_id}, '{name}', 'x', 'onderzoeker', "
                f"{true}, 0, CURRENT_TIMESTAMP)"))
            connection.execute(text("INSERT INTO gebruiker_gemeente (gebruiker_id, gemeente_id) "
                                    f"VALUES ({user_id}, 1)"))
    migrate.upgrade(engine)
    with engine.connect() as connection:
        tokens = connection.execute(text("SELECT session_token FROM gebruiker")).scalars().all()
        orders = connection.execute(text("SELECT anoniem_volgorde FROM gemeente")).scalars().all()
        links = connection.execute(text("SELECT count(*) FROM gebruiker_gemeente")).scalar()
        casussen = connection.execute(text("SELECT count(*) FROM casus")).scalar()
    assert len(tokens) == 2 and len(set(tokens)) == 2 and all(len(t) >= 40 for t in tokens)
    assert len(set(orders)) == 2 and all(o > 0 for o in orders)
    assert (links, casussen) == (2, 1)
    engine.dispose()
    if engine.dialect.name == "postgresql":
        from tests import conftest
        conftest._pg_schema_ready = False
