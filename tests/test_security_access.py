"""Access matrix: every route in the app, for every kind of user, gets the answer it should.

The expectations are written here, apart from zet.auth.policy, so the test checks the policy
instead of repeating it. Routes are read from app.url_map: a route added later is in the
matrix automatically (and fails it until zet.auth.policy says who may use it).
"""
import pytest

from tests.helpers import csrf_token, login_as
from tests.route_matrix import build_world, every_route
from zet.auth.policy import PUBLIC, rule_for

BEHEERDER_ONLY = {"gemeenten.create", "gemeenten.edit"}
BEHEERDER_ONLY_BLUEPRINTS = {"beheer"}
EVERY_ROLE = {"analyse.vergelijking", "analyse.vergelijking_png", "export.werkboek",
              "export.data_csv", "rondes.anoniem",
              "analyse.overeenstemming"}  # the analist sees these anonymised
EVERY_ROLE_BLUEPRINTS: set[str] = set()
# Background jobs: every role has its own list; the world's job belongs to someone else.
OWN_JOBS = {"taken.index", "taken.export"}
SOMEONE_ELSES_JOB = {"taken.show", "taken.progress", "taken.download", "taken.retry"}

# (name, role, works for gemeente A?) -- the world's objects all belong to gemeente A.
USERS = [
    ("anoniem", None, False),
    ("beheerder", "beheerder", True),
    ("onderzoeker", "onderzoeker", True),
    ("onderzoeker elders", "onderzoeker", False),
    ("gemeente", "gemeente", True),
    ("gemeente elders", "gemeente", False),
    ("analist", "analist", True),
]


@pytest.fixture
def fast_downloads(monkeypatch):
    """Access is decided before anything is drawn: skip the slow heatmaps, workbooks and
    reports."""
    import analysis
    monkeypatch.setattr(analysis, "heatmap_png", lambda *args, **kwargs: b"\x89PNG")
    monkeypatch.setattr("zet.services.transfer.export_bytes", lambda *args, **kwargs: (
        "zet.xlsx", b"PK", "application/octet-stream"))
    monkeypatch.setattr("zet.views.rapport.make_rapport", lambda *args, **kwargs: (
        "rapport.docx", b"PK", "application/octet-stream"))


def expectation(role, own_gemeente, route) -> str:
    """'allowed', 'login' or 'not found' for this user on this route."""
    if route.endpoint in PUBLIC - {"auth.second_factor", "auth.enrol"}:
        return "allowed"
    if route.endpoint == "auth.logout":  # logged out (or never in): back to the login page
        return "login"
    if route.endpoint in ("auth.second_factor", "auth.enrol"):
        return "login"   # without a right password just before: back to the login page
    if role is None:
        return "login"
    if route.endpoint in BEHEERDER_ONLY or route.blueprint in BEHEERDER_ONLY_BLUEPRINTS:
        return "allowed" if role == "beheerder" else "not found"
    if route.endpoint in EVERY_ROLE or route.blueprint in EVERY_ROLE_BLUEPRINTS:
        return "allowed"
    if route.endpoint in OWN_JOBS:
        return "allowed"
    if route.endpoint in SOMEONE_ELSES_JOB:
        return "not found"
    # Everything else is casus-level work.
    if role == "analist":
        return "not found"
    if route.object_scoped and role != "beheerder" and not own_gemeente:
        return "not found"
    return "allowed"


def outcome(response) -> str:
    location = response.headers.get("Location", "")
    if response.status_code == 302 and location.startswith("/login"):
        return "login"
    if response.status_code == 404:
        return "not found"
    if response.status_code == 410 and response.request.method == "POST":
        return "not found"  # the perspective form gives back what was typed, same as for a gone casus
    if response.status_code in (200, 302, 409, 422):
        return "allowed"
    if response.status_code == 400 and "welke versie u opende" in response.get_data(as_text=True):
        return "allowed"  # reached the perspective form, which refuses a save without a version
    return f"status {response.status_code}"


@pytest.mark.parametrize("name,role,own", USERS, ids=[u[0] for u in USERS])
def test_every_route_answers_each_role_as_the_policy_says(app, anonymous, session, instrument,
                                                          fast_downloads, name, role, own):
    world = build_world(session, instrument)
    if role is not None:
        gemeenten = [world.gemeente if own else world.other]
        if role == "analist":
            gemeenten = [world.gemeente, world.other]
        login_as(anonymous, role, gemeenten=gemeenten)
    token = csrf_token(anonymous, "/login" if role is None else "/vergelijking")
    wrong = []
    for route in every_route(app, world):
        if route.method == "GET":
            response = anonymous.get(route.url)
        else:
            response = anonymous.open(route.url, method=route.method,
                                      data={"csrf_token": token})
        expected, got = expectation(role, own, route), outcome(response)
        response.close()
        if expected != got:
            wrong.append(f"{route}: expected {expected}, got {got}")
    assert not wrong, f"{name}:\n" + "\n".join(wrong)


def test_every_route_is_in_the_policy_table(app):
    """A new route is closed (404 for everyone) until zet.auth.policy lists it."""
    unlisted = sorted({rule.endpoint for rule in app.url_map.iter_rules()
                       if rule.endpoint not in PUBLIC and rule_for(rule.endpoint) is None})
    assert unlisted == [], ("Add these endpoints to zet.auth.policy.POLICY (who may use them?): "
                            + ", ".join(unlisted))


def test_an_unlisted_route_is_refused_even_for_a_beheerder(app, anonymous):
    @app.get("/nieuw-en-vergeten")
    def nieuw_en_vergeten():
        return "geheim"
    login_as(anonymous, "beheerder")
    response = anonymous.get("/nieuw-en-vergeten")
    assert response.status_code == 404 and "geheim" not in response.get_data(as_text=True)


def test_analist_sees_no_casus_but_does_get_the_comparison(app, anonymous, session, instrument):
    world = build_world(session, instrument)
    login_as(anonymous, "analist", gemeenten=[world.gemeente, world.other])
    assert anonymous.get("/").status_code == 404
    assert anonymous.get(f"/casussen/{world.casus.id}").status_code == 404
    page = anonymous.get("/vergelijking").get_data(as_text=True)
    assert "A-01" not in page and world.gemeente.naam not in page


def test_gemeente_user_sees_only_its_own_gemeente_in_the_list(anonymous, session, instrument):
    world = build_world(session, instrument)
    login_as(anonymous, "gemeente", gemeenten=[world.other])
    page = anonymous.get("/").get_data(as_text=True)
    assert world.other.naam in page and world.gemeente.naam not in page
    assert "Nieuwe gemeente" not in page and "Beheer" not in page
