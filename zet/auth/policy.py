"""Who may open which page: one table, enforced before every request.

Every endpoint needs a logged-in user, except those in PUBLIC. A logged-in user may use an
endpoint only when POLICY lists it (exactly, or as ``"<blueprint>.*"``; the exact entry wins) for
their role and the kind of request: ``read`` covers GET/HEAD/OPTIONS, ``write`` everything else.
An endpoint nobody listed is refused for everyone, so a route added later is closed until
someone decides who may use it. A refusal is a plain 404, so nobody learns what exists.

Which *gemeenten* a user may see is the other half: ``zet.access.Scope`` from ``scope_for``.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import current_app, flash, redirect, request, session, url_for
from flask_login import current_user, logout_user

from zet.auth import twofactor
from zet.errors import NotFound

BEHEERDER = frozenset({"beheerder"})
CASUS_WERK = frozenset({"beheerder", "onderzoeker", "gemeente"})  # may see casussen in scope
IEDEREEN = frozenset({"beheerder", "onderzoeker", "gemeente", "analist"})
NIEMAND = frozenset()


@dataclass(frozen=True)
class Allow:
    read: frozenset[str]
    write: frozenset[str] = NIEMAND


PUBLIC = frozenset({"auth.login", "auth.second_factor", "auth.enrol", "static",
                    "info.toegankelijkheid"})

POLICY: dict[str, Allow] = {
    "auth.logout": Allow(read=IEDEREEN, write=IEDEREEN),
    # Gemeenten, onderzoeken, casussen and perspectives: within the user's gemeenten (Scope).
    "gemeenten.*": Allow(read=CASUS_WERK, write=CASUS_WERK),
    "gemeenten.create": Allow(read=BEHEERDER, write=BEHEERDER),
    "gemeenten.edit": Allow(read=BEHEERDER, write=BEHEERDER),
    "casussen.*": Allow(read=CASUS_WERK, write=CASUS_WERK),
    "perspectieven.*": Allow(read=CASUS_WERK, write=CASUS_WERK),
    "dubbel.*": Allow(read=CASUS_WERK, write=CASUS_WERK),
    "bevindingen.*": Allow(read=CASUS_WERK, write=CASUS_WERK),
    "verbeteracties.*": Allow(read=CASUS_WERK, write=CASUS_WERK),
    "eindanalyse.*": Allow(read=CASUS_WERK, write=CASUS_WERK),
    "rapport.*": Allow(read=CASUS_WERK),
    "rondes.*": Allow(read=CASUS_WERK),
    "rondes.anoniem": Allow(read=IEDEREEN),
    "importeren.*": Allow(read=CASUS_WERK, write=CASUS_WERK),
    # Analysis of one casus or gemeente shows toelichting and quotes: casus-level.
    "analyse.*": Allow(read=CASUS_WERK),
    # Comparisons and exports: the analist gets them anonymised (current_user_must_anonymise).
    "analyse.vergelijking": Allow(read=IEDEREEN),
    "analyse.vergelijking_png": Allow(read=IEDEREEN),
    # Agreement figures name no casus; the analist sees them without gemeente names.
    "analyse.overeenstemming": Allow(read=IEDEREEN),
    "export.*": Allow(read=IEDEREEN, write=IEDEREEN),
    # The CSV bundle holds every fact about the casussen and is never anonymised.
    "export.bundel": Allow(read=CASUS_WERK),
    "beheer.*": Allow(read=BEHEERDER, write=BEHEERDER),
    # Background jobs (large exports and imports): each user sees only their own.
    "taken.*": Allow(read=IEDEREEN, write=IEDEREEN),
}

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
IDLE_MESSAGE = ("U bent automatisch uitgelogd omdat u {minutes} minuten niets heeft gedaan. "
                "Log opnieuw in om verder te gaan.")
LOGIN_FIRST = "Log in om verder te gaan."
SECOND_STEP_NOW = ("Voor uw account is nu tweestapsverificatie verplicht. Log opnieuw in; daarna "
                   "stelt u de tweede stap in.")


def rule_for(endpoint: str) -> Allow | None:
    if endpoint in POLICY:
        return POLICY[endpoint]
    blueprint = endpoint.rpartition(".")[0]
    return POLICY.get(f"{blueprint}.*") if blueprint else None


def allowed(role: str | None, endpoint: str | None, method: str = "GET") -> bool:
    """Whether ``role`` may use ``endpoint`` with ``method`` (scope checks come on top)."""
    if endpoint in PUBLIC:
        return True
    rule = rule_for(endpoint or "")
    if rule is None or role is None:
        return False
    return role in (rule.read if method.upper() in READ_METHODS else rule.write)


def can(endpoint: str, method: str = "GET") -> bool:
    """For templates: show a link or button only to those who may use it."""
    return allowed(getattr(current_user, "role", None), endpoint, method)


def home_endpoint(user) -> str:
    return "gemeenten.index" if allowed(user.role, "gemeenten.index") else "analyse.vergelijking"


def safe_next(target: str | None) -> str | None:
    """Only a path on this site; never another host (no open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None


def enforce() -> object | None:
    """The before_request hook: idle logout, login required, then the policy table."""
    endpoint = request.endpoint
    if endpoint is None or endpoint == "static":  # no such URL: the 404/405 handlers answer
        return None
    if current_user.is_authenticated and _idle_too_long():
        logout_user()
        session.clear()
        flash(IDLE_MESSAGE.format(minutes=current_app.config["IDLE_MINUTES"]), "error")
        return _to_login()
    if current_user.is_authenticated and twofactor.needs_enrolment(current_user):
        # Made beheerder, or the setting for every role switched on, while logged in: the
        # session ends here, and the next login sets up the second step.
        logout_user()
        session.clear()
        flash(SECOND_STEP_NOW, "error")
        return _to_login()
    if endpoint in PUBLIC:
        return None
    if not current_user.is_authenticated:
        flash(LOGIN_FIRST, "error")
        return _to_login()
    session["last_seen"] = int(time.time())
    if not allowed(current_user.role, endpoint, request.method):
        raise NotFound("Deze pagina bestaat niet (meer).")
    return None


def _idle_too_long() -> bool:
    last_seen = session.get("last_seen")
    limit = current_app.config["IDLE_MINUTES"] * 60
    return last_seen is None or time.time() - last_seen > limit


def _to_login():
    if request.accept_mimetypes.best == "application/json" or request.is_json:
        return {"ok": False, "error": "U bent niet (meer) ingelogd. Uw invoer staat veilig in "
                                      "deze browser: log in een ander tabblad opnieuw in en "
                                      "sla dan op."}, 401
    target = request.full_path if request.method == "GET" else None
    target = target.rstrip("?") if target else None
    return redirect(url_for("auth.login", next=safe_next(target)))
