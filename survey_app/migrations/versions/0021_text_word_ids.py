"""text_words vocabulary and text_analyses.word_ids (issue 19): reports read word ids, not token strings

Existing analyses are filled in here, a batch at a time (the voc-analysis job fills any row still without ids).

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-06 21:30:00
"""
import hashlib

import numpy as np
import sqlalchemy as sa
from alembic import op

revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None

BATCH = 5000


def upgrade() -> None:
    op.create_table('text_words',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('digest', sa.String(length=40), nullable=False),
    sa.Column('word', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_text_words')),
    sa.UniqueConstraint('digest', name=op.f('uq_text_words_digest'))
    )
    with op.batch_alter_table('text_analyses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('word_ids', sa.LargeBinary(), nullable=True))
        batch_op.create_index('ix_text_analyses_wave_stamp',
                              ['wave_id', 'source_kind', 'id', 'analysed_at', 'confirmed_at'], unique=False)
    _fill_word_ids(op.get_bind())


def _fill_word_ids(bind) -> None:
    """Every existing analysis's tokens as ids of new vocabulary rows (ids given in first-seen order)."""
    words: dict[str, int] = {}
    last = 0
    while True:
        rows = bind.execute(sa.text('SELECT id, tokens FROM text_analyses WHERE id > :last ORDER BY id LIMIT :n'),
                            {"last": last, "n": BATCH}).all()
        if not rows:
            return
        known = len(words)
        packed = [np.array([words.setdefault(w, len(words) + 1) for w in (tokens or "").split()], dtype='<i4').tobytes()
                  for _i, tokens in rows]
        new = [{"id": k, "digest": hashlib.sha1(w.encode("utf-8")).hexdigest(), "word": w}  # noqa: S324
               for w, k in words.items() if k > known]
        if new:
            bind.execute(sa.text('INSERT INTO text_words (id, digest, word) VALUES (:id, :digest, :word)'), new)
        bind.execute(sa.text('UPDATE text_analyses SET word_ids = :ids WHERE id = :id'),
                     [{"id": i, "ids": ids} for (i, _t), ids in zip(rows, packed, strict=True)])
        last = rows[-1][0]
        if bind.dialect.name == "postgresql" and new:
            bind.execute(sa.text("SELECT setval(pg_get_serial_sequence('text_words', 'id'), :n)"), {"n": len(words)})


def downgrade() -> None:
    with op.batch_alter_table('text_analyses', schema=None) as batch_op:
        batch_op.drop_index('ix_text_analyses_wave_stamp')
        batch_op.drop_column('word_ids')
    op.drop_table('text_words')
