"""Accounts: the beheer pages, the CLI, and what each role may do within its gemeenten."""
from sqlalchemy import func, select

from tests.helpers import (TEST_PASSWORD, csrf_token, login, login_as, make_casus, make_gemeente,
                           make_user, post_form)
from zet.cli import main
from zet.models import AuditEvent, Casus, Gemeente, Onderzoek, User

NEW_USER = {"username": "Nieuwe.Onderzoeker", "role": "onderzoeker",
            "password": "een-lang-wachtwoord", "password_repeat": "een-lang-wachtwoord"}


def cli(app, *args, input=None):
    return app.test_cli_runner().invoke(main, list(args), input=input)


# -- beheer pages ---------------------------------------------------------------------------

def test_beheerder_creates_a_user_with_gemeenten_who_can_then_log_in(app, client, session):
    a, b = make_gemeente(session, "Gemeente A"), make_gemeente(session, "Gemeente B")
    response = post_form(client, "/beheer/gebruikers/nieuw",
                         {**NEW_USER, "gemeenten": [str(a.id), str(b.id)]})
    assert response.status_code == 302
    user = session.scalar(select(User).where(User.username == "nieuwe.onderzoeker"))
    assert user.role == "onderzoeker" and {g.naam for g in user.gemeenten} == {"Gemeente A",
                                                                              "Gemeente B"}
    assert "nieuwe.onderzoeker" in client.get("/beheer/gebruikers").get_data(as_text=True)
    other = app.test_client()
    assert login(other, "nieuwe.onderzoeker", "een-lang-wachtwoord").status_code == 302


def test_user_form_says_what_is_wrong_and_stores_nothing(client, session):
    a, b = make_gemeente(session, "Gemeente A"), make_gemeente(session, "Gemeente B")
    page = post_form(client, "/beheer/gebruikers/nieuw", {
        **NEW_USER, "role": "gemeente", "gemeenten": [str(a.id), str(b.id)],
        "password_repeat": "iets-anders-dan-dat"}).get_data(as_text=True)
    assert "hoort bij precies één gemeente" in page
    assert "De twee wachtwoorden zijn niet gelijk" in page
    page = post_form(client, "/beheer/gebruikers/nieuw", {
        **NEW_USER, "username": "test-beheerder", "password": "kort",
        "password_repeat": "kort", "gemeenten": [str(a.id)]}).get_data(as_text=True)
    assert "bestaat al" in page and "minstens 10 tekens" in page
    assert session.scalar(select(func.count(User.id))) == 1  # only the logged-in beheerder


def test_beheerder_changes_role_gemeenten_and_password(app, client, session):
    a, b = make_gemeente(session, "Gemeente A"), make_gemeente(session, "Gemeente B")
    user = make_user(session, "onderzoeker", [a], username="jan")
    response = post_form(client, f"/beheer/gebruikers/{user.id}", {
        "role": "gemeente", "gemeenten": [str(b.id)], "password": "nieuw-wachtwoord-1",
        "password_repeat": "nieuw-wachtwoord-1"})
    assert response.status_code == 302
    session.expire_all()
    assert user.role == "gemeente" and [g.naam for g in user.gemeenten] == ["Gemeente B"]
    assert login(app.test_client(), "jan", "nieuw-wachtwoord-1").status_code == 302


def test_beheerder_cannot_take_away_their_own_beheer_role(client, session):
    me = session.scalar(select(User).where(User.username == "test-beheerder"))
    gemeente = make_gemeente(session)
    page = post_form(client, f"/beheer/gebruikers/{me.id}", {
        "role": "onderzoeker", "gemeenten": [str(gemeente.id)]}).get_data(as_text=True)
    assert "eigen rol niet wijzigen" in page
    session.expire_all()
    assert me.role == "beheerder"


def test_deactivated_user_is_refused_and_can_be_activated_again(app, client, session):
    user = make_user(session, "onderzoeker", [make_gemeente(session)], username="jan")
    token = csrf_token(client, "/beheer/gebruikers")
    client.post(f"/beheer/gebruikers/{user.id}/actief", data={"csrf_token": token, "actief": "0"})
    session.expire_all()
    assert user.active is False
    assert login(app.test_client(), "jan").status_code == 200
    client.post(f"/beheer/gebruikers/{user.id}/actief", data={"csrf_token": token, "actief": "1"})
    session.expire_all()
    assert user.active is True and login(app.test_client(), "jan").status_code == 302


