"""`zet import FILE [--dry-run] [--skip-invalid]`: the Dutch report and the exit code."""
from sqlalchemy import select

from tests.import_helpers import (NOTHING, STANDARD_COUNTS, rows_for, standard_rows, stored,
                                  write_csv, write_xlsx, zip_bomb)
from zet.cli import main
from zet.models import AuditEvent


def run(app, *args):
    return app.test_cli_runner().invoke(main, ["import", *map(str, args)])


def test_import_reports_what_was_added_then_nothing_the_second_time(app, session, instrument,
                                                                    tmp_path):
    path = write_csv(tmp_path / "scores.csv", standard_rows(instrument), delimiter=";")
    result = run(app, path)
    assert result.exit_code == 0, result.output
    assert "Toegevoegd: 2 gemeenten, 1 onderzoek, 3 casussen, 6 perspectieven, 90 scores." \
        in result.output
    assert "Nieuwe casussen: DW-J01 (Duinwijk), DW-V01 (Duinwijk), ZD-J01 (Zeedorp)." \
        in result.output
    assert stored(session) == STANDARD_COUNTS
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "geïmporteerd"))
    assert event is not None and event.object_type == "import"
    assert event.detail == ("csv-bestand: toegevoegd: 2 gemeenten, 1 onderzoek, 3 casussen, "
                            "6 perspectieven, 90 scores; gewijzigd: 0 scores (in 0 bestaande "
                            "perspectieven), 0 casussen aan een onderzoek gekoppeld.")
    again = run(app, path)
    assert again.exit_code == 0, again.output
    assert "Toegevoegd: 0 gemeenten, 0 onderzoeken, 0 casussen, 0 perspectieven, 0 scores." \
        in again.output
    assert "Gewijzigd: 0 scores" in again.output and "Niets veranderd" in again.output
    assert stored(session) == STANDARD_COUNTS


def test_dry_run_stores_nothing(app, session, instrument, tmp_path):
    path = write_xlsx(tmp_path / "scores.xlsx", standard_rows(instrument))
    result = run(app, path, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "Proefimport (--dry-run): er is niets opgeslagen." in result.output
    assert "Zou worden toegevoegd: 2 gemeenten" in result.output
    assert stored(session) == NOTHING


def test_invalid_rows_exit_1_with_every_problem_and_store_nothing(app, session, instrument,
                                                                  tmp_path):
    rows = rows_for(instrument)
    rows[0] = dict(rows[0], score="7")
    rows[3] = dict(rows[3], perspectief="buurman")
    result = run(app, write_csv(tmp_path / "fout.csv", rows))
    assert result.exit_code == 1
    assert "Niet geïmporteerd: het bestand heeft 2 problemen. Er is niets opgeslagen." \
        in result.output
    assert "Rij 2: Score '7' is ongeldig" in result.output
    assert "Rij 5: Perspectief 'buurman' onbekend" in result.output
    assert stored(session) == NOTHING


def test_skip_invalid_imports_the_rest(app, session, instrument, tmp_path):
    rows = rows_for(instrument)
    rows[0] = dict(rows[0], score="7")
    result = run(app, write_csv(tmp_path / "deels.csv", rows), "--skip-invalid")
    assert result.exit_code == 0, result.output
    assert "Overgeslagen: 1 van 15 rijen" in result.output
    assert "Rij 2: Score '7' is ongeldig" in result.output
    assert stored(session) == {"gemeente": 1, "casus": 1, "perspectief": 1, "score": 14}


def test_unreadable_file_exits_1(app, session, tmp_path):
    result = run(app, zip_bomb(tmp_path / "bom.xlsx"))
    assert result.exit_code == 1
    assert "Niet geïmporteerd:" in result.output and "uitgepakt te groot" in result.output
    assert stored(session) == NOTHING
