"""The casus form: facts the report records about a casus, no identifying data."""
from wtforms import IntegerField, RadioField, SelectField, TextAreaField
from wtforms.validators import InputRequired, Optional

from forms.base import (DutchDateField, MultiCheckboxField, RuleCheck, TrimmedStringField,
                        ZetForm, choices)
from zet.rules import catalog
from zet.services.casussen import current_onderzoek
from zet.vocabulary import (BEPERKINGEN, CASUS_STATUSSEN, DOELGROEPEN, LEEFGEBIEDEN, LEVENSFASEN,
                            WETTEN, leefgebied_field_name)


class CasusForm(ZetForm):
    code = TrimmedStringField(
        "Casuscode (pseudoniem)",
        [RuleCheck(catalog.CASUS_CODE)],
        description="Een pseudoniem, bijv. DW-J01. Nooit een naam, BSN of geboortedatum.")
    onderzoek_id = SelectField("Onderzoek", coerce=lambda v: int(v) if v else None,
                               validators=[Optional()])
    doelgroep = RadioField("Doelgroep", choices=choices(DOELGROEPEN),
                           validators=[InputRequired(catalog.DOELGROEP.missing)])
    wet = SelectField("Wet", choices=choices(WETTEN, "– kies –"), validators=[Optional()])
    levensfase = SelectField("Levensfase", choices=choices(LEVENSFASEN, "– kies –"), validators=[Optional()])
    beperkingen = MultiCheckboxField("Beperking(en)", choices=choices(BEPERKINGEN),
                                     validators=[Optional()])
    hulpvraag = TextAreaField(
        "Korte hulpvraag", [RuleCheck(catalog.HULPVRAAG)])
    datum_aanmelding = DutchDateField("Datum aanmelding", [Optional()])
    datum_eerste_contact = DutchDateField("Datum eerste contact", [Optional()])
    datum_start_hulp = DutchDateField("Datum start hulp", [Optional()])
    indicatie_maanden = IntegerField(
        "Looptijd indicatie (maanden)",
        [Optional(), RuleCheck(catalog.INDICATIE_MAANDEN)])
    wisselingen_contactpersoon = IntegerField(
        "Aantal wisselingen van contactpersoon",
        [Optional(), RuleCheck(catalog.WISSELINGEN)])
    status = SelectField("Status", choices=choices(CASUS_STATUSSEN), default="lopend")

    def leefgebied_fields(self):
        return [(gebied, self[leefgebied_field_name(gebied)]) for gebied in LEEFGEBIEDEN]

    def values(self) -> dict:
        """The form as plain values for zet.services.casussen.save_casus."""
        data = {name: field.data for name, field in self._fields.items()
                if name != "csrf_token" and not name.startswith("leefgebied_")}
        for key in ("wet", "levensfase"):
            data[key] = data[key] or None
        data["leefgebieden"] = [{"gebied": gebied, "vraag": field.data.strip()}
                                for gebied, field in self.leefgebied_fields()
                                if (field.data or "").strip()]
        return data


for _gebied in LEEFGEBIEDEN:
    setattr(CasusForm, leefgebied_field_name(_gebied), TextAreaField(
        _gebied, [RuleCheck(catalog.LEEFGEBIED_VRAAG.labelled(f"Vraag bij {_gebied}"))]))


def casus_form(onderzoeken, casus=None):
    """A casus form with the gemeente's onderzoeken to choose from, filled from ``casus``."""
    form = CasusForm(obj=casus)
    form.onderzoek_id.choices = choices([(o.id, o.titel) for o in onderzoeken], "– geen –")
    if casus is None and not form.is_submitted():
        likely = current_onderzoek(onderzoeken)
        form.onderzoek_id.data = likely.id if likely else None
    if casus is not None and not form.is_submitted():
        for item in casus.leefgebieden or []:
            name = leefgebied_field_name(item["gebied"])
            if name in form:
                form[name].data = item.get("vraag", "")
    return form
