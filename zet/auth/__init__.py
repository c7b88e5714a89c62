"""Accounts, roles and scopes: who is logged in, what they may open, which gemeenten they see.

Other modules need only these functions:

- ``current_scope()``: the ``zet.access.Scope`` for casus-level queries (an analist gets none);
- ``comparison_scope()``: the gemeenten that may feed an aggregated comparison or export;
- ``current_user_must_anonymise()``: True when results must show Gemeente A, B, ... (analist).
"""
from __future__ import annotations

import hmac
from datetime import timedelta

from flask import g
from flask_login import AnonymousUserMixin, LoginManager, current_user

from zet.access import ALL, Scope

NONE = Scope(frozenset())
login_manager = LoginManager()


class AnonymousUser(AnonymousUserMixin):
    role = None
    username = ""


def init_app(app) -> None:
    from zet.auth import policy
    app.config.setdefault("IDLE_MINUTES", 30)
    # The browser forgets the cookie after the same idle time the server enforces.
    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(minutes=app.config["IDLE_MINUTES"])
    login_manager.init_app(app)
    login_manager.anonymous_user = AnonymousUser
    login_manager.user_loader(_load_user)
    app.before_request(_forget_previous_request)
    app.before_request(policy.enforce)
    app.add_template_global(policy.can, "can")
    app.context_processor(lambda: {"home_url": _home_url})


def _forget_previous_request() -> None:
    """Start without a user or CSRF token cached in ``g`` by an earlier request.

    ``g`` belongs to the app context, and Flask reuses an app context that is already active
    (tests that hold one open), so without this one request could act as another's user.
    """
    for name in ("_login_user", "csrf_token"):
        g.pop(name, None)


def _load_user(session_id: str):
    """The active user whose current session token the cookie carries (see ``User.get_id``)."""
    from zet.db import get_session
    from zet.models import User
    user_id, _, token = (session_id or "").partition(":")
    if not user_id.isdigit() or len(user_id) > 18 or not token:
        return None
    user = get_session().get(User, int(user_id))
    if user is None or not user.active or not hmac.compare_digest(
            user.session_token.encode(), token.encode()):
        return None
    return user


def _home_url() -> str:
    from flask import url_for

    from zet.auth.policy import home_endpoint
    if not current_user.is_authenticated:
        return url_for("auth.login")
    return url_for(home_endpoint(current_user))


def scope_for(user) -> Scope:
    """Beheerder: every gemeente. Onderzoeker and gemeente: their own. Analist and anonymous: none."""
    role = getattr(user, "role", None)
    if role == "beheerder":
        return ALL
    if role in ("onderzoeker", "gemeente"):
        return Scope(user.gemeente_ids)
    return NONE


def current_scope() -> Scope:
    """The Scope of every casus-level query in this request."""
    return scope_for(current_user)


def comparison_scope() -> Scope:
    """Gemeenten whose data may feed aggregated comparisons and exports.

    Like ``current_scope()``, except that an analist compares the gemeenten assigned to them;
    their results must then be anonymised (``current_user_must_anonymise()``). Never use this
    scope to show a single casus, toelichting or quote.
    """
    return comparison_scope_for(current_user)


def comparison_scope_for(user) -> Scope:
    """``comparison_scope`` of ``user`` (also outside a request: a background export)."""
    if getattr(user, "role", None) == "analist":
        return Scope(user.gemeente_ids)
    return scope_for(user)


def current_user_must_anonymise() -> bool:
    """True for the analist (and, to be safe, for anyone not logged in)."""
    return must_anonymise_for(current_user)


def must_anonymise_for(user) -> bool:
    """``current_user_must_anonymise`` of ``user`` (also outside a request)."""
    return getattr(user, "role", None) in ("analist", None)
