"""Uncertainty on every estimate: default ranges by confidence, and fragile decisions.

- :mod:`mlf.uncertainty.ranges`: every number a sweep varies (written ranges win; every other
  estimate gets a default range by its confidence code) and those it leaves fixed, with why.
- :mod:`mlf.uncertainty.fragile`: which inputs can flip each nation's decision to join, and
  agreement itself, one at a time over their own range (then pairs among the top inputs).
"""

from mlf.uncertainty.ranges import (
    HALF_WIDTH,
    Fixed,
    confidence_of,
    default_range,
    not_varied,
    sweep_inputs,
)

__all__ = [
    "HALF_WIDTH",
    "Fixed",
    "confidence_of",
    "default_range",
    "not_varied",
    "sweep_inputs",
]
