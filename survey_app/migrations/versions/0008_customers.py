"""customer records: customers, consent history, interactions (상담 이력), 우체국쇼핑 orders; contacts link to customers

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06

Identifiers are sealed columns (``*_enc``) with keyed-hash look-up columns, as on contacts. Orders and
interactions are keyed by the source system's id (``external_id``, unique) so a re-import upserts.
"""
from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('customers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('external_id', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('name_enc', sa.LargeBinary(), nullable=True),
    sa.Column('phone_enc', sa.LargeBinary(), nullable=True),
    sa.Column('email_enc', sa.LargeBinary(), nullable=True),
    sa.Column('address_enc', sa.LargeBinary(), nullable=True),
    sa.Column('phone_hash', sa.String(length=64), nullable=True),
    sa.Column('email_hash', sa.String(length=64), nullable=True),
    sa.Column('birth_year', sa.Integer(), nullable=True),
    sa.Column('gender', sa.String(length=1), nullable=True),
    sa.Column('region', sa.String(length=64), nullable=True),
    sa.Column('customer_type', sa.String(length=64), nullable=True),
    sa.Column('org_unit_id', sa.Integer(), nullable=True),
    sa.Column('consent_survey', sa.Boolean(), nullable=True),
    sa.Column('consent_marketing', sa.Boolean(), nullable=True),
    sa.Column('consent_analysis', sa.Boolean(), nullable=True),
    sa.Column('joined_on', sa.Date(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('is_stub', sa.Boolean(), nullable=False),
    sa.Column('anonymised_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('source', sa.String(length=200), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['org_unit_id'], ['org_units.id'], name=op.f('fk_customers_org_unit_id_org_units'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_customers')),
    sa.UniqueConstraint('external_id', name=op.f('uq_customers_external_id'))
    )
    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_customers_email_hash'), ['email_hash'], unique=False)
        batch_op.create_index(batch_op.f('ix_customers_org_unit_id'), ['org_unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_customers_phone_hash'), ['phone_hash'], unique=False)

    op.create_table('customer_consents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.String(length=20), nullable=False),
    sa.Column('granted', sa.Boolean(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('method', sa.String(length=32), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_customer_consents_customer_id_customers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_customer_consents_recorded_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_customer_consents'))
    )
    with op.batch_alter_table('customer_consents', schema=None) as batch_op:
        batch_op.create_index('ix_customer_consents_customer', ['customer_id', 'purpose', 'recorded_at'], unique=False)

    op.create_table('interactions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('external_id', sa.String(length=64), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=True),
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('org_unit_id', sa.Integer(), nullable=True),
    sa.Column('agent', sa.String(length=64), nullable=True),
    sa.Column('topic_code', sa.String(length=64), nullable=True),
    sa.Column('outcome', sa.String(length=64), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_interactions_customer_id_customers'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['org_unit_id'], ['org_units.id'], name=op.f('fk_interactions_org_unit_id_org_units'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_interactions')),
    sa.UniqueConstraint('external_id', name=op.f('uq_interactions_external_id'))
    )
    with op.batch_alter_table('interactions', schema=None) as batch_op:
        batch_op.create_index('ix_interactions_customer_time', ['customer_id', 'occurred_at'], unique=False)
        batch_op.create_index('ix_interactions_occurred_at', ['occurred_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_interactions_org_unit_id'), ['org_unit_id'], unique=False)

    op.create_table('orders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('external_id', sa.String(length=64), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('ordered_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('category', sa.String(length=64), nullable=True),
    sa.Column('product', sa.String(length=200), nullable=True),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('delivered_on', sa.Date(), nullable=True),
    sa.Column('returned_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_orders_customer_id_customers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_orders')),
    sa.UniqueConstraint('external_id', name=op.f('uq_orders_external_id'))
    )
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.create_index('ix_orders_customer_time', ['customer_id', 'ordered_at'], unique=False)
        batch_op.create_index('ix_orders_ordered_at', ['ordered_at'], unique=False)

    op.create_table('erased_records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('key_hash', sa.String(length=64), nullable=False),
    sa.Column('erased_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_erased_records')),
    sa.UniqueConstraint('kind', 'key_hash', name=op.f('uq_erased_records_kind_key_hash'))
    )
    _add_contact_link()


def downgrade() -> None:
    _drop_contact_link()

    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_index('ix_orders_ordered_at')
        batch_op.drop_index('ix_orders_customer_time')

    op.drop_table('erased_records')
    op.drop_table('orders')
    with op.batch_alter_table('interactions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_interactions_org_unit_id'))
        batch_op.drop_index('ix_interactions_occurred_at')
        batch_op.drop_index('ix_interactions_customer_time')

    op.drop_table('interactions')
    with op.batch_alter_table('customer_consents', schema=None) as batch_op:
        batch_op.drop_index('ix_customer_consents_customer')

    op.drop_table('customer_consents')
    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_customers_phone_hash'))
        batch_op.drop_index(batch_op.f('ix_customers_org_unit_id'))
        batch_op.drop_index(batch_op.f('ix_customers_email_hash'))

    op.drop_table('customers')


# SQLite adds a column with a foreign key by copying the table and dropping the original; with foreign keys
# on, that DROP nulls every row that refers to contacts (ON DELETE SET NULL): invitations, post-call records
# and audience skips would lose their person. Their links are kept aside and put back around the copy.

LINKED_TO_CONTACTS = ("invitations", "post_calls", "audience_skips")


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def _add_contact_link() -> None:
    if _sqlite():
        with _contact_links_kept(), op.batch_alter_table('contacts', schema=None) as batch_op:
            batch_op.add_column(sa.Column('customer_id', sa.Integer(), nullable=True))
            batch_op.create_foreign_key(batch_op.f('fk_contacts_customer_id_customers'), 'customers', ['customer_id'],
                                        ['id'], ondelete='SET NULL')
    else:
        op.add_column('contacts', sa.Column('customer_id', sa.Integer(), nullable=True))
        op.create_foreign_key(op.f('fk_contacts_customer_id_customers'), 'contacts', 'customers', ['customer_id'],
                              ['id'], ondelete='SET NULL')
    op.create_index(op.f('ix_contacts_customer_id'), 'contacts', ['customer_id'], unique=False)


def _drop_contact_link() -> None:
    op.drop_index(op.f('ix_contacts_customer_id'), table_name='contacts')
    if not _sqlite():
        op.drop_constraint(op.f('fk_contacts_customer_id_customers'), 'contacts', type_='foreignkey')
        op.drop_column('contacts', 'customer_id')
        return
    with _contact_links_kept(), op.batch_alter_table('contacts', schema=None) as batch_op:
        batch_op.drop_column('customer_id')


@contextmanager
def _contact_links_kept():
    """Put back the contact links that copying ``contacts`` on SQLite nulls."""
    for table in LINKED_TO_CONTACTS:
        op.execute(f"CREATE TEMPORARY TABLE keep_{table} AS SELECT id, contact_id FROM {table} "
                   "WHERE contact_id IS NOT NULL")
    yield
    for table in LINKED_TO_CONTACTS:
        op.execute(f"UPDATE {table} SET contact_id = (SELECT k.contact_id FROM keep_{table} k WHERE k.id = {table}.id) "
                   f"WHERE id IN (SELECT id FROM keep_{table})")
        op.execute(f"DROP TABLE keep_{table}")
