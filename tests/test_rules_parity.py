"""One rule, two engines: the same bad input through the form/service path and through the bulk
import gives the same decision and the same Dutch message (zet.rules is the only place they
are written)."""
from datetime import date

import pytest

from tests.helpers import make_casus, make_gemeente
from tests.import_helpers import rows_for, write_csv
from zet.errors import DomainError, ValidationFailed
from zet.importing import plan_import, read_table
from zet.rules import parse_answer, state
from zet.services.casussen import save_casus
from zet.services.eindanalyse import save_eindanalyse
from zet.services.gemeenten import save_gemeente, save_onderzoek
from zet.services.perspectieven import PerspectiefInput, save_perspectief

BSN = "111222333"  # passes the eleven-test; fictional


def service_message(call) -> str | None:
    """The message a service gives (for several fields: all of them), or None when it saves."""
    try:
        call()
    except ValidationFailed as error:
        return " | ".join(error.errors.values())
    except DomainError as error:
        return error.message
    return None


def refused_by_service(session, instrument, name, service_call) -> str:
    """The service's message for the bad input, given Gemeente Testdorp with casus T-09 (nothing
    of the refused call stays stored)."""
    gemeente = make_gemeente(session)
    casus = make_casus(session, gemeente, code="T-09")
    session.commit()
    message = service_message(lambda: service_call(session, instrument, gemeente, casus))
    session.rollback()
    assert message, f"{name}: the service saved it"
    return message


def import_messages(session, instrument, tmp_path, rows, **options) -> list[str]:
    path = write_csv(tmp_path / "parity.csv", rows)
    frame = read_table(path.name, path.read_bytes())
    plan = plan_import(session, instrument, frame, **options)
    return [problem.message for problem in plan.problems]


def with_first(instrument, **changes):
    rows = rows_for(instrument, gemeente="Gemeente Testdorp", casus="T-09", onderzoek="")
    rows[0] = dict(rows[0], **changes)
    return rows


def inwoner(**values):
    return PerspectiefInput(soort="inwoner", **values)


# (name, service call given (session, instrument, gemeente, casus), changes to one import row)
CASES = [
    ("casuscode te lang",
     lambda s, i, g, c: save_casus(s, g, {"code": "X" * 41, "doelgroep": "jeugd"}),
     {"casus": "X" * 41}),
    ("casuscode met BSN",
     lambda s, i, g, c: save_casus(s, g, {"code": f"T-{BSN}", "doelgroep": "jeugd"}),
     {"casus": f"T-{BSN}"}),
    ("doelgroep onbekend",
     lambda s, i, g, c: save_casus(s, g, {"code": "T-10", "doelgroep": "kinderen"}),
     {"doelgroep": "kinderen"}),
    ("doelgroep leeg",
     lambda s, i, g, c: save_casus(s, g, {"code": "T-10", "doelgroep": ""}),
     {"doelgroep": ""}),
    ("gemeente leeg",
     lambda s, i, g, c: save_gemeente(s, {"naam": "  "}),
     {"gemeente": ""}),
    ("gemeentenaam te lang",
     lambda s, i, g, c: save_gemeente(s, {"naam": "G" * 201}),
     {"gemeente": "G" * 201}),
    ("rol bij inwoner",
     lambda s, i, g, c: save_perspectief(s, i, c, inwoner(rol="moeder")),
     {"rol": "moeder"}),
    ("rol met e-mailadres",
     lambda s, i, g, c: save_perspectief(s, i, c, PerspectiefInput(
         soort="professional", rol="coach j.jansen@example.org")),
     {"perspectief": "professional", "rol": "coach j.jansen@example.org"}),
    ("toelichting met telefoonnummer",
     lambda s, i, g, c: save_perspectief(s, i, c, inwoner(
         toelichtingen={"CON": "bel 06-12345678 voor info"})),
     {"toelichting": "bel 06-12345678 voor info"}),
    ("toelichting te lang",
     lambda s, i, g, c: save_perspectief(s, i, c, inwoner(toelichtingen={"CON": "x" * 4001})),
     {"toelichting": "x" * 4001}),
]


@pytest.mark.parametrize("name,service_call,changes", CASES, ids=[c[0] for c in CASES])
def test_same_bad_input_same_decision_same_message(session, instrument, tmp_path, name,
                                                   service_call, changes):
    message = refused_by_service(session, instrument, name, service_call)
    problems = import_messages(session, instrument, tmp_path, with_first(instrument, **changes))
    assert message in problems, (name, message, problems)


