"""The console script's entry point: usage errors are one line with exit code 2."""

from __future__ import annotations

import sys

import pytest

from mlf.cli import main


def run_main(monkeypatch: pytest.MonkeyPatch, *args: str) -> int:
    monkeypatch.setattr(sys, "argv", ["mlf", *args])
    with pytest.raises(SystemExit) as info:
        main()
    code = info.value.code
    return code if isinstance(code, int) else 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["run", "mlf-1963", "--bogus"], "error: No such option: --bogus"),
        (["power"], "error: Missing argument 'game'."),
        (["sweep", "mlf-1963", "--draws", "abc"], "error: Invalid value for '--draws'"),
        (["nosuchcommand"], "error: No such command 'nosuchcommand'"),
    ],
)
def test_usage_errors_are_one_line(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    message: str,
) -> None:
    assert run_main(monkeypatch, *args) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(message), err
    assert "--help')" in err[0]


def test_exit_codes_pass_through(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_main(monkeypatch, "--version") == 0
    assert capsys.readouterr().out.startswith("mlf ")
    assert run_main(monkeypatch, "check", "no-such-scenario") == 1
    assert run_main(monkeypatch, "check", "mlf-1963") == 0
    assert run_main(monkeypatch, "power", "[5; 1, 1]") == 2
    assert "quota 5 exceeds the total weight 2" in capsys.readouterr().err
