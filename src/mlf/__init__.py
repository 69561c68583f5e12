"""mlf: model the 1963 NATO Multilateral Force talks, and talks like them.

Who joins a shared arrangement, what its terms settle at, who pays, and who controls it.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("mlf")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0+unknown"

__all__ = ["__version__"]
