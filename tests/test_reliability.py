"""Nothing lost, nothing mixed: full disks, read-only folders, two writers at once, damaged chunks,
Ctrl-C and sizes beyond the limits, for `mlf run --out` and `mlf sweep` (issue 11).

The full-disk tests mount a small tmpfs (this needs root, as on CI); where mounting is impossible
they fail with the reason, never skip. Deterministic versions with an injected ENOSPC live in
tests/test_atomic.py.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from mlf.cli import app
from mlf.sensitivity.sweep import chunk_name, read_manifest

MINI = str(Path(__file__).parent / "data" / "sweep-mini.yaml")
runner = CliRunner()
SWEEP = ["--draws", "24", "--chunk-size", "3", "--seed", "5", "--executor", "serial"]


def _cli(*args: str) -> tuple[int, str]:
    res = runner.invoke(app, list(args))
    return res.exit_code, res.output


def _one_line(code: int, text: str, want_code: int, pattern: str) -> str:
    assert code == want_code, text
    lines = [ln for ln in text.splitlines() if ln.strip()]
    assert len(lines) == 1, text
    assert re.search(pattern, lines[0]), text
    assert "Traceback" not in text
    return lines[0]


def _listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# --------------------------------------------------------------------------- a small file system


class SmallFs:
    """A tmpfs mounted for one test; ``resize`` remounts it with another size."""

    def __init__(self, where: Path) -> None:
        self.path = where
        self.mounted = False

    def _mount(self, options: str) -> None:
        if os.geteuid() != 0:
            pytest.fail("the full-disk tests mount a tmpfs and need root (CI runs as root)")
        proc = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(self.path)],
                              capture_output=True, text=True)
        if proc.returncode != 0:
            pytest.fail(f"cannot mount a tmpfs for the full-disk test: {proc.stderr.strip()}")

    def mount(self, size: str, *, read_only: bool = False) -> Path:
        self._mount(f"size={size}" + (",ro" if read_only else ""))
        self.mounted = True
        return self.path

    def resize(self, size: str) -> None:
        self._mount(f"remount,size={size}")

    def umount(self) -> None:
        if self.mounted:
            subprocess.run(["umount", "-l", str(self.path)], check=False)
            self.mounted = False


@pytest.fixture
def small_fs(tmp_path: Path) -> Iterator[SmallFs]:
    where = tmp_path / "mnt"
    where.mkdir()
    fs = SmallFs(where)
    try:
        yield fs
    finally:
        fs.umount()


@pytest.fixture(scope="module")
def reference_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("ref") / "run"
    code, text = _cli("run", MINI, "--out", str(out))
    assert code == 0, text
    return out


@pytest.fixture(scope="module")
def reference_sweep(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("ref") / "sweep"
    code, text = _cli("sweep", MINI, *SWEEP, "--out", str(out))
    assert code == 0, text
    return out


def _summary(folder: Path) -> Any:
    return json.loads((folder / "summary.json").read_text())


# --------------------------------------------------------------------------- mlf run --out


@pytest.fixture
def no_computation(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if the talks start: --out problems must be found before any work.

    ``mlf run`` reaches the talks through :func:`mlf.ensemble.run_models`, and mlf.ensemble
    binds ``run_scenario`` when it is first imported. So both modules are imported before the
    patch and the name is patched in each: patching mlf.talks alone missed an mlf.ensemble
    imported earlier (the guard did nothing), and, when this was the first test to run the
    CLI, leaked ``forbidden`` into the mlf.ensemble it imported, failing every later run of
    the module (``pytest tests/test_reliability.py`` alone)."""
    import mlf.ensemble
    import mlf.talks

    def forbidden(*a: object, **k: object) -> None:
        raise AssertionError("computation started before --out was checked")

    monkeypatch.setattr(mlf.talks, "run_scenario", forbidden)
    monkeypatch.setattr(mlf.ensemble, "run_scenario", forbidden)


@pytest.mark.usefixtures("no_computation")
def test_the_no_computation_guard_stops_a_run(tmp_path: Path) -> None:
    res = runner.invoke(app, ["run", MINI, "--out", str(tmp_path / "out")])
    assert isinstance(res.exception, AssertionError), res.output
    assert "computation started" in str(res.exception)


@pytest.mark.usefixtures("no_computation")
def test_run_out_is_a_file(tmp_path: Path) -> None:
    f = tmp_path / "result.json"
    f.write_text("keep me")
    code, text = _cli("run", MINI, "--out", str(f))
    _one_line(code, text, 2, rf"^error: --out {re.escape(str(f))}: is a file, not a folder$")
    assert f.read_text() == "keep me"


