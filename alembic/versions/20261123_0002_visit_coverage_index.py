"""visit coverage index: a covering index for the per-child visit look-ups of the coverage report

Revision ID: 20261123_0002
Revises: 0001
Create Date: 2026-11-23 13:15:00

"""
from typing import Sequence, Union

from alembic import op


# revision identifiers, used by Alembic.
revision: str = '20261123_0002'
down_revision: Union[str, Sequence[str], None] = '0001'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

COLUMNS = ['child_id', 'package_code', 'kind', 'status', 'done_on', 'earliest', 'latest']


def upgrade() -> None:
    with op.batch_alter_table('visit', schema=None) as batch_op:
        batch_op.create_index('ix_visit_child_package_kind', COLUMNS, unique=False)


def downgrade() -> None:
    with op.batch_alter_table('visit', schema=None) as batch_op:
        batch_op.drop_index('ix_visit_child_package_kind')
