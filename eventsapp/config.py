"""Settings, read from environment variables and the optional ``instance/config.py``."""

import os
import secrets
from datetime import timedelta
from pathlib import Path

INSTANCE_DIR = Path(__file__).resolve().parent.parent / "instance"
TRANSLATIONS_DIR = Path(__file__).resolve().parent / "translations"


def database_url(url: str | None = None) -> str:
    """The SQLAlchemy URL: ``DATABASE_URL``, or the SQLite file in ``instance/``.

    ``postgres://`` and ``postgresql://`` URLs are pointed at the psycopg 3 driver.
    """
    url = url or os.environ.get("DATABASE_URL")
    if not url:
        return f"sqlite:///{INSTANCE_DIR / 'eventsapp.sqlite3'}"
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def secret_key() -> str:
    """``SECRET_KEY``, or a random key kept in ``instance/secret_key`` across restarts."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    path = INSTANCE_DIR / "secret_key"
    if not path.exists():
        INSTANCE_DIR.mkdir(exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def load_settings() -> dict:
    """Defaults for every setting, overridden by the environment."""
    env = os.environ.get
    return {
        "SECRET_KEY": secret_key(),
        "SQLALCHEMY_DATABASE_URI": database_url(),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": env("SESSION_COOKIE_SECURE", "0") == "1",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_DURATION": timedelta(days=30),
        "WTF_CSRF_TIME_LIMIT": None,
        # English is written as BABEL_DEFAULT_LOCALE: "22 November 2026".
        "BABEL_DEFAULT_LOCALE": env("BABEL_DEFAULT_LOCALE", "en_GB"),
        # The languages of the site, the first the default (see core/i18n.py); each but English
        # has a catalogue in BABEL_TRANSLATION_DIRECTORIES.
        "LANGUAGES": ("en", "es", "fr"),
        "BABEL_TRANSLATION_DIRECTORIES": str(TRANSLATIONS_DIR),
        # Shared by every worker with redis://host:6379/0; memory:// counts per process.
        "RATELIMIT_STORAGE_URI": env("RATELIMIT_STORAGE_URI", "memory://"),
        # Redis unreachable: each process counts on its own meanwhile (and logs it) rather than
        # refusing every request.
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "RATELIMIT_SWALLOW_ERRORS": True,
        "RATELIMIT_HEADERS_ENABLED": True,
        "PUBLIC_POST_LIMIT": env("PUBLIC_POST_LIMIT", "20 per minute"),
        # Failed sign-ins (or password changes) for one account, from any address, before it is
        # locked for the rest of the period.
        "ACCOUNT_FAILURE_LIMIT": env("ACCOUNT_FAILURE_LIMIT", "10 per 15 minutes"),
        # Calls with one API token (``Authorization: Bearer``), from any address.
        "API_TOKEN_RATE_LIMIT": env("API_TOKEN_RATE_LIMIT", "600 per minute"),
        "SITE_NAME": env("SITE_NAME", "eventsapp"),
        # Host names the site answers to (comma-separated), e.g. "events.example.org"; unset in
        # development. Requests for other hosts get a 400.
        "TRUSTED_HOSTS": [h.strip() for h in env("TRUSTED_HOSTS", "").split(",") if h.strip()]
        or None,
        # How many reverse proxies (nginx, ...) stand before the app and set X-Forwarded-*.
        "TRUSTED_PROXIES": int(env("TRUSTED_PROXIES", "0")),
        "EVENTS_PER_PAGE": int(env("EVENTS_PER_PAGE", "25")),
        # The domain part of calendar UIDs: set it once, before publishing feeds, to the site's
        # domain, so that two sites' UIDs never meet in a subscriber's calendar.
        "CALENDAR_UID_DOMAIN": env("CALENDAR_UID_DOMAIN", "eventsapp"),
        "CALENDAR_CACHE_MB": int(env("CALENDAR_CACHE_MB", "64")),
        "MAIL_SERVER": env("MAIL_SERVER", ""),
        "MAIL_PORT": int(env("MAIL_PORT", "25")),
        # Files visitors send, kept outside the web root: a folder per store in it.
        "UPLOADS_FOLDER": env("UPLOADS_FOLDER", str(INSTANCE_DIR / "uploads")),
        # Files sent with registration questions (a CV, a letter): each up to this size.
        "QUESTION_UPLOAD_MAX_BYTES": int(env("QUESTION_UPLOAD_MAX_BYTES", str(5 * 1024 * 1024))),
        # An internship's final report sent as a file: up to this size.
        "REQUEST_REPORT_MAX_BYTES": int(env("REQUEST_REPORT_MAX_BYTES", str(10 * 1024 * 1024))),
        # An internship's final report is asked for this many days after it ends, and again
        # every as many days until it arrives.
        "FINAL_REPORT_DAYS": int(env("FINAL_REPORT_DAYS", "14")),
        # The largest request read at all (413 beyond it); several files of a form fit under it.
        "MAX_CONTENT_LENGTH": int(env("MAX_CONTENT_LENGTH", str(32 * 1024 * 1024))),
        # Retention (``privacy/retention.py``, a daily job): travel details and needs are
        # deleted this many days after their event ends; answers to questions and the files
        # sent with them, and internships' report files, this many years after; requests never
        # confirmed after this many days; emails sent (with their sign-in and confirmation
        # links) after this many days.
        "RETENTION_TRAVEL_DAYS": int(env("RETENTION_TRAVEL_DAYS", "90")),
        "RETENTION_ANSWERS_YEARS": int(env("RETENTION_ANSWERS_YEARS", "5")),
        "RETENTION_UNCONFIRMED_DAYS": int(env("RETENTION_UNCONFIRMED_DAYS", "10")),
        "RETENTION_EMAIL_DAYS": int(env("RETENTION_EMAIL_DAYS", "30")),
        # Delegations (a daily job): a nominee who has not completed their registration this
        # many days after being given a place is flagged to the focal point and staff; a focal
        # point who has nominated nobody is reminded this many days after the invitation (and
        # every as many days), and gets a last call this many days before the deadline.
        "DELEGATION_COMPLETION_DAYS": int(env("DELEGATION_COMPLETION_DAYS", "10")),
        "DELEGATION_REMINDER_DAYS": int(env("DELEGATION_REMINDER_DAYS", "10")),
        "DELEGATION_LAST_CALL_DAYS": int(env("DELEGATION_LAST_CALL_DAYS", "3")),
        # Webhooks may go to loopback and private addresses, and over plain HTTP (a receiver on
        # this machine or network; tests): off by default, against SSRF.
        "WEBHOOKS_ALLOW_PRIVATE": env("WEBHOOKS_ALLOW_PRIVATE", "0") == "1",
        # Messages to participants reach the outbox at most this many a minute.
        "MESSAGES_PER_MINUTE": int(env("MESSAGES_PER_MINUTE", "60")),
        "MAIL_USERNAME": env("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": env("MAIL_PASSWORD", ""),
        "MAIL_USE_TLS": env("MAIL_USE_TLS", "0") == "1",
        "MAIL_DEFAULT_SENDER": env("MAIL_DEFAULT_SENDER", "eventsapp@localhost"),
        "MAIL_FOLDER": env("MAIL_FOLDER", str(INSTANCE_DIR / "mail")),  # without MAIL_SERVER
        # SMTP connections the worker sends over at once, each kept for many emails.
        "MAIL_CONNECTIONS": max(1, int(env("MAIL_CONNECTIONS", "8"))),
        # The address of the site in every link an email carries (never taken from a request).
        "SITE_URL": env("SITE_URL", "http://127.0.0.1:5000"),
        # Sign-in with the institution's identity provider (OpenID Connect, accounts/oidc.py):
        # off without an issuer. The provider's discovery document is read from
        # <issuer>/.well-known/openid-configuration; the redirect URI to register there is
        # <SITE_URL>/login/oidc/callback.
        "OIDC_ISSUER": env("OIDC_ISSUER", "").rstrip("/"),
        "OIDC_CLIENT_ID": env("OIDC_CLIENT_ID", ""),
        "OIDC_CLIENT_SECRET": env("OIDC_CLIENT_SECRET", ""),
        # The claims that give the person's address and their groups.
        "OIDC_EMAIL_CLAIM": env("OIDC_EMAIL_CLAIM", "email"),
        "OIDC_GROUPS_CLAIM": env("OIDC_GROUPS_CLAIM", "groups"),
        # A member of this group without an account gets a staff account at their first sign-in.
        "OIDC_STAFF_GROUP": env("OIDC_STAFF_GROUP", ""),
        # The button's words: "Sign in with <OIDC_LABEL>" (empty: "your institution").
        "OIDC_LABEL": env("OIDC_LABEL", ""),
    }
