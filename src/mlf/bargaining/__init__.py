"""Negotiation models behind one interface: forecast how talks settle each element.

Models (see each module for the literature):

- ``compromise``: capability x salience weighted mean (Achen 2006; Thomson et al. 2006).
- ``median``: capability x salience weighted median (the one-dimensional Condorcet winner).
- ``nash``: asymmetric Nash bargaining solution, status quo as disagreement point.
- ``bdm``: Bueno de Mesquita's expected-utility model (Scholz, Calbert & Smith 2011).
- ``smp``: KTAB's Spatial Model of Politics (Wise et al., KAPSARC 2015-2017).

Use :func:`forecast` with a :class:`BargainingInput`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mlf.bargaining.base import BargainingInput, Forecast, Model, ProgressFn, check_params
from mlf.bargaining.registry import MODELS
from mlf.errors import BargainingError
from mlf.seeds import SeedLike, resolve_seed

__all__ = ["MODELS", "BargainingInput", "Forecast", "Model", "forecast"]


def forecast(
    inp: BargainingInput,
    model: str = "compromise",
    params: Mapping[str, Any] | None = None,
    seed: SeedLike = 0,
    progress: ProgressFn | None = None,
) -> Forecast:
    """Run the named model on ``inp`` and return its :class:`Forecast`.

    ``seed``: any form :mod:`mlf.seeds` accepts; the forecast records the integer used.

    Examples:
        Three actors on one issue (force size 0-200 missiles, status quo 0):

        >>> inp = BargainingInput.build(["US", "FRG", "UK"], [0.5, 0.3, 0.2], [200, 150, 50],
        ...                             [0.8, 0.6, 0.5], lo=0, hi=200, status_quo=0)
        >>> fc = forecast(inp, "compromise")
        >>> fc.model, fc.issues, round(float(fc.outcome[0]), 2)
        ('compromise', ('issue1',), 164.71)
        >>> float(forecast(inp, "median").outcome[0])
        200.0
    """
    try:
        impl = MODELS[model]
    except KeyError:
        raise BargainingError(
            f"unknown model {model!r} (known: {', '.join(sorted(MODELS))})"
        ) from None
    return impl.run(inp, check_params(impl, params), resolve_seed(seed), progress)
