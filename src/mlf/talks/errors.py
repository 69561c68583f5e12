"""The talks error: an alternative that cannot be analysed (one line in the result)."""

from __future__ import annotations

from mlf.errors import MlfError


class AnalysisError(MlfError):
    """An alternative that cannot be analysed (shown as one line in the result)."""