def test_a_name_like_an_existing_gemeente_is_asked_about_on_both_paths(session, instrument,
                                                                     tmp_path):
    make_gemeente(session, naam="Gemeente Duinwijk")
    session.commit()
    message = service_message(lambda: save_gemeente(session, {"naam": "Duinwijk"}))
    session.rollback()
    assert "Bedoelt u 'Gemeente Duinwijk'?" in message
    rows = rows_for(instrument, gemeente="Duinwijk", onderzoek="")
    assert message in import_messages(session, instrument, tmp_path, rows)
    # Confirmed as new, both paths accept it.
    assert import_messages(session, instrument, tmp_path, rows, allow_new_gemeenten=True) == []
    assert save_gemeente(session, {"naam": "Duinwijk"}, confirm_new=True).naam == "Duinwijk"


def test_definitief_needs_every_answer_on_both_paths(session, instrument, tmp_path):
    gemeente = make_gemeente(session)
    casus = make_casus(session, gemeente, code="T-09")
    complete = inwoner(datum=date(2026, 3, 2), afnemer="Onderzoeker A", geinterviewde="ouder",
                       toestemming=True, toestemming_datum=date(2026, 3, 1),
                       toestemming_vorm="mondeling",
                       answers={e.code: parse_answer("4") for e in instrument.elements})
    save_perspectief(session, instrument, casus, complete, final=True)
    session.commit()
    first, second = instrument.elements[0], instrument.elements[1]
    expected = state.unanswered_message([first.name, second.name], len(instrument.elements))

    stored = casus.perspectieven[0]
    from dataclasses import replace
    incomplete = replace(complete, answers={code: answer for code, answer in complete.answers.items()
                                            if code not in (first.code, second.code)})
    message = service_message(lambda: save_perspectief(
        session, instrument, casus, incomplete, perspectief=stored, final=True))
    session.rollback()
    assert expected in message

    rows = rows_for(instrument, gemeente="Gemeente Testdorp", casus="T-09", onderzoek="",
                    score="4")
    rows[0], rows[1] = dict(rows[0], score=""), dict(rows[1], score="")
    problems = import_messages(session, instrument, tmp_path, rows)
    assert len(problems) == 1 and expected in problems[0]
    assert "zet in de kolom status 'concept'" in problems[0]


# --- the facts tables beside the scores (casussen.csv, ...) --------------------------------

def facts_messages(session, instrument, tmp_path, facts: dict) -> list[str]:
    """The messages of importing a bundle with valid scores for T-09 and these facts rows."""
    from tests.import_helpers import write_bundle
    from zet.importing import import_file
    rows = rows_for(instrument, gemeente="Gemeente Testdorp", casus="T-09", onderzoek="")
    path = write_bundle(tmp_path / "parity.zip", rows, facts)
    plan = import_file(session, instrument, path.name, path.read_bytes(), dry_run=True)
    return [problem.message for problem in plan.problems]


def casus_row(**changes) -> dict:
    return dict({"gemeente": "Gemeente Testdorp", "casus": "T-10", "doelgroep": "jeugd"}, **changes)