@pytest.mark.usefixtures("no_computation")
def test_run_out_read_only(small_fs: SmallFs) -> None:
    ro = small_fs.mount("1m", read_only=True)
    code, text = _cli("run", MINI, "--out", str(ro))
    _one_line(code, text, 2, "cannot write there: Read-only file system")
    code, text = _cli("run", MINI, "--out", str(ro / "new"))
    _one_line(code, text, 2, "cannot create .*new: Read-only file system")
    code, text = _cli("sweep", MINI, *SWEEP, "--out", str(ro / "sweep"))
    _one_line(code, text, 2, "Read-only file system")


def test_run_on_a_full_disk_leaves_nothing_then_reruns_identically(
    small_fs: SmallFs, reference_run: Path
) -> None:
    mnt = small_fs.mount("256k")  # result.json fits, the report (megabytes) does not
    out = mnt / "out"
    code, text = _cli("run", MINI, "--out", str(out))
    _one_line(code, text, 1, rf"^error: {re.escape(str(out))}/report\.html: cannot write: "
              "No space left on device$")
    assert _listing(mnt) == []  # neither file, no temporary, no lock; the new folder removed
    small_fs.resize("64m")
    code, text = _cli("run", MINI, "--out", str(out))
    assert code == 0, text
    assert _listing(out) == ["report.html", "result.json"]
    assert (out / "result.json").read_bytes() == (reference_run / "result.json").read_bytes()


def test_a_second_run_into_a_locked_folder_is_refused(tmp_path: Path) -> None:
    from mlf._atomic import OutputLock

    with OutputLock(tmp_path, command="mlf sweep --draws 9"):
        code, text = _cli("run", MINI, "--out", str(tmp_path))
        _one_line(code, text, 2, rf"in use by another mlf writer, pid {os.getpid()} .*"
                  r"\(mlf sweep --draws 9\)")
    assert _listing(tmp_path) == []


# --------------------------------------------------------------------------- sweeps


def test_sweep_on_a_full_disk_then_resume(small_fs: SmallFs, reference_sweep: Path) -> None:
    mnt = small_fs.mount("96k")  # the manifest and a few chunks fit, not all eight
    out = mnt / "sweep"
    code, text = _cli("sweep", MINI, *SWEEP, "--out", str(out))
    # the sweep started (its few-draws warning, issue 13) and then met the full disk
    assert text.startswith("warning: ") and "draws for" in text.splitlines()[0]
    text = "\n".join(text.splitlines()[1:])
    _one_line(code, text, 1, r"cannot write: No space left on device$")
    names = _listing(out)
    assert "manifest.json" in names and "mlf.lock" not in names
    assert not [n for n in names if n.startswith(".")], names  # no temporary file
    assert "chunk-000007.parquet" not in names and "summary.json" not in names
    small_fs.resize("64m")
    code, text = _cli("sweep", "--resume", str(out), "--executor", "serial")
    assert code == 0, text
    assert _summary(out) == _summary(reference_sweep)
    assert json.loads((out / "result.json").read_text()) == json.loads(
        (reference_sweep / "result.json").read_text()
    )


