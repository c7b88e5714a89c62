"""Fictional demo accounts, one per role, with passwords listed in the README (## Demo-logins).

Only for the demo: anyone who reads the README knows these passwords.
"""
from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy.orm import Session

from zet.auth.accounts import create_user, find_user
from zet.models import Gemeente
from zet.services.gemeenten import find_gemeente_by_name

# username, role, password, which of the demo gemeenten (None: all of them; 1: the first)
DEMO_USERS = (
    ("beheerder", "beheerder", "demo-beheerder-2026", None),
    ("onderzoeker", "onderzoeker", "demo-onderzoeker-2026", None),
    ("gemeente", "gemeente", "demo-gemeente-2026", 1),
    ("analist", "analist", "demo-analist-2026", None),
)


def load_demo_users(session: Session, gemeenten: list[Gemeente]) -> list[str]:
    """Create the demo users that do not exist yet; returns their usernames."""
    gemeenten = sorted(gemeenten, key=lambda g: g.naam)
    added = []
    for username, role, password, how_many in DEMO_USERS:
        if find_user(session, username) is not None:
            continue
        chosen = gemeenten if how_many is None else gemeenten[:how_many]
        create_user(session, username, password, role, [g.id for g in chosen])
        added.append(username)
    return added


def demo_gemeenten(session: Session, path: Path) -> list[Gemeente]:
    """The gemeenten of the demo file that are in the database."""
    names = [g["naam"] for g in json.loads(path.read_text(encoding="utf-8"))["gemeenten"]]
    return [g for g in (find_gemeente_by_name(session, n) for n in names) if g is not None]
