"""Forms for the beheer pages: users and the audit-log filter."""
from wtforms import PasswordField, SelectField
from wtforms.validators import DataRequired, Length, Optional

from forms.base import DutchDateField, MultiCheckboxField, TrimmedStringField, ZetForm, choices
from zet.audit import ACTIONS, OBJECT_TYPES
from zet.auth.accounts import ROLE_LABELS

ROLE_CHOICES = choices(list(ROLE_LABELS.items()), "– kies –")
ROLE_HELP = ("Beheerder: alles, ook gebruikers en gemeenten. Onderzoeker: casussen in de gekozen "
             "gemeenten. Gemeente: zelfevaluatie van precies één gemeente. Analist: alleen de "
             "geanonimiseerde vergelijking en export van de gekozen gemeenten.")


class UserEditForm(ZetForm):
    role = SelectField("Rol", choices=ROLE_CHOICES,
                       validators=[DataRequired("Kies een rol.")], description=ROLE_HELP)
    gemeenten = MultiCheckboxField("Gemeenten", coerce=int, validators=[Optional()],
                                   validate_choice=False,
                                   description="Een beheerder werkt altijd voor alle gemeenten.")
    password = PasswordField("Nieuw wachtwoord (leeg laten: ongewijzigd)",
                             [Optional(), Length(max=1000)],
                             render_kw={"autocomplete": "new-password"})
    password_repeat = PasswordField("Nieuw wachtwoord nog eens", [Optional(), Length(max=1000)],
                                    render_kw={"autocomplete": "new-password"})


class UserCreateForm(UserEditForm):
    username = TrimmedStringField("Gebruikersnaam", [DataRequired("Vul een gebruikersnaam in."),
                                                     Length(max=80)],
                                  render_kw={"autocomplete": "off", "autocapitalize": "none"})
    password = PasswordField("Wachtwoord (minstens 10 tekens)",
                             [DataRequired("Kies een wachtwoord."), Length(max=1000)],
                             render_kw={"autocomplete": "new-password"})
    password_repeat = PasswordField("Wachtwoord nog eens",
                                    [DataRequired("Typ het wachtwoord nog eens."),
                                     Length(max=1000)],
                                    render_kw={"autocomplete": "new-password"})


class AuditFilterForm(ZetForm):
    """Read from the query string; a filter changes nothing, so it needs no CSRF token."""
    class Meta:
        csrf = False
        locales = ("nl",)

    gebruiker = TrimmedStringField("Gebruiker", [Optional(), Length(max=80)])
    actie = SelectField("Actie", choices=choices(ACTIONS, "– alle –"), validators=[Optional()])
    objecttype = SelectField("Over", choices=choices(OBJECT_TYPES, "– alles –"),
                             validators=[Optional()])
    object_id = TrimmedStringField("Nummer", [Optional(), Length(max=12)])
    van = DutchDateField("Van", [Optional()])
    tot = DutchDateField("Tot en met", [Optional()])
