"""handout sheets: one-time links shown again for a short while, sealed

Revision ID: 0006_handout_sheets
Revises: 0005_releases
Create Date: 2026-12-03 14:05:00
"""
from alembic import op
import sqlalchemy as sa


revision = "0006_handout_sheets"
down_revision = "0005_releases"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('handout_sheets',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('sealed', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_handout_sheets_user_id_users'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_handout_sheets'))
    )
    op.create_index(op.f('ix_handout_sheets_created_at'), 'handout_sheets', ['created_at'], unique=False)
    op.create_index(op.f('ix_handout_sheets_user_id'), 'handout_sheets', ['user_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_handout_sheets_user_id'), table_name='handout_sheets')
    op.drop_index(op.f('ix_handout_sheets_created_at'), table_name='handout_sheets')
    op.drop_table('handout_sheets')
