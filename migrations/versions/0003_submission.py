"""submission: mixing flag, invitation batches and tallies, used invitations keep no attributes

Revision ID: 0003_submission
Revises: 0002_survey
Create Date: 2026-12-03 07:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = "0003_submission"
down_revision = "0002_survey"
branch_labels = None
depends_on = None

NULLABLE_NOW = (
    ("batch", sa.String(length=36)),
    ("questionnaire_key", sa.String(length=60)),
    ("unit_id", sa.Integer()),
    ("tenure_band", sa.String(length=20)),
    ("ending_type", sa.String(length=40)),
    ("leaving_quarter", sa.String(length=7)),
    ("created_on", sa.Date()),
)


def upgrade() -> None:
    op.create_table(
        "invitation_batches",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("questionnaire_key", sa.String(length=60), nullable=False),
        sa.Column("created_on", sa.Date(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invitation_batches")),
    )
    op.create_table(
        "invitation_tallies",
        sa.Column("questionnaire_key", sa.String(length=60), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("quarter", sa.String(length=7), nullable=False),
        sa.Column("tenure_band", sa.String(length=20), nullable=False),
        sa.Column("invited", sa.Integer(), nullable=False),
        sa.Column("used", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["unit_id"], ["org_units.id"],
                                name=op.f("fk_invitation_tallies_unit_id_org_units")),
        sa.PrimaryKeyConstraint("questionnaire_key", "unit_id", "quarter", "tenure_band",
                                name=op.f("pk_invitation_tallies")),
    )
    op.create_table(
        "open_link_claims",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_open_link_claims")),
    )
    with op.batch_alter_table("open_link_claims", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_open_link_claims_expires_on"), ["expires_on"], unique=False)
    with op.batch_alter_table("invitations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("position", sa.Integer(), nullable=True))
        for name, kind in NULLABLE_NOW:
            batch_op.alter_column(name, existing_type=kind, nullable=True)
    with op.batch_alter_table("responses", schema=None) as batch_op:
        batch_op.add_column(sa.Column("mixed", sa.Boolean(), server_default=sa.true(), nullable=False))
        batch_op.add_column(sa.Column("mix_group", sa.String(length=36), nullable=True))
        batch_op.create_index(batch_op.f("ix_responses_mix_group"), ["mix_group"], unique=False)
        batch_op.drop_index("ix_responses_quarter_questionnaire")
        batch_op.create_index("ix_responses_questionnaire_quarter_id",
                              ["questionnaire_key", "quarter", "id"], unique=False)
        batch_op.create_index("ix_responses_unmixed", ["id"], unique=False,
                              postgresql_where=sa.text("NOT mixed"), sqlite_where=sa.text("mixed = 0"))

    # What existed: batches and tallies from the invitations, then used ones forget.
    op.execute(
        "INSERT INTO invitation_batches (id, questionnaire_key, created_on, size) "
        "SELECT batch, MIN(questionnaire_key), MIN(created_on), COUNT(*) FROM invitations "
        "GROUP BY batch")
    op.execute(
        "INSERT INTO invitation_tallies (questionnaire_key, unit_id, quarter, tenure_band, invited, used) "
        "SELECT questionnaire_key, unit_id, leaving_quarter, tenure_band, COUNT(*), "
        "SUM(CASE WHEN used THEN 1 ELSE 0 END) FROM invitations "
        "GROUP BY questionnaire_key, unit_id, leaving_quarter, tenure_band")
    op.execute(
        "UPDATE invitations SET position = (SELECT COUNT(*) FROM invitations AS earlier "
        "WHERE earlier.batch = invitations.batch AND earlier.id <= invitations.id)")
    op.execute(
        "UPDATE invitations SET batch = NULL, position = NULL, questionnaire_key = NULL, "
        "unit_id = NULL, occupational_group_code = NULL, tenure_band = NULL, ending_type = NULL, "
        "leaving_quarter = NULL, created_on = NULL WHERE used")


def downgrade() -> None:
    op.execute("DELETE FROM invitations WHERE unit_id IS NULL")
    with op.batch_alter_table("responses", schema=None) as batch_op:
        batch_op.drop_index("ix_responses_unmixed")
        batch_op.drop_index(batch_op.f("ix_responses_mix_group"))
        batch_op.drop_column("mix_group")
        batch_op.drop_index("ix_responses_questionnaire_quarter_id")
        batch_op.create_index("ix_responses_quarter_questionnaire", ["quarter", "questionnaire_key"],
                              unique=False)
        batch_op.drop_column("mixed")
    with op.batch_alter_table("invitations", schema=None) as batch_op:
        for name, kind in NULLABLE_NOW:
            batch_op.alter_column(name, existing_type=kind, nullable=False)
        batch_op.drop_column("position")
    op.drop_table("open_link_claims")
    op.drop_table("invitation_tallies")
    op.drop_table("invitation_batches")
