"""Foundation: countries (with their data), organisations, accounts, programmes, venues, events.

Revision ID: 47a6e80c7401
Revises: 
Create Date: 2026-11-22 18:04:17.382320

"""
import sqlalchemy as sa
from alembic import op

from eventsapp.people.countries import country_rows


# revision identifiers, used by Alembic.
revision = '47a6e80c7401'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    countries = op.create_table('countries',
    sa.Column('code', sa.String(length=2), nullable=False),
    sa.Column('alpha3', sa.String(length=3), nullable=False),
    sa.Column('numeric', sa.String(length=3), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('region', sa.String(length=20), nullable=True),
    sa.Column('sub_region', sa.String(length=50), nullable=True),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_countries')),
    sa.UniqueConstraint('alpha3', name=op.f('uq_countries_alpha3'))
    )
    # Every ISO 3166-1 country with its UN M49 region, shipped in eventsapp/people/data.
    op.bulk_insert(countries, country_rows())
    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('password_hash', sa.String(length=256), nullable=True),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("role IN ('admin', 'coordinator', 'staff', 'delegate')", name=op.f('ck_users_role')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('email', name=op.f('uq_users_email'))
    )
    op.create_table('organisations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('acronym', sa.String(length=30), nullable=True),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('country_code', sa.String(length=2), nullable=True),
    sa.CheckConstraint("kind IN ('electoral_management_body', 'electoral_court', 'government', 'parliament', 'political_party', 'civil_society', 'academia', 'media', 'international_organisation', 'un_agency', 'donor')", name=op.f('ck_organisations_kind')),
    sa.CheckConstraint('length(name) > 0', name=op.f('ck_organisations_name_not_empty')),
    sa.ForeignKeyConstraint(['country_code'], ['countries.code'], name=op.f('fk_organisations_country_code_countries')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisations')),
    sa.UniqueConstraint('name', name=op.f('uq_organisations_name'))
    )
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organisations_acronym'), ['acronym'], unique=False)

    op.create_table('venues',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('city', sa.String(length=100), nullable=True),
    sa.Column('country_code', sa.String(length=2), nullable=False),
    sa.Column('place', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['country_code'], ['countries.code'], name=op.f('fk_venues_country_code_countries')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_venues')),
    sa.UniqueConstraint('city', 'country_code', 'place', name=op.f('uq_venues_city_country_code_place'))
    )
    op.create_table('programmes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=60), nullable=True),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('acronym', sa.String(length=30), nullable=True),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('first_year', sa.Integer(), nullable=False),
    sa.Column('last_year', sa.Integer(), nullable=True),
    sa.Column('languages', sa.JSON(), nullable=False),
    sa.CheckConstraint('last_year IS NULL OR first_year <= last_year', name=op.f('ck_programmes_years_in_order')),
    sa.CheckConstraint('length(name) > 0', name=op.f('ck_programmes_name_not_empty')),
    sa.ForeignKeyConstraint(['owner_id'], ['organisations.id'], name=op.f('fk_programmes_owner_id_organisations'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_programmes')),
    sa.UniqueConstraint('key', name=op.f('uq_programmes_key')),
    sa.UniqueConstraint('name', name=op.f('uq_programmes_name'))
    )
    op.create_table('programme_partners',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=30), nullable=False),
    sa.CheckConstraint("role IN ('founder', 'visiting_authority', 'associate_partner', 'co_organiser')", name=op.f('ck_programme_partners_role')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_programme_partners_organisation_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], name=op.f('fk_programme_partners_programme_id_programmes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_programme_partners')),
    sa.UniqueConstraint('programme_id', 'organisation_id', 'role', name=op.f('uq_programme_partners_programme_id_organisation_id_role'))
    )
    op.create_table('programme_sections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=10), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], name=op.f('fk_programme_sections_programme_id_programmes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_programme_sections')),
    sa.UniqueConstraint('programme_id', 'code', name=op.f('uq_programme_sections_programme_id_code'))
    )
    op.create_table('region_overrides',
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('country_code', sa.String(length=2), nullable=False),
    sa.Column('region', sa.String(length=20), nullable=False),
    sa.CheckConstraint("region IN ('Africa', 'Americas', 'Asia', 'Europe', 'Oceania')", name=op.f('ck_region_overrides_region')),
    sa.ForeignKeyConstraint(['country_code'], ['countries.code'], name=op.f('fk_region_overrides_country_code_countries')),
    sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], name=op.f('fk_region_overrides_programme_id_programmes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('programme_id', 'country_code', name=op.f('pk_region_overrides'))
    )
    op.create_table('events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source_key', sa.String(length=100), nullable=True),
    sa.Column('programme_id', sa.Integer(), nullable=True),
    sa.Column('section_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('purpose', sa.JSON(), nullable=False),
    sa.Column('theme', sa.String(length=300), nullable=True),
    sa.Column('block', sa.String(length=5), nullable=True),
    sa.Column('audience', sa.String(length=300), nullable=True),
    sa.Column('requesting_authority_id', sa.Integer(), nullable=True),
    sa.Column('target_region', sa.String(length=20), nullable=True),
    sa.Column('date_text', sa.String(length=200), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('precision', sa.String(length=20), nullable=False),
    sa.Column('tentative', sa.Boolean(), nullable=False),
    sa.Column('starts_at', sa.DateTime(), nullable=True),
    sa.Column('ends_at', sa.DateTime(), nullable=True),
    sa.Column('timezone', sa.String(length=64), nullable=True),
    sa.Column('venue_id', sa.Integer(), nullable=True),
    sa.Column('venue_tentative', sa.Boolean(), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=True),
    sa.Column('participants_count', sa.Integer(), nullable=True),
    sa.Column('languages', sa.JSON(), nullable=False),
    sa.Column('interpretation', sa.Boolean(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("kind IN ('workshop', 'internship', 'specialization_course', 'seminar', 'advisory_group_meeting', 'commission_meeting', 'consultation', 'launch', 'curriculum_meeting', 'pilot_training', 'evaluation', 'conference', 'other')", name=op.f('ck_events_kind')),
    sa.CheckConstraint("precision IN ('day', 'week', 'part_of_month', 'month', 'season', 'year')", name=op.f('ck_events_precision')),
    sa.CheckConstraint("status IN ('proposed', 'planned', 'confirmed', 'held', 'postponed', 'cancelled')", name=op.f('ck_events_status')),
    sa.CheckConstraint('capacity IS NULL OR capacity >= 0', name=op.f('ck_events_capacity_not_negative')),
    sa.CheckConstraint('ends_at IS NULL OR starts_at IS NULL OR ends_at >= starts_at', name=op.f('ck_events_times')),
    sa.CheckConstraint('ends_on >= starts_on', name=op.f('ck_events_window_in_order')),
    sa.CheckConstraint('length(title) BETWEEN 1 AND 300', name=op.f('ck_events_title_length')),
    sa.CheckConstraint('participants_count IS NULL OR participants_count >= 0', name=op.f('ck_events_participants_count')),
    sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], name=op.f('fk_events_programme_id_programmes'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['requesting_authority_id'], ['organisations.id'], name=op.f('fk_events_requesting_authority_id_organisations'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['section_id'], ['programme_sections.id'], name=op.f('fk_events_section_id_programme_sections'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['venue_id'], ['venues.id'], name=op.f('fk_events_venue_id_venues'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_events')),
    sa.UniqueConstraint('source_key', name=op.f('uq_events_source_key'))
    )
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_events_ends_on'), ['ends_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_events_programme_id'), ['programme_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_events_starts_on'), ['starts_on'], unique=False)

    op.create_table('event_countries',
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('country_code', sa.String(length=2), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.CheckConstraint("role IN ('requesting', 'participant')", name=op.f('ck_event_countries_role')),
    sa.ForeignKeyConstraint(['country_code'], ['countries.code'], name=op.f('fk_event_countries_country_code_countries')),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_event_countries_event_id_events'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('event_id', 'country_code', 'role', name=op.f('pk_event_countries'))
    )
    op.create_table('event_partners',
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_event_partners_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_event_partners_organisation_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('event_id', 'organisation_id', name=op.f('pk_event_partners'))
    )


def downgrade():
    op.drop_table('event_partners')
    op.drop_table('event_countries')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_events_starts_on'))
        batch_op.drop_index(batch_op.f('ix_events_programme_id'))
        batch_op.drop_index(batch_op.f('ix_events_ends_on'))

    op.drop_table('events')
    op.drop_table('region_overrides')
    op.drop_table('programme_sections')
    op.drop_table('programme_partners')
    op.drop_table('programmes')
    op.drop_table('venues')
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organisations_acronym'))

    op.drop_table('organisations')
    op.drop_table('users')
    op.drop_table('countries')
