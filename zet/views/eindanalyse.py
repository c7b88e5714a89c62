"""The eindanalyse of an onderzoek: the sessions of a gemeente, one session (what the group
agreed per element beside what ZET computes), create and change."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for

from forms.eindanalyse import eindanalyse_form
from zet import audit
from zet.access import get_eindanalyse, get_gemeente, get_onderzoek
from zet.db import get_session, transaction
from zet.errors import DomainError
from zet.instrument.current import active_instrument
from zet.services.eindanalyse import (berekende_oordelen, citaatkeuzes, list_eindanalyses,
                                      onderzoek_casussen, save_eindanalyse)
from zet.views.common import apply_domain_error, current_scope, flash_errors, refused_as_stale
from zet.vocabulary import DISCIPLINES

bp = Blueprint("eindanalyse", __name__)


@bp.get("/gemeenten/<int:gemeente_id>/eindanalyses")
def overzicht(gemeente_id):
    session, scope = get_session(), current_scope()
    gemeente = get_gemeente(session, scope, gemeente_id)
    audit.record("bekeken", "gemeente", gemeente.id, "eindanalyses")
    return render_template("eindanalyse/overzicht.html", gemeente=gemeente,
                           sessies=list_eindanalyses(session, scope, gemeente.id),
                           disciplines=DISCIPLINES)


@bp.route("/onderzoeken/<int:onderzoek_id>/eindanalyses/nieuw", methods=["GET", "POST"])
def create(onderzoek_id):
    onderzoek = get_onderzoek(get_session(), current_scope(), onderzoek_id)
    return _edit(onderzoek, None)


@bp.route("/eindanalyses/<int:eindanalyse_id>/bewerken", methods=["GET", "POST"])
def edit(eindanalyse_id):
    eindanalyse = get_eindanalyse(get_session(), current_scope(), eindanalyse_id)
    return _edit(eindanalyse.onderzoek, eindanalyse)


def _edit(onderzoek, eindanalyse):
    session, instrument = get_session(), active_instrument()
    casussen = onderzoek_casussen(session, onderzoek)
    keuzes = citaatkeuzes(casussen)
    form = eindanalyse_form(instrument, casussen, keuzes, eindanalyse)
    if form.validate_on_submit():
        if not refused_as_stale(form, eindanalyse, "eindanalyse"):
            try:
                with transaction() as tx:
                    verb = "gewijzigd" if eindanalyse else "aangemaakt"
                    eindanalyse = save_eindanalyse(tx, instrument, onderzoek,
                                                   form.values(instrument, keuzes), eindanalyse)
                    audit.record(verb, "eindanalyse", eindanalyse.id, "eindanalyse")
                flash("Eindanalyse opgeslagen.", "success")
                return redirect(url_for(".detail", eindanalyse_id=eindanalyse.id))
            except DomainError as error:
                apply_domain_error(form, error)
    else:
        flash_errors(form)
    return render_template("eindanalyse/form.html", form=form, onderzoek=onderzoek,
                           gemeente=onderzoek.gemeente, eindanalyse=eindanalyse,
                           instrument=instrument, disciplines=DISCIPLINES,
                           berekend=berekende_oordelen(session, instrument, onderzoek),
                           casussen=casussen,
                           own_quotes={code: sum(k.element_code == code for k in keuzes)
                                       for code in instrument.codes})


@bp.get("/eindanalyses/<int:eindanalyse_id>")
def detail(eindanalyse_id):
    session, instrument = get_session(), active_instrument()
    eindanalyse = get_eindanalyse(session, current_scope(), eindanalyse_id)
    casussen = onderzoek_casussen(session, eindanalyse.onderzoek)
    audit.record("bekeken", "eindanalyse", eindanalyse.id, "eindanalyse")
    return render_template("eindanalyse/detail.html", eindanalyse=eindanalyse,
                           onderzoek=eindanalyse.onderzoek, gemeente=eindanalyse.gemeente,
                           instrument=instrument, disciplines=DISCIPLINES,
                           berekend=berekende_oordelen(session, instrument, eindanalyse.onderzoek),
                           casussen={c.id: c for c in casussen},
                           citaten={(k.casus_id, k.tekst): k for k in citaatkeuzes(casussen)})
