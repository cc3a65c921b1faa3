"""sharing legal basis: a legal basis names its kind, withdrawal records who, and sharing requests

Consents and legal bases gain `legal_basis_kind` (a code from domain/catalog/legal_bases.toml; null for
consents and for legal bases recorded before kinds existed) and `withdrawn_by`. Social staff's requests
for sharing health data live in `sharing_request`; they grant nothing by themselves.

Revision ID: 20261206_0006
Revises: 20261206_0005
Create Date: 2026-12-06 02:00:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
import sqlmodel
from alembic import op


# revision identifiers, used by Alembic.
revision: str = '20261206_0006'
down_revision: Union[str, Sequence[str], None] = '20261206_0005'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('consent', schema=None) as batch_op:
        batch_op.add_column(sa.Column('legal_basis_kind', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
        batch_op.add_column(sa.Column('withdrawn_by', sa.Uuid(), nullable=True))
        batch_op.create_foreign_key('fk_consent_withdrawn_by_staff', 'staff', ['withdrawn_by'], ['id'])

    op.create_table('sharing_request',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('child_id', sa.Uuid(), nullable=False),
    sa.Column('scope', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('requested_by', sa.Uuid(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('consent_id', sa.Uuid(), nullable=True),
    sa.Column('answered_by', sa.Uuid(), nullable=True),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decline_reason', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
    sa.ForeignKeyConstraint(['answered_by'], ['staff.id'], ),
    sa.ForeignKeyConstraint(['child_id'], ['child.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['consent_id'], ['consent.id'], ),
    sa.ForeignKeyConstraint(['requested_by'], ['staff.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('sharing_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sharing_request_child_id'), ['child_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sharing_request_updated_at'), ['updated_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('sharing_request', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sharing_request_updated_at'))
        batch_op.drop_index(batch_op.f('ix_sharing_request_child_id'))

    op.drop_table('sharing_request')
    with op.batch_alter_table('consent', schema=None) as batch_op:
        batch_op.drop_constraint('fk_consent_withdrawn_by_staff', type_='foreignkey')
        batch_op.drop_column('withdrawn_by')
        batch_op.drop_column('legal_basis_kind')
