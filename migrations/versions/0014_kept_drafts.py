"""kept drafts: what someone sent just after their session ended, kept for them

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-08 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('kept_draft',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('key_hash', sa.String(length=64), nullable=False),
    sa.Column('endpoint', sa.String(length=100), nullable=False),
    sa.Column('path', sa.String(length=500), nullable=False),
    sa.Column('fields', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['service_id'], ['fostering_service.id'], name=op.f('fk_kept_draft_service_id_fostering_service')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_kept_draft_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kept_draft')),
    sa.UniqueConstraint('key_hash', name=op.f('uq_kept_draft_key_hash'))
    )
    with op.batch_alter_table('kept_draft', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_kept_draft_expires_at'), ['expires_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_kept_draft_service_id'), ['service_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_kept_draft_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('kept_draft', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_kept_draft_user_id'))
        batch_op.drop_index(batch_op.f('ix_kept_draft_service_id'))
        batch_op.drop_index(batch_op.f('ix_kept_draft_expires_at'))

    op.drop_table('kept_draft')
