"""The ADaM dataset descriptor: one frozen :class:`AdamDataset` per dataset, in ``adam/datasets/<adxx>.py``.

A descriptor says what the dataset is (label, class, structure, keys), which variables it has in which
order (each with its define.xml source or method), which ADaM datasets it needs first, where its records
come from for ``reports/lineage-adam.csv``, which ``study.yaml`` ``adam:`` settings it reads, and how it is
built. Every consumer reads it: the run order (:func:`build_order`), the metadata and define.xml
(``adam/meta.py``), the row schemas (``rowschemas/adam/*.json``), the lineage and the analysis summary.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from sdtm_convert.common.registry import Registry, RegistryError
from sdtm_convert.errors import Issue
from sdtm_convert.spec.params import Param

#: Define-XML class of each ADaM dataset class, in run/define order (ADSL first, then BDS, then OCCDS)
CLASS_ORDER = ("SUBJECT LEVEL ANALYSIS DATASET", "BASIC DATA STRUCTURE", "OCCURRENCE DATA STRUCTURE")
#: ADaMIG 1.3 structure whose variable table labels a class's variables (OCCDS is not in ADaMIG 1.3:
#: its identifiers and timing variables resolve in the BDS table)
ADAMIG_STRUCTURE = {
    "SUBJECT LEVEL ANALYSIS DATASET": "Subject-Level Analysis Dataset",
    "BASIC DATA STRUCTURE": "Basic Data Structure",
    "OCCURRENCE DATA STRUCTURE": "Basic Data Structure",
}


@dataclass(frozen=True)
class V:
    """One variable: its label when no standard has it, and either where it is copied from
    (``source``: ``"DM.AGE"``, ``"ADSL.TRT01P"``, ``"{dom}.VISIT"`` for the study's PASI domain) or how it
    is derived (``method``: the define.xml method text). ``imputation``: the method imputes (define type)."""

    name: str
    label: str | None = None
    source: str | None = None
    method: str | None = None
    imputation: bool = False


@dataclass(frozen=True)
class Populations:
    """Where the ``study.yaml`` population flags go: one Y/N variable per population, in configuration
    order. The row schema lists the ADaMIG population flags ``schema_flags`` here."""

    method: str = "'Y' if the subject meets the population's condition in study.yaml populations:, else 'N'."
    schema_flags: tuple[str, ...] = ("SAFFL", "ITTFL", "FASFL", "PPROTFL", "COMPLFL", "ENRLFL", "RANDFL")


@dataclass(frozen=True)
class AdamInputs:
    """What a build reads: the SDTM frames, the study, its ADaM settings and the ADaM datasets built so far
    (those in ``needs``)."""

    sdtm: Mapping[str, pd.DataFrame]
    study: Any
    settings: Any
    adam: Mapping[str, pd.DataFrame] = field(default_factory=dict)


Built = tuple[pd.DataFrame, list[Issue]]


@dataclass(frozen=True)
class AdamDataset:
    """One ADaM dataset (see the module docstring). ``absent(inputs)`` gives the reason the dataset is not
    built (its source records are absent), or None; ``lineage`` is the SDTM dataset and --SEQ variable a
    record comes from when the frame has no SRCDOM/SRCSEQ of its own."""

    name: str
    label: str
    cls: str
    structure: str
    keys: tuple[str, ...]
    variables: tuple[V | Populations, ...]
    build: Callable[[AdamInputs], Built]
    needs: tuple[str, ...] = ()
    lineage: tuple[str, str | None] | None = None
    settings: Mapping[str, Param] = field(default_factory=dict)
    absent: Callable[[AdamInputs], str | None] | None = None
    core: Mapping[str, str] = field(default_factory=dict)  # row-schema core overrides (copied SDTM keys)
    from_spec: bool = False  # declared in a study's adam/*.yaml: its sponsor variables carry their own labels

    @property
    def adamig_structure(self) -> str:
        return ADAMIG_STRUCTURE[self.cls]

    def columns(self, populations: tuple[str, ...]) -> list[str]:
        """The variables in order, the population placeholder replaced by ``populations`` (flag names)."""
        out: list[str] = []
        for v in self.variables:
            out += list(populations) if isinstance(v, Populations) else [v.name]
        return out

    def variable(self, name: str) -> V | None:
        return next((v for v in self.variables if isinstance(v, V) and v.name == name), None)

    def populations(self) -> Populations | None:
        return next((v for v in self.variables if isinstance(v, Populations)), None)


DATASETS: Registry[AdamDataset] = Registry("ADaM dataset")


def register(ds: AdamDataset) -> AdamDataset:
    return DATASETS.register(ds.name, ds)


def check_needs(registry: Registry[AdamDataset]) -> None:
    """Every ``needs`` names a registered dataset and there is no cycle (raised at import)."""
    for ds in registry.values():
        unknown = [n for n in ds.needs if n not in registry]
        if unknown:
            raise RegistryError(f"ADaM dataset {ds.name} needs {', '.join(unknown)}, which is not registered")
    build_order(registry, registry.names())


def build_order(registry: Registry[AdamDataset], names: list[str]) -> list[str]:
    """``names`` and what they need, in ``needs`` order (topological); among datasets ready at once,
    ADSL first, then BDS, then OCCDS, by name. A cycle raises :class:`RegistryError`."""
    wanted: set[str] = set()
    todo = list(names)
    while todo:
        name = todo.pop()
        if name not in wanted:
            wanted.add(name)
            todo += list(registry[name].needs)

    def rank(n: str) -> tuple[int, str]:
        cls = registry[n].cls
        return (CLASS_ORDER.index(cls) if cls in CLASS_ORDER else len(CLASS_ORDER), n)

    done: list[str] = []
    while len(done) < len(wanted):
        ready = sorted((n for n in wanted - set(done) if set(registry[n].needs) <= set(done)), key=rank)
        if not ready:
            cycle = sorted(wanted - set(done))
            raise RegistryError(f"ADaM datasets {', '.join(cycle)} need each other (a cycle in needs)")
        done.append(ready[0])
    return done
