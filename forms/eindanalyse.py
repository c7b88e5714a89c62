"""The eindanalyse form: the session (date, participants per discipline, summary) and per
werkzaam element the priority, agreed oordeel, reason, conclusion and the supporting casussen and
quotes, built from the instrument file (one group of fields per element)."""
from __future__ import annotations

from wtforms import HiddenField, SelectField, TextAreaField
from wtforms.validators import InputRequired, Optional

from forms.base import (DutchDateField, MultiCheckboxField, RuleCheck, TrimmedStringField,
                        ZetForm, choices, version_stamp)
from zet.instrument import Instrument
from zet.rules import catalog
from zet.services.eindanalyse import Citaatkeuze, citaat_key, element_values
from zet.vocabulary import DISCIPLINES

_NUMBER = {"inputmode": "numeric", "class": "narrow"}


class EindanalyseFormBase(ZetForm):
    geladen = HiddenField()   # the session's version the page was opened with
    datum = DutchDateField("Datum van de bijeenkomst",
                           [InputRequired(catalog.EINDANALYSE_DATUM_MISSING)])
    samenvatting = TextAreaField("Samenvatting en afspraken",
                                 [RuleCheck(catalog.EINDANALYSE_SAMENVATTING)])

    def field(self, code: str, name: str):
        return self[f"{code}-{name}"]

    def values(self, instrument: Instrument, keuzes: list[Citaatkeuze]) -> dict:
        """The form as plain values for zet.services.eindanalyse.save_eindanalyse."""
        by_key = {keuze.key: keuze for keuze in keuzes}
        elementen = {}
        for code in instrument.codes:
            chosen = [by_key[key] for key in self.field(code, "citaten").data or ()
                      if key in by_key]
            elementen[code] = {
                "prioriteit": self.field(code, "prioriteit").data,
                "oordeel": self.field(code, "oordeel").data or None,
                "reden": self.field(code, "reden").data or "",
                "conclusie": self.field(code, "conclusie").data or "",
                "casussen": [int(v) for v in self.field(code, "casussen").data or ()
                             if str(v).isdigit()],   # anything else was never offered
                "citaten": [{"casus": k.casus_id, "tekst": k.tekst} for k in chosen],
            }
        return {"datum": self.datum.data,
                "deelnemers": {code: self[f"deelnemers-{code}"].data for code in DISCIPLINES},
                "samenvatting": self.samenvatting.data or "",
                "elementen": elementen}


def eindanalyse_form(instrument: Instrument, casussen, keuzes: list[Citaatkeuze],
                     eindanalyse=None) -> EindanalyseFormBase:
    """The form for this instrument version; on a GET filled from the stored session. The
    casussen and quotes offered are those of the onderzoek; per element its own quotes first."""
    attrs = {}
    for code, label in DISCIPLINES.items():
        attrs[f"deelnemers-{code}"] = TrimmedStringField(label, [RuleCheck(catalog.DEELNEMERS)],
                                                         render_kw=_NUMBER)
    casus_choices = choices([(str(c.id), c.code) for c in casussen])
    for element in instrument.elements:
        code = element.code
        attrs[f"{code}-prioriteit"] = TrimmedStringField(
            "Prioriteit", [RuleCheck(catalog.EA_PRIORITEIT)], render_kw=_NUMBER)
        attrs[f"{code}-oordeel"] = SelectField(
            "Afgesproken oordeel", choices=choices(catalog.EA_OORDEEL.options,
                                                   "– geen afspraak –"),
            validators=[Optional()])
        attrs[f"{code}-reden"] = TextAreaField(
            "Waarom wijkt het af van het berekende oordeel?", [RuleCheck(catalog.EA_REDEN)])
        attrs[f"{code}-conclusie"] = TextAreaField("Conclusie",
                                                   [RuleCheck(catalog.EA_CONCLUSIE)])
        attrs[f"{code}-casussen"] = MultiCheckboxField("Onderbouwd door casussen",
                                                       choices=casus_choices,
                                                       validate_choice=False)
        own = sorted(keuzes, key=lambda k: (k.element_code != code, k.casus_code))
        attrs[f"{code}-citaten"] = MultiCheckboxField(
            "Onderbouwd door citaten",
            choices=choices([(k.key, f"{k.casus_code}: “{k.tekst}”") for k in own]),
            validate_choice=False)
    form = type("EindanalyseForm", (EindanalyseFormBase,), attrs)()
    if not form.is_submitted() and eindanalyse is not None:
        form.geladen.data = version_stamp(eindanalyse)
        form.datum.data = eindanalyse.datum
        form.samenvatting.data = eindanalyse.samenvatting or ""
        for code, number in (eindanalyse.deelnemers or {}).items():
            if f"deelnemers-{code}" in form:
                form[f"deelnemers-{code}"].data = str(number)
        for code, item in element_values(eindanalyse).items():
            if f"{code}-oordeel" not in form:
                continue
            form.field(code, "prioriteit").data = str(item["prioriteit"] or "")
            form.field(code, "oordeel").data = item["oordeel"] or ""
            form.field(code, "reden").data = item["reden"] or ""
            form.field(code, "conclusie").data = item["conclusie"] or ""
            form.field(code, "casussen").data = [str(i) for i in item["casussen"] or ()]
            form.field(code, "citaten").data = [citaat_key(q["casus"], q["tekst"])
                                                for q in item["citaten"] or ()]
    return form
