"""One registry per extension point: a name → descriptor table that plug-in modules fill at import.

``Registry[T]`` refuses a second descriptor under a name already taken (at import, not at run time). A
registry never imports its plug-ins: the package that owns the plug-ins calls ``load_plugins(__name__)``
from its ``__init__``, which imports each of its modules once, in name order (so the registration order,
and every list generated from it, is stable).
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator
from typing import Generic, TypeVar

T = TypeVar("T")


class RegistryError(Exception):
    """A descriptor registered twice under one name (a programming error, raised at import)."""


class Registry(Generic[T]):
    def __init__(self, kind: str):
        self.kind = kind
        self._items: dict[str, T] = {}

    def register(self, name: str, item: T) -> T:
        if name in self._items:
            raise RegistryError(f"{self.kind} {name!r} is registered twice")
        self._items[name] = item
        return item

    def __getitem__(self, name: str) -> T:
        return self._items[name]

    def __contains__(self, name: object) -> bool:
        return name in self._items

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def get(self, name: str) -> T | None:
        return self._items.get(name)

    def names(self) -> list[str]:
        return list(self._items)

    def values(self) -> list[T]:
        return list(self._items.values())

    def items(self) -> list[tuple[str, T]]:
        return list(self._items.items())


def load_plugins(package: str) -> list[str]:
    """Import every module of ``package`` whose name does not start with ``_`` (name order); their
    module-level ``register`` calls fill the package's registry. Returns the module names imported."""
    pkg = importlib.import_module(package)
    names = sorted(m.name for m in pkgutil.iter_modules(pkg.__path__) if not m.name.startswith("_"))
    for name in names:
        importlib.import_module(f"{package}.{name}")
    return names
