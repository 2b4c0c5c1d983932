"""Registry of SDTM derivations: one small function each, looked up by the name a mapping spec uses.

A derivation is ``fn(df, ctx, **params) -> Derived`` (or the pair ``(frame, issues)``); it never mutates
``df``. Its descriptor is the one ``register`` call above it: the name, the variables it sets with the
define.xml method text of each (``sets``, required: ``"--DY"`` for a domain-prefixed variable, ``"EPOCH"``
for a name), the datasets it builds (``builds``: ``"SUPP--"`` parts, ``"SE"``) and spec keys that are not
Python names (``extra``, e.g. ``from``). Its parameters are the keyword parameters of ``fn`` after ``df``
and ``ctx`` (those without a default are required). Every consumer reads the descriptor: the spec check
(:func:`parameters`: a misspelt parameter is a spec error), ``derive.run`` (``Derived.datasets``) and the
define.xml methods of ``conform`` (:func:`method_for`).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator, Mapping, MutableMapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from sdtm_convert.errors import Issue
from sdtm_convert.spec.study import StudyConfig
from sdtm_convert.standards.ct import ControlledTerminology


@dataclass(frozen=True)
class Derived:
    """What a derivation returns: the derived frame, its issues, and whole datasets it built (``SUPPAE`` parts
    to append, ``SE`` to add). Unpacks as ``frame, issues``."""

    frame: pd.DataFrame
    issues: list[Issue]
    datasets: Mapping[str, pd.DataFrame] = field(default_factory=dict)

    def __iter__(self) -> Iterator[Any]:
        return iter((self.frame, self.issues))


Derivation = Callable[..., "Derived | tuple[pd.DataFrame, list[Issue]]"]


@dataclass(frozen=True)
class DerivationInfo:
    """The descriptor of one derivation (see the module doc)."""

    name: str
    fn: Derivation
    sets: Mapping[str, str]
    builds: tuple[str, ...] = ()
    extra: tuple[str, ...] = ()
    conditions: tuple[str, ...] = ()  # parameters that are conditions (spec/conditions.py), checked at spec load


_REGISTRY: dict[str, DerivationInfo] = {}


@dataclass
class DeriveContext:
    study: StudyConfig
    ct: ControlledTerminology
    domain: str  # code of the frame being derived, e.g. "AE"
    domains: MutableMapping[str, pd.DataFrame] = field(default_factory=dict)  # SDTM frames built so far


def register(name: str, *, sets: Mapping[str, str], builds: tuple[str, ...] = (),
             extra: tuple[str, ...] = (), conditions: tuple[str, ...] = ()) -> Callable[[Derivation], Derivation]:
    """Register ``fn`` under ``name`` with its descriptor. A second derivation of the same name, or one that
    gives a variable another method text than a derivation registered before it, fails at import."""
    def deco(fn: Derivation) -> Derivation:
        if name in _REGISTRY:
            raise ValueError(f"derivation {name!r} registered twice")
        for var, text in sets.items():
            other = next((d for d in _REGISTRY.values() if d.sets.get(var, text) != text), None)
            if other is not None:
                raise ValueError(f"derivation {name!r} gives {var} another method than {other.name!r}")
        _REGISTRY[name] = DerivationInfo(name, fn, dict(sets), tuple(builds), tuple(extra), tuple(conditions))
        return fn

    return deco


def get(name: str) -> Derivation:
    return _REGISTRY[name].fn


def info(name: str) -> DerivationInfo:
    return _REGISTRY[name]


def method_for(domain: str, variable: str) -> str | None:
    """The define.xml method text of a derived ``variable`` of ``domain`` (``AEDY`` → the ``--DY`` text)."""
    keys = [variable] + ([f"--{variable[len(domain):]}"] if variable.startswith(domain) else [])
    for key in keys:  # a whole name first (EPOCH), then the domain-prefixed pattern (--DY)
        for d in _REGISTRY.values():
            if key in d.sets:
                return d.sets[key]
    return None


def names() -> list[str]:
    return sorted(_REGISTRY)


def parameters(name: str) -> tuple[list[str], list[str]]:
    """The spec parameters of derivation ``name``: (every accepted one, the required ones)."""
    d = _REGISTRY[name]
    sig = list(inspect.signature(d.fn).parameters.values())[2:]  # after df, ctx
    named = [p for p in sig if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]
    required = [p.name for p in named if p.default is p.empty]
    return [p.name for p in named] + list(d.extra), required


def condition_parameters(name: str) -> tuple[str, ...]:
    """The parameters of derivation ``name`` that are conditions (checked by the spec checks)."""
    return _REGISTRY[name].conditions
