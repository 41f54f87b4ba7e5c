"""data protection: how long each service keeps records

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 15:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('fostering_service', schema=None) as batch_op:
        batch_op.add_column(sa.Column('enquiry_retention_years', sa.Integer(), nullable=False, server_default='3'))
        batch_op.add_column(sa.Column('applicant_retention_years', sa.Integer(), nullable=False, server_default='3'))
        batch_op.add_column(sa.Column('carer_retention_years', sa.Integer(), nullable=False, server_default='10'))
        batch_op.add_column(sa.Column('complaint_retention_years', sa.Integer(), nullable=False, server_default='6'))
        batch_op.add_column(sa.Column('conversation_retention_years', sa.Integer(), nullable=False, server_default='6'))
        batch_op.add_column(sa.Column('email_retention_days', sa.Integer(), nullable=False, server_default='90'))


def downgrade():
    with op.batch_alter_table('fostering_service', schema=None) as batch_op:
        batch_op.drop_column('email_retention_days')
        batch_op.drop_column('conversation_retention_years')
        batch_op.drop_column('complaint_retention_years')
        batch_op.drop_column('carer_retention_years')
        batch_op.drop_column('applicant_retention_years')
        batch_op.drop_column('enquiry_retention_years')
