"""CSRF: every POST route in the app refuses a form without a valid token and stores nothing."""
from sqlalchemy import func, select

from tests.route_matrix import build_world, every_route
from zet.db import Base

FORM = {"naam": "Aanval", "titel": "Aanval", "code": "X-01", "doelgroep": "jeugd",
        "username": "aanvaller", "password": "aanval-wachtwoord", "password_repeat":
        "aanval-wachtwoord", "role": "beheerder", "actie": "definitief", "actief": "0",
        "score-CON": "1"}


def row_counts(session) -> dict:
    session.expire_all()
    return {table.name: session.scalar(select(func.count()).select_from(table))
            for table in Base.metadata.sorted_tables}


def test_every_post_route_refuses_a_missing_or_wrong_token(app, client, session, instrument):
    world = build_world(session, instrument)
    before = row_counts(session)
    posts = [r for r in every_route(app, world) if r.method != "GET"]
    assert len(posts) >= 10
    for route in posts:
        for token in ({}, {"csrf_token": "vervalst"}):
            response = client.open(route.url, method=route.method, data={**FORM, **token})
            assert response.status_code == 400, f"{route} with {token or 'no token'}"
            assert "beveiligingstoken" in response.get_data(as_text=True)
    assert row_counts(session) == before
    assert client.get("/").status_code == 200  # still logged in: even logout needs the token


def test_json_post_without_token_is_refused_too(client, session, instrument):
    world = build_world(session, instrument)
    response = client.post(f"/perspectieven/{world.perspectief.id}", json={"actie": "autosave"},
                           headers={"Accept": "application/json"})
    assert response.status_code == 400 and response.get_json()["ok"] is False
