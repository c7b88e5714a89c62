"""The login form."""
from wtforms import PasswordField
from wtforms.validators import DataRequired, Length

from forms.base import TrimmedStringField, ZetForm


class LoginForm(ZetForm):
    username = TrimmedStringField("Gebruikersnaam", [DataRequired("Vul uw gebruikersnaam in."),
                                                     Length(max=200)],
                                  render_kw={"autocomplete": "username", "autocapitalize": "none"})
    password = PasswordField("Wachtwoord", [DataRequired("Vul uw wachtwoord in."),
                                            Length(max=1000)],
                             render_kw={"autocomplete": "current-password"})


class CodeForm(ZetForm):
    code = TrimmedStringField("Code", [DataRequired("Vul de code uit de app in, of een "
                                                    "herstelcode."), Length(max=40)],
                              render_kw={"autocomplete": "one-time-code", "inputmode": "numeric",
                                         "autocapitalize": "none"})
