"""``mlf serve``: class exercises in the browser, with mlf as the referee (docs/serve.md).

The web layer only: it stores exercises and their event logs (:mod:`mlf.web.db`,
:mod:`mlf.web.store`), decides who may see and do what (:mod:`mlf.web.auth`), and renders
the views that :mod:`mlf.exercise` computes (:mod:`mlf.web.app`). The rules of an exercise
live in :mod:`mlf.exercise`, which knows nothing of the web. Importing this package imports
nothing heavy; :func:`mlf.web.app.create_app` pulls in FastAPI and SQLAlchemy.
"""
