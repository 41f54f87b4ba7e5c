"""retired venues and localities, for the service settings

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 09:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('venue', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_retired', sa.Boolean(), server_default=sa.false(), nullable=False))
    with op.batch_alter_table('locality', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_retired', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table('locality', schema=None) as batch_op:
        batch_op.drop_column('is_retired')
    with op.batch_alter_table('venue', schema=None) as batch_op:
        batch_op.drop_column('is_retired')
