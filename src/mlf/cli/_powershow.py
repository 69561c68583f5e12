"""Printing the result of ``mlf power``: one JSON object, or the table and the lines under it.

The table is rich's (a ``rich.table.Table`` with its default heavy-head box). Importing rich
costs more than computing a small game, so when rich would print the table without wrapping
or substituting anything (a UTF-8 stream, a terminal that is not dumb or no terminal at all,
and only plain ASCII text that rich's markup and emoji codes leave alone), :func:`plain_text`
lays out the same characters itself, with rich's italic title and bold header codes on a
terminal; otherwise rich prints it.
tests/test_cli_power_fast.py compares both layouts byte for byte on many tables.
No numpy here: :mod:`mlf.cli._fastpower` prints through this module.
"""

from __future__ import annotations

import builtins
import itertools
import json
import os
import re
import sys
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from mlf._powercore import PowerResult

if TYPE_CHECKING:
    from rich.table import Table

LABELS = {
    "banzhaf": "Banzhaf",
    "banzhaf_absolute": "Penrose-Banzhaf",
    "shapley_shubik": "Shapley-Shubik",
    "johnston": "Johnston",
    "deegan_packel": "Deegan-Packel",
    "holler": "Holler",
    "coleman_prevent": "Coleman prevent",
    "coleman_initiate": "Coleman initiate",
}


def _count(x: int) -> str:
    """A count for the table: in full up to 30 digits, else ``about 1.2346e+3009`` (the exact
    number is in ``--json``)."""
    text = str(x)
    if len(text) <= 30:
        return text
    return f"about {text[0]}.{text[1:5]}e+{len(text) - 1}"


def _fmt(v: float | Fraction, exact: bool) -> str:
    if exact and isinstance(v, Fraction):
        return str(v)
    return f"{float(v):.6f}"


def _cells(result: PowerResult, exact: bool) -> tuple[str, list[str], list[list[str]]]:
    """The title, the column headers and the rows (player name first), unescaped."""
    names = list(result.indices)
    headers = ["player", *(LABELS.get(name, name) for name in names)]
    mc = result.montecarlo
    rows = []
    for p in result.players:
        cells = []
        for name in names:
            cell = _fmt(result.indices[name][p], exact)
            if mc is not None:
                cell += f" ± {mc.half_width(name, p):.4f}"
            cells.append(cell)
        rows.append([p, *cells])
    return f"Power indices ({result.method}: {result.algorithm})", headers, rows


def _extra(result: PowerResult, exact: bool) -> list[str]:
    """The lines under the table."""
    extra: dict[str, Any] = {
        "veto players": ", ".join(result.veto_players) or "none",
        "dummies": ", ".join(result.dummies) or "none",
    }
    if result.winning_coalitions is not None:
        extra["winning coalitions"] = (
            f"{_count(result.winning_coalitions)} of 2^{len(result.players)}"
        )
    if result.coleman_act is not None:
        extra["power to act (Coleman)"] = _fmt(result.coleman_act, exact)
    if result.minimal_winning_count is not None:
        extra["minimal winning coalitions"] = _count(result.minimal_winning_count)
    if result.montecarlo is not None:
        extra["Monte Carlo"] = (
            f"{result.montecarlo.samples} samples, seed {result.montecarlo.seed}, "
            "± = 95% confidence half-width"
        )
    for name, why in result.omitted.items():
        extra[f"left out: {name}"] = why
    return [f"{k}: {v}" for k, v in extra.items()]


def _table(result: PowerResult, exact: bool) -> Table:
    from rich.table import Table

    from mlf.cli._text import esc

    title, headers, rows = _cells(result, exact)
    table = Table(title=title)
    table.add_column(headers[0])
    for h in headers[1:]:
        table.add_column(h, justify="right")
    for row in rows:
        table.add_row(esc(row[0]), *row[1:])
    return table


def _needed(headers: list[str], rows: list[list[str]]) -> int:
    """Console width the table needs (as measured on the escaped cells), so rich never wraps."""
    widths = [len(h) for h in headers]
    for row in rows:
        for c, cell in enumerate(row):
            widths[c] = max(widths[c], len(cell))
    return 4 + sum(3 + w for w in widths)


def _is_terminal() -> bool:
    """rich's ``Console.is_terminal`` for stdout (``TTY_COMPATIBLE``, ``FORCE_COLOR``, isatty)."""
    env = os.environ
    compatible = env.get("TTY_COMPATIBLE", "")
    if compatible in ("0", "1"):
        return compatible == "1"
    force = env.get("FORCE_COLOR")
    if force is not None:
        return force != ""
    isatty = getattr(sys.stdout, "isatty", None)
    try:
        return False if isatty is None else bool(isatty())
    except ValueError:
        return False


