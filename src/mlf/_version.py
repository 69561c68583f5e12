"""The version of mlf, in a leaf module.

Modules that record the version in their results import it from here rather than from the
package :mod:`mlf`, whose lazy facade imports those modules in turn (no import circle).

A literal, not ``importlib.metadata.version("mlf")``: reading the installed metadata costs
about 20 ms at every start of the command line (issue 12, ``mlf power`` start-up), and a
source tree has no metadata at all. tests/test_version.py keeps it equal to the ``version``
in pyproject.toml and to the installed distribution's metadata.
"""

from __future__ import annotations

__version__ = "0.1.0"
