from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    remember = BooleanField(_l("Keep me signed in"))


class LoginLinkForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)])


class PasswordForm(FlaskForm):
    current_password = PasswordField(
        _l("Current password"), validators=[Optional(), Length(max=200)]
    )
    password = PasswordField(
        _l("New password"),
        validators=[DataRequired(), Length(min=8, max=200)],
        description=_l("At least 8 characters."),
    )
    confirm = PasswordField(
        _l("New password, again"),
        validators=[DataRequired(), EqualTo("password", _l("The two passwords differ."))],
    )
