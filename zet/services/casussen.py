"""Creating, changing and deleting casussen, and what a casus still misses."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from zet.access import Scope
from zet.errors import DomainError
from zet.instrument import Instrument
from zet.models import Casus, Gemeente, Perspectief, Score
from zet.rules import catalog
from zet.rules.dates import casus_dates_problem
from zet.rules.identity import casus_taken_message
from zet.rules.names import casus_key
from zet.vocabulary import PERSPECTIEVEN, leefgebied_field_name

CASUS_FIELDS = ("code", "onderzoek_id", "doelgroep", "wet", "levensfase", "beperkingen",
                "leefgebieden", "hulpvraag", "knelpunten", "wat_gaat_goed", "datum_aanmelding",
                "datum_eerste_contact", "datum_start_hulp", "indicatie_maanden",
                "wisselingen_contactpersoon", "status")


def list_casussen(session: Session, scope: Scope, gemeente_id: int | None = None) -> list[Casus]:
    stmt = select(Casus).options(selectinload(Casus.perspectieven),
                                 selectinload(Casus.onderzoek)).order_by(Casus.code)
    if gemeente_id is not None:
        stmt = stmt.where(Casus.gemeente_id == gemeente_id)
    return list(session.scalars(scope.restrict(stmt, Casus.gemeente_id)))


def answered_counts(session: Session, casussen: list[Casus]) -> dict[int, int]:
    """Per perspective id: how many elements have an answer, counted in the database (a
    gemeente overview would otherwise load every score object)."""
    ids = [p.id for c in casussen for p in c.perspectieven]
    if not ids:
        return {}
    stmt = (select(Score.perspectief_id, func.count(Score.id))
            .where(Score.perspectief_id.in_(ids),
                   (Score.score.is_not(None)) | (Score.bijzonder.is_not(None)))
            .group_by(Score.perspectief_id))
    return dict(session.execute(stmt).all())


def current_onderzoek(onderzoeken):
    """The round a new casus most likely belongs to: the only one, else the one that started
    last (an undated round counts as the newest, as it was probably just created)."""
    if not onderzoeken:
        return None
    return max(onderzoeken, key=lambda o: (o.periode_start is None,
                                           o.periode_start or date.min, o.id))


def find_casus(session: Session, gemeente: Gemeente, code: str) -> Casus | None:
    return session.scalar(select(Casus).where(
        Casus.gemeente_id == gemeente.id, Casus.code_key == casus_key(code)))


def save_casus(session: Session, gemeente: Gemeente, values: dict,
               casus: Casus | None = None) -> Casus:
    """Create or change a casus; the code is a pseudonym, unique within its gemeente."""
    code = catalog.CASUS_CODE.require(values.get("code"))
    clash = find_casus(session, gemeente, code)
    if clash is not None and clash is not casus:
        raise DomainError(casus_taken_message(clash.code, gemeente.naam), "code")
    values = dict(values)
    values["doelgroep"] = catalog.DOELGROEP.require(values.get("doelgroep"))
    for rule in (catalog.WET, catalog.LEVENSFASE, catalog.CASUS_STATUS, catalog.INDICATIE_MAANDEN,
                 catalog.WISSELINGEN):
        if rule.field in values:
            values[rule.field] = rule.require(values[rule.field])
    if values.get("status") is None:
        values.pop("status", None)
    order = casus_dates_problem(values)
    if order:
        raise DomainError(order[1], order[0])
    _check_lists(values)
    values["hulpvraag"] = catalog.HULPVRAAG.require(values.get("hulpvraag")) or None
    for rule in catalog.BEVINDINGEN:   # written on the bevindingen page; the casus form has none
        if rule.field in values:
            values[rule.field] = rule.require(values[rule.field]) or None
    casus = casus or Casus(gemeente=gemeente)
    for key in CASUS_FIELDS:
        if key in values:
            setattr(casus, key, values[key])
    casus.code = code
    session.add(casus)
    session.flush()
    return casus


def _check_lists(values: dict) -> None:
    for beperking in values.get("beperkingen") or []:
        catalog.BEPERKING.require(beperking)
    for item in values.get("leefgebieden") or []:
        gebied = catalog.LEEFGEBIED.require(item.get("gebied"))
        item["vraag"] = catalog.LEEFGEBIED_VRAAG.labelled(f"Vraag bij {gebied}").require(
            item.get("vraag"), leefgebied_field_name(gebied))
        if not item["vraag"]:
            raise DomainError(catalog.leefgebied_without_question(gebied),
                              leefgebied_field_name(gebied))


def delete_casus(session: Session, casus: Casus) -> None:
    """Remove the casus with its perspectives, scores and quotes, and the eindanalyse links to
    it (they hold its id, which a new casus could get again)."""
    from zet.services.eindanalyse import unlink_casus
    unlink_casus(session, casus)
    session.delete(casus)
    session.flush()


@dataclass
class PerspectiefStatus:
    soort: str
    label: str
    perspectief: Perspectief | None
    answered: int
    total: int

    @property
    def state(self) -> str:
        if self.perspectief is None:
            return "niet begonnen"
        return self.perspectief.status


def perspectief_overview(casus: Casus, instrument: Instrument,
                         answered: dict[int, int] | None = None) -> list[PerspectiefStatus]:
    """Per perspective: started or not, concept or definitief, how many elements answered
    (from ``answered`` when given, see answered_counts; else from the loaded scores)."""
    total = len(instrument.elements)
    rows = []
    for soort in ("inwoner", "professional", "dossier"):
        found = [p for p in casus.perspectieven if p.soort == soort]
        if not found:
            rows.append(PerspectiefStatus(soort, soort.capitalize(), None, 0, total))
        for p in found:
            count = answered.get(p.id, 0) if answered is not None else sum(
                1 for s in p.scores if s.score is not None or s.bijzonder)
            label = f"Professional ({p.rol})" if soort == "professional" else soort.capitalize()
            rows.append(PerspectiefStatus(soort, label, p, count, total))
    return rows


def ready_to_finish(casus: Casus) -> bool:
    """A lopende casus with all three perspectives, each of them (every professional too)
    definitief: the casus page offers to mark it afgerond."""
    return (casus.status == "lopend"
            and {p.soort for p in casus.perspectieven} >= set(PERSPECTIEVEN)
            and all(p.status == "definitief" for p in casus.perspectieven))


def finish_casus(session: Session, casus: Casus) -> None:
    """Mark the casus afgerond; refused while a perspective is missing or still concept (the
    button may be older than someone else's change)."""
    session.refresh(casus, with_for_update=True)   # the state now, not when the page was read
    for perspectief in casus.perspectieven:
        session.refresh(perspectief)
    if not ready_to_finish(casus):
        raise DomainError("De casus is niet afgerond: niet elk perspectief is definitief "
                          "(of de casus was al afgerond). Bekijk de stand hieronder.")
    casus.status = "afgerond"
    session.flush()


def missing_facts(casus: Casus) -> list[str]:
    """Casus facts that are still empty, in Dutch, for the 'wat ontbreekt nog' list."""
    labels = {"wet": "wet", "levensfase": "levensfase", "hulpvraag": "hulpvraag",
              "datum_aanmelding": "datum aanmelding", "datum_eerste_contact": "datum eerste contact",
              "datum_start_hulp": "datum start hulp", "indicatie_maanden": "looptijd indicatie",
              "wisselingen_contactpersoon": "aantal wisselingen contactpersoon"}
    missing = [label for key, label in labels.items() if getattr(casus, key) in (None, "")]
    if not casus.beperkingen:
        missing.append("beperking(en)")
    if not casus.leefgebieden:
        missing.append("leefgebieden met vragen")
    return missing
