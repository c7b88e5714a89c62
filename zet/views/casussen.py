"""Casussen: create, view (what is done, what is missing), change, delete."""
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from forms.base import ZetForm
from forms.casus import casus_form
from zet import audit
from zet.access import get_casus, get_gemeente
from zet.db import get_session, transaction
from zet.errors import DomainError
from zet.services.casussen import (delete_casus, finish_casus, missing_facts,
                                   perspectief_overview, ready_to_finish, save_casus)
from zet.services.dubbel import casus_blind_for
from zet.services.wijzigingen import casus_history
from zet.views.common import apply_domain_error, current_scope, flash_errors
from zet.instrument.current import active_instrument

bp = Blueprint("casussen", __name__)


@bp.route("/gemeenten/<int:gemeente_id>/casussen/nieuw", methods=["GET", "POST"])
def create(gemeente_id):
    gemeente = get_gemeente(get_session(), current_scope(), gemeente_id)
    return _edit(gemeente, None)


@bp.route("/casussen/<int:casus_id>/bewerken", methods=["GET", "POST"])
def edit(casus_id):
    casus = get_casus(get_session(), current_scope(), casus_id)
    return _edit(casus.gemeente, casus)


def _edit(gemeente, casus):
    form = casus_form(gemeente.onderzoeken, casus)
    if form.validate_on_submit():
        try:
            with transaction() as session:
                action = "gewijzigd" if casus else "aangemaakt"
                casus = save_casus(session, gemeente, form.values(), casus)
                audit.record(action, "casus", casus.id, casus.code)
            flash(f"Casus {casus.code} opgeslagen.", "success")
            return redirect(url_for(".detail", casus_id=casus.id))
        except DomainError as error:
            apply_domain_error(form, error)
    else:
        flash_errors(form)
    return render_template("casussen/form.html", form=form, gemeente=gemeente, casus=casus)


@bp.get("/casussen/<int:casus_id>")
def detail(casus_id):
    casus = get_casus(get_session(), current_scope(), casus_id)
    audit.record("bekeken", "casus", casus.id, casus.code)
    instrument = active_instrument()
    return render_template("casussen/detail.html", casus=casus,
                           overview=perspectief_overview(casus, instrument),
                           missing=missing_facts(casus), delete_form=ZetForm(),
                           ready_to_finish=ready_to_finish(casus),
                           blind=casus_blind_for(casus, current_user.id),
                           changes=casus_history(get_session(), instrument, casus))


@bp.post("/casussen/<int:casus_id>/afronden")
def finish(casus_id):
    casus = get_casus(get_session(), current_scope(), casus_id)
    if not ZetForm().validate_on_submit():
        flash("Afronden mislukt: ververs de pagina en probeer opnieuw.", "error")
        return redirect(url_for(".detail", casus_id=casus.id))
    try:
        with transaction() as session:
            finish_casus(session, casus)
            audit.record("gewijzigd", "casus", casus.id, f"{casus.code}: afgerond")
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(f"Casus {casus.code} is afgerond.", "success")
    return redirect(url_for(".detail", casus_id=casus.id))


@bp.post("/casussen/<int:casus_id>/verwijderen")
def delete(casus_id):
    form = ZetForm()
    casus = get_casus(get_session(), current_scope(), casus_id)
    if not form.validate_on_submit():
        flash("Verwijderen mislukt: ververs de pagina en probeer opnieuw.", "error")
        return redirect(url_for(".detail", casus_id=casus.id))
    gemeente_id, code = casus.gemeente_id, casus.code
    with transaction() as session:
        audit.record("verwijderd", "casus", casus.id,
                     f"{code} ({casus.gemeente.naam}), met perspectieven, scores en citaten")
        delete_casus(session, casus)
    flash(f"Casus {code} is verwijderd, met alle perspectieven, scores en citaten.", "success")
    return redirect(url_for("gemeenten.detail", gemeente_id=gemeente_id))