FACT_CASES = [
    ("wet onbekend",
     lambda s, i, g, c: save_casus(s, g, {"code": "T-10", "doelgroep": "jeugd", "wet": "Wmo2"}),
     {"casussen.csv": [casus_row(wet="Wmo2")]}),
    ("indicatie te lang",
     lambda s, i, g, c: save_casus(s, g, {"code": "T-10", "doelgroep": "jeugd",
                                          "indicatie_maanden": 300}),
     {"casussen.csv": [casus_row(indicatie_maanden="300")]}),
    ("data in verkeerde volgorde",
     lambda s, i, g, c: save_casus(s, g, {"code": "T-10", "doelgroep": "jeugd",
                                          "datum_aanmelding": date(2025, 3, 10),
                                          "datum_eerste_contact": date(2025, 3, 1)}),
     {"casussen.csv": [casus_row(datum_aanmelding="10-03-2025",
                                 datum_eerste_contact="01-03-2025")]}),
    ("hulpvraag met BSN",
     lambda s, i, g, c: save_casus(s, g, {"code": "T-10", "doelgroep": "jeugd",
                                          "hulpvraag": f"BSN {BSN}"}),
     {"casussen.csv": [casus_row(hulpvraag=f"BSN {BSN}")]}),
    ("beperking onbekend",
     lambda s, i, g, c: save_casus(s, g, {"code": "T-10", "doelgroep": "jeugd",
                                          "beperkingen": ["blind"]}),
     {"casussen.csv": [casus_row(beperkingen="blind")]}),
    ("vraag bij leefgebied te lang",
     lambda s, i, g, c: save_casus(s, g, {"code": "T-10", "doelgroep": "jeugd", "leefgebieden": [
         {"gebied": "wonen", "vraag": "x" * 501}]}),
     {"casussen.csv": [casus_row(leefgebieden="wonen", vraag_wonen="x" * 501)]}),
    ("leefgebied zonder vraag",
     lambda s, i, g, c: save_casus(s, g, {"code": "T-10", "doelgroep": "jeugd", "leefgebieden": [
         {"gebied": "gezin", "vraag": ""}]}),
     {"casussen.csv": [casus_row(leefgebieden="gezin")]}),
    ("grootteklasse onbekend",
     lambda s, i, g, c: save_gemeente(s, {"naam": "Gemeente Testdorp", "grootteklasse": "groot"},
                                      g),
     {"gemeenten.csv": [{"gemeente": "Gemeente Testdorp", "grootteklasse": "groot"}]}),
    ("afnemer met e-mailadres",
     lambda s, i, g, c: save_perspectief(s, i, c, inwoner(afnemer="a.b@example.org")),
     {"perspectieven.csv": [{"gemeente": "Gemeente Testdorp", "casus": "T-09",
                             "perspectief": "inwoner", "afnemer": "a.b@example.org"}]}),
    ("geïnterviewde onbekend",
     lambda s, i, g, c: save_perspectief(s, i, c, inwoner(geinterviewde="buurman")),
     {"perspectieven.csv": [{"gemeente": "Gemeente Testdorp", "casus": "T-09",
                             "perspectief": "inwoner", "geinterviewde": "buurman"}]}),
    ("citaat met telefoonnummer",
     lambda s, i, g, c: save_perspectief(s, i, c, inwoner(citaten=[
         {"tekst": "bel 06-12345678", "bron": ""}])),
     {"citaten.csv": [{"gemeente": "Gemeente Testdorp", "casus": "T-09",
                       "perspectief": "inwoner", "tekst": "bel 06-12345678"}]}),
    ("eindanalyse: conclusie met telefoonnummer",
     lambda s, i, g, c: save_eindanalyse(s, i, save_onderzoek(s, g, {"titel": "Ronde P"}), {
         "datum": date(2026, 6, 1), "deelnemers": {"beleid": 2},
         "elementen": {"CON": {"conclusie": "bel 06-12345678"}}}),
     {"onderzoeken.csv": [{"gemeente": "Gemeente Testdorp", "onderzoek": "Ronde P"}],
      "eindanalyse_elementen.csv": [{"gemeente": "Gemeente Testdorp", "onderzoek": "Ronde P",
                                     "datum": "01-06-2026", "element": "CON",
                                     "conclusie": "bel 06-12345678"}]}),
    ("eindanalyse: deelnemers geen getal",
     lambda s, i, g, c: save_eindanalyse(s, i, save_onderzoek(s, g, {"titel": "Ronde P"}), {
         "datum": date(2026, 6, 1), "deelnemers": {"beleid": "veel"}}),
     {"onderzoeken.csv": [{"gemeente": "Gemeente Testdorp", "onderzoek": "Ronde P"}],
      "eindanalyses.csv": [{"gemeente": "Gemeente Testdorp", "onderzoek": "Ronde P",
                            "datum": "01-06-2026", "deelnemers_beleid": "veel"}]}),
    ("eindanalyse: prioriteit 0",
     lambda s, i, g, c: save_eindanalyse(s, i, save_onderzoek(s, g, {"titel": "Ronde P"}), {
         "datum": date(2026, 6, 1), "deelnemers": {"beleid": 2},
         "elementen": {"CON": {"prioriteit": 0}}}),
     {"onderzoeken.csv": [{"gemeente": "Gemeente Testdorp", "onderzoek": "Ronde P"}],
      "eindanalyse_elementen.csv": [{"gemeente": "Gemeente Testdorp", "onderzoek": "Ronde P",
                                     "datum": "01-06-2026", "element": "CON",
                                     "prioriteit": "0"}]}),
]


