"""``mlf report`` reads result files like any input: bounded, BOM accepted, every number
checked, one line naming the file and field (issue 11)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mlf.cli import app
from mlf.report import MAX_RESULT_BYTES, ReportError, load_result

MINIMAL = Path(__file__).parent / "data" / "result-minimal.json"
runner = CliRunner()


def _one_line(args: list[str]) -> str:
    res = runner.invoke(app, args)
    assert res.exit_code == 1, res.output
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in res.output, res.output
    return lines[0]


def test_a_bom_is_accepted(tmp_path: Path) -> None:
    f = tmp_path / "result.json"
    f.write_bytes(b"\xef\xbb\xbf" + MINIMAL.read_bytes())
    assert load_result(f)["manifest"]["mlf_version"]
    res = runner.invoke(app, ["report", str(f), "--format", "md"])
    assert res.exit_code == 0, res.output


def test_a_5000_digit_number_names_the_file_and_field(tmp_path: Path) -> None:
    data = json.loads(MINIMAL.read_text(encoding="utf-8"))
    text = json.dumps(data).replace('"support": ', '"support": ' + "1" * 5000 + ", \"x\": ", 1)
    f = tmp_path / "result.json"
    f.write_text(text, encoding="utf-8")
    line = _one_line(["report", str(f)])
    assert line.startswith(f"error: {f}: alternatives[0].support: 111111111111...111111 is an ")
    assert "5000 digits" in line
    f.write_text(text.replace("1" * 5000, "0." + "1" * 5000), encoding="utf-8")
    line = _one_line(["report", str(f)])
    assert "alternatives[0].support" in line and "more digits than a float holds" in line
    f.write_text(text.replace("1" * 5000, "1e999"), encoding="utf-8")
    assert "beyond the range of a float" in _one_line(["report", str(f)])
    f.write_text(text.replace("1" * 5000, "NaN"), encoding="utf-8")
    assert "NaN is not a number JSON allows" in _one_line(["report", str(f)])


def test_size_is_bounded_before_reading(tmp_path: Path) -> None:
    f = tmp_path / "huge.json"
    with f.open("wb") as fh:  # sparse: no disk used, but the size is above the limit
        fh.truncate(MAX_RESULT_BYTES + 1)
    t0 = time.perf_counter()
    line = _one_line(["report", str(f)])
    assert time.perf_counter() - t0 < 5
    assert line == (
        f"error: {f}: file is 64.0 MiB, above the 64 MiB limit for result files "
        "(mlf.report.MAX_RESULT_BYTES)"
    )


def test_devices_directories_deep_nesting(tmp_path: Path) -> None:
    link = tmp_path / "zero.json"
    link.symlink_to("/dev/zero")
    assert _one_line(["report", str(link)]) == (
        f"error: {link}: is a symbolic link to a character device, not a result file"
    )
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    assert "nested too deeply" in _one_line(["report", str(deep)])
    with pytest.raises(ReportError, match="not UTF-8"):
        bad = tmp_path / "latin.json"
        bad.write_bytes(b'{"a": "\xff"}')
        load_result(bad)
