"""Sign-in and password forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length


class LoginForm(FlaskForm):
    username = StringField(_l("Användarnamn"), validators=[DataRequired(), Length(max=254)],
                           render_kw={"autocomplete": "username", "autocapitalize": "none",
                                      "spellcheck": "false"})
    password = PasswordField(_l("Lösenord"), validators=[DataRequired(), Length(max=1024)],
                             render_kw={"autocomplete": "current-password"})


class PasswordChangeForm(FlaskForm):
    current = PasswordField(_l("Nuvarande lösenord"), validators=[DataRequired()],
                            render_kw={"autocomplete": "current-password"})
    new = PasswordField(_l("Nytt lösenord"), validators=[DataRequired(), Length(max=1024)],
                        render_kw={"autocomplete": "new-password"})
    repeat = PasswordField(
        _l("Upprepa det nya lösenordet"),
        validators=[DataRequired(), EqualTo("new", message=_l("Lösenorden är inte lika."))],
        render_kw={"autocomplete": "new-password"},
    )
