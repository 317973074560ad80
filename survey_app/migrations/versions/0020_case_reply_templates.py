"""reply templates staff manage, seeded with the built-in ones (issue 18)

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06 21:40:00
"""
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None

#: The three templates the reply form offered before they could be managed, for SMS and for e-mail (their text
#: as it was; copied here so the migration does not change when the app's code does).
_RESULT_SUBJECT = "[우체국] 고객의 소리 처리 결과를 알려 드립니다 ({사건번호})"
_INTERIM_SUBJECT = "[우체국] 고객의 소리 처리 기간 연장 안내 ({사건번호})"
_CONTACT_SUBJECT = "[우체국] 고객의 소리 관련 연락을 드렸습니다 ({사건번호})"
BUILT_IN = [
    ("처리 결과 안내", "case_reply", "sms", None,
     "[우체국] {이름}님, 접수하신 고객의 소리({사건번호})를 처리하였습니다. 처리 결과: (여기에 처리 결과를 적어 주십시오) "
     "문의 {센터전화}"),
    ("처리 결과 안내", "case_reply", "email", _RESULT_SUBJECT,
     "{이름}님, 안녕하십니까. 우체국 고객센터입니다.\n\n{접수일}에 접수하신 고객의 소리({사건번호})의 처리 결과를 "
     "알려 드립니다.\n\n(여기에 처리 결과를 적어 주십시오)\n\n불편을 드려 죄송합니다. 더 궁금하신 점은 "
     "{센터전화}번으로 문의해 주십시오."),
    ("중간 안내 (처리 기간 연장)", "interim_notice", "sms", None,
     "[우체국] {이름}님, 접수하신 고객의 소리({사건번호})는 확인할 사항이 있어 처리 기간이 연장되었습니다. "
     "{예정일}까지 결과를 알려 드리겠습니다. 문의 {센터전화}"),
    ("중간 안내 (처리 기간 연장)", "interim_notice", "email", _INTERIM_SUBJECT,
     "{이름}님, 안녕하십니까. 우체국 고객센터입니다.\n\n{접수일}에 접수하신 고객의 소리({사건번호})는 확인할 "
     "사항이 있어 처리 기한({처리기한})을 넘기게 되었습니다. 기다리시게 하여 죄송합니다.\n\n{예정일}까지 처리 "
     "결과를 알려 드리겠습니다. 궁금하신 점은 {센터전화}번으로 문의해 주십시오."),
    ("연락 시도 안내", "contact_attempt", "sms", None,
     "[우체국] {이름}님, 접수하신 고객의 소리({사건번호}) 건으로 전화를 드렸으나 연결되지 않았습니다. "
     "편하신 때 {센터전화}번으로 연락해 주십시오."),
    ("연락 시도 안내", "contact_attempt", "email", _CONTACT_SUBJECT,
     "{이름}님, 안녕하십니까. 우체국 고객센터입니다.\n\n접수하신 고객의 소리({사건번호}) 건으로 전화를 드렸으나 "
     "연결되지 않았습니다. 편하신 때 {센터전화}번으로 연락해 주시면 자세히 안내해 드리겠습니다."),
]


def upgrade() -> None:
    table = op.create_table('case_reply_templates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.Column('purpose', sa.String(length=20), nullable=False),
    sa.Column('category', sa.String(length=32), nullable=True),
    sa.Column('subject', sa.String(length=200), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('retired_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_case_reply_templates_updated_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_reply_templates'))
    )
    now = datetime.now(UTC)
    op.bulk_insert(table, [{"name": name, "purpose": purpose, "channel": channel, "category": None, "subject": subject,
                            "body": body, "created_at": now} for name, purpose, channel, subject, body in BUILT_IN])


def downgrade() -> None:
    op.drop_table('case_reply_templates')