@pytest.mark.parametrize("name,service_call,facts", FACT_CASES, ids=[c[0] for c in FACT_CASES])
def test_facts_tables_and_forms_give_the_same_message(session, instrument, tmp_path, name,
                                                      service_call, facts):
    message = refused_by_service(session, instrument, name, service_call)
    problems = facts_messages(session, instrument, tmp_path, facts)
    # The form numbers its quotes ("Citaat 1: ..."); a file names the row (and casus) instead.
    wanted = [part.removeprefix("Citaat 1: ") for part in message.split(" | ")]
    assert any(part in problem for part in wanted for problem in problems), (
        name, message, problems)


def test_an_element_left_empty_is_not_stored_and_clears_an_answer_on_both_paths(
        session, instrument, tmp_path):
    from sqlalchemy import select

    from zet.importing import import_file
    from zet.models import Score
    gemeente = make_gemeente(session)
    form_casus = make_casus(session, gemeente, code="T-08")
    import_casus = make_casus(session, gemeente, code="T-09")
    first, second = instrument.codes[0], instrument.codes[1]
    answers = {first: parse_answer("4"), second: parse_answer("2")}
    for casus in (form_casus, import_casus):
        save_perspectief(session, instrument, casus, inwoner(answers=dict(answers)))
    session.commit()
    # The form: the first element emptied, without toelichting.
    stored = form_casus.perspectieven[0]
    save_perspectief(session, instrument, form_casus, inwoner(answers={second: answers[second]}),
                     perspectief=stored)
    session.commit()
    # The import: the same, as a row with an empty score and no toelichting.
    rows = [{"gemeente": "Gemeente Testdorp", "casus": "T-09", "doelgroep": "jeugd",
             "perspectief": "inwoner", "element": first, "score": "", "toelichting": ""},
            {"gemeente": "Gemeente Testdorp", "casus": "T-09", "doelgroep": "jeugd",
             "perspectief": "inwoner", "element": instrument.codes[2], "score": "",
             "toelichting": ""}]
    path = write_csv(tmp_path / "leeg.csv", rows)
    plan = import_file(session, instrument, path.name, path.read_bytes())
    assert plan.applied and plan.scores_changed == 1 and plan.scores_added == 0
    session.commit()

    def codes(casus):
        return sorted(session.scalars(select(Score.element_code).where(
            Score.perspectief_id == casus.perspectieven[0].id)))
    assert codes(form_casus) == codes(import_casus) == [second]


@pytest.mark.parametrize("code", ["Petra Jansen", "B1 06-12345678", "1234"])
def test_a_rater_code_like_a_name_is_refused_alike_on_both_paths(session, instrument, tmp_path,
                                                                code):
    from zet.services.dubbel import save_second_rating

    def second_rating(s, i, g, c):
        first = save_perspectief(s, i, c, PerspectiefInput(soort="dossier"))
        return save_second_rating(s, i, first, beoordelaar=code, answers={})
    message = refused_by_service(session, instrument, "beoordelaar", second_rating)
    rows = [dict(row, beoordelaar=code) for row in with_first(instrument)]
    path = write_csv(tmp_path / "codes.csv", rows, columns=list(rows[0]))
    plan = plan_import(session, instrument, read_table(path.name, path.read_bytes()))
    problems = [problem.message for problem in plan.problems]
    assert message in problems and code not in message, (message, problems)


def test_a_definitief_second_rating_needs_every_answer_on_both_paths(session, instrument,
                                                                    tmp_path):
    from zet.services.dubbel import save_second_rating
    casus = make_casus(session, make_gemeente(session), code="T-09")
    first = save_perspectief(session, instrument, casus, PerspectiefInput(soort="dossier"))
    with pytest.raises(ValidationFailed) as refused:
        save_second_rating(session, instrument, first, beoordelaar="B2", final=True,
                           answers={instrument.codes[0]: parse_answer("3")})
    session.rollback()
    # The rule's message (as for a first rating); the service adds a hint per element field.
    message = refused.value.errors["scores"]
    assert message == state.unanswered_message([e.name for e in instrument.elements[1:]],
                                               len(instrument.elements))
    first = [dict(row, perspectief="dossier", beoordelaar="") for row in with_first(instrument)]
    second = [dict(row, beoordelaar="B2", status="definitief",
                   score="3" if i == 0 else "", toelichting="")
              for i, row in enumerate(first)]
    path = write_csv(tmp_path / "tweede.csv", first + second, columns=list(second[0]))
    plan = plan_import(session, instrument, read_table(path.name, path.read_bytes()))
    problems = [problem.message for problem in plan.problems]
    assert any(message in problem and "tweede beoordeling" in problem for problem in problems), (
        message, problems)
