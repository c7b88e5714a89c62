"""Logging in and out."""
import time

from flask import Blueprint, flash, g, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from forms.auth import LoginForm
from forms.base import ZetForm
from zet import audit
from zet.auth.accounts import (LOCK_MINUTES, MAX_FAILED_LOGINS, authenticate, end_sessions,
                               find_user)
from zet.auth.policy import home_endpoint, safe_next
from zet.db import transaction

bp = Blueprint("auth", __name__)

REFUSED = (f"Inloggen is niet gelukt: de gebruikersnaam of het wachtwoord klopt niet. Na "
           f"{MAX_FAILED_LOGINS} mislukte pogingen kunt u {LOCK_MINUTES} minuten niet inloggen.")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for(home_endpoint(current_user)))
    form = LoginForm()
    if form.validate_on_submit():
        with transaction() as db:
            user = authenticate(db, form.username.data, form.password.data)
            if user is None:
                known = find_user(db, form.username.data)
                audit.add_event(db, known, "inloggen mislukt", "gebruiker",
                                known.id if known else None,
                                "" if known else "onbekende gebruikersnaam", username=(
                                    known.username if known else ""))
            else:
                audit.add_event(db, user, "ingelogd", "gebruiker", user.id)
        if user is not None:
            return _start_session(user)
        form.password.errors = [REFUSED]
        return render_template("auth/login.html", form=form), 200
    return render_template("auth/login.html", form=form)


def _start_session(user):
    target = safe_next(request.args.get("next"))
    session.clear()  # a fresh session (and CSRF secret) for the logged-in user
    g.pop("csrf_token", None)
    login_user(user)
    session.permanent = True
    session["last_seen"] = int(time.time())
    return redirect(target or url_for(home_endpoint(user)))


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
