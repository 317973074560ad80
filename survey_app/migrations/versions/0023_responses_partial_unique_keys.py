"""responses: the resume key and device key unique only where set (partial unique indexes)

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-07

``uq_responses_resume_key_hash`` and ``uq_responses_wave_id_device_key`` were unique constraints, whose
indexes hold an entry for every response, NULL keys included: every invitation response (no resume key, no
device key) wrote two index entries nobody looks up. They become unique indexes ``WHERE … IS NOT NULL``:
the same rule (NULLs never conflicted), and a response without the keys writes no entry in them.

On PostgreSQL the constraints are dropped and the indexes built in place. On SQLite the table is copied
(batch mode); dropping the old table would fire its children's foreign key actions (answers and case
triggers deleted, cases' links set to NULL), so those rows are kept aside and put back.
"""
from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op

revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None

RESUME_KEY = 'uq_responses_resume_key_hash'
DEVICE_KEY = 'uq_responses_wave_id_device_key'
#: Rows that point at responses, saved before SQLite drops the copied table: (temporary table, query).
KEPT = (('keep_answers', 'SELECT * FROM answers'),
        ('keep_case_triggers', 'SELECT * FROM case_triggers'),
        ('keep_case_links', 'SELECT id, response_id, followup_response_id, trigger_id FROM cases '
                            'WHERE response_id IS NOT NULL OR followup_response_id IS NOT NULL OR trigger_id IS NOT NULL'))


def _sqlite() -> bool:
    return op.get_bind().dialect.name == 'sqlite'


def _where(column: str) -> dict:
    predicate = sa.text(f'{column} IS NOT NULL')
    return {'postgresql_where': predicate, 'sqlite_where': predicate}


def upgrade() -> None:
    if not _sqlite():
        op.drop_constraint(RESUME_KEY, 'responses', type_='unique')
        op.drop_constraint(DEVICE_KEY, 'responses', type_='unique')
        op.create_index(RESUME_KEY, 'responses', ['resume_key_hash'], unique=True, **_where('resume_key_hash'))
        op.create_index(DEVICE_KEY, 'responses', ['wave_id', 'device_key'], unique=True, **_where('device_key'))
        return
    with _children_kept(), op.batch_alter_table('responses', recreate='always') as batch_op:
        batch_op.drop_constraint(RESUME_KEY, type_='unique')
        batch_op.drop_constraint(DEVICE_KEY, type_='unique')
        batch_op.create_index(RESUME_KEY, ['resume_key_hash'], unique=True, **_where('resume_key_hash'))
        batch_op.create_index(DEVICE_KEY, ['wave_id', 'device_key'], unique=True, **_where('device_key'))


def downgrade() -> None:
    if not _sqlite():
        op.drop_index(DEVICE_KEY, table_name='responses')
        op.drop_index(RESUME_KEY, table_name='responses')
        op.create_unique_constraint(RESUME_KEY, 'responses', ['resume_key_hash'])
        op.create_unique_constraint(DEVICE_KEY, 'responses', ['wave_id', 'device_key'])
        return
    with _children_kept(), op.batch_alter_table('responses', recreate='always') as batch_op:
        batch_op.drop_index(DEVICE_KEY)
        batch_op.drop_index(RESUME_KEY)
        batch_op.create_unique_constraint(RESUME_KEY, ['resume_key_hash'])
        batch_op.create_unique_constraint(DEVICE_KEY, ['wave_id', 'device_key'])


@contextmanager
def _children_kept():
    """SQLite: the rows the copied table's DROP would delete or unlink, saved and put back afterwards."""
    for table, query in KEPT:
        op.execute(f'CREATE TEMPORARY TABLE {table} AS {query}')
    yield
    # the DROP's cascade removed these rows (with foreign keys off it did not: then they are there already)
    op.execute('INSERT INTO answers SELECT * FROM keep_answers WHERE true ON CONFLICT DO NOTHING')
    op.execute('INSERT INTO case_triggers SELECT * FROM keep_case_triggers WHERE true ON CONFLICT DO NOTHING')
    op.execute('UPDATE cases SET response_id = k.response_id, followup_response_id = k.followup_response_id, '
               'trigger_id = k.trigger_id FROM keep_case_links AS k WHERE k.id = cases.id')
    for table, _query in KEPT:
        op.execute(f'DROP TABLE {table}')
