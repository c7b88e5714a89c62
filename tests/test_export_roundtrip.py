"""Import -> export -> import: the workbook's Data sheet is the import format, unchanged."""
from __future__ import annotations

import pandas as pd
import pytest

from zet.access import ALL
from zet.export.service import export_bytes
from zet.services.dataset import scores_frame

importing = pytest.importorskip("zet.importing")


def import_csv(instrument) -> bytes:
    """Two gemeenten; nvt, onbekend, an empty score with a toelichting, two professionals, a
    casus without dossier, a toelichting that looks like a formula and one holding the text
    "_x000D_" (as Excel writes a line break in its own escape)."""
    codes = instrument.codes
    rows = ["gemeente;onderzoek;casus;doelgroep;perspectief;rol;element;score;toelichting"]
    for i, code in enumerate(codes):
        rows.append(f"Gemeente Oost;Ronde 2026;O-01;jeugd;inwoner;;{code};{i % 5 + 1};")
        rows.append(f"Gemeente Oost;Ronde 2026;O-01;jeugd;professional;consulent;{code};"
                    f"{'onbekend' if i == 1 else (i + 2) % 5 + 1};Gesprek {i}")
        rows.append(f"Gemeente Oost;Ronde 2026;O-01;jeugd;professional;begeleider;{code};"
                    f"{'nvt' if i == 2 else 3};")
        rows.append(f"Gemeente Oost;Ronde 2026;O-01;jeugd;dossier;;{code};"
                    f"{'' if i == 3 else 2};{'Niet vastgelegd' if i == 3 else ''}")
        rows.append(f"Gemeente West;Ronde 2026;W-01;volwassenen;inwoner;;{code};4;"
                    f"{'=1+1' if i == 0 else ''}")
        rows.append(f"Gemeente West;Ronde 2026;W-01;volwassenen;professional;consulent;{code};"
                    f"5;{'Uit Excel geplakt: regel_x000D_twee' if i == 0 else ''}")
    return ("\r\n".join(rows) + "\r\n").encode("utf-8-sig")


def stored(session) -> pd.DataFrame:
    frame = scores_frame(session, ALL)
    return frame.sort_values(list(frame.columns)).reset_index(drop=True)


@pytest.fixture
def imported(session, instrument):
    plan = importing.import_file(session, instrument, "ronde.csv", import_csv(instrument))
    assert plan.applied, plan.summary_lines()
    session.commit()
    return stored(session)


def test_exported_workbook_imports_again_without_changes(session, instrument, imported):
    _, data, _ = export_bytes(session, ALL, instrument)
    plan = importing.import_file(session, instrument, "export.xlsx", data, dry_run=True)
    assert not plan.problems, plan.summary_lines()
    assert not plan.changes_anything, plan.summary_lines()
    assert plan.scores_unchanged == len(imported)
    applied = importing.import_file(session, instrument, "export.xlsx", data)
    session.commit()
    assert not applied.changes_anything
    pd.testing.assert_frame_equal(stored(session), imported)
    assert "=1+1" in set(imported["toelichting"])
    # XlsxWriter escapes a literal "_x000D_" as the format requires; the reader undoes it.
    assert "Uit Excel geplakt: regel_x000D_twee" in set(imported["toelichting"])


def test_exported_csv_imports_again_unchanged_with_the_formula_guard_undone(session, instrument,
                                                                           imported):
    _, data, _ = export_bytes(session, ALL, instrument, fmt="csv")
    assert b"'=1+1" in data  # the CSV guard a spreadsheet needs ...
    plan = importing.import_file(session, instrument, "export.csv", data, dry_run=True)
    assert not plan.problems, plan.summary_lines()
    # ... is undone on import, so the round trip changes no toelichting.
    assert plan.scores_changed == 0 and plan.scores_added == 0
    assert plan.scores_unchanged == len(imported)
