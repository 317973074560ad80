"""Results as bytes and back, exactly: the frozen dataclasses of :mod:`.model` (and :class:`.report.ScoredWave`)
as zlib-compressed JSON that keeps ``NaN`` and infinities, rebuilt from the dataclasses' own type hints.

``to_dict()`` turns ``NaN`` into ``null`` for readers of the JSON; a stored result must come back equal to
the one computed, so this codec writes floats as Python's ``repr`` (which round-trips) and keeps ``NaN``.
:data:`SCHEMA` is a digest of the field names and types of every class reachable from a result: a stored
result written by code with other fields is treated as stale and recomputed, never misread.
"""
from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import types
import typing
import zlib
from typing import Any

import numpy as np

from .model import WaveResult
from .report import ScoredWave


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, np.ndarray)):
        return [_plain(v) for v in value]
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value)
    return value


def encode(result: Any) -> bytes:
    """A result dataclass as compressed JSON (NaN kept)."""
    return zlib.compress(json.dumps(_plain(result), ensure_ascii=False, allow_nan=True).encode(), 6)


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _build(kind: Any, value: Any) -> Any:
    """``value`` (plain JSON) as an instance of the annotated type ``kind``."""
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if origin in (typing.Union, types.UnionType):
        if value is None:
            return None
        return _build(next(a for a in args if a is not type(None)), value)
    if dataclasses.is_dataclass(kind):
        hints = _hints(kind)
        return kind(**{f.name: _build(hints[f.name], value[f.name]) for f in dataclasses.fields(kind)
                       if f.name in value})
    if origin is tuple:
        item = args[0]
        return tuple(_build(item, v) for v in value)
    if origin is dict:
        return {k: _build(args[1], v) for k, v in value.items()}
    if kind is float:
        return float(value)
    if kind is int:
        return int(value)
    return value


def decode(data: bytes, cls: type = WaveResult) -> Any:
    """The result dataclass ``cls`` from :func:`encode`'s bytes."""
    return _build(cls, json.loads(zlib.decompress(data)))


def _shape(kind: Any, seen: set[type]) -> list[str]:
    parts: list[str] = []
    for arg in typing.get_args(kind):
        parts += _shape(arg, seen)
    if dataclasses.is_dataclass(kind) and kind not in seen:
        seen.add(kind)
        hints = _hints(kind)
        parts.append(kind.__name__ + "(" + ",".join(f"{f.name}:{hints[f.name]}" for f in dataclasses.fields(kind)) + ")")
        for f in dataclasses.fields(kind):
            parts += _shape(hints[f.name], seen)
    return parts


def _schema() -> str:
    seen: set[type] = set()
    shape = "|".join(_shape(WaveResult, seen) + _shape(ScoredWave, seen))
    return hashlib.sha256(shape.encode()).hexdigest()[:16]


#: Digest of the result classes' fields: a stored result of another shape is recomputed.
SCHEMA = _schema()

__all__ = ["SCHEMA", "decode", "encode"]
