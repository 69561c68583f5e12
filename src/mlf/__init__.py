"""mlf: model the 1963 NATO Multilateral Force talks, and talks like them.

Who joins a shared arrangement, what its terms settle at, who pays, and who controls it.

The notebook API (imported lazily, so ``import mlf`` stays cheap)::

    from mlf import load_scenario, run_talks, power_indices
    loaded = load_scenario("mlf-1963")
    result = run_talks(loaded)            # every alternative with apparent support
    result.to_dict()["alternatives"][0]["members"]
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from mlf._version import __version__

_EXPORTS = {
    "load_scenario": "mlf.scenario",
    "parse_scenario": "mlf.scenario",
    "Scenario": "mlf.scenario",
    "apply_changes": "mlf.scenario",
    "compare_results": "mlf.compare",
    "run_scenario": "mlf.talks",
    "run_alternative": "mlf.talks",
    "power_indices": "mlf.power",
    "is_genuinely_european": "mlf.guardrails",
    "game_from_spec": "mlf.games",
    "parse_weighted": "mlf.games",
    "forecast": "mlf.bargaining",
    "BargainingInput": "mlf.bargaining",
}

__all__ = ["__version__", "run_talks", *_EXPORTS]


def __getattr__(name: str) -> Any:
    if name == "run_talks":
        return import_module("mlf.talks").run_scenario
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'mlf' has no attribute {name!r}")
