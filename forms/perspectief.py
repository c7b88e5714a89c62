"""The perspective form: one page over all werkzame elementen, built from the instrument file."""
from __future__ import annotations

from wtforms import (BooleanField, FieldList, FormField, HiddenField, RadioField, SelectField,
                     StringField, TextAreaField)
from wtforms import Form as PlainForm
from wtforms.validators import Optional, ValidationError

from forms.base import DutchDateField, RuleCheck, TrimmedStringField, ZetForm, choices
from zet.instrument import Instrument
from zet.services.perspectieven import PerspectiefInput
from zet.rules import InvalidAnswer, catalog, parse_answer
from zet.vocabulary import GEINTERVIEWDEN, SPREKERS_PER_PERSPECTIEF, TOESTEMMING_VORMEN

EXTRA_CITAAT_ROWS = 2


def answer_choices(instrument: Instrument, soort: str):
    """The score choices in this perspective's own wording (the stored values are the same)."""
    return choices([(o.value, o.label) for o in instrument.answer_options(soort)])


def _valid_answer(form, field):
    try:
        parse_answer(field.data)
    except InvalidAnswer as exc:
        raise ValidationError(str(exc)) from None


class CitaatForm(PlainForm):
    class Meta:
        locales = ("nl",)

    tekst = TextAreaField("Citaat", [RuleCheck(catalog.CITAAT)])
    bron = StringField("Nadere aanduiding (bijv. moeder)", [RuleCheck(catalog.CITAAT_BRON)])
    soort = SelectField("Laat zien", validators=[Optional()], validate_choice=False,
                        choices=choices([("knelpunt", "een knelpunt"),
                                         ("succesfactor", "wat goed gaat")], "– niet gekozen –"))
    citeerbaar = BooleanField("Mag in een rapport worden geciteerd")


class PerspectiefFormBase(ZetForm):
    version = HiddenField()
    datum = DutchDateField("Datum", [Optional()])
    afnemer = TrimmedStringField("Interviewer / beoordelaar", [RuleCheck(catalog.AFNEMER)])

    def element_fields(self, instrument: Instrument):
        for element in instrument.elements:
            yield element, self[f"score-{element.code}"], self[f"toelichting-{element.code}"]


def perspectief_form_class(instrument: Instrument, soort: str) -> type[PerspectiefFormBase]:
    """A form class for this instrument version and perspective (fields differ per soort)."""
    attrs = {}
    if soort == "inwoner":
        attrs["geinterviewde"] = SelectField(
            "Wie is geïnterviewd", choices=choices(GEINTERVIEWDEN, "– kies –"),
            validators=[Optional()])
        attrs["toestemming"] = BooleanField("Toestemming van de inwoner vastgelegd")
        attrs["toestemming_datum"] = DutchDateField("Datum toestemming", [Optional()])
        attrs["toestemming_vorm"] = SelectField(
            "Vorm van toestemming",
            choices=choices(TOESTEMMING_VORMEN, "– kies –"),
            validators=[Optional()])
    if soort == "professional":
        attrs["rol"] = TrimmedStringField("Rol van de professional", [RuleCheck(catalog.ROL)])
    attrs.update(answer_fields(instrument, soort))
    citaat = type("CitaatFormFor", (CitaatForm,), {
        "element": SelectField(
            "Bij element", validators=[Optional()], validate_choice=False,
            choices=choices([(e.code, e.name) for e in instrument.elements], "– algemeen –")),
        "spreker": SelectField("Wie zei het", validators=[Optional()], validate_choice=False,
                               choices=choices(SPREKERS_PER_PERSPECTIEF[soort],
                                               "– wie is geïnterviewd –" if soort == "inwoner"
                                               else None))})
    attrs["citaten"] = FieldList(FormField(citaat), min_entries=EXTRA_CITAAT_ROWS)
    return type(f"PerspectiefForm_{soort}", (PerspectiefFormBase,), attrs)


def answer_fields(instrument: Instrument, soort: str) -> dict:
    """A score and a toelichting field per element, in this perspective's wording: the same for
    the first rating (the perspective form) and the second (TweedeBeoordelingForm)."""
    attrs = {}
    answers = answer_choices(instrument, soort)
    for element in instrument.elements:
        attrs[f"score-{element.code}"] = RadioField(
            element.name, choices=answers, validate_choice=False,
            validators=[Optional(), _valid_answer])
        attrs[f"toelichting-{element.code}"] = TextAreaField(
            f"Toelichting bij {element.name}", [RuleCheck(catalog.TOELICHTING)])
    return attrs


