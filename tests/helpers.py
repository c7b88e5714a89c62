"""Small factories and request helpers, so a test reads as a story of what a user does."""
from __future__ import annotations

import re
from datetime import date

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
    session.commit()
    return user


def _next_number(counter=[0]) -> int:  # noqa: B006  (a counter shared by the test run)
    counter[0] += 1
    return counter[0]


def login(client, username: str, password: str = TEST_PASSWORD, **kwargs):
    """Log in through the login page like a browser would (a logged-in client starts afresh)."""
    client.delete_cookie("session")
    return post_form(client, "/login", {"username": username, "password": password}, **kwargs)


def login_as(client, role: str, gemeenten=(), username=None, password=TEST_PASSWORD) -> User:
    """Create a user with ``role`` (for ``gemeenten``) and log ``client`` in as that user."""
    from zet.db import get_session
    with client.application.app_context():
        user = make_user(get_session(), role, gemeenten, username, password)
    response = login(client, user.username, password)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return user
