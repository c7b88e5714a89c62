"""Consolidating: the bevindingen of one casus (knelpunten, wat gaat goed, a synthesis per
element beside its scores, toelichtingen and quotes) and the casussen x elementen matrix of a
gemeente."""
from flask import Blueprint, flash, redirect, render_template, url_for

from forms.bevindingen import bevindingen_form
from zet import audit
from zet.access import get_casus, get_gemeente
from zet.db import get_session, transaction
from zet.errors import DomainError
from zet.instrument.current import active_instrument
from zet.services import analyse
from zet.services.bevindingen import consolidatie_matrix, save_bevindingen
from zet.views.common import (apply_domain_error, current_scope, flash_errors, records,
                              refused_as_stale)
from zet.views.dubbel import blind_gemeente_response, blind_response

bp = Blueprint("bevindingen", __name__)


@bp.route("/casussen/<int:casus_id>/bevindingen", methods=["GET", "POST"])
def casus(casus_id):
    session, scope, instrument = get_session(), current_scope(), active_instrument()
    casus = get_casus(session, scope, casus_id)
    blind = blind_response(casus)
    if blind:
        return blind
    form = bevindingen_form(instrument, casus)
    if form.validate_on_submit():
        if not refused_as_stale(form, casus, "casus"):
            try:
                with transaction() as tx:
                    save_bevindingen(tx, instrument, casus, form.values(instrument))
                    audit.record("gewijzigd", "casus", casus.id, f"bevindingen {casus.code}")
                flash(f"Bevindingen van casus {casus.code} opgeslagen.", "success")
                return redirect(url_for(".casus", casus_id=casus.id))
            except DomainError as error:
                apply_domain_error(form, error)
    else:
        flash_errors(form)
        if not form.is_submitted():
            audit.record("bekeken", "casus", casus.id, f"bevindingen {casus.code}")
    schema, evidence, quotes, completeness = analyse.casus_schema(session, scope, instrument,
                                                                  casus)
    rows = {row["element"]: row for row in records(schema)}
    return render_template("bevindingen/casus.html", casus=casus, form=form, rows=rows,
                           evidence=evidence, quotes=quotes, completeness=completeness)


@bp.get("/gemeenten/<int:gemeente_id>/consolidatie")
def matrix(gemeente_id):
    session, scope = get_session(), current_scope()
    gemeente = get_gemeente(session, scope, gemeente_id)
    blind = blind_gemeente_response(gemeente.id)
    if blind:
        return blind
    audit.record("bekeken", "analyse", gemeente.id, "consolidatie")
    return render_template("bevindingen/matrix.html", gemeente=gemeente,
                           matrix=consolidatie_matrix(session, scope, active_instrument(),
                                                      gemeente))
