"""The Alembic revisions build exactly the schema the models describe (a model change needs one),
and keep the data they find."""

import warnings

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from eventsapp import create_app
from eventsapp.extensions import db as _db


def test_the_migrated_database_matches_the_models(db):
    with warnings.catch_warnings(), db.engine.connect() as connection:
        # SQLite's reflection does not read an index on an expression (lower(name)): Alembic
        # compares it on PostgreSQL alone.
        warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression-based")
        warnings.filterwarnings("ignore", "autogenerate skipping metadata-specified expression")
        differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
    assert differences == []


def test_the_first_revision_ships_every_country(db):
    from eventsapp.people.models import Country

    assert db.session.query(Country).count() == 249
    assert db.session.get(Country, "GE").region == "Asia"


def test_migrating_a_sqlite_database_keeps_its_rows(settings, tmp_path):
    """SQLite rebuilds a table to alter it: no row referring to it may go with the old copy."""
    app = create_app(
        {**settings, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'old.sqlite3'}"}
    )
    with app.app_context():
        upgrade()
        from eventsapp.demo.services import load_demo

        load_demo()
        _db.session.commit()
        older = "0006_calendar_text"
        downgrade(revision=older)
        tables = inspect(_db.engine).get_table_names()
        kept = [t for t in tables if t != "alembic_version"]

        def counts():
            with _db.engine.connect() as connection:
                return {
                    t: connection.execute(text(f"SELECT count(*) FROM {t}")).scalar() for t in kept
                }

        before = counts()
        assert before["registrations"] > 0 and before["agenda_sessions"] > 0
        upgrade()
        assert counts() == before
        _db.session.remove()
        _db.engine.dispose()


def test_names_on_two_lines_are_put_on_one_without_clashing(settings, tmp_path):
    """Before 0018 anyone could type "Electoral\\nCommission" beside "Electoral Commission";
    organisations' names are unique, so the first becomes "Electoral Commission (2)"."""
    app = create_app(
        {**settings, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'names.sqlite3'}"}
    )
    with app.app_context():
        upgrade(revision="0017_event_translations")
        with _db.engine.begin() as connection:
            for name in ("Electoral\nCommission", "Electoral Commission", "Electoral\r\nBody"):
                connection.execute(
                    text(
                        "INSERT INTO organisations (name, kind) "
                        "VALUES (:name, 'electoral_management_body')"
                    ),
                    {"name": name},
                )
        upgrade()
        with _db.engine.connect() as connection:
            names = connection.execute(text("SELECT name FROM organisations ORDER BY id")).scalars()
            assert list(names) == [
                "Electoral Commission (2)",
                "Electoral Commission",
                "Electoral Body",
            ]
        _db.session.remove()
        _db.engine.dispose()
