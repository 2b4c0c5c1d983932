"""ADaM specs (``mappings/<study>/adam/<adxx>.yaml``): loaded against the generated JSON Schema
(``spec/jsonschema/adam.schema.json``, file and line on error) and checked before any data is read.

One file declares one dataset: its label, class, structure, keys, ``sources`` (SDTM domains and earlier ADaM
datasets: the build order), the ordered ``steps`` (each a registered step with its parameters) and the
``variables`` in order (label, define.xml ``source`` or ``method``; a variable with neither takes the method
text of the step that sets it). The checks: an unknown step, a misspelt or missing parameter, a variable a
step reads before an earlier step sets it, a source that neither the SDTM spec nor another ADaM spec
produces (or a cycle), a dataset a step reads that ``sources`` does not name, a declared variable that no
step sets. Each is one :class:`~sdtm_convert.errors.Issue` with file and line.

The step registry is passed in (``steps``: name → descriptor with ``params``, ``sets_of``, ``reads_of``,
``makes_records``, ``needs``): this package imports no stage.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sdtm_convert.errors import ERROR, Issue
from sdtm_convert.spec.keys import did_you_mean
from sdtm_convert.spec.loader import _line_of, key_line, load_yaml_validated_with_node
from sdtm_convert.spec.params import SpecEnv

#: the spec's ``class:`` → define.xml class
CLASSES = {
    "ADSL": "SUBJECT LEVEL ANALYSIS DATASET",
    "BDS": "BASIC DATA STRUCTURE",
    "OCCDS": "OCCURRENCE DATA STRUCTURE",
    "TTE": "BASIC DATA STRUCTURE",
}
#: datasets every SDTM run writes besides the mapped domains (trial design, subject elements)
ALWAYS_PRODUCED = ("TA", "TE", "TV", "TI", "TS", "SE")


@dataclass
class AdamSpec:
    """One loaded ADaM spec file."""

    path: str
    data: dict[str, Any]
    node: Any = None

    @property
    def dataset(self) -> str:
        return str(self.data["dataset"])

    @property
    def sources(self) -> list[str]:
        return [str(s) for s in self.data["sources"]]

    @property
    def steps(self) -> list[dict[str, Any]]:
        return list(self.data["steps"])

    @property
    def variables(self) -> list[dict[str, Any]]:
        return list(self.data["variables"])

    def params(self, i: int) -> dict[str, Any]:
        """The parameters of step ``i`` (its keys but ``step`` and ``comment``)."""
        return {k: v for k, v in self.data["steps"][i].items() if k not in ("step", "comment")}

    def line(self, path: list[Any], key: str | None = None) -> int | None:
        return key_line(self.node, path, key) if key else _line_of(self.node, path)

    def issue(self, path: list[Any], code: str, message: str, key: str | None = None) -> Issue:
        return Issue(code, ERROR, message, file=self.path, line=self.line(path, key), dataset=self.dataset)


def adam_folder(spec_folder: str | Path) -> Path:
    return Path(spec_folder) / "adam"


def load_adam_specs(spec_folder: str | Path) -> list[AdamSpec]:
    """Every ``adam/*.yaml`` of the study folder but ``analyses.yaml`` (:mod:`sdtm_convert.spec.analyses`),
    schema-checked (raises on the first schema error, with file and line), in file-name order. No folder: no
    ADaM specs."""
    from sdtm_convert.spec.analyses import ANALYSES_FILE

    folder = adam_folder(spec_folder)
    out = []
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        if path.name == ANALYSES_FILE:
            continue
        data, node = load_yaml_validated_with_node(path, "adam")
        out.append(AdamSpec(str(path), data, node))
    return out


def produced_sdtm(mapped: Iterable[str]) -> set[str]:
    """The SDTM datasets a run writes: the mapped domains, their SUPP--, trial design and SE."""
    mapped = set(mapped)
    return mapped | {f"SUPP{d}" for d in mapped} | set(ALWAYS_PRODUCED)


def build_order(specs: list[AdamSpec]) -> tuple[list[AdamSpec], list[Issue]]:
    """The specs in ``sources`` order (an ADaM dataset after those it reads; ties in file order), and the
    cycle error when there is one."""
    by_name = {s.dataset: s for s in specs}
    done: list[AdamSpec] = []
    while len(done) < len(specs):
        names = {d.dataset for d in done}
        ready = [s for s in specs if s not in done and all(x in names for x in s.sources if x in by_name)]
        if not ready:
            stuck = [s for s in specs if s not in done]
            node, path = stuck[0], []
            while node not in path:  # every stuck spec reads a stuck one: follow them to the cycle
                path.append(node)
                node = next(by_name[x] for x in node.sources if x in by_name and by_name[x] in stuck)
            cycle = path[path.index(node):]
            return done + stuck, [cycle[0].issue(["sources"], "spec-adam-source-cycle",
                                                 f"{', '.join(s.dataset for s in cycle)} read each other (a cycle "
                                                 "in sources)")]
        done.append(ready[0])
    return done, []


def check_adam_specs(specs: list[AdamSpec], steps: Mapping[str, Any], mapped: Iterable[str],
                     aliases: Mapping[str, str] | None = None) -> list[Issue]:
    """The checks of the module docstring, for all ADaM specs of a study. ``aliases``: source names that stand
    for a domain (``PASI``: the study's PASI domain, QS or RS, as in the SDTM specs). Returns the errors in
    file and line order (empty when sound)."""
    issues: list[Issue] = []
    seen: dict[str, str] = {}
    for s in specs:
        if s.dataset in seen:
            issues.append(s.issue(["dataset"], "spec-adam-dataset-duplicate", f"{s.dataset} is also declared in "
                                  f"{seen[s.dataset]}"))
        seen[s.dataset] = s.path
    sdtm = produced_sdtm(mapped)
    sdtm |= {alias for alias, dom in (aliases or {}).items() if dom in sdtm}
    ordered, cycle = build_order(specs)
    issues += cycle
    for s in ordered:
        issues += _check_sources(s, sdtm, seen)
        issues += _check_steps(s, steps)
    issues += _check_shared(specs, steps)
    issues.sort(key=lambda i: (i.file or "", i.line or 0))
    return issues


def _check_sources(s: AdamSpec, sdtm: set[str], adam: Mapping[str, str]) -> list[Issue]:
    out = []
    for i, src in enumerate(s.sources):
        if src == s.dataset or (src not in sdtm and src not in adam):
            known = sorted(sdtm | set(adam))
            out.append(s.issue(["sources", i], "spec-adam-source-unknown",
                               f"source {src!r} is produced neither by the SDTM spec nor by another ADaM spec"
                               f"{did_you_mean(src, known)}"))
    return out


def _check_steps(s: AdamSpec, steps: Mapping[str, Any]) -> list[Issue]:
    issues: list[Issue] = []
    set_so_far: dict[str, str] = {}
    names = list(steps)
    for i, raw in enumerate(s.steps):
        path: list[Any] = ["steps", i]
        name = raw["step"]
        step = steps.get(name)
        if step is None:
            issues.append(s.issue([*path, "step"], "spec-adam-step-unknown",
                                  f"unknown step {name!r}{did_you_mean(name, names)} (known: {', '.join(names)})"))
            continue
        params = s.params(i)
        bad = _check_params(s, path, step, params)
        issues += bad
        if bad:
            continue
        if i == 0 and not step.makes_records:
            issues.append(s.issue([*path, "step"], "spec-adam-first-step",
                                  f"the first step must make the records; {name} adds to them (record steps: "
                                  f"{', '.join(n for n, st in steps.items() if st.makes_records)})"))
        if i > 0 and step.makes_records:
            issues.append(s.issue([*path, "step"], "spec-adam-records-twice",
                                  f"step {name} makes the records: it can only be the first step"))
        for ds in (*step.needs, *(str(params[p]) for p, k in step.params.items()
                                  if getattr(k, "names_dataset", False) and p in params)):
            if ds not in s.sources:
                issues.append(s.issue(path, "spec-adam-source-undeclared",
                                      f"step {name} reads {ds}, which sources does not name", key="step"))
        for var in step.reads_of(params):
            if var not in set_so_far:
                issues.append(s.issue(path, "spec-adam-variable-order",
                                      f"step {name} reads {var} before a step sets it", key="step"))
        for var in step.sets_of(params):
            set_so_far.setdefault(var, name)
    declared: dict[str, int] = {}
    for k, var in enumerate(s.variables):
        if var["name"] in declared:
            issues.append(s.issue(["variables", k, "name"], "spec-adam-variable-duplicate",
                                  f"variable {var['name']} is declared twice (first at line "
                                  f"{s.line(['variables', declared[var['name']], 'name'])})"))
        declared.setdefault(var["name"], k)
        if var["name"] not in set_so_far and not issues:
            issues.append(s.issue(["variables", k, "name"], "spec-adam-variable-unset",
                                  f"variable {var['name']} is declared but no step sets it"))
    for key in ("keys", "sort"):
        for k, name in enumerate(s.data.get(key) or []):
            if name not in declared:
                issues.append(s.issue([key, k], "spec-adam-key-undeclared",
                                      f"{key} names {name}, which is not a declared variable"))
    return issues


def _check_shared(specs: list[AdamSpec], steps: Mapping[str, Any]) -> list[Issue]:
    """A study-wide parameter (a step's ``shared``: the analysis windows that ADSL's helper flags and ADPASI's
    records must both use) has one value in all the specs of the study."""
    first: dict[str, tuple[Any, AdamSpec, int]] = {}
    out = []
    for s in specs:
        for i, raw in enumerate(s.steps):
            step = steps.get(raw["step"])
            for name in step.shared if step is not None else ():
                if name not in raw:
                    continue
                if name not in first:
                    first[name] = (raw[name], s, i)
                elif raw[name] != first[name][0]:
                    _, fs, fi = first[name]
                    out.append(s.issue(["steps", i], "spec-adam-setting-conflict",
                                       f"{name} differs from the one of {Path(fs.path).name} line "
                                       f"{fs.line(['steps', fi], name)} (a study-wide setting: give the same value)",
                                       key=name))
    return out


def _check_params(s: AdamSpec, path: list[Any], step: Any, params: dict[str, Any]) -> list[Issue]:
    accepted = list(step.params)
    out = [s.issue(path, "spec-adam-parameter-unknown", f"unknown parameter {k!r} of step {step.name}"
                   f"{did_you_mean(k, accepted)} (parameters: {', '.join(accepted) or 'none'})", key=k)
           for k in params if k not in accepted]
    if out:
        return out
    out = [s.issue(path, "spec-adam-parameter-missing", f"step {step.name} needs parameter {k!r}", key="step")
           for k in step.required() if k not in params]
    for k, value in params.items():
        out += [s.issue([*path, k, *p.path], p.code, f"step {step.name} {k}: {p.message}")
                for p in step.params[k].check(value, SpecEnv(None))]
    return out


__all__ = ["CLASSES", "AdamSpec", "build_order", "check_adam_specs", "load_adam_specs", "produced_sdtm"]
