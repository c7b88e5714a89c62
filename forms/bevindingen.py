"""The bevindingen form of one casus: knelpunten, wat gaat goed and a synthesis per werkzaam
element, built from the instrument file (one field per element)."""
from __future__ import annotations

from wtforms import HiddenField, TextAreaField

from forms.base import RuleCheck, ZetForm, version_stamp
from zet.instrument import Instrument
from zet.rules import catalog


class BevindingenFormBase(ZetForm):
    geladen = HiddenField()   # the casus version the page was opened with
    knelpunten = TextAreaField("Knelpunten", [RuleCheck(catalog.KNELPUNTEN)])
    wat_gaat_goed = TextAreaField("Wat gaat goed", [RuleCheck(catalog.WAT_GAAT_GOED)])

    def synthese_field(self, code: str):
        return self[f"synthese-{code}"]

    def values(self, instrument: Instrument) -> dict:
        """The form as plain values for zet.services.bevindingen.save_bevindingen."""
        return {"knelpunten": self.knelpunten.data or "",
                "wat_gaat_goed": self.wat_gaat_goed.data or "",
                "synthese": {code: self.synthese_field(code).data or ""
                             for code in instrument.codes}}


def bevindingen_form(instrument: Instrument, casus) -> BevindingenFormBase:
    """The form for this instrument version, filled from the casus on a GET."""
    attrs = {}
    for element in instrument.elements:
        label = f"Synthese bij {element.name}"
        attrs[f"synthese-{element.code}"] = TextAreaField(
            label, [RuleCheck(catalog.SYNTHESE.labelled(label))])
    form = type("BevindingenForm", (BevindingenFormBase,), attrs)()
    if not form.is_submitted():
        form.geladen.data = version_stamp(casus)
        form.knelpunten.data = casus.knelpunten or ""
        form.wat_gaat_goed.data = casus.wat_gaat_goed or ""
        for code, text in (casus.synthese or {}).items():
            if f"synthese-{code}" in form:
                form.synthese_field(code).data = text
    return form