def test_beheerder_cannot_deactivate_themselves(client, session):
    me = session.scalar(select(User).where(User.username == "test-beheerder"))
    token = csrf_token(client, "/beheer/gebruikers")
    response = client.post(f"/beheer/gebruikers/{me.id}/actief",
                           data={"csrf_token": token, "actief": "0"}, follow_redirects=True)
    assert "eigen account niet deactiveren" in response.get_data(as_text=True)
    session.expire_all()
    assert me.active is True


# -- roles within their gemeenten -------------------------------------------------------------

def test_onderzoeker_works_in_their_gemeente_and_gets_404_elsewhere(anonymous, session):
    own, other = make_gemeente(session, "Gemeente Eigen"), make_gemeente(session, "Gemeente Ver")
    foreign = make_casus(session, other, code="V-01")
    login_as(anonymous, "onderzoeker", gemeenten=[own])
    assert post_form(anonymous, f"/gemeenten/{own.id}/onderzoeken/nieuw",
                     {"titel": "Ronde 1"}).status_code == 302
    assert post_form(anonymous, f"/gemeenten/{own.id}/casussen/nieuw", {
        "code": "E-01", "doelgroep": "jeugd", "status": "lopend"}).status_code == 302
    token = csrf_token(anonymous, "/")
    assert anonymous.post(f"/gemeenten/{other.id}/casussen/nieuw", data={
        "csrf_token": token, "code": "E-02", "doelgroep": "jeugd"}).status_code == 404
    assert anonymous.post(f"/casussen/{foreign.id}/verwijderen",
                          data={"csrf_token": token}).status_code == 404
    page = anonymous.get(f"/casussen/{foreign.id}")
    assert page.status_code == 404 and "V-01" not in page.get_data(as_text=True)
    assert sorted(session.scalars(select(Casus.code))) == ["E-01", "V-01"]
    assert session.scalar(select(func.count(Onderzoek.id))) == 1


def test_only_a_beheerder_creates_or_changes_gemeenten(anonymous, session):
    gemeente = make_gemeente(session)
    login_as(anonymous, "gemeente", gemeenten=[gemeente])
    token = csrf_token(anonymous, "/")
    assert anonymous.post("/gemeenten/nieuw", data={"csrf_token": token, "naam": "Nieuw"}
                          ).status_code == 404
    assert anonymous.post(f"/gemeenten/{gemeente.id}/bewerken",
                          data={"csrf_token": token, "naam": "Anders"}).status_code == 404
    assert session.scalar(select(Gemeente.naam)) == gemeente.naam
    assert session.scalar(select(func.count(Gemeente.id))) == 1


def test_nav_shows_who_is_logged_in_and_beheer_only_for_beheerders(client, anonymous, session):
    page = client.get("/").get_data(as_text=True)
    assert "test-beheerder" in page and "beheerder" in page and "Uitloggen" in page
    assert "Beheer" in page
    login_as(anonymous, "onderzoeker", gemeenten=[make_gemeente(session)], username="olga")
    page = anonymous.get("/").get_data(as_text=True)
    assert "olga" in page and "Uitloggen" in page and "Beheer" not in page


def test_anonymise_is_forced_for_the_analist_only(app, session):
    from flask_login import login_user

    from zet.auth import comparison_scope, current_scope, current_user_must_anonymise
    gemeente = make_gemeente(session)
    analist = make_user(session, "analist", [gemeente])
    onderzoeker = make_user(session, "onderzoeker", [gemeente])
    with app.test_request_context():
        assert current_user_must_anonymise() is True  # not logged in: anonymise too
        login_user(analist)
        assert current_user_must_anonymise() is True
        assert current_scope().gemeente_ids == frozenset()
        assert comparison_scope().gemeente_ids == {gemeente.id}
    with app.test_request_context():
        login_user(onderzoeker)
        assert current_user_must_anonymise() is False
        assert current_scope().gemeente_ids == comparison_scope().gemeente_ids == {gemeente.id}


# -- command line --------------------------------------------------------------------------

