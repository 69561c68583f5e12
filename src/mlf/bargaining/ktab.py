"""Read and write KTAB's CSV scenario format for the Spatial Model of Politics.

Layout (KTAB ``SMPModel::csvRead``)::

    <ScenarioName>,<Description>,<numActors>,<numDims>
    Actor,Description,Power,<Dim1 name>,<Dim1 salience name>,...,<DimK name>,<DimK sal name>
    <name>,<desc>,<power>,<pos_1>,<sal_1>,...,<pos_K>,<sal_K>      (one line per actor)

Files are read as KTAB reads them: KTAB takes the fields it needs from the start of each
line and ignores the rest, so fields after those (the trailing comma KTAB writes, the empty
fields and the stray ``0`` that end line 1 of KTAB's own ``dummyData_6Dim.csv``) are
ignored here too.

KTAB's rules are enforced, each problem reported as one located line
(``FILE:LINE: field: reason``): 3 to 250 actors, at least one dimension, power in
[0, 1e8], positions and saliences in [0, 100], an actor's saliences summing to at most 100
(salience is a share of attention), every row with at least the header's fields, numbers
where numbers belong, a text file that is not empty. Where KTAB would silently read
something else than the file says, mlf refuses instead: more or fewer actor lines than
line 1 announces, two dimensions with the same name (a forecast keyed by name would lose
one), every actor's power 0 (no one has any weight).

Limits (checked before the work, each one located line; documented in README.md):
:data:`MAX_FILE_BYTES` (1 MiB, checked before the file is read; directories, devices and
FIFOs are refused by :mod:`mlf._bounded`), :data:`MAX_DIMENSIONS` (100 dimensions, checked
on line 1 before anything else is read), :data:`MAX_FIELD_CHARS` (512 characters in a field,
KTAB's own longest: a scenario name or description) and :data:`MAX_LINE_CHARS` (a line).

KTAB has no status quo; :meth:`KtabData.to_input` uses the power-weighted mean position per
dimension as a stand-in (only models with a disagreement point, e.g. ``nash``, use it; the
SMP ignores it) unless one is given.

References:
    KTAB (KAPSARC, MIT licence), ``examples/smp/libsrc/smpread.cpp`` and the example files
    ``dummyData_3Dim.csv``, ``SOE-Pol-Comp.csv`` in ``examples/smp/doc``.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from mlf._bounded import read_bounded
from mlf.bargaining.base import BargainingInput, FloatArray
from mlf.errors import ScenarioError, ScenarioErrors

__all__ = [
    "MAX_ACTORS",
    "MAX_DIMENSIONS",
    "MAX_FIELD_CHARS",
    "MAX_FILE_BYTES",
    "MAX_LINE_CHARS",
    "MIN_ACTORS",
    "KtabData",
    "ktab_from_input",
    "ktab_text",
    "ktab_to_scenario_dict",
    "parse_ktab_text",
    "read_ktab_csv",
    "write_ktab_csv",
]

MIN_ACTORS = 3
MAX_ACTORS = 250
"""KTAB's own limits on the number of actors (``Model::minNumActor``, ``maxNumActor``)."""
MAX_POWER = 1e8
"""KTAB's sanity limit on an actor's power (``smpread.cpp``)."""
MAX_DIMENSIONS = 100
"""Dimensions of one file (KTAB has no limit; its examples have 1 to 6). The SMP of 250
actors on 100 dimensions takes about 100 s and 300 MB; an imported file becomes a scenario
of as many issues (:data:`mlf.scenario.MAX_ISSUES`)."""
MAX_FIELD_CHARS = 512
"""Characters in one field: KTAB's longest text, a scenario name or description
(``Model::maxScenNameLen``, ``maxScenDescLen``)."""
MAX_LINE_CHARS = 128 * 1024
"""Characters in one line (the header of 100 dimensions with names of 512 characters fits)."""
MAX_FILE_BYTES = 1024 * 1024
"""Size of a KTAB file: 250 actors on 100 dimensions take about 200 kB."""


