from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Optional

from ..core.fields import LanguageField
from ..core.forms import Form, email_address
from .models import Role
from .passwords import MIN_LENGTH, strong_password

STAFF_ROLE_CHOICES = Role.choices((Role.ADMIN, Role.COORDINATOR, Role.STAFF))


class LoginForm(Form):
    email = EmailField(_l("Email"), validators=[DataRequired(), email_address(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    remember = BooleanField(_l("Keep me signed in"))


class LoginLinkForm(Form):
    email = EmailField(_l("Email"), validators=[DataRequired(), email_address(), Length(max=254)])


class SetupForm(Form):
    """A password chosen (typed twice): by an invited colleague, or as a change.

    The view sets ``account_email``, which the password must not contain.
    """

    account_email = ""
    password = PasswordField(
        _l("New password"),
        validators=[DataRequired(), strong_password],
        description=_l(
            "At least %(count)d characters; a few words you will remember make a good one.",
            count=MIN_LENGTH,
        ),
    )
    confirm = PasswordField(
        _l("New password, again"),
        validators=[DataRequired(), EqualTo("password", _l("The two passwords differ."))],
    )


class PasswordForm(SetupForm):
    current_password = PasswordField(
        _l("Current password"), validators=[Optional(), Length(max=200)]
    )


class ColleagueForm(Form):
    """An administrator invites a colleague, who then chooses their own password."""

    email = EmailField(_l("Email"), validators=[DataRequired(), email_address(), Length(max=254)])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    role = SelectField(_l("Role"), choices=STAFF_ROLE_CHOICES, default=Role.STAFF)
    language = LanguageField(
        _l("Language"), description=_l("Of the invitation email, and of their pages and emails.")
    )


class AccountForm(Form):
    name = StringField(_l("Name"), validators=[Length(max=200)])
    role = SelectField(_l("Role"), choices=Role.choices())
    active = BooleanField(_l("Active (can sign in)"))
