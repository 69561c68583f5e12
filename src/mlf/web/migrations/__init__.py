"""Alembic migrations of the ``mlf serve`` database (run by :func:`mlf.web.db.migrate`)."""
