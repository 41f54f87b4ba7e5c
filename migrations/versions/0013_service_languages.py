"""service languages: which of the shipped languages each service's pages offer

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-08 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    # Every service goes on offering every language it offered before.
    with op.batch_alter_table('fostering_service', schema=None) as batch_op:
        batch_op.add_column(sa.Column('languages', sa.String(length=100), nullable=False, server_default='en,pl,ur,gu'))


def downgrade():
    with op.batch_alter_table('fostering_service', schema=None) as batch_op:
        batch_op.drop_column('languages')
