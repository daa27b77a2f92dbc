"""releases: one frozen, immutable release per period

Revision ID: 0005_releases
Revises: 0004_key_checks
Create Date: 2026-12-03 13:20:00
"""
from alembic import op
import sqlalchemy as sa


revision = "0005_releases"
down_revision = "0004_key_checks"
branch_labels = None
depends_on = None

_SQLITE_TRIGGERS = (
    "CREATE TRIGGER releases_no_update BEFORE UPDATE ON releases "
    "BEGIN SELECT RAISE(ABORT, 'a stored release never changes'); END",
    "CREATE TRIGGER releases_no_delete BEFORE DELETE ON releases "
    "BEGIN SELECT RAISE(ABORT, 'a stored release never changes'); END",
)
_POSTGRES_TRIGGER = (
    "CREATE FUNCTION releases_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN RAISE EXCEPTION 'a stored release never changes'; END $$",
    "CREATE TRIGGER releases_no_change BEFORE UPDATE OR DELETE ON releases "
    "FOR EACH ROW EXECUTE FUNCTION releases_refuse_change()",
)


def upgrade() -> None:
    op.create_table('releases',
    sa.Column('period', sa.String(length=16), nullable=False),
    sa.Column('created_on', sa.Date(), nullable=False),
    sa.Column('settings', sa.JSON(), nullable=False),
    sa.Column('report', sa.Text(), nullable=False),
    sa.Column('responses', sa.Text(), nullable=True),
    sa.Column('leavers', sa.Text(), nullable=True),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('period', name=op.f('pk_releases'))
    )
    # Immutable in the data, not by promise: even a script with full access cannot rewrite
    # what was shown without dropping the trigger first.
    statements = _POSTGRES_TRIGGER if op.get_bind().dialect.name == "postgresql" \
        else _SQLITE_TRIGGERS
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER releases_no_change ON releases")
        op.execute("DROP FUNCTION releases_refuse_change()")
    op.drop_table('releases')
