"""The Alembic revisions build exactly the schema the models describe (a model change needs one)."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext


def test_the_migrated_database_matches_the_models(db):
    with db.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
    assert differences == []


def test_the_first_revision_ships_every_country(db):
    from eventsapp.people.models import Country

    assert db.session.query(Country).count() == 249
    assert db.session.get(Country, "GE").region == "Asia"
