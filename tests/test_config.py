"""Configuration is read once, into app.config, from the environment and the instance folder."""
from __future__ import annotations

import subprocess
import sys

from zet import create_app


def test_instance_path_moves_every_default_that_lives_there(tmp_path, monkeypatch):
    monkeypatch.delenv("ZET_DATABASE_URL", raising=False)
    monkeypatch.delenv("ZET_SECRET_KEY", raising=False)
    (tmp_path / "secret_key").write_text("sleutel-uit-de-instance-map")
    app = create_app({"INSTANCE_PATH": str(tmp_path)})
    assert app.instance_path == str(tmp_path)
    assert app.config["DATABASE_URL"] == f"sqlite:///{tmp_path / 'zet.sqlite3'}"
    assert app.config["SECRET_KEY"] == "sleutel-uit-de-instance-map"
    assert app.config["IMPORT_DIR"] == str(tmp_path / "imports")
    assert app.config["CACHE_DIR"] == str(tmp_path / "cache")


def test_the_environment_is_read_when_the_app_is_made_not_at_each_use(tmp_path, monkeypatch):
    monkeypatch.setenv("ZET_INSTANCE_PATH", str(tmp_path / "eerst"))
    monkeypatch.setenv("ZET_DATABASE_URL", f"sqlite:///{tmp_path / 'db.sqlite3'}")
    app = create_app()
    monkeypatch.setenv("ZET_INSTANCE_PATH", str(tmp_path / "later"))
    with app.app_context():
        from zet.views.importeren import uploads
        assert uploads().folder == tmp_path / "eerst" / "imports"


def test_views_commands_and_use_cases_do_not_import_the_web_wiring():
    code = ("import sys, zet.cli, zet.services.transfer, zet.views.perspectieven, "
            "zet.instrument.current; print('zet.web' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "False"
