"""Forms for creating invitations and open links."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional


class InvitationForm(FlaskForm):
    unit_code = SelectField(_l("Enhet"), validators=[DataRequired()])
    occupational_group_code = SelectField(_l("Yrkesgrupp"), validators=[DataRequired()])
    tenure_band = SelectField(_l("Anställningstid"), validators=[DataRequired()])
    ending_type = SelectField(_l("Typ av avslut"), validators=[DataRequired()])
    quarter = SelectField(_l("Kvartal då anställningen slutar"), validators=[DataRequired()])
    email = StringField(
        _l("Skicka länken till e-post (valfritt)"),
        validators=[Optional(), Email(message=_l("Skriv en giltig e-postadress.")),
                    Length(max=254)],
        description=_l("Adressen används bara för det här meddelandet och sparas inte."),
        render_kw={"autocomplete": "off", "inputmode": "email"})


class LeaverImportForm(FlaskForm):
    file = FileField(
        _l("CSV-fil från lönesystemet"),
        validators=[FileRequired(_l("Välj en fil.")),
                    FileAllowed(["csv", "txt"], _l("Filen ska vara en CSV-fil."))])


class OpenLinkForm(FlaskForm):
    unit_code = SelectField(_l("Enhet"), validators=[DataRequired()])
    quarter = SelectField(_l("Kvartal"), validators=[DataRequired()])
