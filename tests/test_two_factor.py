"""Two-factor login: enrolment with a QR code, TOTP codes used once, recovery codes, the lock
covering the second step, the setting for every role, and a beheerder's reset."""
import re
import time

import pyotp
from sqlalchemy import select

from tests.helpers import (TEST_PASSWORD, TOTP_SECRETS, csrf_token, log_in_enrolling, login,
                           make_gemeente, make_user, post_form, totp_code)
from zet.auth.accounts import create_user
from zet.models import Herstelcode, User


def logged_in(client) -> bool:
    return client.get("/").status_code == 200


def new_beheerder(session, username="bea"):
    """A beheerder as `zet create-user` makes one: not enrolled yet."""
    user = create_user(session, username, TEST_PASSWORD, "beheerder")
    session.commit()
    return user


def password_step(client, username="bea", password=TEST_PASSWORD, **kwargs):
    return post_form(client, "/login", {"username": username, "password": password}, **kwargs)


def test_a_beheerder_enrols_at_the_first_login(app, anonymous, session):
    new_beheerder(session)
    response = password_step(anonymous)
    assert response.status_code == 302 and response.location.startswith("/login/instellen")
    assert not logged_in(anonymous)   # the password alone opens nothing
    page = anonymous.get("/login/instellen").get_data(as_text=True)
    assert "<svg" in page and 'class="segno"' in page and "authenticator-app" in page
    wrong = post_form(anonymous, "/login/instellen", {"code": "000000"})
    assert wrong.status_code == 200 and "Deze code klopt niet" in wrong.get_data(as_text=True)
    anonymous.delete_cookie("session")
    secret, codes_page = log_in_enrolling(anonymous, "bea", TEST_PASSWORD)
    codes = re.findall(r"<li><code>([0-9A-F-]+)</code></li>", codes_page)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert logged_in(anonymous)
    session.expire_all()
    user = session.scalar(select(User).where(User.username == "bea"))
    assert user.totp_secret == secret and user.totp_enabled_at is not None
    stored = list(session.scalars(select(Herstelcode.code_hash)))
    assert len(stored) == 10 and not set(codes) & set(stored)   # hashed, never the codes


def test_the_next_login_asks_for_a_code_and_a_code_works_once(app, session):
    make_user(session, "beheerder", username="bea")   # enrolled
    first = app.test_client()
    response = password_step(first)
    assert response.location.startswith("/login/code")
    code = totp_code("bea")
    assert post_form(first, "/login/code", {"code": code}).status_code == 302
    assert logged_in(first)
    replay = app.test_client()
    password_step(replay)
    refused = post_form(replay, "/login/code", {"code": code})
    assert refused.status_code == 200 and "Deze code klopt niet" in refused.get_data(as_text=True)
    assert not logged_in(replay)


def test_a_recovery_code_logs_in_once(app, session):
    new_beheerder(session)
    _, codes_page = log_in_enrolling(app.test_client(), "bea", TEST_PASSWORD)
    code = re.findall(r"<li><code>([0-9A-F-]+)</code></li>", codes_page)[3]
    phone_lost = app.test_client()
    password_step(phone_lost)
    response = post_form(phone_lost, "/login/code", {"code": code.lower().replace("-", " ")})
    assert response.status_code == 302
    home = phone_lost.get("/")
    assert home.status_code == 200 and "nog 9 over" in home.get_data(as_text=True)
    again = app.test_client()
    password_step(again)
    assert post_form(again, "/login/code", {"code": code}).status_code == 200
    assert not logged_in(again)


def test_wrong_codes_lock_the_account_like_wrong_passwords(app, session):
    make_user(session, "beheerder", username="bea")
    guesser = app.test_client()
    password_step(guesser)
    for guess in ("111111", "222222", "333333", "444444", "555555"):
        post_form(guesser, "/login/code", {"code": guess})
    refused = post_form(guesser, "/login/code", {"code": totp_code("bea")})
    assert refused.status_code == 200 and not logged_in(guesser)
    session.expire_all()
    assert session.scalar(select(User.locked_until).where(User.username == "bea")) is not None
    assert password_step(app.test_client()).status_code == 200   # locked at the password too


def test_the_second_step_expires_and_carries_the_page_asked_for(app, session):
    gemeente = make_gemeente(session)
    make_user(session, "beheerder", username="bea")
    client = app.test_client()
    response = password_step(client, query_string={"next": f"/gemeenten/{gemeente.id}"})
    assert response.location.startswith("/login/code")
    token = csrf_token(client, response.location)
    with client.session_transaction() as cookie:
        user_id, session_token, _ = cookie["tweestaps"]
        cookie["tweestaps"] = [user_id, session_token, int(time.time()) - 301]
    late = client.post(response.location, data={"csrf_token": token, "code": totp_code("bea")})
    assert late.status_code == 302 and late.location == "/login"
    response = password_step(client, query_string={"next": f"/gemeenten/{gemeente.id}"})
    done = post_form(client, response.location, {"code": totp_code("bea", 1)})
    assert done.status_code == 302 and done.location == f"/gemeenten/{gemeente.id}"


