"""visit staff open assignments: copies of the visit's status and dates on each assignment, kept by triggers

A staff member's worklist and calendar feed ask for her planned visits in a date window. Answered from
`visit` they join all her assignments of six years with every open visit of the municipality (9.5 ms at
size M on PostgreSQL, 28 ms on SQLite); with the visit's status and dates on the assignment they read one
index range of her own rows. The copies are kept by the database, so no write path (ORM, bulk insert,
a future one) can forget them: an assignment takes the visit's values when inserted without them, and a
change of a visit's status or dates reaches its assignments.

On SQLite, a later batch migration that re-creates `visit` or `visit_staff` (move and copy) drops their
triggers with the old table: it must create them again (`SQLITE_TRIGGERS` below);
tests/domain/store/test_visit_staff_copies.py fails if it does not.

Revision ID: 20261123_0003
Revises: 20261123_0002
Create Date: 2026-11-23 15:40:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision: str = '20261123_0003'
down_revision: Union[str, Sequence[str], None] = '20261123_0002'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

INDEX_COLUMNS = ['staff_id', 'visit_status', 'visit_target_date', 'visit_latest', 'visit_id']

SQLITE_TRIGGERS = [
    """
    CREATE TRIGGER visit_staff_copies_visit AFTER INSERT ON visit_staff
    WHEN NEW.visit_status IS NULL
    BEGIN
        UPDATE visit_staff
        SET (visit_status, visit_target_date, visit_latest) =
            (SELECT status, target_date, latest FROM visit WHERE visit.id = NEW.visit_id)
        WHERE id = NEW.id;
    END
    """,
    """
    CREATE TRIGGER visit_changes_reach_visit_staff AFTER UPDATE OF status, target_date, latest ON visit
    BEGIN
        UPDATE visit_staff
        SET visit_status = NEW.status, visit_target_date = NEW.target_date, visit_latest = NEW.latest
        WHERE visit_id = NEW.id;
    END
    """,
]

POSTGRESQL_TRIGGERS = [
    """
    CREATE FUNCTION visit_staff_copy_visit() RETURNS trigger AS $$
    BEGIN
        IF NEW.visit_status IS NULL THEN
            SELECT status, target_date, latest INTO NEW.visit_status, NEW.visit_target_date, NEW.visit_latest
            FROM visit WHERE id = NEW.visit_id;
        END IF;
        RETURN NEW;
    END
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER visit_staff_copies_visit BEFORE INSERT ON visit_staff
    FOR EACH ROW EXECUTE FUNCTION visit_staff_copy_visit()
    """,
    """
    CREATE FUNCTION visit_copy_to_visit_staff() RETURNS trigger AS $$
    BEGIN
        UPDATE visit_staff
        SET visit_status = NEW.status, visit_target_date = NEW.target_date, visit_latest = NEW.latest
        WHERE visit_id = NEW.id;
        RETURN NULL;
    END
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER visit_changes_reach_visit_staff AFTER UPDATE OF status, target_date, latest ON visit
    FOR EACH ROW
    WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.target_date IS DISTINCT FROM NEW.target_date
          OR OLD.latest IS DISTINCT FROM NEW.latest)
    EXECUTE FUNCTION visit_copy_to_visit_staff()
    """,
]


def upgrade() -> None:
    with op.batch_alter_table('visit_staff', schema=None) as batch_op:
        batch_op.add_column(sa.Column('visit_status', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('visit_target_date', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('visit_latest', sa.Date(), nullable=True))
    op.execute(
        """
        UPDATE visit_staff
        SET visit_status = (SELECT status FROM visit WHERE visit.id = visit_staff.visit_id),
            visit_target_date = (SELECT target_date FROM visit WHERE visit.id = visit_staff.visit_id),
            visit_latest = (SELECT latest FROM visit WHERE visit.id = visit_staff.visit_id)
        """
    )
    with op.batch_alter_table('visit_staff', schema=None) as batch_op:
        batch_op.create_index('ix_visit_staff_open', INDEX_COLUMNS, unique=False)
    for statement in POSTGRESQL_TRIGGERS if op.get_bind().dialect.name == 'postgresql' else SQLITE_TRIGGERS:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP TRIGGER IF EXISTS visit_changes_reach_visit_staff ON visit")
        op.execute("DROP TRIGGER IF EXISTS visit_staff_copies_visit ON visit_staff")
        op.execute("DROP FUNCTION IF EXISTS visit_copy_to_visit_staff()")
        op.execute("DROP FUNCTION IF EXISTS visit_staff_copy_visit()")
    else:
        op.execute("DROP TRIGGER IF EXISTS visit_changes_reach_visit_staff")
        op.execute("DROP TRIGGER IF EXISTS visit_staff_copies_visit")
    with op.batch_alter_table('visit_staff', schema=None) as batch_op:
        batch_op.drop_index('ix_visit_staff_open')
        batch_op.drop_column('visit_latest')
        batch_op.drop_column('visit_target_date')
        batch_op.drop_column('visit_status')
