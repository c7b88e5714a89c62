"""Pages anyone may read, logged in or not: the toegankelijkheidsverklaring."""
from __future__ import annotations

from flask import Blueprint, render_template


bp = Blueprint("info", __name__)


@bp.get("/toegankelijkheid")
def toegankelijkheid():
    """The accessibility statement a public body publishes for its web applications."""
    return render_template("info/toegankelijkheid.html")