def _console_mode() -> tuple[int, bool] | None:
    """(width, styled) as rich's Console() would print to stdout: the width from ``COLUMNS``
    or the terminal, and whether it writes the table's bold and italic codes (a terminal that
    is not dumb); None where rich must print (a dumb terminal, a non-UTF-8 stream, Windows,
    an IDLE or Jupyter shell)."""
    env = os.environ
    if sys.platform == "win32" or hasattr(builtins, "get_ipython"):
        return None
    if getattr(sys.stdin, "__module__", "").startswith("idlelib"):
        return None
    out = sys.stdout
    if not (getattr(out, "encoding", "utf-8") or "utf-8").lower().startswith("utf"):
        return None
    styled = _is_terminal()
    if styled and env.get("TERM", "").lower() in ("dumb", "unknown"):
        return None
    columns = env.get("COLUMNS")
    if columns is not None and columns.isdigit():
        return int(columns), styled
    width = None
    for fd in (0, 1, 2):  # rich asks stdin, stdout, stderr in turn
        try:
            width = os.get_terminal_size(fd)[0]
        except (AttributeError, ValueError, OSError):
            continue
        break
    return (width or 80), styled


def _plain(text: str) -> bool:
    """ASCII text that rich prints as it is: no markup tag, escape or emoji code possible."""
    return text.isascii() and text.isprintable() and not any(c in text for c in "[]\\")


def _wrap(text: str, width: int) -> list[str]:
    """``text`` cut into lines of at most ``width`` characters as rich wraps a table's title
    (rich.text.Text.wrap with rich._wrap.divide_line: greedy by words, a word longer than a
    line folded into pieces of ``width``), each line without its trailing spaces."""
    breaks: list[int] = []
    pos = 0
    for m in re.finditer(r"\s*\S+\s*", text):
        start, word = m.start(), m.group()
        length = len(word.rstrip())
        if width - pos >= length:
            pos += len(word)
        elif length > width:
            pieces = [word[i : i + width] for i in range(0, len(word), width)]
            for k, piece in enumerate(pieces):
                if start:
                    breaks.append(start)
                if k == len(pieces) - 1:
                    pos = len(piece)
                else:
                    start += len(piece)
        else:
            breaks.append(start)
            pos = len(word)
    cuts = [0, *breaks, len(text)]
    return [text[a:b].rstrip() for a, b in itertools.pairwise(cuts)]


def _centre(line: str, width: int) -> str:
    left = (width - len(line)) // 2
    return " " * left + line + " " * (width - len(line) - left)


def plain_text(result: PowerResult, exact: bool, width: int, styled: bool = False) -> str | None:
    """The table and the lines under it as rich prints them to a stream of ``width``
    columns (``styled``: a terminal, with rich's italic title and bold header codes), or None
    when rich's own layout is needed (wrapping, markup, emoji, non-ASCII)."""
    title, headers, rows = _cells(result, exact)
    width = max(width, _needed(headers, rows))
    lines = _extra(result, exact)
    texts = [*headers, *(c for row in rows for c in row)]
    if not all(_plain(t) and ":" not in t for t in texts):
        return None
    if not all(_plain(line) and line.count(":") <= 1 and len(line) <= width for line in lines):
        return None
    if not _plain(title) or title.count(":") > 1:
        return None
    widths = [len(h) for h in headers]
    for row in rows:
        for c, cell in enumerate(row):
            widths[c] = max(widths[c], len(cell))
    total = sum(widths) + 3 * len(widths) + 1

    def line(cells: list[str], edge: str, mid: str, bold: bool = False) -> str:
        parts = [
            (cell.ljust(w) if c == 0 else cell.rjust(w))
            for c, (cell, w) in enumerate(zip(cells, widths, strict=True))
        ]
        if bold:  # rich styles the padding and the text as separate segments
            b, e = "\x1b[1m", "\x1b[0m"
            return edge + mid.join(f"{b} {e}{b}{p}{e}{b} {e}" for p in parts) + edge
        return edge + mid.join(f" {p} " for p in parts) + edge

    def title_line(part: str) -> str:
        text = _centre(part, total)
        return f"\x1b[3m{text}\x1b[0m" if styled else text

    def rule(left: str, fill: str, mid: str, right: str) -> str:
        return left + mid.join(fill * (w + 2) for w in widths) + right

    out = [
        *(title_line(part) for part in _wrap(title, total)),
        rule("┏", "━", "┳", "┓"),
        line(headers, "┃", "┃", bold=styled),
        rule("┡", "━", "╇", "┩"),
        *(line(row, "│", "│") for row in rows),
        rule("└", "─", "┴", "┘"),
        *lines,
    ]
    return "\n".join(out) + "\n"


def render(result: PowerResult, exact: bool, as_json: bool) -> None:
    """Print the result: one JSON object, or the table and the lines under it."""
    if as_json:
        sys.stdout.write(json.dumps(result.to_dict()) + "\n")
        sys.stdout.flush()
        return
    mode = _console_mode()
    text = None if mode is None else plain_text(result, exact, *mode)
    if text is not None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    rich_render(result, exact)


def rich_render(result: PowerResult, exact: bool) -> None:
    """Print the table and the lines under it with rich (any stream, any text)."""
    from rich.console import Console

    console = Console()
    table = _table(result, exact)
    needed = 4 + sum(
        3 + max(len(str(c.header)), *(len(str(x)) for x in c._cells)) for c in table.columns
    )
    console.width = max(console.width, needed)
    console.print(table)
    for text in _extra(result, exact):
        console.print(text, highlight=False)
