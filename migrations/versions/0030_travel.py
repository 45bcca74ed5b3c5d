"""Travel: each approved participant's travel file and the changes asked after the freeze,
hotels with their room blocks and assignments, per diem rates and each programme's per diem
settings, and the staff who may see identity data.

Revision ID: 0030_travel
Revises: 0029_delegations
"""

import sqlalchemy as sa
from alembic import op

revision = "0030_travel"
down_revision = "0029_delegations"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('per_diem_rates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('country_code', sa.String(length=2), nullable=False),
    sa.Column('area', sa.String(length=100), nullable=False),
    sa.Column('rate', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('effective_on', sa.Date(), nullable=False),
    sa.CheckConstraint("effective_on >= '1900-01-01' AND effective_on < '2201-01-01'", name=op.f('ck_per_diem_rates_effective_on')),
    sa.CheckConstraint('length(currency) = 3 AND currency = upper(currency)', name=op.f('ck_per_diem_rates_currency_code')),
    sa.CheckConstraint('rate > 0', name=op.f('ck_per_diem_rates_rate')),
    sa.ForeignKeyConstraint(['country_code'], ['countries.code'], name=op.f('fk_per_diem_rates_country_code_countries')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_per_diem_rates')),
    sa.UniqueConstraint('country_code', 'area', 'effective_on', name=op.f('uq_per_diem_rates_country_code_area_effective_on'))
    )
    op.create_table('per_diem_settings',
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('lodging_percent', sa.Integer(), nullable=False),
    sa.Column('meals_percent', sa.Integer(), nullable=False),
    sa.Column('hosts_provide_lodging', sa.Boolean(), nullable=False),
    sa.Column('hosts_provide_meals', sa.Boolean(), nullable=False),
    sa.Column('terminal_expenses', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.CheckConstraint('lodging_percent + meals_percent <= 100', name=op.f('ck_per_diem_settings_shares')),
    sa.CheckConstraint('lodging_percent BETWEEN 0 AND 100', name=op.f('ck_per_diem_settings_lodging_percent')),
    sa.CheckConstraint('meals_percent BETWEEN 0 AND 100', name=op.f('ck_per_diem_settings_meals_percent')),
    sa.CheckConstraint('terminal_expenses >= 0', name=op.f('ck_per_diem_settings_terminal_expenses')),
    sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], name=op.f('fk_per_diem_settings_programme_id_programmes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('programme_id', name=op.f('pk_per_diem_settings'))
    )
    op.create_table('logistics_permissions',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('granted_by_id', sa.Integer(), nullable=True),
    sa.Column('granted_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['granted_by_id'], ['users.id'], name=op.f('fk_logistics_permissions_granted_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_logistics_permissions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_logistics_permissions'))
    )
    op.create_table('hotels',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('address', sa.Text(), nullable=False),
    sa.Column('contact', sa.Text(), nullable=False),
    sa.Column('payer', sa.String(length=200), nullable=False),
    sa.CheckConstraint("name NOT LIKE '%\n%' AND name NOT LIKE '%\r%'", name=op.f('ck_hotels_name_one_line')),
    sa.CheckConstraint('length(name) > 0', name=op.f('ck_hotels_name_not_empty')),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_hotels_event_id_events'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hotels'))
    )
    with op.batch_alter_table('hotels', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_hotels_event_id'), ['event_id'], unique=False)

    op.create_table('travel_settings',
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('parts', sa.JSON(), nullable=False),
    sa.Column('freeze_on', sa.Date(), nullable=True),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("freeze_on >= '1900-01-01' AND freeze_on < '2201-01-01'", name=op.f('ck_travel_settings_freeze_on')),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_travel_settings_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_travel_settings_owner_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('event_id', name=op.f('pk_travel_settings'))
    )
    op.create_table('room_assignments',
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('hotel_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('sharing_with_id', sa.Integer(), nullable=True),
    sa.Column('by_staff', sa.Boolean(), nullable=False),
    sa.CheckConstraint("kind IN ('single', 'double', 'twin', 'suite')", name=op.f('ck_room_assignments_kind')),
    sa.CheckConstraint('sharing_with_id IS NULL OR sharing_with_id != registration_id', name=op.f('ck_room_assignments_not_self')),
    sa.ForeignKeyConstraint(['hotel_id'], ['hotels.id'], name=op.f('fk_room_assignments_hotel_id_hotels'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'], name=op.f('fk_room_assignments_registration_id_registrations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['sharing_with_id'], ['registrations.id'], name=op.f('fk_room_assignments_sharing_with_id_registrations'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('registration_id', name=op.f('pk_room_assignments'))
    )
    with op.batch_alter_table('room_assignments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_room_assignments_hotel_id'), ['hotel_id'], unique=False)

    op.create_table('room_blocks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('hotel_id', sa.Integer(), nullable=False),
    sa.Column('night', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('rooms', sa.Integer(), nullable=False),
    sa.Column('rate', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.CheckConstraint("kind IN ('single', 'double', 'twin', 'suite')", name=op.f('ck_room_blocks_kind')),
    sa.CheckConstraint("night >= '1900-01-01' AND night < '2201-01-01'", name=op.f('ck_room_blocks_night_in_calendar')),
    sa.CheckConstraint('length(currency) = 3 AND currency = upper(currency)', name=op.f('ck_room_blocks_currency_code')),
    sa.CheckConstraint('rate >= 0', name=op.f('ck_room_blocks_rate')),
    sa.CheckConstraint('rooms >= 0', name=op.f('ck_room_blocks_rooms')),
    sa.ForeignKeyConstraint(['hotel_id'], ['hotels.id'], name=op.f('fk_room_blocks_hotel_id_hotels'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_room_blocks')),
    sa.UniqueConstraint('hotel_id', 'night', 'kind', name=op.f('uq_room_blocks_hotel_id_night_kind'))
    )
    with op.batch_alter_table('room_blocks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_room_blocks_hotel_id'), ['hotel_id'], unique=False)

    op.create_table('travel_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('asked_at', sa.DateTime(), nullable=False),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.CheckConstraint("status IN ('waiting', 'accepted', 'refused')", name=op.f('ck_travel_changes_status')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_travel_changes_decided_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'], name=op.f('fk_travel_changes_registration_id_registrations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_travel_changes'))
    )
    with op.batch_alter_table('travel_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_travel_changes_registration_id'), ['registration_id'], unique=False)

    op.create_table('travel_files',
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('passport_name', sa.String(length=200), nullable=False),
    sa.Column('nationality', sa.String(length=2), nullable=True),
    sa.Column('passport_number', sa.String(length=40), nullable=False),
    sa.Column('passport_expiry', sa.Date(), nullable=True),
    sa.Column('arrival_at', sa.DateTime(), nullable=True),
    sa.Column('arrival_flight', sa.String(length=40), nullable=False),
    sa.Column('arrival_airport', sa.String(length=100), nullable=False),
    sa.Column('departure_at', sa.DateTime(), nullable=True),
    sa.Column('departure_flight', sa.String(length=40), nullable=False),
    sa.Column('departure_airport', sa.String(length=100), nullable=False),
    sa.Column('check_in_on', sa.Date(), nullable=True),
    sa.Column('check_out_on', sa.Date(), nullable=True),
    sa.Column('phone', sa.String(length=40), nullable=False),
    sa.Column('interpretation_language', sa.String(length=20), nullable=False),
    sa.Column('completed_at', sa.DateTime(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("arrival_at >= '1900-01-01' AND arrival_at < '2201-01-01'", name=op.f('ck_travel_files_arrival_at_in_calendar')),
    sa.CheckConstraint("check_in_on >= '1900-01-01' AND check_in_on < '2201-01-01'", name=op.f('ck_travel_files_check_in_on_in_calendar')),
    sa.CheckConstraint("check_out_on >= '1900-01-01' AND check_out_on < '2201-01-01'", name=op.f('ck_travel_files_check_out_on_in_calendar')),
    sa.CheckConstraint("departure_at >= '1900-01-01' AND departure_at < '2201-01-01'", name=op.f('ck_travel_files_departure_at_in_calendar')),
    sa.CheckConstraint("passport_expiry >= '1900-01-01' AND passport_expiry < '2201-01-01'", name=op.f('ck_travel_files_passport_expiry_in_calendar')),
    sa.CheckConstraint("passport_name NOT LIKE '%\n%' AND passport_name NOT LIKE '%\r%'", name=op.f('ck_travel_files_passport_name_one_line')),
    sa.CheckConstraint('check_out_on IS NULL OR check_in_on IS NULL OR check_out_on > check_in_on', name=op.f('ck_travel_files_nights_in_order')),
    sa.CheckConstraint('departure_at IS NULL OR arrival_at IS NULL OR departure_at >= arrival_at', name=op.f('ck_travel_files_travel_in_order')),
    sa.ForeignKeyConstraint(['nationality'], ['countries.code'], name=op.f('fk_travel_files_nationality_countries')),
    sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'], name=op.f('fk_travel_files_registration_id_registrations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('registration_id', name=op.f('pk_travel_files'))
    )


def downgrade():
    op.drop_table('travel_files')
    with op.batch_alter_table('travel_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_travel_changes_registration_id'))

    op.drop_table('travel_changes')
    with op.batch_alter_table('room_blocks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_room_blocks_hotel_id'))

    op.drop_table('room_blocks')
    with op.batch_alter_table('room_assignments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_room_assignments_hotel_id'))

    op.drop_table('room_assignments')
    op.drop_table('travel_settings')
    with op.batch_alter_table('hotels', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_hotels_event_id'))

    op.drop_table('hotels')
    op.drop_table('logistics_permissions')
    op.drop_table('per_diem_settings')
    op.drop_table('per_diem_rates')
