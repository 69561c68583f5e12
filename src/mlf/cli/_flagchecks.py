"""The ``--seed`` option's range check, shared by ``mlf run``, ``sweep``, ``forecast`` and
``backtest``, and the ``--model`` option's name check, shared by ``run``, ``sweep`` and
``forecast``: a bad flag is a usage error (exit 2) named by its flag, before any work.

Recorded seeds are non-negative and below 2**64 (:data:`mlf.seeds.MAX_SEED`, what a result's
integer fields hold). The bound is repeated here rather than imported, so that a command's
start-up does not pay for numpy, which :mod:`mlf.seeds` imports.
"""

from __future__ import annotations

from mlf.bargaining_names import MODEL_NAMES
from mlf.errors import UsageError

MAX_SEED = 2**64  # = mlf.seeds.MAX_SEED (a test checks they agree)


def check_seed(seed: int | None) -> None:
    """Refuse a ``--seed`` outside [0, 2**64) with one line; None (the default) passes.

    >>> check_seed(None); check_seed(0); check_seed(2**64 - 1)
    >>> check_seed(-1)
    Traceback (most recent call last):
    mlf.errors.UsageError: --seed must be a non-negative integer below 2**64, got -1
    """
    if seed is not None and not 0 <= seed < MAX_SEED:
        raise UsageError(f"--seed must be a non-negative integer below 2**64, got {seed}")


def check_model(model: str | None) -> None:
    """Refuse a ``--model`` that names no negotiation model, with one line; None passes.

    >>> check_model(None); check_model("smp")
    >>> check_model("nope")
    Traceback (most recent call last):
    mlf.errors.UsageError: --model: unknown model 'nope' (known: bdm, compromise, median, nash, smp)
    """
    if model is not None and model not in MODEL_NAMES:
        known = ", ".join(sorted(MODEL_NAMES))
        raise UsageError(f"--model: unknown model {model!r} (known: {known})")
