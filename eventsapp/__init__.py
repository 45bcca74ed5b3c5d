"""eventsapp: events and training programmes of international electoral training centres."""

import sqlite3

from flask import Flask, has_request_context, jsonify, render_template, request
from flask.logging import default_handler
from sqlalchemy import event as sa_event
from sqlalchemy.engine import Engine
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from .config import INSTANCE_DIR, load_settings
from .core import i18n, navigation
from .core.guards import add_security_headers, refuse_control_characters
from .core.validation import MAX_ID
from .core.web import commit_or_roll_back, write_lock_on_sqlite
from .extensions import babel, csrf, db, limiter, login_manager, migrate


def create_app(config: dict | None = None) -> Flask:
    """Assemble the application: settings, extensions, blueprints, commands and error pages."""
    app = Flask(
        __name__,
        instance_path=str(INSTANCE_DIR),
        template_folder="../templates",
        static_folder="../static",
    )
    app.config.update(load_settings())
    app.config.from_pyfile("config.py", silent=True)
    if config:
        app.config.update(config)
    # "Keep me signed in" is as secure as the session: never sent over plain HTTP if it is not.
    app.config.setdefault("REMEMBER_COOKIE_SECURE", app.config["SESSION_COOKIE_SECURE"])
    app.url_map.converters["int"] = IdConverter
    if proxies := app.config["TRUSTED_PROXIES"]:
        # Behind nginx or similar: the client's address (rate limits) and scheme come from them.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(INSTANCE_DIR.parent / "migrations"))
    login_manager.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=_visitor_locale)
    limiter.init_app(app)
    # The limiter says so when Redis is unreachable and it counts per process meanwhile: where
    # the app's own messages go (stderr, gunicorn's error log).
    if default_handler not in limiter.logger.handlers:
        limiter.logger.addHandler(default_handler)

    from . import cli
    from .accounts import cron as _accounts_cron  # noqa: F401  (a job of the worker)
    from .accounts import views as accounts_views
    from .agenda.views import bp as agenda_bp
    from .alumni.views import bp as alumni_bp
    from .api import idempotency as _api_idempotency  # noqa: F401  (old keys deleted, hourly)
    from .api.views import bp as api_bp
    from .api.views.token_auth import TokenSessions
    from .api.views.token_pages import bp as api_tokens_bp
    from .attendance import cron as _attendance_cron  # noqa: F401  (evaluations open after events)
    from .attendance.views import bp as attendance_bp
    from .authority_requests import cron as _requests_cron  # noqa: F401  (final reports)
    from .authority_requests import views as authority_requests_views
    from .calendars import hooks as _calendars_hooks  # noqa: F401  (receivers of core.signals)
    from .calendars.views import bp as calendars_bp
    from .catalogue import hooks as _catalogue_hooks  # noqa: F401
    from .catalogue.views import manage_bp as catalogue_manage_bp
    from .costs import hooks as _costs_hooks  # noqa: F401
    from .costs.views import bp as costs_bp
    from .delegations import cron as _delegations_cron  # noqa: F401  (reminders, daily)
    from .delegations import hooks as _delegations_hooks  # noqa: F401
    from .delegations.views import bp as delegations_bp
    from .documents import hooks as _documents_hooks  # noqa: F401  (badges with approvals)
    from .documents.views import bp as documents_bp
    from .followup import cron as _followup_cron  # noqa: F401  (follow-up surveys, daily)
    from .followup.views import bp as followup_bp
    from .history.views import bp as history_bp
    from .knowledge.views import bp as knowledge_bp
    from .logistics import cron as _logistics_cron  # noqa: F401  (the weekly reminder)
    from .logistics import hooks as _logistics_hooks  # noqa: F401
    from .logistics.views import bp as logistics_bp
    from .messages import cron as _messages_cron  # noqa: F401  (sends messages in batches)
    from .messages.views import bp as messages_bp
    from .network.views import bp as network_bp
    from .outcomes import hooks as _outcomes_hooks  # noqa: F401  (the plan measures)
    from .outcomes.views import bp as outcomes_bp
    from .people.views import bp as people_bp
    from .plans.views import bp as plans_bp
    from .privacy import cron as _privacy_cron  # noqa: F401  (retention, daily)
    from .privacy.views import bp as privacy_bp
    from .registration import cron as _registration_cron  # noqa: F401  (a periodic job)
    from .registration import hooks as _registration_hooks  # noqa: F401
    from .registration.views import bp as registration_bp
    from .registration.views import manage_bp as registration_manage_bp
    from .reports import views as reports_views
    from .site.views import bp as site_bp
    from .staff.views import bp as staff_bp
    from .travel import hooks as _travel_hooks  # noqa: F401  (letters follow their holders)
    from .travel import hooks_perdiem as _travel_perdiem_hooks  # noqa: F401  (budgets' per diem)
    from .travel.views import bp as travel_bp
    from .webhooks import cron as _webhooks_cron  # noqa: F401  (deliveries, every round)
    from .webhooks import hooks as _webhooks_hooks  # noqa: F401  (the action log's lines)
    from .webhooks.views import bp as webhooks_bp

    app.register_blueprint(accounts_views.bp)
    app.register_blueprint(accounts_views.manage_bp)
    app.register_blueprint(site_bp)
    app.register_blueprint(catalogue_manage_bp)
    app.register_blueprint(knowledge_bp)
    app.register_blueprint(people_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(api_tokens_bp)
    app.session_interface = TokenSessions()  # a call with an API token gets no session cookie
    app.register_blueprint(calendars_bp)
    app.register_blueprint(registration_bp)
    app.register_blueprint(registration_manage_bp)
    app.register_blueprint(agenda_bp)
    app.register_blueprint(costs_bp)
    app.register_blueprint(reports_views.bp)
    app.register_blueprint(logistics_bp)
    app.register_blueprint(plans_bp)
    app.register_blueprint(staff_bp)
    app.register_blueprint(history_bp)
    app.register_blueprint(network_bp)
    app.register_blueprint(privacy_bp)
    app.register_blueprint(alumni_bp)
    app.register_blueprint(documents_bp)
    app.register_blueprint(webhooks_bp)
    app.register_blueprint(delegations_bp)
    app.register_blueprint(travel_bp)
    app.register_blueprint(attendance_bp)
    app.register_blueprint(followup_bp)
    app.register_blueprint(outcomes_bp)
    app.register_blueprint(messages_bp)
    app.register_blueprint(authority_requests_views.bp)
    app.register_blueprint(authority_requests_views.manage_bp)
    app.before_request(refuse_control_characters)
    app.before_request(accounts_views.protect_manage_area)
    app.before_request(write_lock_on_sqlite)
    app.after_request(commit_or_roll_back)
    app.after_request(add_security_headers)
    cli.register(app)
    _register_templating(app)
    _register_error_pages(app)

    @app.get("/healthz")
    def healthz():
        """Readiness probe, and the benchmarks' trivial endpoint: ``ok`` when the database
        answers one ``SELECT 1`` and the rate limits' storage (Redis, when configured) a ping;
        otherwise a 503 in plain text naming what cannot be reached."""
        from sqlalchemy.exc import DBAPIError

        unreachable = []
        try:  # in autocommit: no BEGIN and COMMIT around it
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.exec_driver_sql("SELECT 1")
        except DBAPIError as error:
            app.logger.warning("Health check: the database is unreachable: %s", error.orig)
            unreachable.append("the database")
        if not limiter.storage.check():  # always true in memory
            scheme = app.config["RATELIMIT_STORAGE_URI"].partition(":")[0]
            app.logger.warning("Health check: the rate limits' storage (%s) is unreachable", scheme)
            unreachable.append(f"the rate limits' storage ({scheme}, RATELIMIT_STORAGE_URI)")
        text_plain = {"Content-Type": "text/plain; charset=utf-8"}
        if unreachable:
            return "Unreachable: " + "; ".join(unreachable) + ".\n", 503, text_plain
        return "ok", 200, text_plain

    return app


@sa_event.listens_for(Engine, "connect")
def _sqlite_foreign_keys(dbapi_connection, _record):
    """SQLite enforces foreign keys only when asked, per connection."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()


def _visitor_locale() -> str:
    """Flask-Babel's locale selector: the switcher's cookie, else Accept-Language (see
    core/i18n.py); outside requests (the worker, commands) the site's language."""
    if not has_request_context():
        return i18n.visitor_locale(None, ())
    chosen = request.cookies.get(i18n.LANGUAGE_COOKIE)
    return i18n.visitor_locale(chosen, request.accept_languages.values())


def numbers_up_to(limit: int) -> str:
    """A regular expression of the numbers from 0 to ``limit`` ("2147483647": fewer digits, or
    as many with a smaller digit where they first differ, or the limit itself)."""
    digits = str(limit)
    shorter = [rf"\d{{1,{len(digits) - 1}}}"] if len(digits) > 1 else []
    smaller = [
        rf"{digits[:i]}[0-{int(d) - 1}]\d{{{len(digits) - i - 1}}}"
        for i, d in enumerate(digits)
        if d != "0"
    ]
    return "(?:" + "|".join([*shorter, *smaller, digits]) + ")"


class IdConverter(IntegerConverter):
    """``<int:...>`` in URLs, bounded to what the database can hold: a larger number matches no
    route, a 404 whatever the method (refused by ``max`` after matching, it would be a 405 for a
    method that another route of the same path takes)."""

    regex = numbers_up_to(MAX_ID)

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


def _register_templating(app: Flask) -> None:
    from .core.dates import format_window

    app.jinja_env.filters["window"] = format_window
    # Dates and times as people write them in the visitor's language: "5 October 2027",
    # "5 de octubre de 2027", "22 Nov 2026, 18:37" (UTC); money, country and language names too.
    i18n.register(app)
    navigation.register(app)  # event_tabs(event, place): each capability's tabs of an event
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.template_filter("query_with")
    def query_with(args, **changes) -> str:
        """The current query string with some parameters changed (for pagination links)."""
        from urllib.parse import urlencode

        merged = {k: v for k, v in args.items() if v not in ("", None)}
        merged.update(changes)
        return urlencode({k: v for k, v in merged.items() if v not in ("", None)})


# SQLite's codes for a row that another request wrote first (PostgreSQL's is 23505 for both).
SQLITE_TAKEN = frozenset({"SQLITE_CONSTRAINT_UNIQUE", "SQLITE_CONSTRAINT_PRIMARYKEY"})


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def _register_error_pages(app: Flask) -> None:
    from flask_limiter.errors import RateLimitExceeded

    def handler(code: int, message):
        """``message`` is lazy: written in the visitor's language when the error happens."""

        def handle(error):
            if getattr(error, "response", None) is not None:  # the raiser made its own answer
                return error.response
            # A description given where the error was raised says more than the generic one.
            description = getattr(error, "description", None)
            specific = description and description != type(error).description
            if isinstance(error, RateLimitExceeded):  # its description is "20 per 1 minute"
                specific = bool(error.limit.error_message)
            shown = description if specific else str(message)
            if _wants_json():
                return jsonify(error=shown), code
            return render_template("error.html", code=code, message=shown), code

        return handle

    from flask_babel import lazy_gettext as _l

    pages = {
        400: _l("The request could not be understood."),
        403: _l("This page is for training-centre staff only."),
        404: _l("There is no such page. It may have been removed."),
        405: _l("That action is not allowed here."),
        429: _l("Too many requests from your address. Please wait a minute and try again."),
    }
    for code, message in pages.items():
        app.register_error_handler(code, handler(code, message))

    from flask_wtf.csrf import CSRFError
    from werkzeug.exceptions import SecurityError

    @app.errorhandler(SecurityError)
    def untrusted_host(error):
        """A host not in TRUSTED_HOSTS: no page can be built for it (no URLs), so plain text."""
        return "Unknown host.", 400, {"Content-Type": "text/plain; charset=utf-8"}

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        message = _l(
            "This form's security token (CSRF) is missing or has expired. "
            "Go back, reload the page and send the form again."
        )
        return render_template("error.html", code=400, message=message), 400

    from sqlalchemy.exc import DBAPIError, IntegrityError, InterfaceError, OperationalError
    from werkzeug.exceptions import InternalServerError

    retry_after = "30"  # seconds

    def unreachable(error: BaseException | None) -> bool:
        """The database is down, restarting or refusing connections (not a wrong query)."""
        return isinstance(error, OperationalError | InterfaceError) or bool(
            isinstance(error, DBAPIError) and error.connection_invalidated
        )

    def database_unavailable(error: DBAPIError):
        """A 503 the client may retry. Its page is rendered without the context processors and
        extends no layout: both ask who is signed in, which would ask the database again."""
        app.logger.error("The database is unreachable (%s): %s", request.path, error.orig)
        message = _l("The site cannot reach its database. Please try again in a minute.")
        headers = {"Retry-After": retry_after}
        if _wants_json():
            return jsonify(error=str(message)), 503, headers
        page = app.jinja_env.get_template("unavailable.html").render(message=message)
        return page, 503, headers

    def taken_meanwhile(error: BaseException | None) -> bool:
        """A unique constraint refused a row that another request wrote since this one read:
        the same address confirmed at two events at the same moment, say."""
        if not isinstance(error, IntegrityError):
            return False
        return (
            getattr(error.orig, "sqlstate", None) == "23505"  # psycopg
            or getattr(error.orig, "sqlite_errorname", None) in SQLITE_TAKEN
        )

    def conflict(error: IntegrityError):
        """A 409 saying to try again, which then finds what the other request wrote (logged:
        were it a bug rather than two requests at once, it would show there)."""
        app.logger.error("Taken meanwhile (%s): %s", request.path, error.orig)
        db.session.rollback()
        message = _l("Someone did the same at the same moment. Go back and try again.")
        if _wants_json():
            return jsonify(error=str(message)), 409
        return render_template("error.html", code=409, message=message), 409

    @app.errorhandler(DBAPIError)
    def database_error(error):
        if taken_meanwhile(error):
            return conflict(error)
        if not unreachable(error):
            raise error  # a bug, not an outage: the 500 it always was
        return database_unavailable(error)

    @app.errorhandler(InternalServerError)
    def server_error(error):
        """Also reached when the commit after the view loses the database, or finds a row
        another request wrote meanwhile."""
        if unreachable(error.original_exception):
            return database_unavailable(error.original_exception)
        if taken_meanwhile(error.original_exception):
            return conflict(error.original_exception)
        if _wants_json():  # the API promises JSON, also for its own failures
            return jsonify(error=str(_l("Something went wrong on our side."))), 500
        return error
