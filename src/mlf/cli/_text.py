"""Text from inputs, made safe to print: control characters shown, rich markup escaped.

A scenario's titles, ids and notes, a KTAB file's names, a result's texts and file names
from the command line are data. Printed raw, an ESC sequence in a title would drive the
terminal (clear it, retitle the window, hide text), and a title such as ``[/dim] x`` would be
read as rich markup (and crash the table it sits in). So every such text goes through
:func:`visible` before it is printed plainly, or :func:`esc` before it goes into anything
rich renders (``console.print``, table cells and titles).

:func:`visible` replaces each C0 and C1 control character (except tab and newline), DEL,
and the Unicode bidirectional overrides (U+202A-U+202E, U+2066-U+2069, which reorder what is
shown) by its escape, e.g. ``\\x1b``: the text stays readable and nothing reaches the
terminal as a command. :func:`esc` adds rich's own escaping of ``[``
(:func:`rich.markup.escape`).
"""

from __future__ import annotations

import re

__all__ = ["esc", "visible"]

_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _shown(m: re.Match[str]) -> str:
    o = ord(m.group())
    return f"\\x{o:02x}" if o < 0x100 else f"\\u{o:04x}"


def visible(text: object, *, one_line: bool = False) -> str:
    """``str(text)`` with control characters replaced by their escapes (``\\x1b``).

    ``one_line``: newlines and tabs are escaped too (for texts inside a one-line message).
    """
    s = _CONTROL.sub(_shown, str(text))
    if one_line:
        s = s.replace("\n", "\\n").replace("\t", "\\t")
    return s


def esc(text: object) -> str:
    """:func:`visible`, then escaped for rich markup: safe in ``console.print`` and tables."""
    from rich.markup import escape  # here, not at the top: `mlf check` needs no rich

    return escape(visible(text))
