"""Registry of negotiation models by name."""

from __future__ import annotations

from mlf.bargaining.base import Model
from mlf.bargaining.bdm import BDM
from mlf.bargaining.simple import COMPROMISE, MEDIAN, NASH
from mlf.bargaining.smp import SMP

MODELS: dict[str, Model] = {m.name: m for m in (COMPROMISE, MEDIAN, NASH, BDM, SMP)}
