"""Backtests: score the models' forecasts of dated snapshots against what happened.

One module per step: :mod:`~mlf.backtest.outcomes` (read and check an outcomes file),
:mod:`~mlf.backtest.kinds` (question kinds and how a run answers each),
:mod:`~mlf.backtest.forecasts` (models, ensemble, baselines), :mod:`~mlf.backtest.scores`
(Brier, log score, absolute error, hits, bootstrap intervals) and :mod:`~mlf.backtest.engine`
(the whole backtest). Pure computation: nothing here prints or writes a file.
"""

from __future__ import annotations

from mlf.backtest.engine import FORMAT_VERSION, METRICS, BacktestResult, run_backtest
from mlf.backtest.forecasts import BASELINES, ENSEMBLE
from mlf.backtest.kinds import KINDS, Kind, register
from mlf.backtest.outcomes import LoadedOutcomes, load_outcomes, parse_outcomes

__all__ = [
    "BASELINES",
    "ENSEMBLE",
    "FORMAT_VERSION",
    "KINDS",
    "METRICS",
    "BacktestResult",
    "Kind",
    "LoadedOutcomes",
    "load_outcomes",
    "parse_outcomes",
    "register",
    "run_backtest",
]