def test_create_user_asks_the_password_twice(app, session):
    make_gemeente(session, "Gemeente Kustdorp")
    result = cli(app, "create-user", "kees", "--role", "gemeente", "--gemeente",
                 "gemeente kustdorp", input="geheim-wachtwoord\ngeheim-wachtwoord\n")
    assert result.exit_code == 0, result.output
    assert "Gebruiker 'kees' aangemaakt" in result.output
    assert "geheim-wachtwoord" not in result.output
    user = session.scalar(select(User).where(User.username == "kees"))
    assert [g.naam for g in user.gemeenten] == ["Gemeente Kustdorp"]
    assert login(app.test_client(), "kees", "geheim-wachtwoord").status_code == 302
    assert session.scalar(select(AuditEvent.username).where(
        AuditEvent.object_id == user.id)) == "zet-opdracht"


def test_create_user_reads_the_password_from_stdin(app, session):
    gemeente = make_gemeente(session, "Gemeente Kustdorp")
    result = cli(app, "create-user", "an", "--role", "analist", "--gemeente", gemeente.naam,
                 "--password-stdin", input="wachtwoord-uit-script\n")
    assert result.exit_code == 0, result.output
    assert login(app.test_client(), "an", "wachtwoord-uit-script").status_code == 302


def test_create_user_refuses_mistakes_with_a_dutch_message(app, session):
    assert "bestaat niet" in cli(app, "create-user", "x1", "--role", "gemeente", "--gemeente",
                                 "Nergenshuizen", "--password-stdin",
                                 input="wachtwoord-123\n").output
    assert "minstens 10 tekens" in cli(app, "create-user", "x2", "--role", "beheerder",
                                       "--password-stdin", input="kort\n").output
    mismatch = cli(app, "create-user", "x3", "--role", "beheerder",
                   input="wachtwoord-123\nwachtwoord-456\n" * 3)
    assert mismatch.exit_code != 0
    assert cli(app, "create-user", "x4", "--role", "koning", "--password-stdin",
               input="wachtwoord-123\n").exit_code != 0
    assert session.scalar(select(func.count(User.id))) == 0


def test_set_password_replaces_the_password_and_lifts_a_lock(app, session):
    user = make_user(session, "beheerder", username="bea")
    for i in range(5):
        login(app.test_client(), "bea", f"fout-{i}")
    result = cli(app, "set-password", "bea", input="nieuw-wachtwoord\nnieuw-wachtwoord\n")
    assert result.exit_code == 0, result.output
    assert login(app.test_client(), "bea", "nieuw-wachtwoord").status_code == 302
    assert login(app.test_client(), "bea", TEST_PASSWORD).status_code == 200
    session.expire_all()
    assert user.locked_until is None
    assert cli(app, "set-password", "niemand", "--password-stdin",
               input="nieuw-wachtwoord\n").exit_code != 0


def test_demo_users_one_per_role_with_the_documented_passwords(app, session):
    from zet.demo.users import DEMO_USERS, load_demo_users
    gemeenten = [make_gemeente(session, "Gemeente Oost"), make_gemeente(session, "Gemeente West")]
    assert load_demo_users(session, gemeenten) == ["beheerder", "onderzoeker", "gemeente",
                                                   "analist"]
    session.commit()
    assert load_demo_users(session, gemeenten) == []  # twice changes nothing
    for username, role, password, _ in DEMO_USERS:
        assert login(app.test_client(), username, password).status_code == 302, username
    gemeente_user = session.scalar(select(User).where(User.username == "gemeente"))
    assert [g.naam for g in gemeente_user.gemeenten] == ["Gemeente Oost"]
    readme = (__import__("pathlib").Path(__file__).parent.parent / "README.md").read_text()
    for username, _, password, _ in DEMO_USERS:
        assert f"`{username}`" in readme and f"`{password}`" in readme


def test_analist_compares_assigned_gemeenten_anonymised(app, anonymous, session, instrument,
                                                        export_of_tiny_groups):
    from tests.route_matrix import build_world
    world = build_world(session, instrument)
    login_as(anonymous, "analist", gemeenten=[world.gemeente, world.other], username="ada")
    from zet.access import Scope
    from zet.services.dataset import anonymous_labels
    label = anonymous_labels(session, Scope(frozenset({world.gemeente.id, world.other.id})))[
        world.gemeente.naam]   # only world.gemeente has scores
    page = anonymous.get("/vergelijking").get_data(as_text=True)
    assert label in page
    assert world.gemeente.naam not in page and world.other.naam not in page
    csv = anonymous.get("/export/data.csv").get_data(as_text=True)
    assert label in csv and world.gemeente.naam not in csv and "Toelichting." not in csv
    assert anonymous.get("/export/data.csv?anoniem=0").get_data(as_text=True) == csv
