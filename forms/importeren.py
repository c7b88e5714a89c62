"""Forms for importing scores from a CSV or Excel file (long format, docs/importformaat.md)."""
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, HiddenField
from wtforms.validators import DataRequired, Regexp

from forms.base import ZetForm

ALLOWED_EXTENSIONS = ("csv", "xlsx")
TOKEN_PATTERN = r"^[0-9a-f]{32}\.(csv|xlsx)$"


class ImportUploadForm(ZetForm):
    bestand = FileField(
        "Bestand (CSV of Excel-werkmap .xlsx)",
        validators=[FileRequired("Kies een bestand om te importeren."),
                    FileAllowed(ALLOWED_EXTENSIONS, "Alleen CSV-bestanden (.csv) en "
                                "Excel-werkmappen (.xlsx) kunnen worden geïmporteerd.")],
        description="Eén rij per score: gemeente, casus, doelgroep, perspectief, element, score, "
                    "toelichting; eventueel onderzoek en rol.")
    overslaan = BooleanField("Ongeldige rijen overslaan en de geldige rijen importeren")


class ImportConfirmForm(ZetForm):
    """Confirms the previewed upload; ``token`` names the temporary file on the server."""
    token = HiddenField(validators=[DataRequired(), Regexp(TOKEN_PATTERN)])
    naam = HiddenField()
    overslaan = HiddenField()
