"""``flask check-deploy``: names each setting a production deployment lacks, exit status 1."""

import pytest

from eventsapp.config import secret_key

PRODUCTION = {
    "SECRET_KEY": "4f1c2b9e0d8a7f6e5d4c3b2a19081726354f6e7d8c9b0a1f",
    "SITE_URL": "https://events.example.org",
    "TRUSTED_HOSTS": ["events.example.org"],
    "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0",
    "SESSION_COOKIE_SECURE": True,
    "MAIL_SERVER": "smtp.example.org",
    "MAIL_DEFAULT_SENDER": "events@example.org",
}


@pytest.fixture
def configure(app, monkeypatch):
    def set_settings(**changes):
        for name, value in {**PRODUCTION, **changes}.items():
            monkeypatch.setitem(app.config, name, value)

    return set_settings


def check(app):
    with app.app_context():
        return app.test_cli_runner().invoke(args=["check-deploy"])


def test_a_production_configuration_passes(app, configure):
    configure()

    result = check(app)

    assert result.exit_code == 0, result.output
    assert "ready for production" in result.output


@pytest.mark.parametrize(
    ("changes", "named"),
    [
        ({"SECRET_KEY": secret_key()}, "SECRET_KEY is the random key kept in instance/secret_key"),
        ({"SECRET_KEY": "short"}, "SECRET_KEY is shorter than 32 characters"),
        ({"SITE_URL": "http://127.0.0.1:5000"}, "SITE_URL is http://127.0.0.1:5000"),
        ({"SITE_URL": "http://events.example.org"}, "SITE_URL is http://events.example.org"),
        ({"SITE_URL": "https://localhost:8443"}, "SITE_URL is https://localhost:8443"),
        ({"TRUSTED_HOSTS": None}, "TRUSTED_HOSTS is unset"),
        ({"TRUSTED_HOSTS": ["other.example.org"]}, "lacks SITE_URL's host events.example.org"),
        ({"RATELIMIT_STORAGE_URI": "memory://"}, "the limits multiply by the number of workers"),
        ({"SESSION_COOKIE_SECURE": False}, "SESSION_COOKIE_SECURE is off"),
        ({"MAIL_SERVER": ""}, "MAIL_SERVER is unset"),
        ({"MAIL_DEFAULT_SENDER": "eventsapp@localhost"}, "MAIL_DEFAULT_SENDER is an address at"),
    ],
)
def test_each_missing_setting_is_named_and_fails_the_check(app, configure, changes, named):
    configure(**changes)

    result = check(app)

    assert result.exit_code == 1
    assert named in result.output
    assert result.output.count("\n- ") + result.output.startswith("- ") == 1  # that one only


def test_the_development_defaults_fail_on_every_count(app, configure):
    configure(
        SECRET_KEY=secret_key(),
        SITE_URL="http://127.0.0.1:5000",
        TRUSTED_HOSTS=None,
        RATELIMIT_STORAGE_URI="memory://",
        SESSION_COOKIE_SECURE=False,
        MAIL_SERVER="",
    )

    result = check(app)

    assert result.exit_code == 1
    assert "6 setting(s) to fix" in result.output
