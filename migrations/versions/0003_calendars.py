"""Calendars: agenda sessions of events, and the version of each account's personal feed token.

Revision ID: 0003_calendars
Revises: 0002_registration
Create Date: 2026-11-22 18:20:09.732361

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0003_calendars'
down_revision = "0002_registration"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('agenda_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('starts_at', sa.DateTime(), nullable=False),
    sa.Column('ends_at', sa.DateTime(), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('speakers', sa.Text(), nullable=False),
    sa.Column('room', sa.String(length=200), nullable=True),
    sa.Column('language', sa.String(length=5), nullable=True),
    sa.Column('interpretation', sa.Boolean(), nullable=False),
    sa.Column('published', sa.Boolean(), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("kind IN ('presentation', 'plenary_discussion', 'team_work', 'country_presentations', 'recommendations_conclusions', 'panel', 'questions_answers', 'break', 'visit')", name=op.f('ck_agenda_sessions_kind')),
    sa.CheckConstraint("language IS NULL OR language IN ('en', 'es', 'fr', 'pt', 'ar', 'ru', 'zh', 'de', 'ka', 'sw')", name=op.f('ck_agenda_sessions_language')),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_agenda_sessions_ends_after_start')),
    sa.CheckConstraint('length(title) BETWEEN 1 AND 300', name=op.f('ck_agenda_sessions_title_length')),
    sa.CheckConstraint('sequence >= 0', name=op.f('ck_agenda_sessions_sequence_not_negative')),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_agenda_sessions_event_id_events'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agenda_sessions'))
    )
    with op.batch_alter_table('agenda_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agenda_sessions_event_id'), ['event_id', 'starts_at'], unique=False)

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('feed_token_version', sa.Integer(), server_default='0', nullable=False))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('feed_token_version')

    with op.batch_alter_table('agenda_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agenda_sessions_event_id'))

    op.drop_table('agenda_sessions')
