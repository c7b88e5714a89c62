"""Every route of the app, with the ids of real objects filled in, for the security tests.

A route whose URL has a parameter this module does not know makes the tests fail with a clear
message: add a sample value in ``sample_values`` so the new route is covered too.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from tests.helpers import make_casus, make_gemeente, make_onderzoek, make_user
from zet.models import (Casus, Eindanalyse, Gemeente, Job, Onderzoek, Perspectief, User,
                        Verbeteractie)
from zet.rules import parse_answer
from zet.services.perspectieven import PerspectiefInput, save_perspectief
from zet.services.eindanalyse import save_eindanalyse
from zet.services.verbeteracties import save_actie

OBJECT_PARAMETERS = {"gemeente_id", "onderzoek_id", "casus_id", "perspectief_id", "actie_id",
                     "eindanalyse_id"}
SKIPPED_METHODS = {"HEAD", "OPTIONS"}
# POSTs that remove something or end the session run last, so they do not spoil other requests.
LAST = ("delete", "verwijder", "deactiv", "set_user_active", "purge", "logout")


@dataclass
class World:
    """Gemeente A with everything under it, gemeente B (the 'elsewhere'), and a spare user."""
    gemeente: Gemeente
    other: Gemeente
    onderzoek: Onderzoek
    casus: Casus
    perspectief: Perspectief
    spare_user: User
    actie: Verbeteractie
    eindanalyse: Eindanalyse
    job: Job   # a finished export of the spare user: nobody else may see it


def build_world(session, instrument, naam="Gemeente Amberdam", other="Gemeente Bergveld",
                text="Toelichting.") -> World:
    gemeente = make_gemeente(session, naam)
    other_gemeente = make_gemeente(session, other)
    onderzoek = make_onderzoek(session, gemeente)
    casus = make_casus(session, gemeente, code="A-01", onderzoek_id=onderzoek.id)
    make_casus(session, other_gemeente, code="B-01")
    data = PerspectiefInput(soort="inwoner", answers={c: parse_answer("3")
                                                      for c in instrument.codes},
                            toelichtingen={c: text for c in instrument.codes},
                            citaten=[{"element_code": instrument.codes[0], "tekst": "Citaat.",
                                      "bron": "moeder"}])
    perspectief = save_perspectief(session, instrument, casus, data)
    session.commit()
    spare = make_user(session, "onderzoeker", [gemeente], username="reserve")
    actie = save_actie(session, instrument, gemeente, {"titel": "Vaste contactpersoon"})
    eindanalyse = save_eindanalyse(session, instrument, onderzoek, {
        "datum": date(2026, 6, 1), "deelnemers": {"uitvoering": 2}})
    job = Job(user_id=spare.id, kind="export", params={"fmt": "xlsx", "gemeente_ids": None,
                                                       "anonymous": False,
                                                       "alleen_compleet": False},
              request_key="0" * 64, status="mislukt", message="Mislukt.")
    session.add(job)
    session.commit()
    return World(gemeente, other_gemeente, onderzoek, casus, perspectief, spare, actie,
                 eindanalyse, job)


def sample_values(world: World) -> dict:
    return {"gemeente_id": world.gemeente.id, "onderzoek_id": world.onderzoek.id,
            "casus_id": world.casus.id, "perspectief_id": world.perspectief.id,
            "soort": "inwoner", "user_id": world.spare_user.id, "filename": "zet.css",
            "actie_id": world.actie.id, "eindanalyse_id": world.eindanalyse.id,
            "code": "CON", "fmt": "docx", "job_id": world.job.id}


@dataclass(frozen=True)
class Route:
    endpoint: str
    method: str
    url: str
    object_scoped: bool  # the URL names a gemeente, onderzoek, casus or perspectief

    @property
    def blueprint(self) -> str:
        return self.endpoint.rpartition(".")[0]

    def __str__(self) -> str:
        return f"{self.method} {self.url} ({self.endpoint})"


def every_route(app, world: World) -> list[Route]:
    """One Route per URL rule and method, GETs first and session-ending POSTs last."""
    values = sample_values(world)
    routes = []
    for rule in app.url_map.iter_rules():
        unknown = sorted(set(rule.arguments) - set(values))
        if unknown:
            pytest.fail(f"Route {rule.rule} ({rule.endpoint}) has parameter '{unknown[0]}': add "
                        "a sample value in tests/route_matrix.py so it is covered.")
        url = rule.build({k: values[k] for k in rule.arguments})[1]
        for method in sorted(rule.methods - SKIPPED_METHODS):
            routes.append(Route(rule.endpoint, method, url,
                                bool(set(rule.arguments) & OBJECT_PARAMETERS)))

    def order(route: Route):
        last = any(word in route.endpoint for word in LAST)
        return (route.method != "GET", last, route.endpoint == "auth.logout", route.endpoint)
    return sorted(routes, key=order)


def html_get_routes(app, world: World) -> list[Route]:
    return [r for r in every_route(app, world) if r.method == "GET" and r.endpoint != "static"]
