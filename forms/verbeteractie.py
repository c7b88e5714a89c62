"""The verbeteractie form and the form for one progress note."""
from __future__ import annotations

from wtforms import HiddenField, SelectField, TextAreaField
from wtforms.validators import InputRequired, Optional

from forms.base import (DutchDateField, MultiCheckboxField, RuleCheck, TrimmedStringField,
                        ZetForm, choices, version_stamp)
from zet.instrument import Instrument
from zet.rules import catalog
from zet.vocabulary import ACTIE_NIVEAUS, ACTIE_STATUSSEN


class ActieForm(ZetForm):
    geladen = HiddenField()   # the action's version the page was opened with
    titel = TrimmedStringField("Titel", [RuleCheck(catalog.ACTIE_TITEL)])
    omschrijving = TextAreaField("Omschrijving", [RuleCheck(catalog.ACTIE_OMSCHRIJVING)])
    elementen = MultiCheckboxField("Werkzame elementen", validators=[Optional()],
                                   validate_choice=False)
    niveau = SelectField("Niveau", choices=choices(ACTIE_NIVEAUS, "– kies –"),
                         validators=[Optional()])
    eigenaar = TrimmedStringField("Eigenaar (team of rol, geen naam)",
                                  [RuleCheck(catalog.ACTIE_EIGENAAR)])
    nodig = TextAreaField("Wat is er nodig", [RuleCheck(catalog.ACTIE_NODIG)])
    start = DutchDateField("Start", [Optional()])
    deadline = DutchDateField("Deadline", [Optional()])
    evaluatie = DutchDateField("Evaluatiemoment", [Optional()])
    status = SelectField("Status", choices=choices(ACTIE_STATUSSEN), default="gepland")
    onderzoek_id = SelectField("Uit onderzoek", coerce=lambda v: int(v) if v else None,
                               validators=[Optional()])

    def values(self) -> dict:
        """The form as plain values for zet.services.verbeteracties.save_actie."""
        return {name: field.data for name, field in self._fields.items()
                if name not in ("csrf_token", "geladen")}


def actie_form(instrument: Instrument, gemeente, actie=None) -> ActieForm:
    form = ActieForm(obj=actie)
    if not form.is_submitted() and actie is not None:
        form.geladen.data = version_stamp(actie)
    form.elementen.choices = choices([(e.code, e.name) for e in instrument.elements])
    form.onderzoek_id.choices = choices([(o.id, o.titel) for o in gemeente.onderzoeken],
                                        "– geen –")
    return form


class VoortgangForm(ZetForm):
    datum = DutchDateField("Datum", [InputRequired(catalog.VOORTGANG_DATUM_MISSING)])
    tekst = TextAreaField("Wat is er gebeurd of besloten", [RuleCheck(catalog.VOORTGANG)])
