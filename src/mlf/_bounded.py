"""Bounded reads of input files: the size is checked before a byte is read.

Every input file mlf reads (a scenario, a KTAB CSV file, a result or sweep summary, a YAML
game file) is read through :func:`read_bounded` (bytes) or :func:`read_text` (UTF-8 text):

* what the path names is checked first (``stat``, following symbolic links): a directory, a
  character or block device (``/dev/zero``), a FIFO or a socket, or a symbolic link to any
  of these, is refused at once, before it is opened, so nothing blocks or streams forever;
* a regular file larger than the caller's limit is refused before it is read, with the
  limit's name in the message (each limit is documented in README.md and docs/limits.md);
* the file is then opened without blocking, checked again on the open descriptor (a file
  swapped for a FIFO or device in between is still refused), and at most ``limit + 1``
  bytes are read, so a file that grows meanwhile is still bounded;
* text is UTF-8 (a leading byte-order mark is dropped, as editors on Windows write one); a
  NUL byte, UTF-16 text or an undecodable byte is one located line, ``FILE:LINE:COL``.

Every problem is an :class:`InputFileError` (exit code 1): one line naming the file and the
reason. Pure I/O helpers, no printing.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from mlf.errors import ScenarioError

__all__ = [
    "InputFileError",
    "decode_text",
    "read_bounded",
    "read_text",
    "shown_text",
    "size_text",
    "unwritable",
]

_CHUNK = 1 << 16


class InputFileError(ScenarioError):
    """An input file that cannot be read as one: missing, not a regular file, too big, or
    not UTF-8 text (``FILE[:LINE:COL]: reason``, exit code 1)."""


def size_text(n: int) -> str:
    """A byte count for people: ``812 bytes``, ``64 KiB``, ``1.7 MiB``, ``2.0 GiB``."""
    if n < 1024:
        return f"{n} bytes"
    for unit, scale in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if n >= scale:
            value = n / scale
            return f"{value:.0f} {unit}" if value == int(value) else f"{value:.1f} {unit}"
    raise AssertionError("unreachable")  # pragma: no cover


def _kind(mode: int) -> str | None:
    """What a non-regular file is, in words (None for a regular file)."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _too_big(size: int, limit: int, what: str, limit_name: str, file: str) -> InputFileError:
    return InputFileError(
        f"file is {size_text(size)}, above the {size_text(limit)} limit for {what} files "
        f"({limit_name})",
        file=file,
    )


def read_bounded(path: str | Path, *, limit: int, what: str, limit_name: str) -> bytes:
    """The bytes of the regular file ``path``, refusing anything else before reading it.

    Args:
        path: the file (a symbolic link is followed, and refused if it leads to a directory,
            device, FIFO or socket).
        limit: the largest size accepted, in bytes.
        what: the kind of file, for messages ("KTAB", "result", "scenario").
        limit_name: the documented name of the limit, e.g. ``mlf.report.MAX_RESULT_BYTES``.

    Raises:
        InputFileError: one line naming the file and the reason.
    """
    file = str(path)
    try:
        link = stat.S_ISLNK(os.lstat(path).st_mode)
    except FileNotFoundError:
        raise InputFileError("no such file", file=file) from None
    except OSError as exc:
        raise InputFileError(f"cannot read: {exc.strerror or exc}", file=file) from None
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise InputFileError(
            "a symbolic link to a file that does not exist" if link else "no such file", file=file
        ) from None
    except OSError as exc:
        raise InputFileError(f"cannot read: {exc.strerror or exc}", file=file) from None
    kind = _kind(st.st_mode)
    if kind is not None:
        via = "a symbolic link to " if link else ""
        raise InputFileError(f"is {via}{kind}, not a {what} file", file=file)
    if st.st_size > limit:
        raise _too_big(st.st_size, limit, what, limit_name, file)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise InputFileError(f"cannot read: {exc.strerror or exc}", file=file) from None
    try:
        kind = _kind(os.fstat(fd).st_mode)
        if kind is not None:  # swapped between the two checks
            raise InputFileError(f"is {kind}, not a {what} file", file=file)
        chunks: list[bytes] = []
        got = 0
        while got <= limit:
            chunk = os.read(fd, min(_CHUNK, limit + 1 - got))
            if not chunk:
                break
            chunks.append(chunk)
            got += len(chunk)
    except OSError as exc:
        raise InputFileError(f"cannot read: {exc.strerror or exc}", file=file) from None
    finally:
        os.close(fd)
    if got > limit:
        raise _too_big(got, limit, what, limit_name, file)
    return b"".join(chunks)


