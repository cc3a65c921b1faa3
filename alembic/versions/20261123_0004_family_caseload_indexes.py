"""family caseload indexes: a team's families read from covering indexes

The team's month (`GET /visits?team_id=`) starts from the team's families: its own, and those in its
areas without a team of their own. With single-column indexes PostgreSQL scanned every family (5 ms at
size M) and SQLite, whose statistics count the many families without a team as one value, scanned a whole
index (20 ms). The composite indexes replace the single-column ones, which they cover.

Revision ID: 20261123_0004
Revises: 20261123_0003
Create Date: 2026-11-23 16:20:00

"""
from typing import Sequence, Union

from alembic import op


# revision identifiers, used by Alembic.
revision: str = '20261123_0004'
down_revision: Union[str, Sequence[str], None] = '20261123_0003'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('family', schema=None) as batch_op:
        batch_op.create_index('ix_family_team_family', ['team_id', 'id'], unique=False)
        batch_op.create_index('ix_family_area_team', ['area_id', 'team_id', 'id'], unique=False)
        batch_op.drop_index('ix_family_team_id')
        batch_op.drop_index('ix_family_area_id')


def downgrade() -> None:
    with op.batch_alter_table('family', schema=None) as batch_op:
        batch_op.create_index('ix_family_area_id', ['area_id'], unique=False)
        batch_op.create_index('ix_family_team_id', ['team_id'], unique=False)
        batch_op.drop_index('ix_family_area_team')
        batch_op.drop_index('ix_family_team_family')
