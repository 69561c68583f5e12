"""A shallow copy of a pydantic model with some fields replaced, without pydantic's generic
``model_copy`` machinery (one step: the copy).

:func:`copied` builds exactly what ``m.model_copy(update=update)`` builds (pydantic 2,
``BaseModel.__copy__``: a copy of ``__dict__``, ``__pydantic_extra__``,
``__pydantic_fields_set__`` and the private attributes; then the update applied to
``__dict__`` and ``__pydantic_fields_set__``), without re-validation, in about half the time.
:func:`copied_one` is the same for one field. A sensitivity sweep copies a few hundred
scenario objects per draw (each draw's values) and the talks copy the arrangement's settings
on every settlement, so the difference counts. ``tests/test_sweep_memo.py`` checks both
against ``model_copy``.

The model's slots are written through their descriptors (``BaseModel.__slots__``), which
skips the attribute lookup ``object.__setattr__`` does by name, and ``__new__`` is
``object.__new__`` (``BaseModel`` defines none).
"""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

M = TypeVar("M", bound=BaseModel)

_setattr = object.__setattr__
_new = object.__new__
_set_extra = BaseModel.__dict__["__pydantic_extra__"].__set__
_set_fields_set = BaseModel.__dict__["__pydantic_fields_set__"].__set__
_set_private = BaseModel.__dict__["__pydantic_private__"].__set__


def _private_copy(private: dict[str, Any]) -> dict[str, Any]:
    """The private attributes a copy gets (as ``BaseModel.__copy__`` copies them)."""
    return {k: v for k, v in private.items() if v is not PydanticUndefined}


def copied(m: M, update: dict[str, Any]) -> M:
    """``m.model_copy(update=update)`` (no validation: the caller vouches for the values)."""
    new = _new(type(m))
    d = m.__dict__.copy()
    d.update(update)
    _setattr(new, "__dict__", d)
    extra = m.__pydantic_extra__
    _set_extra(new, None if extra is None else dict(extra))
    _set_fields_set(new, m.__pydantic_fields_set__ | update.keys())
    private = getattr(m, "__pydantic_private__", None)
    _set_private(new, None if private is None else _private_copy(private))
    return new


def copied_one(m: M, name: str, value: Any) -> M:
    """``m.model_copy(update={name: value})`` (no validation: the caller vouches for the
    value); :func:`copied` for one field, without building the update mapping."""
    new = _new(type(m))
    d = m.__dict__.copy()
    d[name] = value
    _setattr(new, "__dict__", d)
    extra = m.__pydantic_extra__
    _set_extra(new, None if extra is None else dict(extra))
    _set_fields_set(new, m.__pydantic_fields_set__ | {name})
    private = getattr(m, "__pydantic_private__", None)
    _set_private(new, None if private is None else _private_copy(private))
    return new
