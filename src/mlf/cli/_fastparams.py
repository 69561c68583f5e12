"""Typer parameter coercion without pydantic for plain ``str`` values (start-up speed).

typer 0.29 coerces every non-flag parameter through a pydantic ``TypeAdapter``, built on
first use: importing pydantic and building the adapters costs some 50-70 ms of every
``mlf power`` (issue 12: the whole command under 0.15 s). A command-line string given to a
``str`` or ``list[str]`` parameter without a custom parser comes out of that adapter
unchanged (typer's ``_parse_cli_str`` returns a ``str`` as it is), so this module returns it
directly; any other annotation or value (an ``int`` option that was given, a file, a
default that is not a string) goes to typer's own coercion, built only then, so its
messages and rules are typer's. An option left out (``None``) never reaches the adapter, so
``mlf power GAME`` without ``--samples`` imports no pydantic at all.

The hook replaces ``typer.core.build_runtime_param``, a private name: :func:`install`
raises if that name or the classes it needs are missing (a typer upgrade), and
tests/test_cli_startup.py fails if pydantic is imported again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, get_args, get_origin

from typer import _coercion, core

_ORIGINAL = _coercion.build_runtime_param  # what typer.core calls, by that name


def _is_plain_str(descriptor: _coercion.TypeDescriptor) -> bool:
    ann: Any = descriptor.annotation
    if get_origin(ann) is list:
        args = get_args(ann)
        ann = args[0] if len(args) == 1 else None
    return (
        ann is str
        and descriptor.file_annotation is None
        and descriptor.parameter_info.parser is None
    )


@dataclass(frozen=True)
class _LazyRuntimeParam(_coercion.RuntimeParam):
    """Passes strings of a plain ``str`` parameter through; builds typer's coercion for the
    rest only when a value needs it."""

    descriptor: _coercion.TypeDescriptor = field(compare=False)
    plain_str: bool = False
    _built: list[_coercion.RuntimeParam] = field(default_factory=list, compare=False)

    def _real(self) -> _coercion.RuntimeParam:
        if not self._built:
            self._built.append(_ORIGINAL(self.descriptor))
        return self._built[0]

    def _coerce_value(self, value: Any, param: core._TyperParameter, ctx: Any) -> Any:
        if self.plain_str:
            if isinstance(value, str):
                return value
            if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
                return list(value)
        return self._real()._coerce_value(value, param=param, ctx=ctx)


def _build(descriptor: _coercion.TypeDescriptor) -> _coercion.RuntimeParam:
    return _LazyRuntimeParam(
        parameter_info=descriptor.parameter_info,
        annotation=descriptor.annotation,
        descriptor=descriptor,
        plain_str=_is_plain_str(descriptor),
    )


def install() -> None:
    """Route typer's parameter coercion through :func:`_build` (idempotent)."""
    if getattr(core, "build_runtime_param", None) not in (_ORIGINAL, _build):
        raise RuntimeError("typer.core.build_runtime_param changed; see mlf/cli/_fastparams.py")
    setattr(core, "build_runtime_param", _build)  # noqa: B010 - a private name, on purpose
