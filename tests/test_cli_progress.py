"""`zet import` and `zet export` show a progress bar on a terminal and stay quiet in scripts.

The commands run as real processes: once with stderr on a pseudo-terminal (as in a shell),
once with plain pipes (as in a script or cron job).
"""
from __future__ import annotations

import os
import pty
import subprocess
import sys

import pytest

from tests.import_helpers import rows_for, write_csv

ZET = [sys.executable, "-c", "from zet.cli import main; main()"]


@pytest.fixture
def environment(tmp_path):
    env = {**os.environ, "ZET_DATABASE_URL": f"sqlite:///{tmp_path / 'zet.sqlite3'}",
           "ZET_INSTANCE_PATH": str(tmp_path / "instance")}
    subprocess.run(ZET + ["init"], env=env, check=True, capture_output=True)
    return env


@pytest.fixture
def csv_file(tmp_path, instrument):
    rows = []
    for number in range(1, 4):
        for soort in ("inwoner", "dossier"):
            rows += rows_for(instrument, casus=f"DW-{number:02d}", perspectief=soort)
    return write_csv(tmp_path / "scores.csv", rows)


def on_terminal(command: list[str], env: dict) -> tuple[int, str, str]:
    """Run with stderr on a pseudo-terminal; (exit code, stdout, what the terminal showed)."""
    main, secondary = pty.openpty()
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=secondary)
    os.close(secondary)
    shown = b""
    while True:
        try:
            chunk = os.read(main, 4096)
        except OSError:   # the terminal closed: the process ended
            break
        if not chunk:
            break
        shown += chunk
    stdout = process.stdout.read().decode()
    process.stdout.close()
    code = process.wait(60)
    os.close(main)
    return code, stdout, shown.decode(errors="replace")


def test_import_and_export_draw_a_bar_on_a_terminal(environment, csv_file, tmp_path):
    code, stdout, shown = on_terminal(ZET + ["import", str(csv_file)], environment)
    assert code == 0, stdout + shown
    assert "Opgeslagen" in shown and "100%" in shown and "#" in shown
    assert stdout.startswith("Toegevoegd:")   # the report itself stays on stdout, unchanged

    out = tmp_path / "export.xlsx"
    code, stdout, shown = on_terminal(ZET + ["export", "--out", str(out)], environment)
    assert code == 0, stdout + shown
    assert "100%" in shown and "Tabblad" in shown
    assert out.stat().st_size > 1000 and "Geschreven" in stdout


def test_in_a_script_nothing_but_the_report(environment, csv_file, tmp_path):
    result = subprocess.run(ZET + ["import", str(csv_file)], env=environment,
                            capture_output=True, text=True)
    assert result.returncode == 0
    assert result.stderr == "" and "%" not in result.stdout and "Opgeslagen" not in result.stdout
    out = tmp_path / "export.xlsx"
    result = subprocess.run(ZET + ["export", "--out", str(out)], env=environment,
                            capture_output=True, text=True)
    assert result.returncode == 0 and result.stderr == ""
    assert result.stdout.startswith("Geschreven") and out.exists()
