"""JSON encoding of the domain models, driven by their type hints (server and client alike).

``encode`` turns models, enums, dates and containers into JSON-ready values. ``decode`` does the
reverse for a type hint, and is lenient on purpose: a value that does not fit its hint is passed
on unchanged, so that the backend itself refuses it with the same typed error (a code) it gives
in-process (SEC-4) — the HTTP layer never invents its own validation messages.
"""

from __future__ import annotations

import base64
import dataclasses
import types
import typing
from collections.abc import Sequence
from datetime import date, datetime
from enum import Enum
from functools import cache
from typing import Any, Union, get_args, get_origin, get_type_hints

from geg_tui.api import models


def encode(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(encode(k)): encode(v) for k, v in value.items()}
    if isinstance(value, list | tuple | models.DayRange):
        return [encode(v) for v in value]
    raise TypeError(f"cannot encode {type(value).__name__}")


@cache
def hints(cls: type) -> dict[str, Any]:
    return get_type_hints(cls, vars(models))


def decode(hint: Any, value: Any) -> Any:
    """``value`` (from JSON) as ``hint``; left as it is when it does not fit (see module doc)."""
    if hint is Any or value is None:
        return value
    origin = get_origin(hint)
    if origin in (Union, types.UnionType):
        options = [a for a in get_args(hint) if a is not type(None)]
        for option in options:
            decoded = decode(option, value)
            if decoded is not value or _fits(option, value):
                return decoded
        return value
    if origin in (list, tuple, Sequence) and isinstance(value, list):
        args = get_args(hint)
        item = args[0] if args else Any
        items = [decode(item, v) for v in value]
        return items if origin is list else tuple(items)
    if origin is dict and isinstance(value, dict):
        key_hint, value_hint = get_args(hint) or (Any, Any)
        return {decode(key_hint, k): decode(value_hint, v) for k, v in value.items()}
    if isinstance(hint, type):
        if issubclass(hint, Enum):
            try:
                return hint(value)
            except (ValueError, TypeError):
                return value
        if hint is datetime and isinstance(value, str):
            try:
                return datetime.fromisoformat(value)
            except ValueError:
                return value
        if hint is date and isinstance(value, str):
            try:
                return date.fromisoformat(value)
            except ValueError:
                return value
        if hint is bytes and isinstance(value, str):
            return base64.b64decode(value)
        if dataclasses.is_dataclass(hint) and isinstance(value, dict):
            return decode_dataclass(hint, value)
    return value


def _fits(hint: Any, value: Any) -> bool:
    return isinstance(hint, type) and not issubclass(hint, Enum) and isinstance(value, hint)


class MissingFields(ValueError):
    def __init__(self, names: list[str]) -> None:
        super().__init__(", ".join(names))
        self.names = names


def decode_dataclass(cls: type, value: dict[str, Any]) -> Any:
    """Build ``cls`` from a JSON object: unknown keys are ignored, missing required ones refused."""
    fields = {f.name: f for f in dataclasses.fields(cls)}
    kinds = hints(cls)
    missing = [
        name
        for name, f in fields.items()
        if name not in value
        and f.default is dataclasses.MISSING
        and f.default_factory is dataclasses.MISSING
    ]
    if missing:
        raise MissingFields(missing)
    return cls(**{name: decode(kinds[name], value[name]) for name in fields if name in value})


def return_hint(func: Any) -> Any:
    return typing.get_type_hints(func, vars(models)).get("return", Any)