def test_other_roles_need_it_only_when_the_setting_says_so(app, session):
    gemeente = make_gemeente(session)
    make_user(session, "onderzoeker", [gemeente], username="olaf")
    plain = app.test_client()
    assert login(plain, "olaf").location == "/" and logged_in(plain)
    app.config["TWO_FACTOR_FOR_ALL"] = True
    strict = app.test_client()
    assert password_step(strict, "olaf").location.startswith("/login/instellen")
    assert not logged_in(strict)


def test_a_beheerder_resets_a_lost_phone(app, client, session):
    user = make_user(session, "beheerder", username="bea")
    phone = app.test_client()
    assert login(phone, "bea").status_code == 302 and logged_in(phone)
    assert "Tweestaps opnieuw" in client.get("/beheer/gebruikers").get_data(as_text=True)
    client.post(f"/beheer/gebruikers/{user.id}/tweestaps-opnieuw",
                data={"csrf_token": csrf_token(client, "/beheer/gebruikers")})
    assert not logged_in(phone)   # the old sessions end too
    session.expire_all()
    assert user.totp_secret is None
    assert not list(session.scalars(select(Herstelcode).where(
        Herstelcode.gebruiker_id == user.id)))
    TOTP_SECRETS.pop("bea")
    assert password_step(app.test_client()).location.startswith("/login/instellen")


def test_a_code_for_another_moment_is_refused():
    from zet.auth.twofactor import _matching_step
    secret = pyotp.random_base32()
    now = time.time()
    far = pyotp.TOTP(secret).at(now, counter_offset=5)
    assert _matching_step(secret, far, now) is None
    assert _matching_step(secret, pyotp.TOTP(secret).at(now), now) is not None


def test_entering_the_password_again_buys_no_new_guesses_at_the_code(app, session):
    """Password, two wrong codes, password again, ...: every step counts towards one lock, so
    at most 5 tries in all, however often the (known) password is entered."""
    make_user(session, "beheerder", username="bea")
    guesser, guesses = app.test_client(), 0
    for _ in range(10):
        response = password_step(guesser)
        if response.status_code != 302:
            break
        for guess in ("111111", "222222"):
            post_form(guesser, "/login/code", {"code": guess})
            guesses += 1
    assert response.status_code == 200 and guesses <= 4
    session.expire_all()
    assert session.scalar(select(User.locked_until).where(User.username == "bea")) is not None


def test_made_beheerder_while_logged_in_means_logging_in_again_with_a_second_step(app, client,
                                                                                  session):
    gemeente = make_gemeente(session)
    olaf = make_user(session, "onderzoeker", [gemeente], username="olaf")
    browser = app.test_client()
    assert login(browser, "olaf").status_code == 302 and logged_in(browser)
    post_form(client, f"/beheer/gebruikers/{olaf.id}", {"role": "beheerder"})
    session.expire_all()
    assert olaf.role == "beheerder"
    assert browser.get("/beheer/gebruikers").status_code == 302   # not in as beheerder
    assert password_step(app.test_client(), "olaf").location.startswith("/login/instellen")


def test_the_setting_for_everyone_ends_sessions_without_a_second_step(app, session):
    gemeente = make_gemeente(session)
    make_user(session, "onderzoeker", [gemeente], username="olaf")
    browser = app.test_client()
    assert login(browser, "olaf").status_code == 302 and logged_in(browser)
    app.config["TWO_FACTOR_FOR_ALL"] = True
    response = browser.get("/")
    assert response.status_code == 302 and response.location.startswith("/login")


def test_one_code_sent_twice_at_once_logs_in_once(app, session):
    """Two requests that both read the user before either stored the used step (a relayed
    code): the conditional UPDATE lets only one of them through."""
    from sqlalchemy.orm import Session as OrmSession

    from zet.auth.twofactor import check_totp
    make_user(session, "beheerder", username="bea")
    engine = app.extensions["zet_engine"]
    code = totp_code("bea")
    first, second = OrmSession(engine), OrmSession(engine)
    users = [s.scalar(select(User).where(User.username == "bea")) for s in (first, second)]
    results = []
    for orm_session, user in zip((first, second), users):
        results.append(check_totp(orm_session, user, code))
        orm_session.commit()
    first.close()
    second.close()
    assert sorted(results) == [False, True]


def test_a_code_in_other_digits_is_refused_in_dutch(app, session):
    make_user(session, "beheerder", username="bea")
    client = app.test_client()
    password_step(client)
    response = post_form(client, "/login/code", {"code": "١٢٣٤٥٦"})
    assert response.status_code == 200 and "Deze code klopt niet" in response.get_data(
        as_text=True)
