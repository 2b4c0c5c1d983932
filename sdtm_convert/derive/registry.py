"""Registry of SDTM derivations: one small function each, looked up by the name a mapping spec uses.

A derivation is ``fn(df, ctx, **params) -> tuple[pd.DataFrame, list[Issue]]``; it never mutates ``df``.
Its parameters are the keyword parameters of ``fn`` after ``df`` and ``ctx`` (those without a default are
required); a spec key that is not a Python name (``from``) is declared with ``register(name, extra=(...))``.
The spec check reads them from here (:func:`parameters`), so a misspelt parameter is a spec error.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, MutableMapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from sdtm_convert.errors import Issue
from sdtm_convert.standards.ct import ControlledTerminology
from sdtm_convert.study import StudyConfig

Derivation = Callable[..., tuple[pd.DataFrame, list[Issue]]]
_REGISTRY: dict[str, Derivation] = {}
_EXTRA: dict[str, tuple[str, ...]] = {}


@dataclass
class DeriveContext:
    study: StudyConfig
    ct: ControlledTerminology
    domain: str  # code of the frame being derived, e.g. "AE"
    domains: MutableMapping[str, pd.DataFrame] = field(default_factory=dict)  # SDTM frames built so far
    options: dict[str, Any] = field(default_factory=dict)


def register(name: str, extra: tuple[str, ...] = ()) -> Callable[[Derivation], Derivation]:
    """Register ``fn`` under ``name``; ``extra``: spec parameters it reads from ``**params``."""
    def deco(fn: Derivation) -> Derivation:
        if name in _REGISTRY:
            raise ValueError(f"derivation {name!r} registered twice")
        _REGISTRY[name] = fn
        _EXTRA[name] = extra
        return fn

    return deco


def get(name: str) -> Derivation:
    return _REGISTRY[name]


def names() -> list[str]:
    return sorted(_REGISTRY)


def parameters(name: str) -> tuple[list[str], list[str]]:
    """The spec parameters of derivation ``name``: (every accepted one, the required ones)."""
    sig = list(inspect.signature(_REGISTRY[name]).parameters.values())[2:]  # after df, ctx
    named = [p for p in sig if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]
    required = [p.name for p in named if p.default is p.empty]
    return [p.name for p in named] + list(_EXTRA[name]), required
