"""kiosk.core.domain dataclasses <-> JSON-ready dicts, driven by their type hints.

Generic on purpose: when a domain type gains a field with a default, rows written before
still decode, and new rows carry the field without a change here.
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from datetime import date, datetime
from enum import Enum
from typing import Any, TypeVar

T = TypeVar("T")


def dumps(value: object) -> bytes:
    return json.dumps(to_json(value), ensure_ascii=False, separators=(",", ":")).encode()


def loads(cls: type[T], data: bytes) -> T:
    return typing.cast(T, from_json(cls, json.loads(data)))


def to_json(value: object) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_json(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date):  # datetime too
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [to_json(item) for item in value]
    return value


def from_json(cls: Any, data: Any) -> Any:
    origin = typing.get_origin(cls)
    if origin in (typing.Union, types.UnionType):
        if data is None:
            return None
        (inner,) = [arg for arg in typing.get_args(cls) if arg is not type(None)]
        return from_json(inner, data)
    if origin in (list, tuple):
        (item,) = typing.get_args(cls)[:1]
        return origin(from_json(item, element) for element in data)
    if isinstance(cls, type) and dataclasses.is_dataclass(cls):
        hints = typing.get_type_hints(cls)
        known = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: from_json(hints[k], v) for k, v in data.items() if k in known})
    if isinstance(cls, type) and issubclass(cls, Enum):
        return cls(data)
    if cls is datetime:
        return datetime.fromisoformat(data)
    if cls is date:
        return date.fromisoformat(data)
    return data
