"""Forms for importing scores from a CSV or Excel file (long format, docs/importformaat.md)."""
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, HiddenField
from wtforms.validators import DataRequired, Regexp

from forms.base import ZetForm

TOKEN_PATTERN = r"^[0-9a-f]{32}\.(csv|xlsx|zip)$"


class _UploadFields(ZetForm):
    bestand = FileField(
        "Bestand (CSV, Excel-werkmap .xlsx of CSV-bundel .zip van ZET)",
        validators=[FileRequired("Kies een bestand om te importeren.")],
        description="Eén rij per score: gemeente, casus, doelgroep, perspectief, element, score, "
                    "toelichting; eventueel onderzoek, rol en status. Een export van ZET "
                    "(werkboek of CSV-bundel) neemt ook de gegevens van gemeenten, onderzoeken, "
                    "casussen, perspectieven en citaten mee. Andere bestanden (.xls, .ods, ...) "
                    "krijgen uitleg hoe u ze opslaat.")


class ImportOptionsMixin:
    """The choices that change how a file is read; the same as the CLI's flags."""
    overslaan = BooleanField("Ongeldige rijen overslaan en de geldige rijen importeren")
    nieuwe_gemeenten = BooleanField("Gemeenten die op een bestaande gemeente lijken, zijn echt "
                                    "nieuwe gemeenten")
    kolommen_negeren = BooleanField("Kolommen die ZET niet kent negeren (ze worden genoemd)")

    def import_options(self) -> dict:
        return import_options(self)


def import_options(form) -> dict:
    """The form's choices as keyword arguments of zet.importing.import_file."""
    return {"skip_invalid": bool(form.overslaan.data),
            "allow_new_gemeenten": bool(form.nieuwe_gemeenten.data),
            "ignore_unknown_columns": bool(form.kolommen_negeren.data)}


class ImportUploadForm(ImportOptionsMixin, _UploadFields):
    pass


class ImportRecheckForm(ImportOptionsMixin, ZetForm):
    """Checks the stored upload again with other choices, without uploading it again."""
    token = HiddenField(validators=[DataRequired(), Regexp(TOKEN_PATTERN)])
    naam = HiddenField()


class ImportConfirmForm(ZetForm):
    """Confirms the previewed upload; ``token`` names the temporary file on the server."""
    token = HiddenField(validators=[DataRequired(), Regexp(TOKEN_PATTERN)])
    naam = HiddenField()
    overslaan = HiddenField()
    nieuwe_gemeenten = HiddenField()
    kolommen_negeren = HiddenField()

    def import_options(self) -> dict:
        return import_options(self)
