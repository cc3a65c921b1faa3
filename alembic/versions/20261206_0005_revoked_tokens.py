"""revoked tokens: signing out ends the session on every worker and machine

An access token revoked before it expires (`POST /api/v1/auth/revoke`, RFC 7009; the staff pages' "Log ud")
is kept by its `jti` until it expires. Every authenticated request looks its token's `jti` up by primary key,
in the same statement that reads the caller. `expires_at` is indexed so expired rows can be deleted.

Revision ID: 20261206_0005
Revises: 20261123_0004
Create Date: 2026-12-06 02:00:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '20261206_0005'
down_revision: Union[str, Sequence[str], None] = '20261123_0004'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('revoked_token',
    sa.Column('jti', sa.String(length=64), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('jti')
    )
    with op.batch_alter_table('revoked_token', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_revoked_token_expires_at'), ['expires_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('revoked_token', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_revoked_token_expires_at'))

    op.drop_table('revoked_token')
