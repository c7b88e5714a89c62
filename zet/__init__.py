"""ZET: Zorg en ondersteuning Evaluatie Tool. ``create_app`` builds the Flask application."""
from __future__ import annotations

import importlib.util
import os
from pathlib import Path

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent


def template_folder() -> Path:
    """templates/ beside the zet package (a source checkout), else the installed copy
    ``zet_templates`` (a plain ``pip install .``, see setup.py)."""
    source = ROOT / "templates"
    if source.is_dir():
        return source
    spec = importlib.util.find_spec("zet_templates")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("De templates van ZET ontbreken: installeer ZET opnieuw met "
                           "'pip install .'.")
    return Path(list(spec.submodule_search_locations)[0])


def private_files() -> None:
    """Files ZET creates (the SQLite database, secret key, cache, uploads, exports, backups) are
    readable by the account that runs ZET only, whatever umask the shell had: they hold casus
    data. This sets the umask of the whole process (server, command, or whatever embeds the
    app), on purpose: every file a worker writes may hold casus data."""
    os.umask(0o077)


def private_folder(folder: Path) -> None:
    """The instance folder closed to other accounts, also when it was made before this rule."""
    try:
        if folder.is_dir() and folder.stat().st_uid == os.getuid():
            folder.chmod(0o700)
    except OSError:
        pass


def create_app(config: dict | None = None) -> Flask:
    from zet import db, web
    from zet.config import load_config
    from zet.instrument import load_registry

    private_files()
    settings = load_config(config)
    private_folder(Path(settings["INSTANCE_PATH"]))
    app = Flask(__name__, template_folder=str(template_folder()), static_folder="static",
                instance_path=settings["INSTANCE_PATH"])
    app.config.update(settings)
    app.extensions["zet_instruments"] = load_registry(app.config["INSTRUMENT_DIR"],
                                                      app.config["INSTRUMENT_VERSION"])
    db.init_app(app)
    web.init_app(app)
    return app
