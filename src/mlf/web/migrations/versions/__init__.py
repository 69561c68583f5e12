"""Alembic revisions of the ``mlf serve`` schema, oldest first."""
