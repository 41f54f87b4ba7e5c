"""page generation: one counter that tells kept public pages they are stale

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 13:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('page_generation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_page_generation'))
    )
    op.execute("INSERT INTO page_generation (id, value) VALUES (1, 0)")


def downgrade():
    op.drop_table('page_generation')
