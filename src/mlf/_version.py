"""The installed version of mlf, in a leaf module.

Modules that record the version in their results import it from here rather than from the
package :mod:`mlf`, whose lazy facade imports those modules in turn (no import circle).
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("mlf")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0+unknown"
