"""When the CLI may take a typer-free fast path (``mlf power``, ``mlf check``).

The fast paths (:mod:`mlf.cli._fastpower`, :mod:`mlf.cli._fastcheck`) answer the plain forms
of a command before typer, click or rich are imported, with the same bytes and exit codes as
the typer command. They stand aside when ``MLF_CLI_FAST=0`` asks for the full path (to compare
the two, or to rule the fast path out) and during click's shell completion, which only the
typer command understands. This module imports nothing, so asking costs nothing.
"""

from __future__ import annotations

import os


def allowed() -> bool:
    """Whether a fast path may answer this invocation.

    >>> import os
    >>> old = os.environ.pop("MLF_CLI_FAST", None)
    >>> allowed()
    True
    >>> os.environ["MLF_CLI_FAST"] = "0"
    >>> allowed()
    False
    >>> _ = os.environ.pop("MLF_CLI_FAST") if old is None else os.environ.update(MLF_CLI_FAST=old)
    """
    if os.environ.get("MLF_CLI_FAST", "1") == "0":
        return False
    return not any(k.startswith("_MLF_COMPLETE") for k in os.environ)  # click's completion
