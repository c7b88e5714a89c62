"""Small factories and request helpers, so a test reads as a story of what a user does."""
from __future__ import annotations

import os
import re
from datetime import date

import pytest

from zet.models import Casus, Gemeente, Onderzoek, User

CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
HIDDEN_RE = re.compile(r'name="([^"]+)" type="hidden" value="([^"]*)"')


def csrf_token(client, url: str) -> str:
    page = client.get(url)
    assert page.status_code == 200, page.status_code
    match = CSRF_RE.search(page.get_data(as_text=True))
    assert match, f"no csrf token on {url}"
    return match.group(1)


def hidden_fields(client, url: str) -> dict[str, str]:
    """The hidden inputs of the page's form (CSRF token, the version it was opened with)."""
    page = client.get(url)
    assert page.status_code == 200, page.status_code
    return {name: value for name, value in HIDDEN_RE.findall(page.get_data(as_text=True))}


def post_form(client, url: str, data: dict, form_url: str | None = None, **kwargs):
    """Open the form page like a browser would, then post ``data`` with its hidden fields
    (the CSRF token, and a version where the form has one)."""
    return client.post(url, data={**hidden_fields(client, form_url or url), **data}, **kwargs)


def page_text(client, url: str) -> str:
    """A page that must open (200), as text with HTML entities undone."""
    import html
    response = client.get(url)
    assert response.status_code == 200, url
    return html.unescape(response.get_data(as_text=True))


def make_gemeente(session, naam="Gemeente Testdorp", **values) -> Gemeente:
    gemeente = Gemeente(naam=naam, grootteklasse=values.get("grootteklasse", "< 20.000"),
                        toegang=values.get("toegang", "Eén centraal loket."))
    session.add(gemeente)
    session.commit()
    return gemeente


def make_onderzoek(session, gemeente, titel="Ronde 2026") -> Onderzoek:
    onderzoek = Onderzoek(gemeente=gemeente, titel=titel, periode_start=date(2026, 1, 1),
                          periode_eind=date(2026, 6, 30), focus="Toegang voor jeugd")
    session.add(onderzoek)
    session.commit()
    return onderzoek


def make_casus(session, gemeente, code="T-01", doelgroep="jeugd", **values) -> Casus:
    casus = Casus(gemeente=gemeente, code=code, doelgroep=doelgroep, status="lopend",
                  beperkingen=values.pop("beperkingen", ["LVB"]),
                  leefgebieden=values.pop("leefgebieden", []), **values)
    session.add(casus)
    session.commit()
    return casus


def full_perspective_form(instrument, score="4", **extra) -> dict:
    """Form fields for a complete perspective: every element scored, with a toelichting."""
    data = {"datum": "05-03-2026", "afnemer": "Onderzoeker K. Vos", "actie": "definitief"}
    for element in instrument.elements:
        data[f"score-{element.code}"] = score
        data[f"toelichting-{element.code}"] = f"Toelichting bij {element.name}."
    data.update(extra)
    return data


TEST_PASSWORD = "test-wachtwoord-2026"


def make_user(session, role="onderzoeker", gemeenten=(), username=None,
              password=TEST_PASSWORD) -> User:
    """A user with ``role`` working for ``gemeenten`` (Gemeente objects or ids)."""
    from zet.auth.accounts import create_user
    ids = [g if isinstance(g, int) else g.id for g in gemeenten]
    if role in ("onderzoeker", "analist") and not ids:
        raise ValueError(f"a {role} needs at least one gemeente")
    user = create_user(session, username or f"{role}-{_next_number()}", password, role, ids)
    if role == "beheerder":   # two-factor login is mandatory for them: enrolled already
        enrol_two_factor(session, user)
    session.commit()
    return user


TOTP_SECRETS: dict[str, str] = {}   # username -> the secret of its authenticator "app"


def enrol_two_factor(session, user) -> str:
    """What enrolment leaves behind (zet.auth.twofactor), so a test can log in with codes."""
    import pyotp

    from zet.models.mixins import utcnow
    user.totp_secret = pyotp.random_base32()
    user.totp_enabled_at = utcnow()
    TOTP_SECRETS[user.username] = user.totp_secret
    session.flush()
    return user.totp_secret


def totp_code(username: str, step_offset: int = 0) -> str:
    """The code the user's app shows now (or for the next time step: a code is used once)."""
    import time

    import pyotp
    return pyotp.TOTP(TOTP_SECRETS[username]).at(time.time(), counter_offset=step_offset)


def _next_number(counter=[0]) -> int:  # noqa: B006  (a counter shared by the test run)
    counter[0] += 1
    return counter[0]


def login(client, username: str, password: str = TEST_PASSWORD, **kwargs):
    """Log in through the login page like a browser would (a logged-in client starts afresh),
    with the second step when the account has one (the code of its enrolled secret)."""
    client.delete_cookie("session")
    response = post_form(client, "/login", {"username": username, "password": password},
                         **kwargs)
    if response.status_code == 302 and response.location.startswith("/login/code"):
        for offset in (0, 1):   # the current step may be used up by an earlier login
            answer = post_form(client, response.location,
                               {"code": totp_code(username.strip().lower(), offset)})
            if answer.status_code == 302:
                return answer
        return answer
    return response


def login_as(client, role: str, gemeenten=(), username=None, password=TEST_PASSWORD) -> User:
    """Create a user with ``role`` (for ``gemeenten``) and log ``client`` in as that user."""
    from zet.db import get_session
    with client.application.app_context():
        user = make_user(get_session(), role, gemeenten, username, password)
    response = login(client, user.username, password)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return user


def log_in_enrolling(client, username: str, password: str) -> tuple[str, str]:
    """First login of someone who must enrol: password, the enrolment page (its secret read as a
    user would type it into an app), the first code. Returns the secret and the page with the
    recovery codes."""
    import html as html_module
    import time

    import pyotp
    response = post_form(client, "/login", {"username": username, "password": password})
    assert response.status_code == 302 and response.location.startswith("/login/instellen"), \
        response.location
    page = client.get(response.location).get_data(as_text=True)
    secret = html_module.unescape(re.search(r'<code id="geheim">([^<]+)</code>', page).group(1))
    secret = secret.replace(" ", "")
    TOTP_SECRETS[username] = secret
    codes = post_form(client, response.location, {"code": pyotp.TOTP(secret).at(time.time())})
    assert codes.status_code == 200, codes.get_data(as_text=True)[:300]
    return secret, codes.get_data(as_text=True)


def postgres_server_url() -> str:
    """The PostgreSQL server of this test run (ZET_TEST_POSTGRES_URL): skip without one, or fail
    with ZET_REQUIRE_POSTGRES=1 (as .ci/run sets)."""
    url = os.environ.get("ZET_TEST_POSTGRES_URL")
    if not url:
        if os.environ.get("ZET_REQUIRE_POSTGRES") == "1":
            pytest.fail("ZET_REQUIRE_POSTGRES=1 maar ZET_TEST_POSTGRES_URL is niet gezet.")
        pytest.skip("Geen PostgreSQL-server (ZET_TEST_POSTGRES_URL niet gezet).")
    return url
