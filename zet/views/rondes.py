"""Rounds over time for one gemeente: pick two onderzoeken, see per element both scores, the
change and the earlier round's actions."""
from __future__ import annotations

from flask import Blueprint, render_template, request

from zet import audit
from zet.access import get_gemeente
from zet.db import get_session
from zet.instrument.current import active_instrument
from zet.services.analyse import SETTINGS
from zet.services.rondes import anonieme_rondes, default_pair, rondes, vergelijk_rondes
from zet.views.common import comparison_scope, current_scope

bp = Blueprint("rondes", __name__)


@bp.get("/gemeenten/<int:gemeente_id>/rondes")
def vergelijking(gemeente_id):
    session, scope = get_session(), current_scope()
    gemeente = get_gemeente(session, scope, gemeente_id)
    by_id = {o.id: o for o in gemeente.onderzoeken}
    pair = default_pair(gemeente)
    eerder = by_id.get(request.args.get("eerder", type=int)) or (pair[0] if pair else None)
    later = by_id.get(request.args.get("later", type=int)) or (pair[1] if pair else None)
    alleen_compleet = request.args.get("compleet") == "1"
    comparison = None
    if eerder is not None and later is not None and eerder is not later:
        comparison = vergelijk_rondes(session, scope, active_instrument(), gemeente, eerder,
                                      later, alleen_compleet)
    audit.record("bekeken", "analyse", gemeente.id, "rondes")
    return render_template("analyse/rondes.html", gemeente=gemeente, rondes=rondes(gemeente),
                           eerder=eerder, later=later, comparison=comparison,
                           alleen_compleet=alleen_compleet, settings=SETTINGS)


@bp.get("/vergelijking/rondes")
def anoniem():
    """The same comparison for the kennisinstituut: gemeenten by their anonymous label only."""
    view = anonieme_rondes(get_session(), comparison_scope(), active_instrument(),
                           request.args.get("gemeente"), request.args.get("eerder", type=int),
                           request.args.get("later", type=int))
    audit.record("bekeken", "analyse", None, "rondes (geanonimiseerd)")
    return render_template("analyse/rondes_anoniem.html", view=view, settings=SETTINGS)
