"""Forms for a gemeente and an onderzoek."""
from wtforms import BooleanField, SelectField, TextAreaField
from wtforms.validators import Optional

from forms.base import DutchDateField, RuleCheck, TrimmedStringField, ZetForm, choices
from zet.rules import catalog
from zet.vocabulary import GROOTTEKLASSEN


class GemeenteForm(ZetForm):
    naam = TrimmedStringField("Naam", [RuleCheck(catalog.GEMEENTE_NAAM)])
    grootteklasse = SelectField("Grootteklasse (inwoners)",
                                choices=choices(GROOTTEKLASSEN, "– kies –"),
                                validators=[Optional()])
    toegang = TextAreaField("Hoe is de toegang georganiseerd?",
                            [RuleCheck(catalog.GEMEENTE_TOEGANG)],
                            description="Bijv. centraal loket, wijkteams, wijkpunten, brede triage.")
    nieuw_bevestigd = BooleanField(
        "Dit is echt een nieuwe gemeente (niet een gemeente die al in ZET staat)")


class OnderzoekForm(ZetForm):
    titel = TrimmedStringField("Titel", [RuleCheck(catalog.ONDERZOEK_TITEL)])
    periode_start = DutchDateField("Periode van", [Optional()])
    periode_eind = DutchDateField("Periode tot en met", [Optional()])
    focus = TextAreaField("Focus", [RuleCheck(catalog.ONDERZOEK_FOCUS)],
                          description="Waar kijkt dit onderzoek vooral naar?")