def test_corrupted_and_swapped_chunks_are_redone(reference_sweep: Path, tmp_path: Path) -> None:
    out = tmp_path / "damaged"
    shutil.copytree(reference_sweep, out)
    (out / "summary.json").unlink()
    c1 = out / chunk_name(1)
    raw = bytearray(c1.read_bytes())
    for k in range(len(raw) // 3, len(raw) // 3 + 64):  # flip bytes inside the file
        raw[k] ^= 0xFF
    c1.write_bytes(bytes(raw))
    shutil.copyfile(out / chunk_name(2), out / chunk_name(4))  # a chunk copied over another
    # summarising the damaged folder is one line naming the chunk, never a duckdb traceback
    from mlf.errors import MlfError
    from mlf.sensitivity import summarise

    with pytest.raises(MlfError, match=r"chunk-000001\.parquet: content differs .*--resume"):
        summarise(out)
    code, text = _cli("sweep", "--resume", str(out), "--executor", "serial")
    assert code == 0, text
    flat = " ".join(text.split())
    assert "redid chunk 1: content differs from the manifest's SHA-256" in flat
    assert "redid chunk 4: content differs from the manifest's SHA-256" in flat
    assert "6 finished chunks kept" in flat
    assert _summary(out) == _summary(reference_sweep)
    for c in range(8):
        assert (out / chunk_name(c)).read_bytes() == (reference_sweep / chunk_name(c)).read_bytes()


def test_unreadable_and_unrecorded_chunks_are_redone(
    reference_sweep: Path, tmp_path: Path
) -> None:
    out = tmp_path / "odd"
    shutil.copytree(reference_sweep, out)
    man = read_manifest(out)
    # a chunk truncated to garbage whose hash was also rewritten: caught by reading it
    import hashlib

    (out / chunk_name(3)).write_bytes(b"PAR1 not really")
    man["done"]["3"]["sha256"] = hashlib.sha256(b"PAR1 not really").hexdigest()
    del man["done"]["5"]  # written but never recorded (killed before the manifest)
    (out / "manifest.json").write_text(json.dumps(man))
    code, text = _cli("sweep", "--resume", str(out), "--executor", "serial")
    assert code == 0, text
    flat = " ".join(text.split())
    assert "redid chunk 3: unreadable Parquet" in flat
    assert "redid chunk 5: not recorded in the manifest" in flat
    assert _summary(out) == _summary(reference_sweep)


def test_resume_refuses_a_manifest_that_does_not_match(
    reference_sweep: Path, tmp_path: Path
) -> None:
    out = tmp_path / "edited"
    shutil.copytree(reference_sweep, out)
    man = read_manifest(out)
    man["chunks"] = 99
    (out / "manifest.json").write_text(json.dumps(man))
    code, text = _cli("sweep", "--resume", str(out), "--executor", "serial")
    _one_line(code, text, 2, r"manifest\.json: chunks is 99, but this scenario and command give 8")
    code, text = _cli("sweep", "--resume", str(reference_sweep), "--seed", "6")
    _one_line(code, text, 2, "--seed 6 differs from the sweep's 5")
    code, text = _cli("sweep", "--resume", str(reference_sweep), "--sampling", "lhs")
    _one_line(code, text, 2, "--sampling lhs differs from the sweep's random")


def _sweep_child(out: str, seed: int, barrier: Any, results: Any) -> None:
    barrier.wait()
    res = CliRunner().invoke(app, ["sweep", MINI, "--draws", "6", "--chunk-size", "3",
                                   "--seed", str(seed), "--executor", "serial", "--out", out])
    results.put((seed, res.exit_code, res.output))


def test_two_sweeps_at_once_one_is_refused_every_time(tmp_path: Path) -> None:
    refs: dict[int, Any] = {}
    for seed in (1, 2):
        ref = tmp_path / f"ref{seed}"
        code, text = _cli("sweep", MINI, "--draws", "6", "--chunk-size", "3", "--seed", str(seed),
                          "--executor", "serial", "--out", str(ref))
        assert code == 0, text
        refs[seed] = _summary(ref)
    ctx = multiprocessing.get_context("fork")
    lock_refusals = 0
    for k in range(20):
        out = tmp_path / f"race{k}"
        barrier = ctx.Barrier(2)
        results = ctx.Queue()
        procs = [ctx.Process(target=_sweep_child, args=(str(out), s, barrier, results))
                 for s in (1, 2)]
        for p in procs:
            p.start()
        got = [results.get(timeout=120) for _ in procs]
        for p in procs:
            p.join(timeout=60)
        ok = [g for g in got if g[1] == 0]
        refused = [g for g in got if g[1] != 0]
        assert len(ok) == 1 and len(refused) == 1, got
        line = _one_line(refused[0][1], refused[0][2], 2,
                         r"in use by another mlf writer, pid \d+|already holds a sweep")
        lock_refusals += "in use by another mlf writer" in line
        winner = ok[0][0]
        assert read_manifest(out)["seed"] == winner
        assert _summary(out) == refs[winner]
        assert "mlf.lock" not in _listing(out)
    assert lock_refusals >= 1  # the race really happened (the rest met the finished sweep)


def test_sweep_sizes_are_checked_before_any_folder(tmp_path: Path) -> None:
    out = tmp_path / "never"
    t0 = time.monotonic()
    code, text = _cli("sweep", MINI, "--draws", "1000000000000", "--out", str(out))
    _one_line(code, text, 2, r"--draws 1,000,000,000,000 is over the limit of 10,000,000")
    code, text = _cli("sweep", MINI, "--sampling", "lhs", "--draws", "1000000000",
                      "--out", str(out))
    _one_line(code, text, 2, "over the limit")
    code, text = _cli("sweep", MINI, "--draws", "10000000", "--chunk-size", "1",
                      "--out", str(out))
    _one_line(code, text, 2, r"makes 10,000,000 chunks, over the limit of 100,000 \(MAX_CHUNKS\)")
    code, text = _cli("sweep", MINI, "--draws", "100", "--chunk-size", "100000",
                      "--out", str(out))
    _one_line(code, text, 2, r"over the limit of 10,000 draws per chunk \(MAX_CHUNK_SIZE\)")
    code, text = _cli("sweep", MINI, "--draws", "5", "--seed", "-1", "--out", str(out))
    _one_line(code, text, 2, r"--seed must be a non-negative integer below 2\*\*64, got -1")
    code, text = _cli("run", MINI, "--seed", "-1", "--out", str(out))
    _one_line(code, text, 2, r"--seed must be a non-negative integer below 2\*\*64, got -1")
    assert time.monotonic() - t0 < 30
    assert not out.exists()


def test_memory_estimate_refuses_lhs_beyond_available_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mlf.sensitivity import limits

    monkeypatch.setattr(limits, "available_memory", lambda: 2 * 10**9)
    out = tmp_path / "never"
    code, text = _cli("sweep", MINI, "--sampling", "lhs", "--draws", "9000000",
                      "--executor", "serial", "--out", str(out))
    _one_line(code, text, 2, r"needs about [\d.,]+ GB of memory \(mostly the \w+\), over 50% "
              r"of the 2\.0 GB available \(MEMORY_FRACTION\)")
    assert not out.exists()


def test_ctrl_c_leaves_a_consistent_resumable_folder(
    reference_sweep: Path, tmp_path: Path
) -> None:
    out = tmp_path / "int"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    cmd = [sys.executable, "-c", "from mlf.cli import main; main()", "sweep", MINI,
           "--draws", "24", "--chunk-size", "3", "--seed", "5", "--executor", "serial",
           "--out", str(out)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env)
    deadline = time.monotonic() + 120
    while not (out / chunk_name(1)).exists():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.01)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    if proc.returncode == 0:  # finished before the signal landed: nothing to check
        pytest.fail("the sweep finished before Ctrl-C; make it longer")
    assert proc.returncode == 130, err
    assert "continue with mlf sweep --resume" in err and "Traceback" not in err
    names = _listing(out)
    assert "mlf.lock" not in names and not [n for n in names if n.startswith(".")], names
    man = read_manifest(out)
    for key in man["done"]:  # every recorded chunk is on disk
        assert (out / chunk_name(int(key))).is_file()
    code, text = _cli("sweep", "--resume", str(out), "--executor", "serial")
    assert code == 0, text
    assert _summary(out) == _summary(reference_sweep)


