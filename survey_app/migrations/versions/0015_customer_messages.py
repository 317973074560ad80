"""customer messages in the outbox: replies to a VOC case, interim notices, retention messages

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06

An outbox message no longer needs a wave: a customer message names its case, customer and contact and
carries the text staff wrote (the customer's name stays a placeholder until it is sent).
"""
import sqlalchemy as sa
from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.alter_column('wave_id', existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column('case_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('customer_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('contact_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('subject', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('body', sa.Text(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_outbox_messages_case_id_cases'), 'cases', ['case_id'], ['id'],
                                    ondelete='SET NULL')
        batch_op.create_foreign_key(batch_op.f('fk_outbox_messages_customer_id_customers'), 'customers',
                                    ['customer_id'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key(batch_op.f('fk_outbox_messages_contact_id_contacts'), 'contacts',
                                    ['contact_id'], ['id'], ondelete='SET NULL')
        batch_op.create_index(batch_op.f('ix_outbox_messages_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_messages_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_messages_contact_id'), ['contact_id'], unique=False)


def downgrade() -> None:
    op.execute("DELETE FROM outbox_messages WHERE wave_id IS NULL")
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_messages_contact_id'))
        batch_op.drop_index(batch_op.f('ix_outbox_messages_customer_id'))
        batch_op.drop_index(batch_op.f('ix_outbox_messages_case_id'))
        batch_op.drop_constraint(batch_op.f('fk_outbox_messages_contact_id_contacts'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_outbox_messages_customer_id_customers'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_outbox_messages_case_id_cases'), type_='foreignkey')
        batch_op.drop_column('body')
        batch_op.drop_column('subject')
        batch_op.drop_column('contact_id')
        batch_op.drop_column('customer_id')
        batch_op.drop_column('case_id')
        batch_op.alter_column('wave_id', existing_type=sa.Integer(), nullable=False)
