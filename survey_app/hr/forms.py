"""Forms for managing staff accounts."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectChoice, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

ROLE_LABELS = {
    "hr_admin": _l("HR-administratör (allt)"),
    "hr_analyst": _l("HR-analytiker (bara sammanställda resultat)"),
    "manager": _l("Chef (sina enheter)"),
}


class CheckboxList(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class RolesForm(FlaskForm):
    roles = CheckboxList(_l("Roller"),
                         choices=[SelectChoice(key, label) for key, label in ROLE_LABELS.items()])
    units = StringField(_l("Enhetskoder som chefen ansvarar för (kommaseparerade)"),
                        validators=[Length(max=2000)])


class NewUserForm(RolesForm):
    username = StringField(_l("Användarnamn (e-postadress)"),
                           validators=[DataRequired(), Length(max=254)])
    display_name = StringField(_l("Namn"), validators=[DataRequired(), Length(max=200)])
    password = PasswordField(_l("Första lösenord (minst 12 tecken)"),
                             validators=[DataRequired(), Length(max=1024)],
                             render_kw={"autocomplete": "new-password"})
