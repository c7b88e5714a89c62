"""Forms for a gemeente and an onderzoek."""
from wtforms import SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from forms.base import DutchDateField, TrimmedStringField, ZetForm, choices
from zet.rules import MAX_KORT
from zet.vocabulary import GROOTTEKLASSEN


class GemeenteForm(ZetForm):
    naam = TrimmedStringField("Naam", [DataRequired("Vul de naam van de gemeente in."),
                                       Length(max=MAX_KORT)])
    grootteklasse = SelectField("Grootteklasse (inwoners)",
                                choices=choices(GROOTTEKLASSEN, "– kies –"),
                                validators=[Optional()])
    toegang = TextAreaField("Hoe is de toegang georganiseerd?", [Optional(), Length(max=2000)],
                            description="Bijv. centraal loket, wijkteams, wijkpunten, brede triage.")


class OnderzoekForm(ZetForm):
    titel = TrimmedStringField("Titel", [DataRequired("Vul een titel in."), Length(max=MAX_KORT)])
    periode_start = DutchDateField("Periode van", [Optional()])
    periode_eind = DutchDateField("Periode tot en met", [Optional()])
    focus = TextAreaField("Focus", [Optional(), Length(max=2000)],
                          description="Waar kijkt dit onderzoek vooral naar?")
