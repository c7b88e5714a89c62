"""The perspective form: live during an interview, with drafts, autosave and conflict handling."""
from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from forms.perspectief import (fill_form, form_to_input, perspectief_form_class,
                               unknown_element_fields)
from zet import audit
from zet.access import get_casus, get_perspectief
from zet.db import get_session, transaction
from zet.errors import ConflictError, DomainError, NotFound
from zet.models import Perspectief
from zet.moments import in_dutch_time
from zet.services.perspectieven import (SINGLE_PERSPECTIVES, conflict_message, find_single,
                                        save_perspectief)
from zet.services.dubbel import may_see_second
from zet.services.wijzigingen import perspectief_history
from zet.views.common import apply_domain_error, current_scope
from zet.views.dubbel import blind_response
from zet.vocabulary import PERSPECTIEVEN
from zet.instrument.current import active_instrument, instruments

bp = Blueprint("perspectieven", __name__)
NO_VERSION = ("Niet opgeslagen: het formulier weet niet meer welke versie u opende, dus ZET kan "
              "niet nagaan of iemand anders intussen heeft opgeslagen. Uw invoer staat "
              "hieronder; controleer die en sla opnieuw op.")
AUTOSAVE_AUDIT_MINUTES = 10  # one audit event per user and perspective per 10 minutes of autosave


def _label(perspectief) -> str:
    """For the audit log: which casus and perspective, never the free-text rol."""
    return f"casus {perspectief.casus.code}: {perspectief.soort}"


@bp.route("/casussen/<int:casus_id>/perspectieven/<soort>/nieuw", methods=["GET", "POST"])
def create(casus_id, soort):
    if soort not in PERSPECTIEVEN:
        abort(404)
    try:
        casus = get_casus(get_session(), current_scope(), casus_id)
    except NotFound as error:
        return _gone(error)  # 404 for a GET; a POST gets back what was typed
    if request.method == "GET" and soort in SINGLE_PERSPECTIVES:
        existing = find_single(casus, soort)
        if existing is not None:
            return redirect(url_for(".edit", perspectief_id=existing.id))
    return _handle(casus, soort, None)


@bp.route("/perspectieven/<int:perspectief_id>", methods=["GET", "POST"])
def edit(perspectief_id):
    try:
        perspectief = get_perspectief(get_session(), current_scope(), perspectief_id)
    except NotFound as error:
        return _gone(error)  # 404 for a GET; a POST gets back what was typed
    return blind_response(perspectief.casus, perspectief) or _handle(
        perspectief.casus, perspectief.soort, perspectief)


def _handle(casus, soort, perspectief):
    instrument = instruments().get(perspectief.instrument_version) if perspectief \
        else active_instrument()
    form = perspectief_form_class(instrument, soort)()
    autosave = request.form.get("actie") == "autosave"
    # A save that waited in the browser while offline (wachtrij.js) gets the autosave's JSON
    # answers, but keeps its own actie (concept or definitief) and its own audit event.
    queued = request.headers.get("X-ZET-Wachtrij") == "1"
    as_json = autosave or queued
    if request.method == "GET":
        if perspectief is not None:
            audit.record("bekeken", "perspectief", perspectief.id, _label(perspectief))
            fill_form(form, instrument, perspectief)
        return _render(form, casus, soort, perspectief, instrument)

    final = request.form.get("actie") == "definitief"
    unknown = unknown_element_fields(request.form, instrument)
    valid = form.validate_on_submit()
    if unknown:
        form.form_errors.append(f"Onbekend element '{unknown[0]}': dit instrument (versie "
                                f"{instrument.version}) kent het niet. Niet opgeslagen.")
    if not valid or unknown:
        return _invalid(form, casus, soort, perspectief, instrument, as_json)
    expected = _expected_version(form.version.data, perspectief)
    if expected is False:
        return _no_version(form, casus, soort, perspectief, instrument, as_json)
    try:
        with transaction() as session:
            saved = save_perspectief(
                session, instrument, casus, form_to_input(form, instrument, soort),
                perspectief=perspectief, final=final, expected_version=expected)
            audit.record("gewijzigd" if perspectief else "aangemaakt", "perspectief", saved.id,
                         f"{_label(saved)}: {saved.status}"
                         + (" (automatisch opgeslagen)" if autosave else "")
                         + (" (offline opgeslagen, later verzonden)" if queued else ""),
                         once_per_minutes=AUTOSAVE_AUDIT_MINUTES if autosave else None)
    except ConflictError as error:
        return _conflict(form, casus, soort, error, instrument, as_json)
    except (StaleDataError, IntegrityError):
        # Saved by someone else between our check and our write (a real race): the same
        # conflict page as when the check itself sees it.
        current = _stored_now(casus, soort, perspectief, form)
        if current is None:
            raise
        return _conflict(form, casus, soort, ConflictError(conflict_message(current), current),
                         instrument, as_json)
    except DomainError as error:
        if as_json:
            return jsonify(ok=False, error=error.message), 422
        apply_domain_error(form, error)
        return _render(form, casus, soort, perspectief, instrument, status=422)
    return _saved(saved, final, as_json)


