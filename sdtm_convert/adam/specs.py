"""ADaM datasets from the study's specs (``mappings/<study>/adam/<adxx>.yaml``, loaded and checked by
:mod:`sdtm_convert.spec.adam` before any data is read): each spec compiles to an
:class:`~sdtm_convert.adam.registry.AdamDataset` whose build runs the spec's ``steps`` (registered in
:mod:`sdtm_convert.adam.steps`) and keeps the declared ``variables`` in order. Everything that reads a
descriptor (the run order, define.xml, the row schema, the lineage) then reads the spec's.

A dataset not declared is not built: with specs, only the declared datasets are.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from sdtm_convert.adam.config import AdamSettings, adam_settings
from sdtm_convert.adam.derive._frame import as_text
from sdtm_convert.adam.registry import AdamDataset, AdamInputs, Built, Populations, V
from sdtm_convert.adam.steps import STEPS, Step, StepContext
from sdtm_convert.common.registry import Registry
from sdtm_convert.spec.adam import CLASSES, AdamSpec, build_order

POPULATIONS_STEP = "populations"


def _setter(spec: AdamSpec) -> dict[str, tuple[Step, dict[str, Any]]]:
    """Variable → the first step that sets it (with its parameters)."""
    out: dict[str, tuple[Step, dict[str, Any]]] = {}
    for i, raw in enumerate(spec.steps):
        step = STEPS[raw["step"]]
        params = spec.params(i)
        for var in step.sets_of(params):
            out.setdefault(var, (step, params))
    return out


def _variables(spec: AdamSpec) -> tuple[V | Populations, ...]:
    """The declared variables; the flags of a ``populations`` step become the population placeholder (their
    define.xml methods name each population's condition)."""
    setter = _setter(spec)
    out: list[V | Populations] = []
    for var in spec.variables:
        name = var["name"]
        step, params = setter[name]
        if step.name == POPULATIONS_STEP:
            if not any(isinstance(v, Populations) for v in out):
                out.append(Populations())
            continue
        method = var.get("method") or (None if var.get("source") else step.sets_of(params)[name])
        out.append(V(name, label=var.get("label"), source=var.get("source"), method=method,
                     imputation=bool(var.get("imputation", False))))
    return tuple(out)


def _build(spec: AdamSpec) -> Any:
    """The build: the steps in order on one working frame, then the declared variables in order (the population
    flags those of the run's settings) and the provenance columns, records in ``sort`` order (stable)."""
    sort = list(spec.data.get("sort") or spec.data["keys"])
    variables = _variables(spec)

    def build(inputs: AdamInputs) -> Built:
        ctx = StepContext(spec.dataset, None, inputs.sdtm, inputs.adam, inputs.study, [])
        for i, raw in enumerate(spec.steps):
            ctx.frame = STEPS[raw["step"]].run(ctx, spec.params(i))
        frame = ctx.working
        flags = [p.flag for p in inputs.settings.populations]
        cols = [c for v in variables for c in (flags if isinstance(v, Populations) else [v.name])]
        cols += [c for c in frame.columns if c.startswith("__")]
        out = frame[cols].sort_values(sort, kind="mergesort").reset_index(drop=True)
        return as_text(out), ctx.issues

    return build


def _absent(spec: AdamSpec) -> Any:
    return STEPS[spec.steps[0]["step"]].absent


def compile_spec(spec: AdamSpec, adam_names: set[str]) -> AdamDataset:
    """The descriptor of one spec (``adam_names``: the ADaM datasets the study declares)."""
    lineage = spec.data.get("lineage")
    return AdamDataset(
        name=spec.dataset,
        label=spec.data["label"],
        cls=CLASSES[spec.data["class"]],
        structure=spec.data["structure"],
        keys=tuple(spec.data["keys"]),
        variables=_variables(spec),
        build=_build(spec),
        needs=tuple(s for s in spec.sources if s in adam_names),
        lineage=(lineage["dataset"], lineage.get("seq")) if lineage else None,
        absent=_absent(spec),
        core=dict(spec.data.get("core") or {}),
        from_spec=True,
    )


def compile_specs(specs: list[AdamSpec]) -> Registry[AdamDataset]:
    """The descriptors of the study's ADaM specs, registered in build order."""
    registry: Registry[AdamDataset] = Registry("ADaM dataset (spec)")
    names = {s.dataset for s in specs}
    for spec in build_order(specs)[0]:
        registry.register(spec.dataset, compile_spec(spec, names))
    return registry


# What a step's parameters say about the study's ADaM settings (read by define.xml's value-level metadata
# and the analysis summary): the coarse steps take the settings' own names.
def _step_settings(step: Step, params: Mapping[str, Any]) -> dict[str, Any]:
    if step.name == "derive_param_pasi_response":
        return {"responder_thresholds": list(params["thresholds"])}
    if step.name == "derive_var_trtemfl":
        return {"trtemfl_window_days": params.get("end_window")}
    if step.name == "derive_nri_records":
        flt = params.get("filter") or {}
        return {"nri": True, **({"nri_population": flt["var"]} if "var" in flt else {})}
    if step.name == POPULATIONS_STEP:
        return {}
    return dict(params) if step.coarse else {}


def spec_settings(study: Any, specs: list[AdamSpec]) -> AdamSettings:
    """The study's ADaM settings from its specs' step parameters (absent: the documented defaults; no
    non-responder imputation unless a step does it), with exactly the populations of the populations step."""
    cfg: dict[str, Any] = {"nri": False}
    pops: dict[str, Any] = {}
    for spec in build_order(specs)[0]:
        for i, raw in enumerate(spec.steps):
            step, params = STEPS[raw["step"]], spec.params(i)
            cfg.update(_step_settings(step, params))
            if step.name == POPULATIONS_STEP:
                pops = dict(params["populations"])
    settings = adam_settings(dataclasses.replace(study, adam=cfg, populations=pops))
    by_flag = {p.flag: p for p in settings.populations}
    return dataclasses.replace(settings, populations=tuple(by_flag[f] for f in pops))