def _byte_pos(data: bytes, at: int) -> tuple[int, int]:
    line = data.count(b"\n", 0, at) + 1
    return line, at - (data.rfind(b"\n", 0, at) + 1) + 1


def decode_text(data: bytes, file: str, what: str) -> str:
    """``data`` as UTF-8 text (a byte-order mark dropped), or one located line.

    Raises:
        InputFileError: UTF-16 text, a NUL byte (a binary file) or an undecodable byte.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputFileError(
            f"UTF-16 text: save the {what} file as UTF-8", file=file, line=1, col=1
        )
    nul = data.find(b"\x00")
    if nul >= 0:
        line, col = _byte_pos(data, nul)
        raise InputFileError(
            f"binary file (a NUL byte): not a {what} file", file=file, line=line, col=col
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line, col = _byte_pos(data, exc.start)
        raise InputFileError(
            f"not UTF-8 text (byte 0x{data[exc.start]:02x})", file=file, line=line, col=col
        ) from None


def read_text(path: str | Path, *, limit: int, what: str, limit_name: str) -> str:
    """:func:`read_bounded`, then :func:`decode_text`."""
    return decode_text(
        read_bounded(path, limit=limit, what=what, limit_name=limit_name), str(path), what
    )


def unwritable(text: str) -> str | None:
    r"""Why ``text`` cannot be written as UTF-8, or None when it can.

    Text decoded from UTF-8 bytes always can; but YAML and JSON escapes (``"\ud800"``) can
    put a *surrogate* (U+D800 to U+DFFF, half of a UTF-16 pair, not a character) into a
    string, and such a string fails only later, when a table, report or result is written.
    Readers call this on every string they take in, so that the file is refused in one line
    naming the field. A well-formed pair written as two escapes (as JSON writes U+1F600,
    ``"\ud83d\ude00"``) is refused too, with the one escape to write instead: YAML's ``\u``
    escapes one character each (YAML 1.2, section 5.7), and guessing would make the two
    readers of a scenario disagree.

    Examples:
        >>> unwritable("Bundesrepublik") is None
        True
        >>> print(unwritable("Lead\ud800er"))
        a lone surrogate \ud800 (character 5) is not a character and cannot be written as UTF-8
        >>> print(unwritable("smile \ud83d\ude00"))  # doctest: +NORMALIZE_WHITESPACE
        the surrogate pair \ud83d\ude00 (character 7) cannot be written as UTF-8:
        write U+1F600 as one escape, \U0001f600
    """
    if text.isascii():
        return None
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        at = exc.start
    else:
        return None
    hi = ord(text[at])
    lo = ord(text[at + 1]) if at + 1 < len(text) else 0
    if 0xD800 <= hi <= 0xDBFF and 0xDC00 <= lo <= 0xDFFF:
        point = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
        return (
            f"the surrogate pair \\u{hi:04x}\\u{lo:04x} (character {at + 1}) cannot be written "
            f"as UTF-8: write U+{point:04X} as one escape, \\U{point:08x}"
        )
    return (
        f"a lone surrogate \\u{hi:04x} (character {at + 1}) is not a character and cannot be "
        f"written as UTF-8"
    )


def shown_text(text: str) -> str:
    r"""``text`` with anything UTF-8 cannot hold written as a ``\uXXXX`` escape, for a message
    that names a field whose key is such text (see :func:`unwritable`).

    Examples:
        >>> print(shown_text("A\udc80B"))
        A\udc80B
    """
    if unwritable(text) is None:
        return text
    return text.encode("utf-8", "backslashreplace").decode("utf-8")
