"""Alembic environment for ``mlf serve``: runs the migrations on the connection it is given.

:func:`mlf.web.db.migrate` passes an open connection in ``config.attributes["connection"]``;
there is no ``alembic.ini`` and no URL here (the server names the database).
"""

from __future__ import annotations

from alembic import context

from mlf.web.db import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