def test_killed_sweep_leaves_a_stale_lock_taken_over_with_force(
    reference_sweep: Path, tmp_path: Path
) -> None:
    """SIGKILL (no clean-up at all): the lock file stays; resume names it as stale and refuses;
    --force takes it over and the summary equals an uninterrupted run's."""
    out = tmp_path / "killed"
    cmd = [sys.executable, "-c", "from mlf.cli import main; main()", "sweep", MINI, *SWEEP,
           "--out", str(out)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while not (out / chunk_name(1)).exists():
        assert proc.poll() is None
        assert time.monotonic() < deadline
        time.sleep(0.01)
    proc.kill()
    proc.wait()
    assert (out / "mlf.lock").exists()
    code, text = _cli("sweep", "--resume", str(out), "--executor", "serial")
    _one_line(code, text, 2, rf"stale lock of pid {proc.pid} .*no longer runs; take it over "
              "with --force")
    code, text = _cli("sweep", "--resume", str(out), "--executor", "serial", "--force")
    assert code == 0, text
    assert f"took over the stale lock of pid {proc.pid}" in " ".join(text.split())
    assert "mlf.lock" not in _listing(out)
    assert _summary(out) == _summary(reference_sweep)


def test_run_removes_temporaries_of_a_killed_run(tmp_path: Path, reference_run: Path) -> None:
    (tmp_path / ".result.json.4242.abcd.tmp").write_text("{ half")
    (tmp_path / ".report.html.4242.abcd.tmp").write_text("<html")
    (tmp_path / "notes.tmp").write_text("not ours")
    code, text = _cli("run", MINI, "--out", str(tmp_path))
    assert code == 0, text
    assert _listing(tmp_path) == ["notes.tmp", "report.html", "result.json"]


def test_ctrl_c_on_local_processes_is_quiet_and_resumable(tmp_path: Path) -> None:
    """Ctrl-C in a terminal reaches the whole process group: the workers stay quiet (no
    traceback each), the parent records what finished, and a resume completes the sweep."""
    args = ["--draws", "90", "--chunk-size", "3", "--seed", "3"]
    ref = tmp_path / "ref"
    code, text = _cli("sweep", MINI, *args, "--executor", "serial", "--out", str(ref))
    assert code == 0, text
    out = tmp_path / "int"
    cmd = [sys.executable, "-c", "from mlf.cli import main; main()", "sweep", MINI, *args,
           "--executor", "process", "--workers", "2", "--out", str(out)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    deadline = time.monotonic() + 120
    while not (out / chunk_name(2)).exists():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.01)
    os.killpg(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err
    names = _listing(out)
    assert "mlf.lock" not in names and not [n for n in names if n.startswith(".")], names
    assert "chunk-000029.parquet" not in names  # really interrupted
    code, text = _cli("sweep", "--resume", str(out), "--executor", "serial")
    assert code == 0, text
    assert _summary(out) == _summary(ref)


def test_summary_spill_on_a_full_disk_is_one_line(
    reference_sweep: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno

    import numpy as np

    from mlf.errors import MlfError
    from mlf.sensitivity import summarise

    def full(*a: object, **k: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), "/tmp/x/ranks.npy")

    monkeypatch.setattr(np.lib.format, "open_memmap", full)
    with pytest.raises(MlfError, match=r"^/tmp/x/ranks\.npy: cannot summarise the sweep: No space"):
        summarise(reference_sweep)


@pytest.mark.parametrize(
    "args",
    [
        ["sweep", MINI, "--draws", "1000000000000"],
        ["sweep", MINI, "--sampling", "lhs", "--draws", "1000000000"],
        ["sweep", MINI, "--draws", "10000000", "--chunk-size", "1"],
    ],
)
def test_refused_sizes_cost_little_memory_and_time(args: list[str], tmp_path: Path) -> None:
    """As whole commands: refused at once, peak memory far under 2 GB, no folder left."""
    out = tmp_path / "never"
    probe = (
        "import resource, subprocess, sys, time; t = time.monotonic(); "
        "p = subprocess.run(sys.argv[1:], capture_output=True, text=True); "
        "print(p.returncode, time.monotonic() - t, "
        "resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); print(p.stderr, end='')"
    )
    cmd = [sys.executable, "-c", probe, sys.executable, "-c", "from mlf.cli import main; main()",
           *args, "--out", str(out)]
    res = subprocess.run(cmd, capture_output=True, text=True, check=True, timeout=120)
    first, *err = res.stdout.splitlines()
    code, secs, rss_kib = first.split()
    _one_line(int(code), "\n".join(err), 2, "over the limit|memory")
    assert int(rss_kib) < 2 * 1024 * 1024 // 4  # under 512 MiB (the brief's cap is 2 GB)
    assert float(secs) < 30
    assert not out.exists()


def test_report_output_checks_and_full_disk(reference_run: Path, small_fs: SmallFs,
                                            tmp_path: Path) -> None:
    src = str(reference_run / "result.json")
    code, text = _cli("report", src, "--out", str(tmp_path))
    _one_line(code, text, 2, r"--out .*: is a folder; give the file to write")
    blocker = tmp_path / "file"
    blocker.write_text("x")
    code, text = _cli("report", src, "--out", str(blocker / "r.html"))
    _one_line(code, text, 2, r"is a file, not a folder")
    mnt = small_fs.mount("256k")  # the HTML page (megabytes) does not fit
    target = mnt / "r.html"
    code, text = _cli("report", src, "--out", str(target))
    _one_line(code, text, 1, rf"^error: {re.escape(str(target))}: cannot write: No space left")
    assert _listing(mnt) == []
    code, text = _cli("report", src, "--format", "md", "--out", str(mnt / "r.md"))
    assert code == 0, text
    assert _listing(mnt) == ["r.md"]


def test_sweep_out_is_a_file(tmp_path: Path) -> None:
    f = tmp_path / "summary.json"
    f.write_text("keep")
    code, text = _cli("sweep", MINI, *SWEEP, "--out", str(f))
    _one_line(code, text, 2, r"is a file, not a folder")
    assert f.read_text() == "keep"
