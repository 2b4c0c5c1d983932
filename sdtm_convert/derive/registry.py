"""Registry of SDTM derivations: one small function each, looked up by the name a mapping spec uses.

A derivation is ``fn(df, ctx, **params) -> tuple[pd.DataFrame, list[Issue]]``; it never mutates ``df``.
"""

from __future__ import annotations

from collections.abc import Callable, MutableMapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from sdtm_convert.errors import Issue
from sdtm_convert.standards.ct import ControlledTerminology
from sdtm_convert.study import StudyConfig

Derivation = Callable[..., tuple[pd.DataFrame, list[Issue]]]
_REGISTRY: dict[str, Derivation] = {}


@dataclass
class DeriveContext:
    study: StudyConfig
    ct: ControlledTerminology
    domain: str  # code of the frame being derived, e.g. "AE"
    domains: MutableMapping[str, pd.DataFrame] = field(default_factory=dict)  # SDTM frames built so far
    options: dict[str, Any] = field(default_factory=dict)


def register(name: str) -> Callable[[Derivation], Derivation]:
    def deco(fn: Derivation) -> Derivation:
        if name in _REGISTRY:
            raise ValueError(f"derivation {name!r} registered twice")
        _REGISTRY[name] = fn
        return fn

    return deco


def get(name: str) -> Derivation:
    return _REGISTRY[name]


def names() -> list[str]:
    return sorted(_REGISTRY)
