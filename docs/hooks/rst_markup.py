"""MkDocs hook: show the reStructuredText markup of mlf's docstrings as plain text.

The docstrings (rendered by mkdocstrings as Markdown) use a few reStructuredText forms that
read well in the source and in ``help()``: roles (``:func:`x```), footnote references
(``[1]_``), footnote targets (``.. [1]``) and simple tables (rows between lines of ``===``).
On the site these become the plain name in code type, ``[1]``, ``[1]``, and the table as
preformatted text with its columns aligned.
"""

from __future__ import annotations

import re
from typing import Any

_ROLE = re.compile(r":(?:class|func|meth|mod|data|attr|exc|obj):(?=<code>)")
_FOOTNOTE_REF = re.compile(r"\[(\d+)\]_")
_FOOTNOTE_TARGET = re.compile(r"(^|\n|>)\.\. \[(\d+)\]")
_SIMPLE_TABLE = re.compile(r"<p>(=[= ]+\n(?:(?!</p>).)*\n=[= ]+)</p>", re.DOTALL)


def on_page_content(html: str, **_: Any) -> str:
    html = _ROLE.sub("", html)
    html = _FOOTNOTE_REF.sub(r"[\1]", html)
    html = _FOOTNOTE_TARGET.sub(r"\1[\2]", html)
    return _SIMPLE_TABLE.sub(r"<pre>\1</pre>", html)
