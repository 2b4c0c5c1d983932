"""The ADaM derivation step descriptor: one frozen :class:`Step` per derivation an ADaM spec may call
(``mappings/<study>/adam/<adxx>.yaml`` ``steps:``), registered in :data:`STEPS`.

A step says what its parameters are (kinds of :mod:`sdtm_convert.spec.params`: they make the ADaM spec
JSON Schema and are checked before any data is read), which variables it sets (each with its define.xml
method text) and which it reads from the dataset being built, and how it runs: ``run(ctx, params)``
returns the new working frame. Every consumer reads the descriptor: the spec schema
(``python -m sdtm_convert.adam.jsonschema``), the spec checks (:mod:`sdtm_convert.spec.adam`), the define.xml
methods of the variables a spec leaves to their step, and the step reference in docs/adam.md.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from sdtm_convert.common.registry import Registry
from sdtm_convert.errors import Issue
from sdtm_convert.spec.params import Param


@dataclass
class StepContext:
    """What a step sees: the working frame (None before the first step), the SDTM frames, the ADaM
    datasets built before this one (the spec's ``sources``), the study and the issue list to add to."""

    dataset: str
    frame: pd.DataFrame | None
    sdtm: Mapping[str, pd.DataFrame]
    adam: Mapping[str, pd.DataFrame]
    study: Any
    issues: list[Issue] = field(default_factory=list)

    @property
    def working(self) -> pd.DataFrame:
        if self.frame is None:  # the spec checks make a records step come first: a bug if reached
            raise RuntimeError(f"{self.dataset}: a step ran before any step made the records")
        return self.frame


Names = Callable[[Mapping[str, Any]], Mapping[str, str]]


@dataclass(frozen=True)
class Step:
    """One derivation step. ``sets``: variable → define.xml method text, fixed; ``sets_from(params)``: the
    variables named by the parameters (``new_vars``, population flags...). ``reads``/``reads_from``: the
    variables of the working frame it needs set by an earlier step. ``makes_records``: the step starts the
    dataset's records (the first step of every spec). ``absent(inputs)``: why the dataset is not built when
    this step would find no source records (the run skips it with that reason)."""

    name: str
    doc: str
    params: Mapping[str, Param]
    run: Callable[[StepContext, Mapping[str, Any]], pd.DataFrame]
    sets: Mapping[str, str] = field(default_factory=dict)
    sets_from: Names | None = None
    reads: tuple[str, ...] = ()
    reads_from: Callable[[Mapping[str, Any]], tuple[str, ...]] | None = None
    makes_records: bool = False
    needs: tuple[str, ...] = ()  # datasets it reads besides its parameters' (ADSL): must be in sources
    shared: tuple[str, ...] = ()  # study-wide parameters: every step of the study giving one gives the same value
    coarse: bool = False  # a study-specific block kept whole so that its outputs stay byte-identical
    absent: Callable[[Any], str | None] | None = None

    def sets_of(self, params: Mapping[str, Any]) -> dict[str, str]:
        """Variable → method text of what this step sets with ``params``."""
        return {**self.sets, **(self.sets_from(params) if self.sets_from else {})}

    def reads_of(self, params: Mapping[str, Any]) -> tuple[str, ...]:
        return self.reads + (self.reads_from(params) if self.reads_from else ())

    def required(self) -> list[str]:
        return [p for p, kind in self.params.items() if kind.required]


STEPS: Registry[Step] = Registry("ADaM step")


def register(step: Step) -> Step:
    return STEPS.register(step.name, step)
