"""What a mapping algorithm is: one frozen :class:`Algorithm` descriptor, registered in :data:`ALGORITHMS`.

Every consumer reads the descriptor: the engine runs ``run``; the generated ``variable`` block of the domain
spec JSON Schema comes from ``params``; the spec checks read the columns and targets named by the parameter
kinds and call ``check``; define.xml's origin and method text come from ``origin`` and ``describe``; the Excel
Mapping sheet has a column per parameter; docs/spec-reference.md lists ``params``, ``emits`` and ``example``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import pandas as pd

from sdtm_convert.common.registry import Registry
from sdtm_convert.errors import Issue
from sdtm_convert.spec.params import Param, Problem, SpecEnv
from sdtm_convert.standards.ct import ControlledTerminology

VarSpec = dict[str, Any]  # one spec row: {"target": ..., "algorithm": ..., parameters...}
Assigned = tuple[pd.Series, list[Issue]]


@dataclass
class Env:
    ct: ControlledTerminology
    domain: str
    subject_column: str | None = None
    targets: dict[str, pd.Series] = field(default_factory=dict)  # targets assigned so far in this source
    raw: Mapping[str, Any] = field(default_factory=dict)  # raw datasets by name (codebooks)


@dataclass(frozen=True)
class Algorithm:
    name: str  # the spec's ``algorithm:``
    origin: Literal["Collected", "Assigned", "Derived"]
    params: Mapping[str, Param]
    run: Callable[[pd.DataFrame, VarSpec, Env], Assigned]
    describe: Callable[[VarSpec], str]  # define.xml comment (Collected, Assigned) or method (Derived)
    summary: str = ""  # one line for the reference page
    check: Callable[[VarSpec, SpecEnv], list[Problem]] | None = None  # what the parameter kinds cannot see
    emits: tuple[str, ...] = ()  # issue codes ``run`` can raise
    check_codes: tuple[str, ...] = ()  # issue codes ``check`` can give (before data is read)
    example: Mapping[str, Any] = field(default_factory=dict)  # a spec row, for the docs and the contract test
    one_of: tuple[tuple[str, ...], ...] = ()  # groups of parameters of which exactly one is required

    def spec_codes(self) -> tuple[str, ...]:
        """Every issue code the spec checks of this algorithm can give, before any data is read."""
        codes = [*self.check_codes, *(c for p in self.params.values() for c in p.spec_codes())]
        return tuple(sorted(set(codes)))

    def __call__(self, frame: pd.DataFrame, var: VarSpec, env: Env) -> Assigned:
        return self.run(frame, var, env)


ALGORITHMS: Registry[Algorithm] = Registry("mapping algorithm")


def register(algo: Algorithm) -> Algorithm:
    return ALGORITHMS.register(algo.name, algo)