@dataclass(frozen=True, eq=False)
class KtabData:
    """One KTAB SMP scenario on KTAB's own scales (positions and saliences 0-100).

    Attributes:
        name, description: scenario name and description (line 1).
        actors, actor_descriptions: length n.
        power: (n,) capabilities ("Power"/"Influence" column).
        positions, saliences: (n, k) on [0, 100].
        dimensions: k dimension names; salience_names: the k salience column headers.

    Examples:
        Back to the models' arrays: saliences divided by 100, and the status quo KTAB
        lacks set to the power-weighted mean position (``0.5 x 100 + 0.3 x 75 = 72.5``):

        >>> inp = BargainingInput.build(["US", "FRG", "UK"], [50, 30, 20], [200, 150, 0],
        ...                             [0.6, 0.5, 0.3], issues=["size"], lo=0, hi=200)
        >>> data = ktab_from_input(inp, name="Toy")
        >>> data.n, data.k, data.positions.ravel().tolist()
        (3, 1, [100.0, 75.0, 0.0])
        >>> back = data.to_input()
        >>> back.status_quo.tolist(), back.salience.ravel().tolist()
        ([72.5], [0.6, 0.5, 0.3])
    """

    name: str
    description: str
    actors: tuple[str, ...]
    actor_descriptions: tuple[str, ...]
    power: FloatArray
    positions: FloatArray
    saliences: FloatArray
    dimensions: tuple[str, ...]
    salience_names: tuple[str, ...] = ()

    @property
    def n(self) -> int:
        return len(self.actors)

    @property
    def k(self) -> int:
        return len(self.dimensions)

    def to_input(self, status_quo: Any = None) -> BargainingInput:
        """Arrays for the negotiation models: scale [0, 100], saliences divided by 100.

        ``status_quo`` defaults to the power-weighted mean position per dimension (KTAB has
        none).
        """
        if status_quo is None:
            tot = float(np.sum(self.power))
            w = self.power / tot if tot > 0 else np.full(self.n, 1.0 / self.n)
            status_quo = w @ self.positions
        return BargainingInput(
            actors=self.actors,
            issues=self.dimensions,
            capability=np.asarray(self.power, dtype=np.float64),
            position=np.asarray(self.positions, dtype=np.float64),
            salience=np.asarray(self.saliences, dtype=np.float64) / 100.0,
            lo=np.zeros(self.k),
            hi=np.full(self.k, 100.0),
            status_quo=np.broadcast_to(np.asarray(status_quo, dtype=np.float64), (self.k,)).copy(),
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain-JSON form."""
        return {
            "name": self.name,
            "description": self.description,
            "actors": list(self.actors),
            "actor_descriptions": list(self.actor_descriptions),
            "power": self.power.tolist(),
            "positions": self.positions.tolist(),
            "saliences": self.saliences.tolist(),
            "dimensions": list(self.dimensions),
            "salience_names": list(self.salience_names),
        }


# ---------------------------------------------------------------- reading


def _decode(data: bytes, file: str) -> str:
    if not data.strip():
        raise ScenarioError("the file is empty", file=file, line=1)
    if b"\x00" in data:
        raise ScenarioError("not a text file (it contains NUL bytes)", file=file, line=1)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise ScenarioError(
            "not a UTF-8 text file (undecodable byte)", file=file, line=line
        ) from None


def _fields(line: str) -> list[str]:
    """The fields of one line, stripped, without the empty ones at its end."""
    row = [f.strip() for f in next(csv.reader([line], skipinitialspace=True), [])]
    while row and row[-1] == "":
        row.pop()  # KTAB's lines end with a comma (or several)
    return row


def _number(text: str) -> float | None:
    try:
        v = float(text)
    except ValueError:
        return None
    return v if math.isfinite(v) else None


def _count(text: str) -> int | None:
    return int(text) if re.fullmatch(r"[+]?\d{1,18}", text) else None


def read_ktab_csv(path: str | Path) -> KtabData:
    """Read a KTAB SMP CSV file, enforcing KTAB's rules (located one-line errors).

    The file is read through :func:`mlf._bounded.read_bounded`: anything but a regular file
    (a directory, a device such as ``/dev/zero``, a FIFO, or a link to one) and a file above
    :data:`MAX_FILE_BYTES` are refused before a byte is read.

    Raises:
        ScenarioError: one problem; ScenarioErrors: several, all in file order.

    Examples:
        >>> import tempfile
        >>> inp = BargainingInput.build(["US", "FRG", "UK"], [50, 30, 20], [100, 75, 0],
        ...                             [0.6, 0.5, 0.3])
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     write_ktab_csv(ktab_from_input(inp, name="Toy"), Path(tmp, "toy.csv"))
        ...     data = read_ktab_csv(Path(tmp, "toy.csv"))
        >>> data.name, data.actors, data.power.tolist(), data.saliences.ravel().tolist()
        ('Toy', ('US', 'FRG', 'UK'), [50.0, 30.0, 20.0], [60.0, 50.0, 30.0])

        KTAB's own limits hold (at least three actors):

        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     _ = Path(tmp, "two.csv").write_text(
        ...         ktab_text(ktab_from_input(inp, name="Toy")).replace(",3,1,", ",2,1,"))
        ...     read_ktab_csv(Path(tmp, "two.csv"))  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        mlf.errors.ScenarioError: ...two.csv:1: numActors: number of actors must be between 3 ...
    """
    file = str(path)
    data = read_bounded(
        path, limit=MAX_FILE_BYTES, what="KTAB", limit_name="mlf.bargaining.ktab.MAX_FILE_BYTES"
    )
    return parse_ktab_text(_decode(data, file), file=file)


def parse_ktab_text(text: str, file: str = "<ktab>") -> KtabData:
    """Parse the text of a KTAB SMP CSV file (see :func:`read_ktab_csv`).

    Examples:
        >>> data = parse_ktab_text(
        ...     "Toy,Three actors,3,2,\\n"
        ...     "Actor,Description,Power,Size,SalSize,Rule,SalRule,\\n"
        ...     "US,leader,50,100,60,80,30,\\n"
        ...     "FRG,keen,30,75,50,40,40,\\n"
        ...     "UK,reluctant,20,0,30,20,60,\\n")
        >>> data.actors, data.dimensions, data.power.tolist()
        (('US', 'FRG', 'UK'), ('Size', 'Rule'), [50.0, 30.0, 20.0])
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    # line numbers are 1-based; blank lines at the end are ignored
    while lines and not lines[-1].strip():
        lines.pop()
    if not lines:
        raise ScenarioError("the file is empty", file=file, line=1)

    def err(reason: str, line: int, path: str = "") -> ScenarioError:
        return ScenarioError(reason, file=file, line=line, path=path)

    def fields(index: int, path: str) -> list[str]:
        """Line ``index`` (0-based) as fields, refusing an over-long line or field."""
        line = lines[index]
        if len(line) > MAX_LINE_CHARS:
            raise err(
                f"line is {len(line)} characters long, above the limit of {MAX_LINE_CHARS} "
                "(mlf.bargaining.ktab.MAX_LINE_CHARS)",
                index + 1,
                path,
            )
        row = _fields(line)
        for f, value in enumerate(row):
            if len(value) > MAX_FIELD_CHARS:
                raise err(
                    f"field {f + 1} is {len(value)} characters long, above the limit of "
                    f"{MAX_FIELD_CHARS} (mlf.bargaining.ktab.MAX_FIELD_CHARS)",
                    index + 1,
                    path,
                )
        return row

    head = fields(0, "")
    if len(head) < 4:
        raise err(
            f"line 1 must be 'name,description,numActors,numDims', found {len(head)} fields",
            1,
        )
    name, desc = head[0], head[1]
    n_act, n_dim = _count(head[2]), _count(head[3])
    if n_act is None:
        raise err(f"number of actors must be a whole number, found {head[2]!r}", 1, "numActors")
    if n_dim is None:
        raise err(f"number of dimensions must be a whole number, found {head[3]!r}", 1, "numDims")
    if n_dim < 1:
        raise err("there must be at least 1 dimension", 1, "numDims")
    if n_dim > MAX_DIMENSIONS:
        raise err(
            f"{n_dim} dimensions: above the limit of {MAX_DIMENSIONS} "
            "(mlf.bargaining.ktab.MAX_DIMENSIONS)",
            1,
            "numDims",
        )
    if not MIN_ACTORS <= n_act <= MAX_ACTORS:
        raise err(
            f"number of actors must be between {MIN_ACTORS} and {MAX_ACTORS}, found {n_act}",
            1,
            "numActors",
        )
    width = 3 + 2 * n_dim
    if len(lines) < 2:
        raise err("the header line (Actor,Description,Power,...) is missing", 2, "header")
    header = fields(1, "header")
    if len(header) < width:
        raise err(
            f"header has {len(header)} fields but {n_dim} dimensions need {width} "
            f"(Actor, Description, Power, then a position and a salience column each)",
            2,
            "header",
        )
    dims = tuple(header[3 + 2 * d] for d in range(n_dim))
    sal_names = tuple(header[4 + 2 * d] for d in range(n_dim))
    twice = [d for d, c in Counter(dims).items() if c > 1]
    if twice:
        first = dims.index(twice[0])
        again = dims.index(twice[0], first + 1)
        raise err(
            f"dimension {twice[0]!r} appears twice (columns {4 + 2 * first} and "
            f"{4 + 2 * again}): each dimension needs its own name",
            2,
            f"header.dimensions[{again}]",
        )

    errors: list[ScenarioError] = []
    rows = lines[2:]
    if len(rows) < n_act:
        errors.append(
            err(
                f"line 1 announces {n_act} actors but the file has {len(rows)} actor lines",
                len(lines) + 1,
                "actors",
            )
        )
    elif len(rows) > n_act:
        errors.append(
            err(
                f"line 1 announces {n_act} actors but the file has {len(rows)} actor lines",
                2 + n_act + 1,
                "actors",
            )
        )
    names: list[str] = []
    descs: list[str] = []
    power = np.zeros(n_act)
    pos = np.zeros((n_act, n_dim))
    sal = np.zeros((n_act, n_dim))
    for a in range(min(n_act, len(rows))):
        ln = a + 3
        where = f"actors[{a}]"
        row = fields(a + 2, where)
        if len(row) < width:
            errors.append(err(f"row has {len(row)} fields, the header has {width}", ln, where))
            continue
        if not row[0]:
            errors.append(err("actor name is empty", ln, f"{where}.name"))
        names.append(row[0])
        descs.append(row[1])
        pw = _number(row[2])
        if pw is None:
            errors.append(err(f"power must be a number, found {row[2]!r}", ln, f"{where}.power"))
        elif not 0.0 <= pw <= MAX_POWER:
            errors.append(
                err(f"power must lie in [0, {MAX_POWER:g}], found {pw:g}", ln, f"{where}.power")
            )
        else:
            power[a] = pw
        total = 0.0
        for d in range(n_dim):
            for off, what, arr in ((3, "position", pos), (4, "salience", sal)):
                field_text = row[off + 2 * d]
                v = _number(field_text)
                fpath = f"{where}.{dims[d]}.{what}"
                if v is None:
                    errors.append(err(f"{what} must be a number, found {field_text!r}", ln, fpath))
                elif not 0.0 <= v <= 100.0:
                    errors.append(err(f"{what} must lie in [0, 100], found {v:g}", ln, fpath))
                else:
                    arr[a, d] = v
                    if what == "salience":
                        total += v
        if total > 100.0 + 1e-9:
            errors.append(
                err(
                    f"saliences of {row[0] or 'this actor'} sum to {total:g} > 100 "
                    "(salience is a share of attention)",
                    ln,
                    f"{where}.salience",
                )
            )
    if not errors and not np.any(power > 0):
        errors.append(
            err(
                f"every actor's power is 0 (lines 3 to {2 + n_act}): at least one actor "
                "needs a positive power for the negotiation to mean anything",
                3,
                "actors.power",
            )
        )
    if errors:
        if len(errors) == 1:
            raise errors[0]
        raise ScenarioErrors(errors)
    return KtabData(
        name=name,
        description=desc,
        actors=tuple(names),
        actor_descriptions=tuple(descs),
        power=power,
        positions=pos,
        saliences=sal,
        dimensions=dims,
        salience_names=sal_names,
    )


# ---------------------------------------------------------------- writing


def _num_text(x: float) -> str:
    s = repr(float(x))
    return s[:-2] if s.endswith(".0") else s


def ktab_text(data: KtabData) -> str:
    """The KTAB CSV text of ``data`` (lines end with a comma, as KTAB writes them).

    Examples:
        >>> inp = BargainingInput.build(["US", "UK"], [60, 40], [100, 0], [0.6, 0.3],
        ...                             issues=["size"])
        >>> print(ktab_text(ktab_from_input(inp, name="Toy", description="Two actors")))
        Toy,Two actors,2,1,
        Actor,Description,Power,size,size Salience,
        US,,60,100,60,
        UK,,40,0,30,
        <BLANKLINE>
    """
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow([data.name, data.description, data.n, data.k, ""])
    sal_names = data.salience_names or tuple(f"{d} Salience" for d in data.dimensions)
    head: list[str] = ["Actor", "Description", "Power"]
    for dim, sname in zip(data.dimensions, sal_names, strict=True):
        head += [dim, sname]
    w.writerow([*head, ""])
    for a in range(data.n):
        row = [data.actors[a], data.actor_descriptions[a], _num_text(data.power[a])]
        for j in range(data.k):
            row += [_num_text(data.positions[a, j]), _num_text(data.saliences[a, j])]
        w.writerow([*row, ""])
    return buf.getvalue()


def write_ktab_csv(data: KtabData, path: str | Path) -> None:
    """Write ``data`` as a KTAB CSV file (checked by re-reading the text first).

    Examples:
        >>> import tempfile
        >>> inp = BargainingInput.build(["US", "FRG", "UK"], [50, 30, 20], [100, 75, 0],
        ...                             [0.6, 0.5, 0.3])
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     write_ktab_csv(ktab_from_input(inp, name="Toy"), Path(tmp, "toy.csv"))
        ...     Path(tmp, "toy.csv").read_text().splitlines()[0]
        'Toy,,3,1,'
    """
    text = ktab_text(data)
    parse_ktab_text(text, file=str(path))
    Path(path).write_text(text, encoding="utf-8")


def ktab_from_input(
    inp: BargainingInput,
    name: str = "mlf",
    description: str = "",
    actor_descriptions: Sequence[str] | None = None,
) -> KtabData:
    """KTAB form of a :class:`BargainingInput`: each issue's [lo, hi] mapped onto [0, 100]
    (rounded to 9 decimals); an actor's saliences (each in [0, 1]) are scaled down if they sum
    above 1, then multiplied by 100.

    Examples:
        A force size on 0-200 and a rule on 0-1; the UK's saliences (0.8 and 0.6) sum above
        1, so they are scaled to 4/7 and 3/7 of 100:

        >>> inp = BargainingInput.build(
        ...     ["US", "UK"], [60, 40], [[200, 0.8], [0, 0.2]], [[0.6, 0.3], [0.8, 0.6]],
        ...     issues=["size", "rule"], lo=[0, 0], hi=[200, 1])
        >>> data = ktab_from_input(inp)
        >>> data.positions.tolist()
        [[100.0, 80.0], [0.0, 20.0]]
        >>> data.saliences.tolist()
        [[60.0, 30.0], [57.142857143, 42.857142857]]
    """
    span = inp.hi - inp.lo
    # rounding to 9 decimals drops the binary noise of the rescaling (0.3033 * 100 ...)
    pos = np.round(np.clip((inp.position - inp.lo) / span * 100.0, 0.0, 100.0), 9)
    tot = inp.salience.sum(axis=1)
    sal = np.round(inp.salience / np.where(tot > 1.0, tot, 1.0)[:, None] * 100.0, 9)
    descs = tuple(actor_descriptions) if actor_descriptions is not None else ("",) * inp.n
    return KtabData(
        name=name,
        description=description,
        actors=inp.actors,
        actor_descriptions=descs,
        power=np.asarray(inp.capability, dtype=np.float64).copy(),
        positions=np.asarray(pos, dtype=np.float64),
        saliences=np.asarray(sal, dtype=np.float64),
        dimensions=inp.issues,
        salience_names=tuple(f"{d} Salience" for d in inp.issues),
    )


def _ids(names: Sequence[str], prefix: str) -> list[str]:
    """Scenario ids (a letter, then letters, digits, '_', '.', '-') for free-text names."""
    out: list[str] = []
    for i, name in enumerate(names):
        base = re.sub(r"[^A-Za-z0-9_.-]+", "_", name.strip()).strip("_") or f"{prefix}{i + 1}"
        if not base[0].isalpha():
            base = f"{prefix}{base}"
        cand, k = base, 2
        while cand in out:
            cand, k = f"{base}_{k}", k + 1
        out.append(cand)
    return out


def ktab_to_scenario_dict(data: KtabData, date: str | None = None) -> dict[str, Any]:
    """A plain dict in the shape of an mlf scenario YAML (:mod:`mlf.scenario`).

    Each KTAB dimension becomes a scale issue on [0, 100] whose status quo is the
    power-weighted mean position (KTAB has none); each actor keeps its power as capability,
    its positions, and its saliences divided by 100; one alternative invites every actor to
    negotiate every issue, with ``smp`` as the model. KTAB says nothing of membership in
    Europe, so every actor has ``european: false``. ``date`` (ISO) defaults to today.

    Examples:
        >>> inp = BargainingInput.build(["US", "UK"], [60, 40], [100, 0], [0.6, 0.3],
        ...                             issues=["size"])
        >>> doc = ktab_to_scenario_dict(ktab_from_input(inp, name="Toy"), date="1963-07-15")
        >>> doc["meta"]["id"], doc["settings"], doc["issues"]["size"]["status_quo"]
        ('Toy', {'model': 'smp'}, 60.0)
        >>> doc["actors"]["UK"]["positions"], doc["alternatives"]["ktab"]["open"]
        ({'size': {'position': 0.0, 'salience': 0.3}}, ['size'])
    """
    import datetime as dt

    issue_ids = _ids(data.dimensions, "dim")
    actor_ids = _ids(data.actors, "actor")
    sq = data.to_input().status_quo
    issues = {
        iid: {
            "title": dname,
            "scale": {"lo": 0, "hi": 100},
            "status_quo": round(float(sq[d]), 6),
        }
        for d, (iid, dname) in enumerate(zip(issue_ids, data.dimensions, strict=True))
    }
    actors: dict[str, Any] = {}
    for a, aid in enumerate(actor_ids):
        entry: dict[str, Any] = {
            "name": data.actors[a],
            "european": False,
            "capability": float(data.power[a]),
            "positions": {
                iid: {
                    "position": float(data.positions[a, d]),
                    "salience": float(data.saliences[a, d]) / 100.0,
                }
                for d, iid in enumerate(issue_ids)
            },
        }
        if data.actor_descriptions[a]:
            entry["note"] = data.actor_descriptions[a]
        actors[aid] = entry
    meta_id = _ids([data.name], "ktab")[0]
    meta: dict[str, Any] = {
        "id": meta_id,
        "title": data.name or meta_id,
        "date": date or dt.date.today().isoformat(),
        "description": (
            (data.description + " " if data.description else "")
            + "(imported from a KTAB SMP CSV file)"
        ),
    }
    return {
        "meta": meta,
        "settings": {"model": "smp"},
        "issues": issues,
        "actors": actors,
        "alternatives": {
            "ktab": {
                "title": "All dimensions negotiated together (KTAB SMP)",
                "invited": actor_ids,
                "open": issue_ids,
            }
        },
    }
