"""On PostgreSQL, an email written to the outbox wakes the worker by itself: a trigger sends the
``NOTIFY`` (delivered at the commit, never on a rollback) that the transaction sent as a statement
of its own. Elsewhere nothing: the worker looks every few seconds.

Revision ID: 0042_outbox_notify
Revises: 0041_result_counts
"""

from alembic import op

revision = "0042_outbox_notify"
down_revision = "0041_result_counts"
branch_labels = None
depends_on = None

# mail.services.OUTBOX_CHANNEL, as it was when this revision was written.
CHANNEL = "eventsapp_outbox"


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        f"""
        CREATE OR REPLACE FUNCTION outbox_wakes_the_worker() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_notify('{CHANNEL}', '');
            RETURN NULL;
        END $$
        """
    )
    op.execute(
        "CREATE TRIGGER outbox_wakes_the_worker AFTER INSERT ON outbox_emails "
        "FOR EACH STATEMENT EXECUTE FUNCTION outbox_wakes_the_worker()"
    )


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER outbox_wakes_the_worker ON outbox_emails")
    op.execute("DROP FUNCTION outbox_wakes_the_worker()")
