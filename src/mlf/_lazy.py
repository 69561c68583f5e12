"""A module imported on first use, so that start-up paths which never touch it do not pay for it.

``mlf check`` validates control rules with :mod:`mlf.games`' rule grammar, which is pure
Python; only the games themselves (winning coalitions as bit masks) need numpy, whose import
is about a third of that command's start-up. :mod:`mlf.games` therefore names numpy through
a :class:`LazyModule`: the first attribute read imports numpy, and later reads are ordinary
attribute lookups (each attribute is copied onto the stand-in when first read), so the
games' hot paths pay nothing after the first call.
"""

from __future__ import annotations

import importlib
import types
from typing import Any

__all__ = ["LazyModule"]


class LazyModule(types.ModuleType):
    """Stands for the module ``name`` until an attribute is read, then imports it.

    Not entered in ``sys.modules``: the real module appears there only once it is imported.

    >>> m = LazyModule("fractions")
    >>> m.Fraction(1, 2)
    Fraction(1, 2)
    >>> "Fraction" in vars(m)  # copied: the next read is a plain attribute lookup
    True
    """

    def __getattr__(self, attr: str) -> Any:
        # Only called for attributes this object does not have yet.
        value = getattr(importlib.import_module(self.__name__), attr)
        setattr(self, attr, value)
        return value
