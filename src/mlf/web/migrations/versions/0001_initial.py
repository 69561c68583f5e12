"""The first schema: exercises, seats, the append-only event log, sessions.

Revision ID: 0001
Revises: none
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the four tables of :mod:`mlf.web.db`."""
    op.create_table(
        "exercises",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("title", sa.String(500), nullable=False),
        sa.Column("setup", sa.Text, nullable=False),
        sa.Column("chair_token_hash", sa.String(64), nullable=False, unique=True),
    )
    op.create_table(
        "seats",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("exercise_id", sa.String(32), sa.ForeignKey("exercises.id"), nullable=False),
        sa.Column("seat", sa.String(200), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.UniqueConstraint("exercise_id", "seat", name="uq_seats_exercise_seat"),
    )
    op.create_index("ix_seats_exercise_id", "seats", ["exercise_id"])
    op.create_table(
        "events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("exercise_id", sa.String(32), sa.ForeignKey("exercises.id"), nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("type", sa.String(32), nullable=False),
        sa.Column("seat", sa.String(200), nullable=True),
        sa.Column("data", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("exercise_id", "seq", name="uq_events_exercise_seq"),
    )
    op.create_table(
        "sessions",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("exercise_id", sa.String(32), sa.ForeignKey("exercises.id"), nullable=True),
        sa.Column("seat", sa.String(200), nullable=True),
        sa.Column("csrf", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked", sa.Boolean, nullable=False),
    )
    op.create_index("ix_sessions_exercise_id", "sessions", ["exercise_id"])


def downgrade() -> None:
    """Drop the four tables."""
    op.drop_table("sessions")
    op.drop_table("events")
    op.drop_table("seats")
    op.drop_table("exercises")
