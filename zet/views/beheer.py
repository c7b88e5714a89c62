"""Beheer (beheerder only, see zet.auth.policy): users and the audit log."""
from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user

from forms.base import ZetForm
from forms.beheer import AuditFilterForm, UserCreateForm, UserEditForm
from zet import audit
from zet.access import ALL, get_casus
from zet.auth import twofactor
from zet.auth.accounts import (ROLE_LABELS, change_user, create_user, end_sessions, is_locked,
                               list_users, set_active, set_password)
from zet.db import get_session, transaction
from zet.errors import DomainError, NotFound
from zet.models import User
from zet.moments import in_dutch_time
from zet.services import auditlog, wijzigingen
from zet.services.gemeenten import list_gemeenten
from zet.views.common import apply_domain_error, flash_errors

bp = Blueprint("beheer", __name__, url_prefix="/beheer")


def _gemeente_choices(form) -> None:
    form.gemeenten.choices = [(g.id, g.naam) for g in list_gemeenten(get_session(), ALL)]


def _get_user(user_id: int) -> User:
    user = get_session().get(User, user_id)
    if user is None:
        raise NotFound("Deze gebruiker bestaat niet.")
    return user


@bp.get("/gebruikers")
def users():
    return render_template("beheer/users.html", users=list_users(get_session()),
                           roles=ROLE_LABELS, is_locked=is_locked, action_form=ZetForm())


@bp.route("/gebruikers/nieuw", methods=["GET", "POST"])
def create_user_page():
    form = UserCreateForm()
    _gemeente_choices(form)
    if form.validate_on_submit():
        try:
            with transaction() as session:
                user = create_user(session, form.username.data, form.password.data,
                                   form.role.data, form.gemeenten.data or (),
                                   repeated=form.password_repeat.data)
                audit.record("aangemaakt", "gebruiker", user.id,
                             f"{user.username} ({user.role})")
            flash(f"Gebruiker '{user.username}' aangemaakt.", "success")
            return redirect(url_for(".users"))
        except DomainError as error:
            apply_domain_error(form, error)
    else:
        flash_errors(form)
    return render_template("beheer/user_form.html", form=form, user=None)


@bp.route("/gebruikers/<int:user_id>", methods=["GET", "POST"])
def edit_user(user_id):
    user = _get_user(user_id)
    form = UserEditForm(data=None if request.method == "POST" else {
        "role": user.role, "gemeenten": [g.id for g in user.gemeenten]})
    _gemeente_choices(form)
    if form.validate_on_submit():
        try:
            with transaction() as session:
                change_user(session, user, form.role.data, form.gemeenten.data or (),
                            acting=current_user)
                detail = f"rol {user.role}; gemeenten: " + ", ".join(g.naam for g in user.gemeenten)
                audit.record("gewijzigd", "gebruiker", user.id, detail)
                if form.password.data:
                    set_password(session, user, form.password.data, form.password_repeat.data)
                    audit.record("wachtwoord gewijzigd", "gebruiker", user.id)
            if form.password.data and user.id == current_user.id:
                login_user(user)  # other sessions ended; this one carries the new token
            flash(f"Gebruiker '{user.username}' opgeslagen.", "success")
            return redirect(url_for(".users"))
        except DomainError as error:
            apply_domain_error(form, error)
    else:
        flash_errors(form)
    return render_template("beheer/user_form.html", form=form, user=user)


@bp.post("/gebruikers/<int:user_id>/actief")
def set_user_active(user_id):
    user = _get_user(user_id)
    active = request.form.get("actief") == "1"
    try:
        with transaction() as session:
            set_active(session, user, active, acting=current_user)
            audit.record("geactiveerd" if active else "gedeactiveerd", "gebruiker", user.id,
                         user.username)
        flash(f"Gebruiker '{user.username}' is {'weer actief' if active else 'gedeactiveerd'}.",
              "success")
    except DomainError as error:
        flash(error.message, "error")
    return redirect(url_for(".users"))


