"""pytest settings for the doctests collected from src/ (not part of the installed package)."""

# Alembic's env.py runs only inside Alembic (it reads alembic.context at import).
collect_ignore = ["mlf/web/migrations/env.py"]
