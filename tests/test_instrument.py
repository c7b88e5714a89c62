"""The instrument file: the shipped one is complete, and each kind of mistake is reported clearly."""
from pathlib import Path

import pytest

from zet.instrument import (PACKAGE_DIR, PERSPECTIVES, InstrumentError, load_instrument,
                            load_registry)

TEN_NAMED = ["Continuïteit", "Integraal plan", "Langdurige ondersteuning waar nodig", "Maatwerk",
             "Snelle inzet van specifieke kennis en deskundigheid",
             "Uitgaan van eigen regie, ondersteuning waar nodig", "Vast contactpersoon",
             "Basishouding", "Toegankelijke ondersteuning", "Vraagverheldering"]

VALID = '''
version = "9.9"
title = "Test"
description = "Proef"
{scale}
[[special]]
code = "nvt"
label = "Niet van toepassing"
[[special]]
code = "onbekend"
label = "Onbekend"
{elements}
'''
SCALE = "".join(f'[[scale]]\nvalue = {i}\nlabel = "L{i}"\nsmiley = "S"\n' for i in range(1, 6))


def element(code="AAA", name="Element", inwoner='["Vraag?"]', extra=""):
    return (f'[[elements]]\ncode = "{code}"\nname = "{name}"\ndescription = "Wat"\n'
            f'source = "Bron"\n[elements.questions]\ninwoner = {inwoner}\n'
            f'professional = ["P?"]\ndossier = ["D?"]\n{extra}')


