"""ZET's business rules, each written once and applied by the services and the bulk import alike.

- ``answers``: reading a score (1-5, nvt, onbekend, empty);
- ``names``: cleaning names and the identity keys that make two names "the same";
- ``fields`` and ``catalog``: the field rules (limits, required, allowed values, identifying data);
- ``state``: what *definitief* requires, when a rol is allowed, instrument versions.
"""
from zet.rules.answers import SPECIAL_ANSWERS, Answer, InvalidAnswer, parse_answer
from zet.rules.catalog import (MAX_CITAAT, MAX_HULPVRAAG, MAX_LEEFGEBIED_VRAAG,
                               MAX_TOELICHTING)
from zet.rules.fields import MAX_CASUSCODE, MAX_KORT, MAX_LANG, length_message

__all__ = ["SPECIAL_ANSWERS", "Answer", "InvalidAnswer", "parse_answer", "MAX_CITAAT",
           "MAX_HULPVRAAG", "MAX_LEEFGEBIED_VRAAG", "MAX_TOELICHTING", "MAX_CASUSCODE",
           "MAX_KORT", "MAX_LANG", "length_message"]
