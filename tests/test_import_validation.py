"""Bad input: every problem reported at once, in Dutch, with the file's row numbers; and then
nothing is stored. With skip_invalid the valid rows go in and the report names the skipped."""
import pytest

from tests.helpers import make_casus, make_gemeente, make_onderzoek
from tests.import_helpers import NOTHING, report, rows_for, run_import, stored, write_csv
from zet.access import Scope


def _refused(session, instrument, tmp_path, rows, columns=None, before=NOTHING, **options):
    """Import ``rows``; assert nothing was stored; return the Dutch report."""
    path = tmp_path / "fout.csv"
    write_csv(path, rows, **({"columns": columns} if columns else {}))
    plan = run_import(session, instrument, path, **options)
    assert not plan.applied
    assert stored(session) == before
    text = report(plan)
    assert text.startswith("Niet geïmporteerd"), text
    return text


def _base(instrument):
    return rows_for(instrument)  # rows 2..16: one inwoner perspective, 15 elements


def test_misspelled_and_missing_columns_suggest_the_expected_name(session, instrument,
                                                                  tmp_path):
    columns = ["gemeente", "casus", "doelgroep", "perspectif", "element", "scroe"]
    rows = [dict(r, perspectif=r["perspectief"], scroe=r["score"]) for r in _base(instrument)]
    text = _refused(session, instrument, tmp_path, rows, columns=columns)
    assert "Kolom 'perspectif' onbekend; bedoelt u 'perspectief'?" in text
    assert "Kolom 'scroe' onbekend; bedoelt u 'score'?" in text
    assert "Kolom 'toelichting' ontbreekt" in text


@pytest.mark.parametrize("field,value,message", [
    ("perspectief", "buurman", "Rij 4: Perspectief 'buurman' onbekend: kies inwoner, "
                               "professional of dossier."),
    ("perspectief", "inwonr", "Rij 4: Perspectief 'inwonr' onbekend"),
    ("element", "XYZ", "Rij 4: Element 'XYZ' onbekend in instrument"),
    ("score", "7", "Rij 4: Score '7' is ongeldig: vul een geheel getal van 1 tot en met 5 in"),
    ("score", "goed", "Rij 4: Score 'goed' is ongeldig"),
    ("doelgroep", "kind", "Rij 4: Doelgroep 'kind' onbekend: kies jeugd of volwassenen."),
    ("gemeente", "", "Rij 4: Gemeente ontbreekt"),
    ("casus", "  ", "Rij 4: Casus ontbreekt"),
    ("toelichting", "x" * 4001, "Rij 4: Toelichting is te lang: 4001 tekens, maximaal 4000."),
    ("toelichting", "Moeder bereikbaar op 06-12345678", "Rij 4: Toelichting: Deze tekst lijkt "
                                                        "een telefoonnummer te bevatten"),
    ("toelichting", "Sem, geboren 12-03-2010, LVB", "Rij 4: Toelichting: Deze tekst lijkt een "
                                                    "geboortedatum te bevatten"),
    ("toelichting", "mail: sem@example.nl", "Rij 4: Toelichting: Deze tekst bevat een "
                                            "e-mailadres"),
    ("rol", "begeleider", "Rij 4: Een rol hoort alleen bij het perspectief professional"),
    ("casus", "111222333", "Rij 4: De casuscode moet een pseudoniem zijn."),
])
def test_bad_value_is_reported_with_its_row_and_nothing_is_stored(session, instrument,
                                                                  tmp_path, field, value,
                                                                  message):
    rows = _base(instrument)
    rows[2] = dict(rows[2], **{field: value})
    assert message in _refused(session, instrument, tmp_path, rows)


def test_all_problems_are_reported_at_once(session, instrument, tmp_path):
    rows = _base(instrument)
    rows[0] = dict(rows[0], score="7")
    rows[5] = dict(rows[5], element="Onbekend element")
    rows[9] = dict(rows[9], perspectief="buur")
    text = _refused(session, instrument, tmp_path, rows)
    assert "Rij 2: Score '7'" in text and "Rij 7: Element 'Onbekend element'" in text
    assert "Rij 11: Perspectief 'buur'" in text
    assert "het bestand heeft 3 problemen" in text


def test_gemeente_spelled_two_ways_in_the_file(session, instrument, tmp_path):
    rows = _base(instrument)
    rows[3] = dict(rows[3], gemeente="duinwijk ")
    text = _refused(session, instrument, tmp_path, rows)
    assert ("Gemeente op meer manieren geschreven: 'Duinwijk' (rijen 2-4 en 6-16) en "
            "'duinwijk' (rij 5)") in text


def test_gemeente_spelled_differently_from_the_database(session, instrument, tmp_path):
    make_gemeente(session, "Duinwijk")
    rows = [dict(r, gemeente="duinwijk ") for r in _base(instrument)]
    text = _refused(session, instrument, tmp_path, rows,
                    before={"gemeente": 1, "casus": 0, "perspectief": 0, "score": 0})
    assert "Rijen 2-16: Gemeente 'duinwijk' heet in ZET 'Duinwijk'." in text


def test_same_casus_with_two_doelgroepen(session, instrument, tmp_path):
    rows = _base(instrument) + rows_for(instrument, perspectief="dossier",
                                        doelgroep="volwassenen")
    text = _refused(session, instrument, tmp_path, rows)
    assert ("Rijen 2-31: Casus DW-J01 (Duinwijk) heeft meer dan één doelgroep: jeugd "
            "(rijen 2-16) en volwassenen (rijen 17-31).") in text