class TweedeBeoordelingFormBase(ZetForm):
    beoordelaar = TrimmedStringField("Uw beoordelaarscode (bijvoorbeeld B2)",
                                     [RuleCheck(catalog.BEOORDELAAR)])

    element_fields = PerspectiefFormBase.element_fields

    def answers(self, instrument: Instrument) -> tuple[dict, dict]:
        """The validated answers and toelichtingen, per element code."""
        answers, toelichtingen = {}, {}
        for element, score_field, toelichting_field in self.element_fields(instrument):
            answers[element.code] = parse_answer(score_field.data)
            toelichtingen[element.code] = toelichting_field.data or ""
        return answers, toelichtingen


def tweede_form_class(instrument: Instrument, soort: str) -> type[TweedeBeoordelingFormBase]:
    """The form of a second, blind rating: the rater's code and the answers, nothing else."""
    return type(f"TweedeBeoordelingForm_{soort}", (TweedeBeoordelingFormBase,),
                answer_fields(instrument, soort))


def fill_second(form: TweedeBeoordelingFormBase, instrument: Instrument, rating) -> None:
    """Put a stored second rating into a fresh (GET) form."""
    form.beoordelaar.data = rating.beoordelaar
    by_code = {s.element_code: s for s in rating.scores}
    for element in instrument.elements:
        score = by_code.get(element.code)
        form[f"score-{element.code}"].data = score.antwoord if score else None
        form[f"toelichting-{element.code}"].data = score.toelichting if score else ""


def form_to_input(form: PerspectiefFormBase, instrument: Instrument, soort: str) -> PerspectiefInput:
    """The validated form as plain values for zet.services.perspectieven.save_perspectief."""
    data = PerspectiefInput(soort=soort, datum=form.datum.data, afnemer=form.afnemer.data or None)
    if soort == "inwoner":
        data.geinterviewde = form.geinterviewde.data or None
        data.toestemming = bool(form.toestemming.data)
        data.toestemming_datum = form.toestemming_datum.data
        data.toestemming_vorm = form.toestemming_vorm.data or None
    if soort == "professional":
        data.rol = form.rol.data or ""
    for element, score_field, toelichting_field in form.element_fields(instrument):
        data.answers[element.code] = parse_answer(score_field.data)
        data.toelichtingen[element.code] = toelichting_field.data or ""
    data.citaten = [{"tekst": entry.tekst.data or "", "bron": entry.bron.data or "",
                     "element_code": entry.element.data or None,
                     "spreker": entry.spreker.data or "", "soort": entry.soort.data or None,
                     "citeerbaar": bool(entry.citeerbaar.data)} for entry in form.citaten]
    return data


def fill_form(form: PerspectiefFormBase, instrument: Instrument, perspectief) -> None:
    """Put a stored perspective into a fresh (GET) form, with room for new quotes."""
    form.version.data = str(perspectief.version)
    for key in ("datum", "afnemer", "geinterviewde", "toestemming", "toestemming_datum",
                "toestemming_vorm", "rol"):
        if key in form:
            form[key].data = getattr(perspectief, key)
    for element in instrument.elements:
        score = perspectief.score_for(element.code)
        form[f"score-{element.code}"].data = score.antwoord if score else None
        form[f"toelichting-{element.code}"].data = score.toelichting if score else ""
    while len(form.citaten.entries):
        form.citaten.pop_entry()
    for citaat in perspectief.citaten:
        form.citaten.append_entry({"tekst": citaat.tekst, "bron": citaat.bron,
                                   "element": citaat.element_code or "",
                                   "spreker": citaat.spreker, "soort": citaat.soort or "",
                                   "citeerbaar": citaat.citeerbaar})
    for _ in range(EXTRA_CITAAT_ROWS):
        form.citaten.append_entry()


def unknown_element_fields(formdata, instrument: Instrument) -> list[str]:
    """Score or toelichting fields posted for elements this instrument does not have."""
    known = set(instrument.codes)
    unknown = []
    for key in formdata.keys():
        for prefix in ("score-", "toelichting-"):
            if key.startswith(prefix) and key[len(prefix):] not in known:
                unknown.append(key[len(prefix):])
    return sorted(set(unknown))
