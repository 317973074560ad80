"""accounts, roles, sessions, API keys, rate limits, personal-data access log and retention

Staff admin flags become role grants (admin for the whole organisation). The personal-data
access log refuses UPDATE, DELETE and TRUNCATE through database triggers.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 22:21:40.855629
"""
from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('personal_data_access',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_name', sa.String(length=64), nullable=True),
    sa.Column('actor_address', sa.String(length=64), nullable=True),
    sa.Column('action', sa.String(length=32), nullable=False),
    sa.Column('subject_type', sa.String(length=32), nullable=False),
    sa.Column('subject_count', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.Text(), nullable=True),
    sa.Column('details', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_personal_data_access'))
    )
    with op.batch_alter_table('personal_data_access', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_personal_data_access_action'), ['action'], unique=False)
        batch_op.create_index(batch_op.f('ix_personal_data_access_actor_name'), ['actor_name'], unique=False)
        batch_op.create_index('ix_personal_data_access_occurred_at', ['occurred_at'], unique=False)

    op.create_table('rate_limit_buckets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key_hash', sa.String(length=64), nullable=False),
    sa.Column('window_start', sa.BigInteger(), nullable=False),
    sa.Column('hits', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rate_limit_buckets')),
    sa.UniqueConstraint('key_hash', 'window_start', name=op.f('uq_rate_limit_buckets_key_hash_window_start'))
    )
    op.create_table('personal_data_subjects',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('access_id', sa.Integer(), nullable=False),
    sa.Column('subject_type', sa.String(length=32), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['access_id'], ['personal_data_access.id'], name=op.f('fk_personal_data_subjects_access_id_personal_data_access'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_personal_data_subjects'))
    )
    with op.batch_alter_table('personal_data_subjects', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_personal_data_subjects_access_id'), ['access_id'], unique=False)
        batch_op.create_index('ix_personal_data_subjects_subject', ['subject_type', 'subject_id'], unique=False)

    op.create_table('api_keys',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('prefix', sa.String(length=16), nullable=False),
    sa.Column('key_hash', sa.String(length=64), nullable=False),
    sa.Column('permissions', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=False),
    sa.Column('org_unit_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_api_keys_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['org_unit_id'], ['org_units.id'], name=op.f('fk_api_keys_org_unit_id_org_units'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_keys')),
    sa.UniqueConstraint('key_hash', name=op.f('uq_api_keys_key_hash'))
    )
    op.create_table('role_grants',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('org_unit_id', sa.Integer(), nullable=True),
    sa.Column('granted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('granted_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['granted_by_id'], ['users.id'], name=op.f('fk_role_grants_granted_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['org_unit_id'], ['org_units.id'], name=op.f('fk_role_grants_org_unit_id_org_units'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_role_grants_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_role_grants'))
    )
    with op.batch_alter_table('role_grants', schema=None) as batch_op:
        batch_op.create_index('ix_role_grants_user_role_unit', ['user_id', 'role', 'org_unit_id'], unique=True)

    op.create_table('staff_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('end_reason', sa.String(length=20), nullable=True),
    sa.Column('address', sa.String(length=64), nullable=True),
    sa.Column('user_agent', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_staff_sessions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_sessions')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_staff_sessions_token_hash'))
    )
    with op.batch_alter_table('staff_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_sessions_user_id'), ['user_id'], unique=False)

    op.create_table('survey_privacy',
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('retention_days', sa.Integer(), nullable=False),
    sa.Column('retention_action', sa.String(length=20), nullable=False),
    sa.Column('identified', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], name=op.f('fk_survey_privacy_survey_id_surveys'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('survey_id', name=op.f('pk_survey_privacy'))
    )
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('actor_name', sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f('ix_audit_events_action'), ['action'], unique=False)

    _add_contact_columns()
    _replace_user_admin_flag()
    _install_append_only_triggers()


def downgrade() -> None:
    _drop_append_only_triggers()
    _restore_user_admin_flag()
    _drop_contact_columns()
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_events_action'))
        batch_op.drop_column('actor_name')

    op.drop_table('survey_privacy')
    with op.batch_alter_table('staff_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_sessions_user_id'))

    op.drop_table('staff_sessions')
    with op.batch_alter_table('role_grants', schema=None) as batch_op:
        batch_op.drop_index('ix_role_grants_user_role_unit')

    op.drop_table('role_grants')
    op.drop_table('api_keys')
    with op.batch_alter_table('personal_data_subjects', schema=None) as batch_op:
        batch_op.drop_index('ix_personal_data_subjects_subject')
        batch_op.drop_index(batch_op.f('ix_personal_data_subjects_access_id'))

    op.drop_table('personal_data_subjects')
    op.drop_table('rate_limit_buckets')
    with op.batch_alter_table('personal_data_access', schema=None) as batch_op:
        batch_op.drop_index('ix_personal_data_access_occurred_at')
        batch_op.drop_index(batch_op.f('ix_personal_data_access_actor_name'))
        batch_op.drop_index(batch_op.f('ix_personal_data_access_action'))

    op.drop_table('personal_data_access')


# SQLite cannot alter a table in place beyond ADD/DROP COLUMN; Alembic's batch mode then copies the
# table and drops the original, and with foreign keys on, that DROP deletes or nulls every row that
# refers to it (invitations → contacts, audit_events/surveys/... → users). So users is changed with
# native ALTER TABLE on SQLite, and when contacts must be copied, invitations' links are put back.

def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def _add_contact_columns() -> None:
    op.add_column('contacts', sa.Column('purge_action', sa.String(length=20), server_default='purge', nullable=False))
    op.add_column('contacts', sa.Column('anonymised_at', sa.DateTime(timezone=True), nullable=True))
    if _sqlite():  # a new foreign key means copying the table on SQLite
        with _invitation_links_kept(), op.batch_alter_table('contacts', schema=None) as batch_op:
            batch_op.add_column(sa.Column('org_unit_id', sa.Integer(), nullable=True))
            batch_op.create_foreign_key(batch_op.f('fk_contacts_org_unit_id_org_units'), 'org_units',
                                        ['org_unit_id'], ['id'], ondelete='SET NULL')
    else:
        op.add_column('contacts', sa.Column('org_unit_id', sa.Integer(), nullable=True))
        op.create_foreign_key(op.f('fk_contacts_org_unit_id_org_units'), 'contacts', 'org_units',
                              ['org_unit_id'], ['id'], ondelete='SET NULL')
    op.create_index(op.f('ix_contacts_org_unit_id'), 'contacts', ['org_unit_id'], unique=False)


def _replace_user_admin_flag() -> None:
    """Admin flags become organisation-wide admin grants; new sign-in columns are added."""
    op.add_column('users', sa.Column('password_changed_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('users', sa.Column('totp_secret_enc', sa.LargeBinary(), nullable=True))
    op.add_column('users', sa.Column('totp_last_step', sa.Integer(), nullable=True))
    op.execute("INSERT INTO role_grants (user_id, role, org_unit_id, granted_at) "
               "SELECT id, 'admin', NULL, CURRENT_TIMESTAMP FROM users WHERE is_admin")
    _drop_columns('users', ['is_admin'])


def _drop_columns(table: str, columns: list[str]) -> None:
    for column in columns:
        if _sqlite():
            op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
        else:
            op.drop_column(table, column)


def _restore_user_admin_flag() -> None:
    op.add_column('users', sa.Column('is_admin', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.execute("UPDATE users SET is_admin = TRUE WHERE id IN "
               "(SELECT user_id FROM role_grants WHERE role = 'admin' AND org_unit_id IS NULL)")
    _drop_columns('users', ['totp_last_step', 'totp_secret_enc', 'password_changed_at'])


def _drop_contact_columns() -> None:
    op.drop_index(op.f('ix_contacts_org_unit_id'), table_name='contacts')
    if not _sqlite():
        op.drop_constraint(op.f('fk_contacts_org_unit_id_org_units'), 'contacts', type_='foreignkey')
        _drop_columns('contacts', ['org_unit_id', 'anonymised_at', 'purge_action'])
        return
    with _invitation_links_kept(), op.batch_alter_table('contacts', schema=None) as batch_op:
        batch_op.drop_column('org_unit_id')  # its foreign key goes with it
        batch_op.drop_column('anonymised_at')
        batch_op.drop_column('purge_action')


@contextmanager
def _invitation_links_kept():
    """Copying ``contacts`` on SQLite nulls invitations.contact_id (ON DELETE SET NULL): put the links back."""
    op.execute("CREATE TEMPORARY TABLE keep_invitation_contacts AS "
               "SELECT id, contact_id FROM invitations WHERE contact_id IS NOT NULL")
    yield
    op.execute("UPDATE invitations SET contact_id = (SELECT k.contact_id FROM keep_invitation_contacts k "
               "WHERE k.id = invitations.id) WHERE id IN (SELECT id FROM keep_invitation_contacts)")
    op.execute("DROP TABLE keep_invitation_contacts")


APPEND_ONLY = ("personal_data_access", "personal_data_subjects")


def _install_append_only_triggers() -> None:
    """The database itself refuses to change or delete access-log rows."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE FUNCTION survey_refuse_log_change() RETURNS trigger LANGUAGE plpgsql AS $$ "
                   "BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$")
        for table in APPEND_ONLY:
            op.execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                       "FOR EACH ROW EXECUTE FUNCTION survey_refuse_log_change()")
            op.execute(f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                       "FOR EACH STATEMENT EXECUTE FUNCTION survey_refuse_log_change()")
        return
    for table in APPEND_ONLY:
        for event in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table} "
                       f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END")


def _drop_append_only_triggers() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in APPEND_ONLY:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
        op.execute("DROP FUNCTION IF EXISTS survey_refuse_log_change()")
        return
    for table in APPEND_ONLY:
        for event in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{event}")
