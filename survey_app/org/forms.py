"""Upload form for the organisation CSV."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired


class OrgImportForm(FlaskForm):
    file = FileField(
        _l("CSV-fil med kolumnerna code, name, parent_code, type"),
        validators=[FileRequired(_l("Välj en fil.")),
                    FileAllowed(["csv", "txt"], _l("Filen ska vara en CSV-fil."))],
    )
