"""Logging in (password, then for some a second factor) and out."""
import time

from flask import Blueprint, flash, g, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user
from markupsafe import Markup

from forms.auth import CodeForm, LoginForm
from forms.base import ZetForm
from zet import audit
from zet.auth import twofactor
from zet.auth.accounts import (LOCK_MINUTES, MAX_FAILED_LOGINS, authenticate, claim_attempt,
                               end_sessions, find_user, login_completed)
from zet.auth.policy import home_endpoint, safe_next
from zet.db import get_session, transaction
from zet.models import User
from zet.models.mixins import utcnow

bp = Blueprint("auth", __name__)

REFUSED = (f"Inloggen is niet gelukt: de gebruikersnaam of het wachtwoord klopt niet. Na "
           f"{MAX_FAILED_LOGINS} mislukte pogingen kunt u {LOCK_MINUTES} minuten niet inloggen.")
CODE_REFUSED = (f"Deze code klopt niet (of is al gebruikt). Typ de code die de app nu toont, of "
                f"een herstelcode. Na {MAX_FAILED_LOGINS} mislukte pogingen kunt u "
                f"{LOCK_MINUTES} minuten niet inloggen.")
PENDING = "tweestaps"          # session key: the user whose password was right
PENDING_SECONDS = 300
PENDING_EXPIRED = "Log opnieuw in: de tweede stap moet binnen 5 minuten na het wachtwoord."


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for(home_endpoint(current_user)))
    form = LoginForm()
    if form.validate_on_submit():
        with transaction() as db:
            user = authenticate(db, form.username.data, form.password.data,
                                completes=lambda u: not _second_factor_needed(u))
            if user is None:
                known = find_user(db, form.username.data)
                audit.add_event(db, known, "inloggen mislukt", "gebruiker",
                                known.id if known else None,
                                "" if known else "onbekende gebruikersnaam", username=(
                                    known.username if known else ""))
            elif not _second_factor_needed(user):
                audit.add_event(db, user, "ingelogd", "gebruiker", user.id)
        if user is None:
            form.password.errors = [REFUSED]
            return render_template("auth/login.html", form=form), 200
        if _second_factor_needed(user):
            return _await_second_factor(user)
        return redirect(_start_session(user))
    return render_template("auth/login.html", form=form)


def _second_factor_needed(user) -> bool:
    return twofactor.enabled(user) or twofactor.needs_enrolment(user)


def _await_second_factor(user):
    """The password was right; the session holds only that, until the second step."""
    target = safe_next(request.args.get("next"))
    session.clear()
    g.pop("csrf_token", None)
    session[PENDING] = [user.id, user.session_token, int(time.time())]
    endpoint = ".second_factor" if twofactor.enabled(user) else ".enrol"
    return redirect(url_for(endpoint, next=target))


def _pending_user():
    """The user who passed the password step in this session less than 5 minutes ago."""
    pending = session.get(PENDING)
    if not isinstance(pending, list) or len(pending) != 3:
        return None
    user_id, token, since = pending
    user = get_session().get(User, user_id) if isinstance(user_id, int) else None
    if user is None or not user.active or user.session_token != token \
            or time.time() - since > PENDING_SECONDS:
        return None
    return user


def _back_to_login():
    session.pop(PENDING, None)
    flash(PENDING_EXPIRED, "error")
    return redirect(url_for(".login"))


def _check_code(user, code: str, enrolling: bool):
    """One attempt at the second step, counted by the login lock. Returns (ok, the recovery
    codes when enrolment was just confirmed, or the number left after one was used)."""
    with transaction() as db:
        user = db.get(User, user.id)
        codes = None
        if not claim_attempt(db, user.id, utcnow()):
            ok = False
        elif enrolling:
            codes = twofactor.confirm_enrolment(db, user, code)
            ok = codes is not None
        else:
            ok = twofactor.check_totp(db, user, code)
            if not ok and twofactor.use_recovery_code(db, user, code):
                ok, codes = True, twofactor.remaining_codes(db, user)
        if ok:
            login_completed(user)
            audit.add_event(db, user, "ingelogd", "gebruiker", user.id,
                            "tweestapsverificatie ingesteld" if enrolling else "")
        else:
            audit.add_event(db, user, "inloggen mislukt", "gebruiker", user.id, "tweede stap")
    return ok, codes


@bp.route("/login/code", methods=["GET", "POST"])
def second_factor():
    user = _pending_user()
    if user is None:
        return _back_to_login()
    if not twofactor.enabled(user):
        return redirect(url_for(".enrol", next=request.args.get("next")))
    form = CodeForm()
    if form.validate_on_submit():
        ok, left = _check_code(user, form.code.data, enrolling=False)
        if ok:
            target = _start_session(user)
            if left is not None:
                flash(f"U bent ingelogd met een herstelcode; er zijn er nog {left} over. Raken "
                      "ze op, vraag de beheerder dan de tweestapsverificatie opnieuw in te "
                      "stellen: dan krijgt u nieuwe.", "success")
            return redirect(target)
        form.code.errors = [CODE_REFUSED]
    return render_template("auth/code.html", form=form)


@bp.route("/login/instellen", methods=["GET", "POST"])
def enrol():
    """First login of someone who must use two-factor login: scan, type a code, keep the
    recovery codes."""
    user = _pending_user()
    if user is None:
        return _back_to_login()
    if twofactor.enabled(user):
        return redirect(url_for(".second_factor", next=request.args.get("next")))
    with transaction() as db:
        user = db.get(User, user.id)
        secret = twofactor.start_enrolment(db, user)
    form = CodeForm()
    if form.validate_on_submit():
        ok, codes = _check_code(user, form.code.data, enrolling=True)
        if ok:
            target = _start_session(user)
            return render_template("auth/herstelcodes.html", codes=codes, target=target)
        form.code.errors = [CODE_REFUSED]
    return render_template("auth/instellen.html", form=form, secret=twofactor.grouped(secret),
                           qr=Markup(twofactor.provisioning_qr(user)))


def _start_session(user) -> str:
    """Log ``user`` in with a fresh session; returns where to go next."""
    target = safe_next(request.args.get("next"))
    session.clear()  # a fresh session (and CSRF secret) for the logged-in user
    g.pop("csrf_token", None)
    login_user(user)
    session.permanent = True
    session["last_seen"] = int(time.time())
    return target or url_for(home_endpoint(user))


@bp.post("/logout")
def logout():
    form = ZetForm()
    if form.validate_on_submit():
        with transaction() as db:
            audit.add_event(db, current_user, "uitgelogd", "gebruiker", current_user.id)
            end_sessions(db, current_user)  # copies of the cookie stop working too
        logout_user()
        session.clear()
        flash("U bent uitgelogd.", "success")
    return redirect(url_for(".login"))
