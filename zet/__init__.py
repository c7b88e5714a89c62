"""ZET: Zorg en ondersteuning Evaluatie Tool. ``create_app`` builds the Flask application."""
from __future__ import annotations

from pathlib import Path

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict | None = None) -> Flask:
    from zet import db, web
    from zet.config import load_config
    from zet.instrument import load_registry

    app = Flask(__name__, template_folder=str(ROOT / "templates"),
                static_folder="static")
    app.config.update(load_config())
    app.config.update(config or {})
    app.extensions["zet_instruments"] = load_registry(app.config["INSTRUMENT_DIR"],
                                                      app.config["INSTRUMENT_VERSION"])
    db.init_app(app)
    web.init_app(app)
    return app
