"""The names of the negotiation models, without importing them.

Validating a scenario (``mlf check``) only asks whether ``settings.model`` and the keys of
``settings.model_params`` name a model; importing :mod:`mlf.bargaining.registry` for that
would load numpy and every engine (SMP, BDM), most of that command's start-up. The registry
(:data:`mlf.bargaining.registry.MODELS`) stays the one place the models are defined; this
list of its keys lives outside the :mod:`mlf.bargaining` package (whose ``__init__`` imports
the registry) and tests/test_cli_startup.py checks that the two agree.
"""

from __future__ import annotations

__all__ = ["MODEL_NAMES"]

#: The keys of :data:`mlf.bargaining.registry.MODELS`.
MODEL_NAMES: frozenset[str] = frozenset({"bdm", "compromise", "median", "nash", "smp"})
