"""Run each domain's derivation steps, as its spec lists them: DM first, the rest alphabetically."""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd

import sdtm_convert.derive as derive_pkg
from sdtm_convert.common.provenance import once_per_cell
from sdtm_convert.common.store import FrameStore
from sdtm_convert.derive.registry import Derived
from sdtm_convert.errors import Issue
from sdtm_convert.mapping.engine import resolve_name
from sdtm_convert.spec.model import StudySpec

# DM derives first, from the mapped EX and DS (reference dates, then SE): --DY, EPOCH and the baseline flags
# of every other domain need them; the rest follow alphabetically
DOMAIN_ORDER = ["DM"]


def _resolve_params(value: Any, domain: str) -> Any:
    """``--DTC`` → ``QSDTC`` inside derivation parameters (strings, lists and mappings)."""
    if isinstance(value, str):
        return resolve_name(value, domain)
    if isinstance(value, list):
        return [_resolve_params(v, domain) for v in value]
    if isinstance(value, dict):
        return {_resolve_params(k, domain): _resolve_params(v, domain) for k, v in value.items()}
    return value


def derive_study(spec: StudySpec, ct: Any, frames: FrameStore, progress: Callable[[str], None],
                 mapping_issues: Sequence[Issue] = ()) -> list[Issue]:
    """Every domain's derivations (:func:`derive_domains`), then the SUPP-- datasets, all into ``frames``. A
    derivation's error about a raw cell ``mapping_issues`` already name is left out (one error per bad cell)."""
    supp: dict[str, list[pd.DataFrame]] = {}
    issues = once_per_cell(mapping_issues, derive_domains(spec, ct, frames, supp, progress))
    for name, parts in supp.items():
        frames[name] = pd.concat(parts, ignore_index=True)
    return issues


def derive_domains(spec: StudySpec, ct: Any, frames: FrameStore, supp: dict[str, list[pd.DataFrame]],
                   progress: Callable[[str], None]) -> list[Issue]:
    """Each domain's derivation steps; the derived frame replaces the mapped one in ``frames``; the datasets a
    step builds (``Derived.datasets``): SUPP-- parts go to ``supp``, whole domains (SE) to ``frames``.

    The domain being derived is held in memory (``ctx.domains`` shows it, and any frame a step adds such
    as SE, over the stored ones) and stored when its steps are done."""
    issues: list[Issue] = []
    specs = {d.domain: d for d in spec.domains}
    order = [c for c in DOMAIN_ORDER if c in specs] + sorted(c for c in specs if c not in DOMAIN_ORDER)
    for code in order:
        current = {code: frames[code]}
        ctx = derive_pkg.DeriveContext(study=spec.study, ct=ct, domain=code, domains=ChainMap(current, frames))
        for step in specs[code].derivations:
            params = {k: _resolve_params(v, code) for k, v in step.items() if k != "name"}
            result = derive_pkg.get(step["name"])(current[code], ctx, **params)
            current[code], step_issues = result
            issues += step_issues
            for name, frame in (result.datasets if isinstance(result, Derived) else {}).items():
                if name.startswith("SUPP"):  # SUPP-- records: appended to those of earlier steps
                    supp.setdefault(name, []).append(frame)
                else:  # a whole domain (SE): seen by the next steps, then stored
                    current[name] = frame
        frames.update(current)
        progress(f"derived {code}")
    return issues
