"""``mlf.__version__`` is a literal (cheap start-up); it must match pyproject.toml and the
installed distribution, so a release that bumps one and forgets the other fails here."""

from __future__ import annotations

import tomllib
from importlib.metadata import version
from pathlib import Path

import mlf
from mlf._version import __version__

ROOT = Path(__file__).resolve().parents[1]


def test_version_literal_matches_pyproject() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    assert __version__ == project["version"]
    assert mlf.__version__ == __version__


def test_version_literal_matches_installed_metadata() -> None:
    assert version("mlf") == __version__
