"""Forms that start or retry a background job (zet.jobs): a CSRF token and hidden choices."""
from wtforms import BooleanField, HiddenField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional, Regexp

from forms.base import ZetForm

FORMATS = [SelectChoice("xlsx", "Excel-werkboek"), SelectChoice("csv", "CSV (R/SPSS)"),
           SelectChoice("zip", "CSV-bundel")]


class ExportJobForm(ZetForm):
    """The same choices as the download links: format, gemeenten, anoniem, alleen compleet."""
    fmt = SelectField("Formaat", choices=FORMATS)
    gemeenten = HiddenField(validators=[Optional(), Regexp(r"^\d+(,\d+)*$")])
    anoniem = BooleanField("Geanonimiseerd")
    compleet = BooleanField("Alleen complete casussen")

    def gemeente_ids(self) -> list[int] | None:
        return [int(v) for v in self.gemeenten.data.split(",")] if self.gemeenten.data else None


class RetryJobForm(ZetForm):
    """Start a failed job again."""
