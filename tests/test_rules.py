"""Parsing scores the way users and files write them."""
import math

import pytest

from zet.rules import Answer, InvalidAnswer, length_message, parse_answer


@pytest.mark.parametrize("raw, expected", [
    (3, Answer(score=3)), ("4", Answer(score=4)), ("5.0", Answer(score=5)), (1.0, Answer(score=1)),
    ("nvt", Answer(special="nvt")), ("n.v.t.", Answer(special="nvt")),
    ("Onbekend", Answer(special="onbekend")), ("", Answer()), (None, Answer()),
    (math.nan, Answer()), ("  ", Answer()),
])
def test_valid_answers(raw, expected):
    assert parse_answer(raw) == expected


@pytest.mark.parametrize("raw", [0, 6, 7, "7", "goed", 2.5, "3,5", True, "-1"])
def test_invalid_answers_get_a_dutch_message_naming_the_value(raw):
    with pytest.raises(InvalidAnswer) as info:
        parse_answer(raw)
    assert f"'{raw}'" in str(info.value)
    assert "1 tot en met 5" in str(info.value)


def test_answer_text_round_trips():
    for text in ("1", "5", "nvt", "onbekend", ""):
        assert parse_answer(text).text == text


def test_length_message_says_how_long_and_the_limit():
    assert length_message("Toelichting", "x" * 11, 10) == (
        "Toelichting is te lang: 11 tekens, maximaal 10. Kort de tekst in.")
    assert length_message("Toelichting", "x" * 10, 10) is None