@bp.post("/gebruikers/<int:user_id>/sessies-beeindigen")
def end_user_sessions(user_id):
    """Log a user out everywhere (a lost laptop, a shared computer): every cookie stops working."""
    return _end_sessions_of(user_id, None, "sessies beëindigd", "",
                            "Alle sessies van '{}' zijn beëindigd: die gebruiker moet opnieuw "
                            "inloggen.")


@bp.post("/gebruikers/<int:user_id>/tweestaps-opnieuw")
def reset_two_factor(user_id):
    """A lost phone: the user sets up the second step again at the next login."""
    return _end_sessions_of(user_id, twofactor.reset, "tweestaps gewist", "",
                            "De tweestapsverificatie van '{}' is gewist: bij de volgende keer "
                            "inloggen stelt die gebruiker hem opnieuw in.")


def _end_sessions_of(user_id, change, action: str, detail: str, done: str):
    """``change`` the account, end all its sessions, audit; logging oneself out ends here too."""
    user = _get_user(user_id)
    if ZetForm().validate_on_submit():
        with transaction() as session:
            if change is not None:
                change(session, user)
            end_sessions(session, user)
            audit.record(action, "gebruiker", user.id, detail)
        if user.id == current_user.id:
            logout_user()
            return redirect(url_for("auth.login"))
        flash(done.format(user.username), "success")
    return redirect(url_for(".users"))


def _audit_filters(form: AuditFilterForm) -> auditlog.AuditFilters:
    object_id = form.object_id.data
    return auditlog.AuditFilters(
        gebruiker=form.gebruiker.data or None, actie=form.actie.data or None,
        objecttype=form.objecttype.data or None,
        object_id=int(object_id) if object_id and object_id.isdigit() else None,
        van=form.van.data, tot=form.tot.data)


@bp.get("/audit")
def audit_log():
    form = AuditFilterForm(request.args)
    form.validate()
    filters = _audit_filters(form)
    page = request.args.get("pagina", 1, type=int) or 1
    events, total = auditlog.search(get_session(), filters, page)
    pages = max(1, -(-total // auditlog.PAGE_SIZE))
    query = {k: v for k, v in request.args.items() if k != "pagina" and v}
    return render_template("beheer/audit.html", form=form, events=events, total=total,
                           page=page, pages=pages, query=query, local_time=_local_time)


@bp.get("/audit.csv")
def audit_csv():
    form = AuditFilterForm(request.args)
    form.validate()
    filters = _audit_filters(form)
    data = auditlog.to_csv(get_session(), filters)
    audit.record("geëxporteerd", "auditlog", None,
                 ", ".join(f"{k}={v}" for k, v in request.args.items() if v))
    return Response(data, mimetype="text/csv", headers={
        "Content-Disposition": "attachment; filename=zet-auditlog.csv"})


@bp.post("/casussen/<int:casus_id>/geschiedenis-wissen")
def erase_history(casus_id):
    with transaction() as session:
        casus = get_casus(session, ALL, casus_id, with_scores=False)
        count = wijzigingen.erase_casus_history(session, casus)
        audit.record("verwijderd", "wijzigingen", casus.id, f"{count} regels van casus {casus.id}")
    flash(f"De geschiedenis van casus {casus.code} is gewist ({count} "
          f"{'regel' if count == 1 else 'regels'}).", "success")
    return redirect(url_for("casussen.detail", casus_id=casus.id))


@bp.get("/wijzigingen.csv")
def changes_csv():
    """The change history of every casus, for the beheerder (special-category data: the export
    itself is audited)."""
    data = wijzigingen.to_csv(get_session(), ALL)
    audit.record("geëxporteerd", "wijzigingen")
    return Response(data, mimetype="text/csv", headers={
        "Content-Disposition": "attachment; filename=zet-wijzigingen.csv"})


def _local_time(moment):
    return in_dutch_time(moment).strftime("%d-%m-%Y %H:%M:%S")
