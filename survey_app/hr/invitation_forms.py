"""Forms for creating invitations and open links."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from survey_app.hr.invitations import closed_quarter_message
from survey_app.periods import QUARTER, collection_open


class QuarterField(SelectField):
    """A quarter from the choices offered (those still collecting).

    A quarter whose collection window has closed is refused with a message that names it
    and the day it closed, rather than "not a valid choice". The view sets
    ``collection_days`` and ``today`` with the choices.
    """

    collection_days: int | None = None
    today: date | None = None

    def pre_validate(self, form) -> None:
        if (self.collection_days is not None and self.today is not None
                and QUARTER.match(self.data or "")
                and not collection_open(self.data, self.collection_days, self.today)):
            raise ValidationError(closed_quarter_message(self.data, self.collection_days))
        super().pre_validate(form)


class InvitationForm(FlaskForm):
    unit_code = SelectField(_l("Enhet"), validators=[DataRequired()])
    occupational_group_code = SelectField(_l("Yrkesgrupp"), validators=[DataRequired()])
    tenure_band = SelectField(_l("Anställningstid"), validators=[DataRequired()])
    ending_type = SelectField(_l("Typ av avslut"), validators=[DataRequired()])
    quarter = QuarterField(_l("Kvartal då anställningen slutar"), validators=[DataRequired()])
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
    quarter = QuarterField(_l("Kvartal"), validators=[DataRequired()])