def write(tmp_path, text, name="test.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_instrument_has_fifteen_elements_with_every_text():
    instrument = load_registry().active
    assert len(instrument.elements) == 15
    assert len(set(instrument.codes)) == 15
    for e in instrument.elements:
        assert e.name and e.description and e.source
        for perspective in PERSPECTIVES:
            assert e.questions[perspective] and all(q.strip() for q in e.questions[perspective])


def test_shipped_instrument_names_the_ten_report_elements_exactly():
    names = [e.name for e in load_registry().active.elements]
    assert names[:10] == TEN_NAMED


def test_the_five_other_elements_say_where_their_wording_comes_from():
    for e in load_registry().active.elements[10:]:
        assert "eigen" in e.source.lower() or "ZET" in e.source


def test_valid_file_loads(tmp_path):
    instrument = load_instrument(write(tmp_path, VALID.format(scale=SCALE, elements=element())))
    assert instrument.version == "9.9"
    assert instrument.find_element("element").code == "AAA"
    assert instrument.find_element("aaa").name == "Element"


def test_duplicate_code_is_named(tmp_path):
    text = VALID.format(scale=SCALE, elements=element("DUP") + element("DUP", "Ander"))
    with pytest.raises(InstrumentError, match=r"test\.toml.*elements\[1\].*'DUP' komt dubbel"):
        load_instrument(write(tmp_path, text))


def test_missing_question_text_is_named(tmp_path):
    text = VALID.format(scale=SCALE, elements=element(inwoner='[""]'))
    with pytest.raises(InstrumentError, match=r"test\.toml.*questions\.inwoner"):
        load_instrument(write(tmp_path, text))


def test_missing_name_is_named(tmp_path):
    text = VALID.format(scale=SCALE, elements=element(name=""))
    with pytest.raises(InstrumentError, match=r"test\.toml.*'name' ontbreekt"):
        load_instrument(write(tmp_path, text))


def test_unknown_perspective_is_named(tmp_path):
    text = VALID.format(scale=SCALE, elements=element(extra='buurman = ["?"]\n'))
    with pytest.raises(InstrumentError, match=r"onbekend perspectief 'buurman'"):
        load_instrument(write(tmp_path, text))


def test_incomplete_scale_is_refused(tmp_path):
    text = VALID.format(scale=SCALE.split("[[scale]]\nvalue = 5")[0], elements=element())
    with pytest.raises(InstrumentError, match=r"'scale' moet precies 5"):
        load_instrument(write(tmp_path, text))


def test_broken_toml_names_the_file(tmp_path):
    with pytest.raises(InstrumentError, match=r"kapot\.toml: geen geldige TOML"):
        load_instrument(write(tmp_path, "version = ", "kapot.toml"))


def test_another_version_is_loaded_from_a_folder_without_code_changes(tmp_path):
    write(tmp_path, VALID.format(scale=SCALE, elements=element("NEW", "Nieuw element")))
    registry = load_registry(tmp_path, active_version="9.9")
    assert registry.active.codes == ["NEW"]
    assert len(registry.versions) >= 2
    shipped = [v for v in registry.versions if v != "9.9"][0]
    assert len(registry.get(shipped).elements) == 15


def test_unknown_active_version_is_reported():
    with pytest.raises(InstrumentError, match="bestaat niet"):
        load_registry(active_version="0.0-bestaat-niet")


def test_app_refuses_to_start_with_a_broken_instrument(tmp_path):
    from zet import create_app
    write(tmp_path, VALID.format(scale=SCALE, elements=element(inwoner="[]")))
    with pytest.raises(InstrumentError, match="questions.inwoner"):
        create_app({"INSTRUMENT_DIR": str(tmp_path), "DATABASE_URL": "sqlite://"})


def test_package_holds_the_versioned_file():
    assert any(PACKAGE_DIR.glob("zet-*.toml"))


LABELLED_SCALE = SCALE.replace('[[scale]]\nvalue = 1\nlabel = "L1"\nsmiley = "S"\n',
                               '[[scale]]\nvalue = 1\nlabel = "L1"\nsmiley = "S"\n'
                               'labels.dossier = "D1"\n')


def test_a_perspective_can_word_the_scale_its_own_way(tmp_path):
    instrument = load_instrument(write(tmp_path, VALID.format(scale=LABELLED_SCALE,
                                                               elements=element())))
    dossier = instrument.answer_options("dossier")
    inwoner = instrument.answer_options("inwoner")
    assert [o.value for o in dossier] == ["1", "2", "3", "4", "5", "nvt", "onbekend"]
    assert (dossier[0].label, inwoner[0].label, dossier[1].label) == ("D1", "L1", "L2")
    assert (inwoner[0].face, dossier[0].face) == ("S", "1")  # smileys for the inwoner only
    assert [o.key for o in dossier[5:]] == ["n", "o"]  # a special answer's key: its first letter
    assert instrument.answer_label("1", "dossier") == "1 D1"


def test_the_shipped_wording_keeps_niet_terug_te_vinden_for_the_dossier():
    instrument = load_registry().active
    labels = {soort: [o.label for o in instrument.answer_options(soort)]
              for soort in PERSPECTIVES}
    assert [soort for soort, texts in labels.items()
            if any("terug te vinden" in t for t in texts)] == ["dossier"]
    assert len({tuple(texts) for texts in labels.values()}) == 3


def test_labels_of_an_unknown_perspective_are_named(tmp_path):
    scale = LABELLED_SCALE.replace("labels.dossier", "labels.wethouder")
    with pytest.raises(InstrumentError,
                       match=r"test\.toml: scale\[0\]: onbekend perspectief 'wethouder'"):
        load_instrument(write(tmp_path, VALID.format(scale=scale, elements=element())))


def test_a_special_answer_key_that_is_a_digit_is_named(tmp_path):
    text = VALID.replace('code = "nvt"', 'code = "nvt"\nkey = "1"')
    with pytest.raises(InstrumentError, match=r"special\[0\]: veld 'key' moet één kleine letter"):
        load_instrument(write(tmp_path, text.format(scale=SCALE, elements=element())))


def test_two_special_answers_with_one_key_are_refused(tmp_path):
    text = VALID.replace('code = "onbekend"', 'code = "onbekend"\nkey = "n"')
    with pytest.raises(InstrumentError, match=r"dezelfde 'key'"):
        load_instrument(write(tmp_path, text.format(scale=SCALE, elements=element())))
