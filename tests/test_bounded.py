"""Bounded reads (mlf._bounded): refuse what is not a small regular text file, early."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from mlf._bounded import InputFileError, decode_text, read_bounded, read_text, size_text

LIMIT = dict(limit=1000, what="test", limit_name="TEST_LIMIT")


def test_reads_a_small_regular_file(tmp_path: Path) -> None:
    f = tmp_path / "a.txt"
    f.write_bytes(b"hello\n")
    assert read_bounded(f, **LIMIT) == b"hello\n"
    # a symbolic link to a regular file is followed
    link = tmp_path / "link.txt"
    link.symlink_to(f)
    assert read_text(link, **LIMIT) == "hello\n"


def test_a_file_at_the_limit_is_read_and_one_byte_more_is_refused(tmp_path: Path) -> None:
    f = tmp_path / "a.txt"
    f.write_bytes(b"x" * 1000)
    assert len(read_bounded(f, **LIMIT)) == 1000
    f.write_bytes(b"x" * 1001)
    with pytest.raises(InputFileError) as err:
        read_bounded(f, **LIMIT)
    assert (
        str(err.value)
        == f"{f}: file is 1001 bytes, above the 1000 bytes limit for test files (TEST_LIMIT)"
    )


def test_missing_file_and_broken_link(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="no such file"):
        read_bounded(tmp_path / "nope", **LIMIT)
    link = tmp_path / "broken"
    link.symlink_to(tmp_path / "nope")
    with pytest.raises(InputFileError, match="symbolic link to a file that does not exist"):
        read_bounded(link, **LIMIT)


def test_directory_refused(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="is a directory, not a test file"):
        read_bounded(tmp_path, **LIMIT)


def test_symlink_to_dev_zero_refused_at_once(tmp_path: Path) -> None:
    link = tmp_path / "zero.csv"
    link.symlink_to("/dev/zero")
    t0 = time.perf_counter()
    with pytest.raises(InputFileError) as err:
        read_bounded(link, **LIMIT)
    assert time.perf_counter() - t0 < 1.0
    assert "is a symbolic link to a character device" in str(err.value)
    with pytest.raises(InputFileError, match="is a character device"):
        read_bounded("/dev/zero", **LIMIT)


def test_fifo_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(InputFileError, match="FIFO"):
        read_bounded(fifo, **LIMIT)


def test_decode_text_bom_utf16_nul_bad_byte() -> None:
    assert decode_text(b"\xef\xbb\xbfabc", "f", "test") == "abc"
    with pytest.raises(InputFileError, match=r"^f:1:1: UTF-16 text"):
        decode_text(b"\xff\xfea\x00", "f", "test")
    with pytest.raises(InputFileError, match=r"^f:2:3: binary file \(a NUL byte\)"):
        decode_text(b"ab\ncd\x00", "f", "test")
    with pytest.raises(InputFileError, match=r"^f:2:1: not UTF-8 text \(byte 0xff\)"):
        decode_text(b"ab\n\xffcd", "f", "test")


def test_size_text() -> None:
    assert size_text(812) == "812 bytes"
    assert size_text(64 * 1024) == "64 KiB"
    assert size_text(int(1.7 * 2**20)) == "1.7 MiB"
    assert size_text(2**31) == "2 GiB"


def test_errors_are_exit_code_one() -> None:
    assert InputFileError("x", file="f").exit_code == 1
