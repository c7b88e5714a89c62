"""The gemeenterapport as a download (PDF or Word), from the totaalbeeld's buttons."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, abort, flash, redirect, request, url_for

from zet import audit
from zet.access import get_gemeente
from zet.db import get_session
from zet.errors import DomainError
from zet.instrument.current import active_instrument
from zet.services.rapport import FORMATS, RapportKeuze, audit_detail, make_rapport
from zet.views.common import current_scope
from zet.views.dubbel import blind_gemeente_response

bp = Blueprint("rapport", __name__)


@bp.get("/gemeenten/<int:gemeente_id>/rapport.<fmt>")
def download(gemeente_id, fmt):
    if fmt not in FORMATS:
        abort(404)
    session, scope = get_session(), current_scope()
    gemeente = get_gemeente(session, scope, gemeente_id)
    blind = blind_gemeente_response(gemeente.id)
    if blind:
        return blind
    onderzoek = None
    if request.args.get("onderzoek"):
        onderzoek = next((o for o in gemeente.onderzoeken
                          if str(o.id) == request.args["onderzoek"]), None)
        if onderzoek is None:
            abort(404)
    keuze = RapportKeuze(gemeente, onderzoek, alleen_compleet=request.args.get("compleet") == "1",
                         anoniem=request.args.get("anoniem") == "1")
    try:
        filename, data, mimetype = make_rapport(session, scope, active_instrument(), keuze, fmt,
                                                date.today())
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for("analyse.totaalbeeld", gemeente_id=gemeente.id,
                                onderzoek=onderzoek.id if onderzoek else None,
                                compleet="1" if keuze.alleen_compleet else None))
    audit.record("gegenereerd", "gemeente", gemeente.id, audit_detail(keuze, fmt))
    return Response(data, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="{filename}"'})
