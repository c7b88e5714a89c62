"""Verbeteracties of a gemeente: the overview (by status and element, overdue ones marked),
create, change, and progress notes."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for

from forms.verbeteractie import VoortgangForm, actie_form
from zet import audit
from zet.access import get_gemeente, get_verbeteractie
from zet.db import get_session, transaction
from zet.errors import DomainError
from zet.instrument.current import active_instrument
from zet.services.verbeteracties import add_voortgang, list_acties, save_actie
from zet.views.common import apply_domain_error, current_scope, flash_errors, refused_as_stale
from zet.vocabulary import ACTIE_STATUSSEN

bp = Blueprint("verbeteracties", __name__)


@bp.get("/gemeenten/<int:gemeente_id>/verbeteracties")
def overzicht(gemeente_id):
    session, scope = get_session(), current_scope()
    gemeente = get_gemeente(session, scope, gemeente_id)
    status = request.args.get("status") if request.args.get("status") in ACTIE_STATUSSEN else None
    element = request.args.get("element") or None
    if element and active_instrument().element(element) is None:
        element = None
    audit.record("bekeken", "gemeente", gemeente.id, "verbeteracties")
    return render_template("verbeteracties/overzicht.html", gemeente=gemeente,
                           acties=list_acties(session, scope, gemeente.id, status=status,
                                              element=element),
                           status=status, element=element, statussen=ACTIE_STATUSSEN,
                           today=date.today())


@bp.route("/gemeenten/<int:gemeente_id>/verbeteracties/nieuw", methods=["GET", "POST"])
def create(gemeente_id):
    gemeente = get_gemeente(get_session(), current_scope(), gemeente_id)
    return _edit(gemeente, None)


@bp.route("/verbeteracties/<int:actie_id>/bewerken", methods=["GET", "POST"])
def edit(actie_id):
    actie = get_verbeteractie(get_session(), current_scope(), actie_id)
    return _edit(actie.gemeente, actie)


def _edit(gemeente, actie):
    instrument = active_instrument()
    form = actie_form(instrument, gemeente, actie)
    if form.validate_on_submit():
        if not refused_as_stale(form, actie, "verbeteractie"):
            try:
                with transaction() as session:
                    verb = "gewijzigd" if actie else "aangemaakt"
                    actie = save_actie(session, instrument, gemeente, form.values(), actie)
                    audit.record(verb, "verbeteractie", actie.id, "verbeteractie")
                flash("Verbeteractie opgeslagen.", "success")
                return redirect(url_for(".detail", actie_id=actie.id))
            except DomainError as error:
                apply_domain_error(form, error)
    else:
        flash_errors(form)
    return render_template("verbeteracties/form.html", form=form, gemeente=gemeente, actie=actie)


@bp.get("/verbeteracties/<int:actie_id>")
def detail(actie_id):
    actie = get_verbeteractie(get_session(), current_scope(), actie_id)
    audit.record("bekeken", "verbeteractie", actie.id, "verbeteractie")
    return _detail(actie, VoortgangForm(formdata=None, data={"datum": date.today()}))


def _detail(actie, form):
    return render_template("verbeteracties/detail.html", actie=actie, form=form,
                           today=date.today())


@bp.post("/verbeteracties/<int:actie_id>/voortgang")
def voortgang(actie_id):
    actie = get_verbeteractie(get_session(), current_scope(), actie_id)
    form = VoortgangForm()
    if form.validate_on_submit():
        try:
            with transaction() as session:
                add_voortgang(session, actie, form.datum.data, form.tekst.data)
                audit.record("gewijzigd", "verbeteractie", actie.id, "voortgang")
            flash("Voortgang vastgelegd.", "success")
            return redirect(url_for(".detail", actie_id=actie.id))
        except DomainError as error:
            apply_domain_error(form, error)
    else:
        flash_errors(form)
    return _detail(actie, form), 422
