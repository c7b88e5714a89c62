"""Logging in: one answer for every refusal, throttling, idle logout, cookie flags."""
import re
import time
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from tests.helpers import TEST_PASSWORD, csrf_token, login, make_gemeente, make_user
from zet import create_app
from zet.models import User
from zet.models.mixins import utcnow


def answer(response, username: str) -> tuple[int, str]:
    """Status and page text, without what legitimately differs: the token and the typed name."""
    text = re.sub(r'name="csrf_token" type="hidden" value="[^"]+"', "", response.get_data(
        as_text=True))
    return response.status_code, text.replace(username, "NAAM")


def test_wrong_password_and_unknown_user_get_the_same_answer(anonymous, session):
    make_user(session, "beheerder", username="bestaat")
    known = answer(login(anonymous, "bestaat", "verkeerd-wachtwoord"), "bestaat")
    unknown = answer(login(anonymous, "bestaatniet", "verkeerd-wachtwoord"), "bestaatniet")
    assert known == unknown
    assert known[0] == 200 and "de gebruikersnaam of het wachtwoord klopt niet" in known[1]
    assert anonymous.get("/").status_code == 302


def test_unknown_user_costs_a_password_check_too(anonymous, session, monkeypatch):
    from argon2 import PasswordHasher
    calls = []
    original = PasswordHasher.verify
    monkeypatch.setattr(PasswordHasher, "verify",
                        lambda self, *args: calls.append(1) or original(self, *args))
    make_user(session, "beheerder", username="bestaat")
    login(anonymous, "bestaat", "verkeerd-wachtwoord")
    known_calls = len(calls)
    login(anonymous, "bestaatniet", "verkeerd-wachtwoord")
    assert known_calls == 1 and len(calls) == 2


def test_throttle_holds_after_five_failures_even_with_the_right_password(anonymous, session):
    user = make_user(session, "onderzoeker", [make_gemeente(session)], username="sanne")
    refused = [answer(login(anonymous, "sanne", f"fout-{i}"), "sanne") for i in range(5)]
    right = answer(login(anonymous, "sanne", TEST_PASSWORD), "sanne")
    assert right == refused[0]  # the same answer: nothing tells the account is locked
    assert anonymous.get("/").status_code == 302
    session.expire_all()
    assert user.failed_logins == 5 and user.locked_until is not None
    # An unknown name gets exactly that answer too, also after many tries.
    for i in range(6):
        unknown = answer(login(anonymous, "sannee", f"fout-{i}"), "sannee")
    assert unknown == right


def test_login_works_again_after_the_lock_expires(anonymous, session):
    user = make_user(session, "onderzoeker", [make_gemeente(session)], username="sanne")
    for i in range(5):
        login(anonymous, "sanne", f"fout-{i}")
    session.execute(update(User).where(User.id == user.id).values(
        locked_until=utcnow() - timedelta(seconds=1)))
    session.commit()
    assert login(anonymous, "sanne", TEST_PASSWORD).status_code == 302
    session.expire_all()
    assert (user.failed_logins, user.locked_until) == (0, None)


def test_deactivated_user_cannot_log_in_and_is_logged_out(app, anonymous, session):
    user = make_user(session, "onderzoeker", [make_gemeente(session)], username="piet")
    assert login(anonymous, "piet").status_code == 302
    assert anonymous.get("/").status_code == 200
    session.execute(update(User).where(User.id == user.id).values(active=False))
    session.commit()
    assert anonymous.get("/").headers["Location"].startswith("/login")
    assert login(anonymous, "piet").status_code == 200


def test_idle_session_is_logged_out_with_a_dutch_message(app, anonymous, session):
    make_user(session, "beheerder", username="bea")
    login(anonymous, "bea")
    with anonymous.session_transaction() as cookie:
        cookie["last_seen"] = int(time.time()) - 29 * 60
    assert anonymous.get("/").status_code == 200  # 29 minutes: still in
    with anonymous.session_transaction() as cookie:
        cookie["last_seen"] = int(time.time()) - 31 * 60
    response = anonymous.get("/", follow_redirects=True)
    assert response.request.path == "/login"
    assert "automatisch uitgelogd omdat u 30 minuten niets heeft gedaan" in response.get_data(
        as_text=True)
    assert anonymous.get("/").status_code == 302


def test_idle_minutes_come_from_the_environment(monkeypatch, database_url):
    monkeypatch.setenv("ZET_IDLE_MINUTES", "5")
    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "x"})
    assert app.config["IDLE_MINUTES"] == 5
    assert app.config["PERMANENT_SESSION_LIFETIME"] == timedelta(minutes=5)
    app.extensions["zet_engine"].dispose()


def test_autosave_after_idle_logout_gets_json_not_a_login_page(anonymous, session):
    make_user(session, "beheerder", username="bea")
    login(anonymous, "bea")
    token = csrf_token(anonymous, "/vergelijking")
    with anonymous.session_transaction() as cookie:
        cookie["last_seen"] = int(time.time()) - 31 * 60
    response = anonymous.post("/perspectieven/1", data={"csrf_token": token, "actie": "autosave"},
                              headers={"Accept": "application/json"})
    assert response.status_code == 401 and response.get_json()["ok"] is False


def session_cookie(response) -> str:
    return next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("session="))


def test_session_cookie_is_httponly_and_samesite_lax(anonymous, session):
    make_user(session, "beheerder", username="bea")
    cookie = session_cookie(login(anonymous, "bea"))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie


def test_session_cookie_is_secure_with_zet_https(monkeypatch, database_url):
    monkeypatch.setenv("ZET_HTTPS", "1")
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "x",
                      "PASSWORD_HASH_PROFILE": "CHEAPEST"})
    with app.app_context():
        from zet.db import get_session
        make_user(get_session(), "beheerder", username="bea")
    client = app.test_client()
    cookie = session_cookie(login(client, "bea", base_url="https://localhost"))
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    app.extensions["zet_engine"].dispose()


@pytest.mark.parametrize("target", ["https://kwaadwillend.example/", "//kwaadwillend.example/",
                                    "/\\kwaadwillend.example"])
def test_login_never_redirects_to_another_site(anonymous, session, target):
    make_user(session, "onderzoeker", [make_gemeente(session)], username="bea")
    token = csrf_token(anonymous, "/login")
    response = anonymous.post("/login", query_string={"next": target},
                              data={"csrf_token": token, "username": "bea",
                                    "password": TEST_PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_login_returns_to_the_page_asked_for(anonymous, session):
    gemeente = make_gemeente(session)
    make_user(session, "onderzoeker", [gemeente], username="bea")
    first = anonymous.get(f"/gemeenten/{gemeente.id}")
    assert first.status_code == 302
    login_page = first.headers["Location"]
    token = csrf_token(anonymous, login_page)
    response = anonymous.post(login_page, data={"csrf_token": token, "username": "bea",
                                                "password": TEST_PASSWORD})
    assert response.headers["Location"] == f"/gemeenten/{gemeente.id}"


def test_logout_needs_a_post_and_ends_the_session(client):
    assert client.get("/logout").status_code == 405
    token = csrf_token(client, "/")
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/").headers["Location"].startswith("/login")


def test_passwords_are_stored_as_argon2_hashes(session):
    user = make_user(session, "beheerder", username="bea")
    stored = session.scalar(select(User.password_hash).where(User.id == user.id))
    assert stored.startswith("$argon2id$") and TEST_PASSWORD not in stored