def _expected_version(raw: str | None, perspectief):
    """The version the form was opened with: None for a new perspective; False when an existing
    one comes without a usable version (never a silent overwrite of newer data)."""
    if perspectief is None:
        return None
    raw = (raw or "").strip()
    if not raw.isdecimal() or not raw.isascii() or len(raw) > 9:
        return False
    return int(raw)


def _no_version(form, casus, soort, perspectief, instrument, as_json):
    if as_json:
        return jsonify(ok=False, error=NO_VERSION), 400
    # As for a conflict: the stored version beside the typing, so saving again is a choice made
    # with both in view, never a blind overwrite.
    form.version.data = str(perspectief.version)
    return _render(form, casus, soort, perspectief, instrument, status=400, conflict=perspectief,
                   conflict_message=NO_VERSION)


def _stored_now(casus, soort, perspectief, form):
    """After a lost race: the perspective as it is stored now (None when there is none)."""
    session = get_session()
    session.expire_all()
    if perspectief is not None:
        return session.get(Perspectief, perspectief.id)
    rol = getattr(form, "rol", None)
    return find_single(casus, soort, rol.data if rol is not None else None)


def _saved(perspectief, final, as_json):
    url = url_for(".edit", perspectief_id=perspectief.id)
    if as_json:
        return jsonify(ok=True, version=perspectief.version, url=url, final=final,
                       saved_at=in_dutch_time(perspectief.updated_at).strftime("%H:%M:%S"))
    if final:
        flash("Perspectief definitief opgeslagen.", "success")
        return redirect(url_for("casussen.detail", casus_id=perspectief.casus_id))
    flash("Concept opgeslagen. U kunt later verder gaan.", "success")
    return redirect(url)


def _invalid(form, casus, soort, perspectief, instrument, as_json):
    if as_json:
        messages = form.form_errors + [m for errors in form.errors.values()
                                       if isinstance(errors, list) for m in errors
                                       if isinstance(m, str)]
        return jsonify(ok=False, error=" ".join(messages[:3]) or "Ongeldige invoer."), 422
    flash("Niet opgeslagen: controleer de velden met een melding hieronder. "
          "Alles wat u typte staat er nog.", "error")
    return _render(form, casus, soort, perspectief, instrument, status=422)


def _conflict(form, casus, soort, error, instrument, as_json):
    current = error.current
    blind = blind_response(casus, current) if current is not None else None
    if blind is not None:   # the stored version beside the typing would show the first rating
        return blind
    if as_json:
        return jsonify(ok=False, conflict=True, error=error.message), 409
    if current is not None:
        form.version.data = str(current.version)  # saving again now knowingly overwrites
    return _render(form, casus, soort, current, instrument, status=409, conflict=current,
                   conflict_message=error.message)


def _gone(error):
    """The casus was deleted while the form was open: say so, and give back what was typed."""
    if request.method != "POST":
        raise error
    typed = [(key, value) for key, value in request.form.items(multi=True)
             if value.strip() and key not in ("csrf_token", "version", "actie")]
    return render_template("perspectieven/gone.html", message=error.message, typed=typed), 410


def _render(form, casus, soort, perspectief, instrument, status=200, **extra):
    changes = perspectief_history(get_session(), instrument, perspectief, with_second=(
        perspectief.tweede is None or may_see_second(perspectief, current_user.id))) \
        if perspectief is not None and perspectief.id is not None else []
    return render_template("perspectieven/form.html", form=form, casus=casus, soort=soort,
                           perspectief=perspectief, instrument=instrument, changes=changes,
                           **extra), status
