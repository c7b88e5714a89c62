"""Answers on an element as users and files write them: 1-5, 'nvt', 'onbekend' or empty."""
from __future__ import annotations

from dataclasses import dataclass

SPECIAL_ANSWERS = ("nvt", "onbekend")
_SPECIAL_ALIASES = {
    "nvt": "nvt", "n.v.t.": "nvt", "n.v.t": "nvt", "nvt.": "nvt", "niet van toepassing": "nvt",
    "onbekend": "onbekend", "onbekend / niet terug te vinden": "onbekend",
    "niet terug te vinden": "onbekend",
}


class InvalidAnswer(ValueError):
    """A score that is not 1-5, nvt, onbekend or empty; the message is Dutch and says what to fix."""


@dataclass(frozen=True)
class Answer:
    """One answer on one element: a score 1-5, a special answer, or nothing yet."""
    score: int | None = None
    special: str | None = None

    @property
    def is_empty(self) -> bool:
        return self.score is None and self.special is None

    @property
    def text(self) -> str:
        """The answer as the interchange format writes it: '1'..'5', 'nvt', 'onbekend' or ''."""
        if self.score is not None:
            return str(self.score)
        return self.special or ""


def worth_storing(answer_empty: bool, toelichting: str) -> bool:
    """An element with neither an answer nor a toelichting is not stored: saving it empty
    removes what was there (the form and the import alike)."""
    return not answer_empty or bool(toelichting)


def parse_answer(raw) -> Answer:
    """Read a score as a user or a file gives it: 1-5, '4', '4.0', 'nvt', 'onbekend' or empty."""
    if raw is None:
        return Answer()
    if isinstance(raw, bool):
        raise InvalidAnswer(_answer_message(raw))
    if isinstance(raw, (int, float)):
        if raw != raw:  # NaN from pandas: an empty cell
            return Answer()
        if float(raw).is_integer() and 1 <= int(raw) <= 5:
            return Answer(score=int(raw))
        raise InvalidAnswer(_answer_message(raw))
    text = str(raw).strip().lower()
    if text == "":
        return Answer()
    if text in _SPECIAL_ALIASES:
        return Answer(special=_SPECIAL_ALIASES[text])
    try:
        number = float(text.replace(",", "."))
    except ValueError:
        raise InvalidAnswer(_answer_message(raw)) from None
    if number.is_integer() and 1 <= number <= 5:
        return Answer(score=int(number))
    raise InvalidAnswer(_answer_message(raw))


def _answer_message(raw) -> str:
    return (f"Score '{raw}' is ongeldig: vul een geheel getal van 1 tot en met 5 in, "
            "'nvt' (niet van toepassing) of 'onbekend', of laat de score leeg.")