def test_same_casus_with_two_onderzoeken(session, instrument, tmp_path):
    rows = _base(instrument) + rows_for(instrument, perspectief="dossier", onderzoek="Ronde 2")
    text = _refused(session, instrument, tmp_path, rows)
    assert ("Rijen 2-31: Casus DW-J01 (Duinwijk) staat bij meer dan één onderzoek: "
            "'Ronde 2026' (rijen 2-16) en 'Ronde 2' (rijen 17-31).") in text


def test_casus_doelgroep_differs_from_the_database(session, instrument, tmp_path):
    gemeente = make_gemeente(session, "Duinwijk")
    make_casus(session, gemeente, code="DW-J01", doelgroep="volwassenen")
    text = _refused(session, instrument, tmp_path, _base(instrument),
                    before={"gemeente": 1, "casus": 1, "perspectief": 0, "score": 0})
    assert "Casus DW-J01 (Duinwijk) heeft in ZET doelgroep volwassenen, in het bestand jeugd" \
        in text


def test_casus_onderzoek_differs_from_the_database(session, instrument, tmp_path):
    gemeente = make_gemeente(session, "Duinwijk")
    make_casus(session, gemeente, code="DW-J01", onderzoek=make_onderzoek(session, gemeente,
                                                                          "Ronde 2025"))
    text = _refused(session, instrument, tmp_path, _base(instrument),
                    before={"gemeente": 1, "casus": 1, "perspectief": 0, "score": 0})
    assert "hoort in ZET bij onderzoek 'Ronde 2025', in het bestand bij 'Ronde 2026'" in text


def test_duplicate_rows_name_both_rows(session, instrument, tmp_path):
    rows = _base(instrument)
    rows.append(dict(rows[4], score="1"))  # row 17 repeats row 6
    text = _refused(session, instrument, tmp_path, rows)
    assert "Rijen 6 en 17: Dezelfde score staat meer dan eens in het bestand (gemeente " \
           "Duinwijk, casus DW-J01, perspectief inwoner, element" in text


def test_duplicate_professional_rows_by_rol_and_element_name(session, instrument, tmp_path):
    rows = rows_for(instrument, perspectief="professional", rol="Begeleider")
    first = instrument.elements[0]
    rows.append(dict(rows[0], rol="begeleider", element=first.name))  # same rol and element
    text = _refused(session, instrument, tmp_path, rows)
    assert f"Rijen 2 en 17: Dezelfde score staat meer dan eens" in text
    assert f"rol Begeleider, element {first.code}" in text


def test_gemeente_outside_the_scope(session, instrument, tmp_path):
    own = make_gemeente(session, "Eigendorp")
    make_gemeente(session, "Duinwijk")
    before = {"gemeente": 2, "casus": 0, "perspectief": 0, "score": 0}
    text = _refused(session, instrument, tmp_path, _base(instrument), before=before,
                    scope=Scope(frozenset({own.id})))
    assert "Rijen 2-16: Geen toegang tot gemeente Duinwijk." in text


def test_a_restricted_scope_cannot_create_gemeenten(session, instrument, tmp_path):
    own = make_gemeente(session, "Eigendorp")
    before = {"gemeente": 1, "casus": 0, "perspectief": 0, "score": 0}
    text = _refused(session, instrument, tmp_path, _base(instrument), before=before,
                    scope=Scope(frozenset({own.id})))
    assert "Rijen 2-16: Geen toegang tot gemeente Duinwijk." in text  # as if it existed


def test_out_of_scope_casus_facts_are_not_revealed(session, instrument, tmp_path):
    own = make_gemeente(session, "Eigendorp")
    other = make_gemeente(session, "Duinwijk")
    make_casus(session, other, code="DW-J01", doelgroep="volwassenen")
    before = {"gemeente": 2, "casus": 1, "perspectief": 0, "score": 0}
    text = _refused(session, instrument, tmp_path, _base(instrument), before=before,
                    scope=Scope(frozenset({own.id})))
    assert "Geen toegang tot gemeente Duinwijk." in text
    assert "volwassenen" not in text and "problemen" not in text  # just the one problem


def test_skip_invalid_imports_the_valid_rows_and_names_the_skipped(session, instrument,
                                                                   tmp_path):
    rows = _base(instrument)
    rows[1] = dict(rows[1], score="9")                      # row 3: one bad row
    other = rows_for(instrument, casus="DW-J02", perspectief="dossier")
    other[4] = dict(other[4], doelgroep="volwassenen")      # casus DW-J02: all 15 rows skipped
    path = write_csv(tmp_path / "deels.csv", rows + other)
    plan = run_import(session, instrument, path, skip_invalid=True)
    assert plan.applied
    assert stored(session) == {"gemeente": 1, "casus": 1, "perspectief": 1, "score": 14}
    text = report(plan)
    assert "Overgeslagen: 16 van 30 rijen" in text
    assert "Rij 3: Score '9' is ongeldig" in text
    assert "Rijen 17-31: Casus DW-J02 (Duinwijk) heeft meer dan één doelgroep" in text
    assert "Toegevoegd: 1 gemeente, 1 onderzoek, 1 casus, 1 perspectief, 14 scores." in text
    assert sorted(plan.skipped_rows) == [3] + list(range(17, 32))


def test_skip_invalid_does_not_skip_a_column_problem(session, instrument, tmp_path):
    rows = [dict(r, rool="x") for r in _base(instrument)]
    columns = ["gemeente", "casus", "doelgroep", "perspectief", "element", "score",
               "toelichting", "rool"]
    text = _refused(session, instrument, tmp_path, rows, columns=columns, skip_invalid=True)
    assert "Kolom 'rool' onbekend; bedoelt u 'rol'?" in text


def test_empty_file_with_only_a_header(session, instrument, tmp_path):
    text = _refused(session, instrument, tmp_path, [])
    assert "geen gegevensrijen" in text
