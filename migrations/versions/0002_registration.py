"""Registration: settings per event, registrations, invitations, the email outbox; sign-ins.

Revision ID: 0002_registration
Revises: 47a6e80c7401
Create Date: 2026-11-22 18:16:29.374466

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0002_registration"
down_revision = '47a6e80c7401'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('outbox_emails',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('to', sa.String(length=254), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('text_body', sa.Text(), nullable=False),
    sa.Column('html_body', sa.Text(), nullable=True),
    sa.Column('attachment', sa.LargeBinary(), nullable=True),
    sa.Column('attachment_filename', sa.String(length=200), nullable=True),
    sa.Column('attachment_mimetype', sa.String(length=100), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('next_attempt_at', sa.DateTime(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("status IN ('pending', 'sent', 'failed')", name=op.f('ck_outbox_emails_status')),
    sa.CheckConstraint('attempts >= 0', name=op.f('ck_outbox_emails_attempts_not_negative')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_emails'))
    )
    with op.batch_alter_table('outbox_emails', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_emails_status'), ['status'], unique=False)

    op.create_table('invitations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('used_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_invitations_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_invitations_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_invitations_organisation_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invitations')),
    sa.UniqueConstraint('event_id', 'email', name=op.f('uq_invitations_event_id_email'))
    )
    op.create_table('registration_settings',
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('opens_on', sa.Date(), nullable=True),
    sa.Column('closes_on', sa.Date(), nullable=True),
    sa.Column('access', sa.String(length=20), nullable=False),
    sa.Column('approval_required', sa.Boolean(), nullable=False),
    sa.Column('waiting_list', sa.Boolean(), nullable=False),
    sa.Column('quota_per_organisation', sa.Integer(), nullable=True),
    sa.Column('offer_hours', sa.Integer(), nullable=False),
    sa.Column('reminder_days', sa.Integer(), nullable=False),
    sa.CheckConstraint("access IN ('open', 'invitation')", name=op.f('ck_registration_settings_access')),
    sa.CheckConstraint('closes_on IS NULL OR opens_on IS NULL OR closes_on >= opens_on', name=op.f('ck_registration_settings_dates_in_order')),
    sa.CheckConstraint('offer_hours >= 1', name=op.f('ck_registration_settings_offer_hours')),
    sa.CheckConstraint('quota_per_organisation IS NULL OR quota_per_organisation >= 1', name=op.f('ck_registration_settings_quota')),
    sa.CheckConstraint('reminder_days >= 0', name=op.f('ck_registration_settings_reminder_days')),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_registration_settings_event_id_events'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('event_id', name=op.f('pk_registration_settings'))
    )
    op.create_table('registrations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('gender', sa.String(length=20), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('position', sa.String(length=200), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('country_code', sa.String(length=2), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('funding', sa.String(length=20), nullable=False),
    sa.Column('interpretation_languages', sa.JSON(), nullable=False),
    sa.Column('accessibility_needs', sa.Text(), nullable=False),
    sa.Column('dietary_needs', sa.Text(), nullable=False),
    sa.Column('visa_letter', sa.Boolean(), nullable=False),
    sa.Column('arrival_on', sa.Date(), nullable=True),
    sa.Column('departure_on', sa.Date(), nullable=True),
    sa.Column('consent_at', sa.DateTime(), nullable=False),
    sa.Column('waitlisted_at', sa.DateTime(), nullable=True),
    sa.Column('offer_expires_at', sa.DateTime(), nullable=True),
    sa.Column('reminded_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("funding IN ('funded', 'self_funded')", name=op.f('ck_registrations_funding')),
    sa.CheckConstraint("gender IN ('female', 'male', 'other', 'undisclosed')", name=op.f('ck_registrations_gender')),
    sa.CheckConstraint("role IN ('delegate', 'speaker', 'facilitator', 'observer', 'staff')", name=op.f('ck_registrations_role')),
    sa.CheckConstraint("status IN ('pending', 'approved', 'waitlisted', 'declined', 'withdrawn', 'attended')", name=op.f('ck_registrations_status')),
    sa.CheckConstraint('departure_on IS NULL OR arrival_on IS NULL OR departure_on >= arrival_on', name=op.f('ck_registrations_travel_in_order')),
    sa.CheckConstraint('email = lower(email)', name=op.f('ck_registrations_email_lower_case')),
    sa.CheckConstraint('length(name) > 0', name=op.f('ck_registrations_name_not_empty')),
    sa.ForeignKeyConstraint(['country_code'], ['countries.code'], name=op.f('fk_registrations_country_code_countries')),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_registrations_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_registrations_organisation_id_organisations'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_registrations_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_registrations')),
    sa.UniqueConstraint('event_id', 'email', name=op.f('uq_registrations_event_id_email'))
    )
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.create_index('ix_registrations_event_id_status', ['event_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_registrations_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_login_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('email_confirmed_at', sa.DateTime(), nullable=True))
    # The accounts that exist were made by staff: their addresses count as confirmed.
    op.execute("UPDATE users SET email_confirmed_at = created_at")



def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('email_confirmed_at')
        batch_op.drop_column('last_login_at')

    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_registrations_user_id'))
        batch_op.drop_index('ix_registrations_event_id_status')

    op.drop_table('registrations')
    op.drop_table('registration_settings')
    op.drop_table('invitations')
    with op.batch_alter_table('outbox_emails', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_emails_status'))

    op.drop_table('outbox_emails')
