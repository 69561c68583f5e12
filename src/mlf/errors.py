"""Errors that mlf reports to a user as one line.

Every error a user can cause (a malformed scenario, an impossible rule, a wrong flag) is an
:class:`MlfError`. The CLI prints ``str(error)`` on one line and exits with ``error.exit_code``;
it never shows a traceback for these.
"""

from __future__ import annotations


class MlfError(Exception):
    """Base class of user-facing errors: the message is one line, the exit code is set."""

    exit_code: int = 1

    def __init__(self, message: str) -> None:
        super().__init__(" ".join(message.split()))


class UsageError(MlfError):
    """A wrong flag or argument value (exit code 2)."""

    exit_code = 2


class GameError(UsageError):
    """A malformed or impossible control rule (a game), e.g. a quota above the total weight.

    ``path`` is the rule field at fault (``rule.all[1].weighted.quota``) and ``reason`` the
    message without it, when the error belongs to a field; the message is then
    ``"<path>: <reason>"``.
    """

    def __init__(self, message: str, *, path: str | None = None) -> None:
        self.path = path
        self.reason = " ".join(message.split())
        super().__init__(f"{path}: {message}" if path else message)


class BargainingError(MlfError):
    """Inputs a negotiation model cannot use (e.g. a KTAB file breaking KTAB's own rules)."""


class ScenarioError(MlfError):
    """One located problem in a scenario file: ``FILE:LINE:COL: field.path: reason``."""

    def __init__(
        self,
        reason: str,
        *,
        file: str = "<scenario>",
        line: int | None = None,
        col: int | None = None,
        path: str = "",
    ) -> None:
        self.file = file
        self.line = line
        self.col = col
        self.path = path
        self.reason = " ".join(reason.split())
        where = file
        if line is not None:
            where += f":{line}"
            if col is not None:
                where += f":{col}"
        text = f"{where}: {path}: {self.reason}" if path else f"{where}: {self.reason}"
        super().__init__(text)


class ScenarioErrors(MlfError):
    """All the located problems found in one scenario file (each one line).

    Examples:
        >>> errors = ScenarioErrors([
        ...     ScenarioError("-1 is negative", file="s.yaml", line=8, path="actors.DE.gdp"),
        ...     ScenarioError("unknown field", file="s.yaml", line=9, col=5, path="actors.DE.gpd"),
        ... ])
        >>> str(errors)
        's.yaml:8: actors.DE.gdp: -1 is negative'
        >>> errors.lines()[1]
        's.yaml:9:5: actors.DE.gpd: unknown field'
    """

    def __init__(self, errors: list[ScenarioError]) -> None:
        self.errors = errors
        super().__init__("; ".join(str(e) for e in errors[:1]) if errors else "invalid scenario")

    def lines(self) -> list[str]:
        """One line per problem, in file order."""
        return [str(e) for e in self.errors]
