"""Downloads: the Excel workbook and the long CSV of the gemeenten the user may see."""
from __future__ import annotations

import io

from flask import Blueprint, abort, request, send_file

from zet.db import get_session
from zet.export.service import export_bytes
from zet.views.common import comparison_scope, must_anonymise
from zet.web import active_instrument

bp = Blueprint("export", __name__, url_prefix="/export")


@bp.get("/werkboek.xlsx")
def werkboek():
    return _download("xlsx")


@bp.get("/data.csv")
def data_csv():
    return _download("csv")


def _download(fmt: str):
    filename, data, mimetype = export_bytes(
        get_session(), comparison_scope(), active_instrument(), gemeente_ids=_gemeente_ids(),
        anonymous=must_anonymise() or request.args.get("anoniem") == "1", fmt=fmt)
    response = send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=True,
                         download_name=filename, max_age=0)
    response.headers["Cache-Control"] = "no-store"  # casus data: never in a shared cache
    return response


def _gemeente_ids() -> list[int] | None:
    """?gemeente=<id> (repeatable); anything but a number is not found, like any other id."""
    raw = request.args.getlist("gemeente")
    if not raw:
        return None
    if not all(value.isdigit() for value in raw):
        abort(404)
    return [int(value) for value in raw]
