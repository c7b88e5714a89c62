"""Gemeenten and their onderzoeken."""
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from forms.gemeente import GemeenteForm, OnderzoekForm
from zet import audit
from zet.access import ALL, get_gemeente, get_onderzoek
from zet.db import get_session, transaction
from zet.errors import DomainError, NeedsConfirmation
from zet.services.dataset import anonymous_labels
from zet.services.casussen import answered_counts, list_casussen, perspectief_overview
from zet.services.gemeenten import (counts_per_gemeente, list_gemeenten, save_gemeente,
                                    save_onderzoek)
from zet.views.common import apply_domain_error, current_scope, flash_errors
from zet.instrument.current import active_instrument

bp = Blueprint("gemeenten", __name__)


@bp.get("/")
def index():
    session, scope = get_session(), current_scope()
    return render_template("gemeenten/index.html", gemeenten=list_gemeenten(session, scope),
                           counts=counts_per_gemeente(session, scope))


@bp.route("/gemeenten/nieuw", methods=["GET", "POST"])
def create():
    return _edit_gemeente(None)


@bp.route("/gemeenten/<int:gemeente_id>/bewerken", methods=["GET", "POST"])
def edit(gemeente_id):
    return _edit_gemeente(get_gemeente(get_session(), current_scope(), gemeente_id))


def _edit_gemeente(gemeente):
    form = GemeenteForm(obj=gemeente)
    ask_confirm = bool(form.nieuw_bevestigd.data)
    if form.validate_on_submit():
        try:
            with transaction() as session:
                action = "gewijzigd" if gemeente else "aangemaakt"
                gemeente = save_gemeente(session, form.data, gemeente,
                                         confirm_new=bool(form.nieuw_bevestigd.data))
                audit.record(action, "gemeente", gemeente.id, gemeente.naam)
            flash(f"Gemeente '{gemeente.naam}' opgeslagen.", "success")
            return redirect(url_for(".detail", gemeente_id=gemeente.id))
        except NeedsConfirmation as error:
            ask_confirm = True
            apply_domain_error(form, error)
        except DomainError as error:
            apply_domain_error(form, error)
    else:
        flash_errors(form)
    return render_template("gemeenten/form.html", form=form, gemeente=gemeente,
                           ask_confirm=ask_confirm)


@bp.get("/gemeenten/<int:gemeente_id>")
def detail(gemeente_id):
    session = get_session()
    gemeente = get_gemeente(session, current_scope(), gemeente_id)
    casussen = list_casussen(session, current_scope(), gemeente.id)
    instrument = active_instrument()
    answered = answered_counts(session, casussen)
    overview = {c.id: perspectief_overview(c, instrument, answered) for c in casussen}
    # The anonymous label is the key to the anonymised output: only a beheerder sees it.
    anoniem = (anonymous_labels(session, ALL).get(gemeente.naam)
               if current_user.role == "beheerder" else None)
    return render_template("gemeenten/detail.html", gemeente=gemeente, casussen=casussen,
                           overview=overview, anoniem=anoniem)


@bp.route("/gemeenten/<int:gemeente_id>/onderzoeken/nieuw", methods=["GET", "POST"])
def create_onderzoek(gemeente_id):
    gemeente = get_gemeente(get_session(), current_scope(), gemeente_id)
    return _edit_onderzoek(gemeente, None)


@bp.route("/onderzoeken/<int:onderzoek_id>/bewerken", methods=["GET", "POST"])
def edit_onderzoek(onderzoek_id):
    onderzoek = get_onderzoek(get_session(), current_scope(), onderzoek_id)
    return _edit_onderzoek(onderzoek.gemeente, onderzoek)


def _edit_onderzoek(gemeente, onderzoek):
    form = OnderzoekForm(obj=onderzoek)
    if form.validate_on_submit():
        try:
            with transaction() as session:
                action = "gewijzigd" if onderzoek else "aangemaakt"
                onderzoek = save_onderzoek(session, gemeente, form.data, onderzoek)
                # The title is free text: the audit log names the gemeente, not the title.
                audit.record(action, "onderzoek", onderzoek.id, gemeente.naam)
            flash(f"Onderzoek '{onderzoek.titel}' opgeslagen.", "success")
            return redirect(url_for(".detail", gemeente_id=gemeente.id))
        except DomainError as error:
            apply_domain_error(form, error)
    else:
        flash_errors(form)
    return render_template("gemeenten/onderzoek_form.html", form=form, gemeente=gemeente,
                           onderzoek=onderzoek)
