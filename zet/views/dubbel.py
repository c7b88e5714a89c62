"""Double rating on screen: the blind second rating of a perspective, and both ratings side by
side once they are definitief (the rules: zet.services.dubbel)."""
from __future__ import annotations

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from forms.perspectief import fill_second, tweede_form_class, unknown_element_fields
from zet import audit
from zet.access import get_perspectief
from zet.db import get_session, transaction
from zet.errors import DomainError
from zet.instrument.current import instruments
from zet.services import dubbel
from zet.views.common import apply_domain_error, current_scope, flash_errors

bp = Blueprint("dubbel", __name__)


def _label(perspectief) -> str:
    """For the audit log: which casus and perspective, never the free-text rol."""
    return f"casus {perspectief.casus.code}: {perspectief.soort}, tweede beoordeling"


@bp.route("/perspectieven/<int:perspectief_id>/tweede", methods=["GET", "POST"])
def tweede(perspectief_id):
    session = get_session()
    perspectief = get_perspectief(session, current_scope(), perspectief_id)
    instrument = instruments().get(perspectief.instrument_version)
    second = perspectief.tweede
    if dubbel.both_final(perspectief):
        return redirect(url_for(".naast_elkaar", perspectief_id=perspectief.id))
    refusal = _refusal(session, perspectief)
    form = tweede_form_class(instrument, perspectief.soort)()
    if refusal:
        return _refused(perspectief, instrument, refusal)
    if request.method == "GET":
        if second is not None:
            fill_second(form, instrument, second)
            audit.record("bekeken", "tweede_beoordeling", second.id, _label(perspectief))
        return _render(form, perspectief, instrument)
    final = request.form.get("actie") == "definitief"
    unknown = unknown_element_fields(request.form, instrument)
    if unknown:
        form.form_errors.append(f"Onbekend element '{unknown[0]}': dit instrument (versie "
                                f"{instrument.version}) kent het niet. Niet opgeslagen.")
    if not form.validate_on_submit() or unknown:
        flash_errors(form)
        return _render(form, perspectief, instrument, status=422)
    answers, toelichtingen = form.answers(instrument)
    try:
        with transaction() as session:
            saved = dubbel.save_second_rating(
                session, instrument, perspectief, beoordelaar=form.beoordelaar.data,
                answers=answers, toelichtingen=toelichtingen, final=final,
                user_id=current_user.id, saw_first=dubbel.saw_first_rating(session, perspectief))
            audit.record("gewijzigd" if second else "aangemaakt", "tweede_beoordeling",
                         saved.id, f"{_label(perspectief)}: {saved.status}")
    except IntegrityError:   # someone else started the second rating at the same moment
        return _refused(perspectief, instrument, RACE)
    except DomainError as error:
        apply_domain_error(form, error)
        flash("Niet opgeslagen: controleer de meldingen hieronder. Alles wat u koos en typte "
              "staat er nog.", "error")
        return _render(form, perspectief, instrument, status=422)
    if final:
        flash("Tweede beoordeling definitief opgeslagen.", "success")
        if dubbel.both_final(perspectief):
            return redirect(url_for(".naast_elkaar", perspectief_id=perspectief.id))
        return redirect(url_for("casussen.detail", casus_id=perspectief.casus_id))
    flash("Concept van de tweede beoordeling opgeslagen.", "success")
    return redirect(url_for(".tweede", perspectief_id=perspectief.id))


RACE = ("Iemand anders is zojuist met de tweede beoordeling van dit perspectief begonnen. Uw "
        "invoer is niet opgeslagen; hieronder staat wat u koos en typte.")


def _refused(perspectief, instrument, refusal: str):
    """The refusal: a page that says why (and for a refused save 409, the state of this rating
    forbids it, not the user's rights), with on a POST what the user chose and typed."""
    typed = [(key, value) for key, value in request.form.items(multi=True)
             if value.strip() and key not in ("csrf_token", "actie")] \
        if request.method == "POST" else []
    return render_template("dubbel/tweede.html", perspectief=perspectief, form=None,
                           instrument=instrument, refusal=refusal,
                           typed=typed), 409 if request.method == "POST" else 200


def _refusal(session, perspectief) -> str | None:
    """Why this user may not open the second rating (None: they may)."""
    second = perspectief.tweede
    if second is not None and second.user_id is None:
        return dubbel.IMPORTED
    if second is not None and second.user_id != current_user.id:
        return (f"Dit perspectief wordt al blind beoordeeld door {second.beoordelaar} "
                f"({second.status}). Tot beide beoordelingen definitief zijn, ziet alleen die "
                "beoordelaar de antwoorden.")
    if current_user.id in dubbel.saw_first_rating(session, perspectief):
        return dubbel.OWN_FIRST
    return None


def _render(form, perspectief, instrument, status=200):
    return render_template("dubbel/tweede.html", form=form, perspectief=perspectief,
                           instrument=instrument, refusal=None, typed=[]), status


@bp.get("/perspectieven/<int:perspectief_id>/naast-elkaar")
def naast_elkaar(perspectief_id):
    perspectief = get_perspectief(get_session(), current_scope(), perspectief_id)
    instrument = instruments().get(perspectief.instrument_version)
    ready = dubbel.both_final(perspectief)
    if ready:
        audit.record("bekeken", "tweede_beoordeling", perspectief.tweede.id, _label(perspectief))
    rows = [(element, perspectief.score_for(element.code),
             perspectief.tweede.score_for(element.code)) for element in instrument.elements] \
        if ready else []
    return render_template("dubbel/naast_elkaar.html", perspectief=perspectief,
                           instrument=instrument, rows=rows, ready=ready)


BLIND = ("U beoordeelt een perspectief van deze casus blind, als tweede beoordelaar. Tot beide "
         "beoordelingen definitief zijn, ziet u de eerste beoordeling niet: niet het perspectief "
         "zelf, niet het analyseschema en niet de bevindingen.")


def blind_gemeente_response(gemeente_id: int):
    """As blind_response, for pages that show a gemeente's casus scores or toelichtingen (the
    onderbouwing, the consolidatie, the printed totaalbeeld, the report) and for exports."""
    blind = [p for p in dubbel.blind_perspectives(get_session(), getattr(current_user, "id",
                                                                          None))
             if gemeente_id is None or p.casus.gemeente_id == gemeente_id]
    if not blind:
        return None
    return render_template("dubbel/blind.html", casus=blind[0].casus, message=BLIND_GEMEENTE), 403


BLIND_GEMEENTE = ("U beoordeelt een perspectief van een casus hier blind, als tweede beoordelaar. "
                  "Deze pagina toont scores of toelichtingen van die casus; u ziet haar weer als "
                  "beide beoordelingen definitief zijn.")


def blind_response(casus, perspectief=None):
    """The answer instead of a page that would show the first rating to the blind second rater
    (None when the current user is not blind here). Nothing of the first rating in it, also not
    for a JSON request (autosave)."""
    user_id = getattr(current_user, "id", None)
    blind = dubbel.blind_for(perspectief, user_id) if perspectief is not None \
        else dubbel.casus_blind_for(casus, user_id)
    if not blind:
        return None
    if request.method == "POST" and request.form.get("actie") == "autosave" \
            or request.headers.get("X-ZET-Wachtrij") == "1":
        return jsonify(ok=False, error=BLIND), 403
    return render_template("dubbel/blind.html", casus=casus, message=BLIND), 403
