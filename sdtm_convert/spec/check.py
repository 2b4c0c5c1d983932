"""The spec checks made before any data is read, from the descriptors: raw datasets and columns exist in
raw.yaml, codelists exist in the CT release, a parameter's value is what its kind accepts (date formats,
regular expressions, conditions), hard-coded CT values are terms of their codelist, targets are SDTMIG
variables of their domain and are assigned before use, derivations are known and take the parameters given,
the conditions of derivations (``merge_vars`` ``where``) and of study.yaml ``populations:`` compile.

What a variable reads (raw columns, earlier targets) and what its parameters must be come from its
algorithm's descriptor (``Algorithm.params``: parameter kinds; ``Algorithm.check``): there is no list of
algorithm names here.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from sdtm_convert.errors import ERROR, Issue, SdtmConvertError
from sdtm_convert.spec import conditions
from sdtm_convert.spec.keys import did_you_mean
from sdtm_convert.spec.loader import _line_of, key_line
from sdtm_convert.spec.model import DomainSpec, StudySpec
from sdtm_convert.spec.params import DATE_DEFAULTS, Problem, SpecEnv
from sdtm_convert.spec.study import population_condition
from sdtm_convert.spec.targets import allowed_variables
from sdtm_convert.standards.ct import ControlledTerminology

TRANSPOSE_COLUMNS = ("__item", "__value")


def _line(spec: DomainSpec, path: list[Any]) -> int | None:
    return _line_of(spec.node, path)


def _err(spec: DomainSpec, path: list[Any], code: str, msg: str, key: str | None = None) -> Issue:
    line = key_line(spec.node, path, key) if key else _line(spec, path)
    return Issue(code, ERROR, msg, file=spec.path, line=line, dataset=spec.domain)


Parameters = Callable[[str], tuple[list[str], list[str]]]  # derivation name → (accepted, required)
ConditionParameters = Callable[[str], tuple[str, ...]]  # derivation name → its parameters that are conditions


def check_spec(spec: StudySpec, ct: ControlledTerminology, derivation_names: list[str],
               derivation_parameters: Parameters | None = None, *, algorithms: Any,
               derivation_conditions: ConditionParameters | None = None) -> list[Issue]:
    """Semantic checks of every domain spec and of study.yaml's ``populations:``. Returns error issues
    (empty when the spec is sound), in file and line order. ``derivation_parameters`` (the registry's):
    each step's parameters are checked too; ``derivation_conditions`` (the registry's): the parameters that
    are conditions must compile. ``algorithms``: the mapping algorithm registry, whose descriptors say what
    each variable reads and what its parameters must be (passed in: the spec package imports no stage)."""
    issues: list[Issue] = _check_populations(spec)
    raw = spec.raw["datasets"]
    seen_domains: dict[str, str] = {}
    for ds in spec.domains:
        if ds.domain in seen_domains:
            issues.append(_err(ds, ["domain"], "spec-domain-duplicate", f"domain {ds.domain} is also mapped in {seen_domains[ds.domain]}"))
        seen_domains[ds.domain] = ds.path
        issues += _check_dates(ds)
        for i, src in enumerate(ds.sources):
            issues += _check_source(ds, i, src, raw, ct, algorithms)
        issues += _check_targets(ds)
        for j, der in enumerate(ds.derivations):
            if der["name"] not in derivation_names:
                issues.append(_err(ds, ["derivations", j, "name"], "spec-derivation-unknown",
                                   f"unknown derivation {der['name']!r}{did_you_mean(der['name'], derivation_names)}"
                                   f" (known: {', '.join(derivation_names)})"))
            elif derivation_parameters is not None:
                issues += _check_derivation_params(ds, j, der, *derivation_parameters(der["name"]))
            if der["name"] in derivation_names and derivation_conditions is not None:
                issues += [_err(ds, ["derivations", j, k, *p.path], "spec-condition-invalid",
                                f"derivation {der['name']} {k}: {p.message}")
                           for k in derivation_conditions(der["name"]) if der.get(k) is not None
                           for p in conditions.located_problems(der[k])]
    issues.sort(key=lambda i: (i.file or "", i.line or 0))
    return issues


def _check_populations(spec: StudySpec) -> list[Issue]:
    """Every ``populations:`` entry of study.yaml is a condition that compiles (rule names are the ADaM
    stage's to resolve: any name passes here)."""
    issues = []
    for flag, entry in (spec.study.populations or {}).items():
        cond, inner = population_condition(entry)
        for p in conditions.located_problems(cond, rules=lambda _name: {"all": []}):
            line = _line_of(spec.study_node, ["populations", flag, *inner, *p.path])
            issues.append(Issue("spec-condition-invalid", ERROR, f"population {flag}: {p.message}",
                                file=spec.study.path, line=line))
    return issues


def _check_derivation_params(ds: DomainSpec, j: int, der: dict[str, Any], accepted: list[str],
                             required: list[str]) -> list[Issue]:
    path = ["derivations", j]
    issues = [_err(ds, path, "spec-derivation-parameter-unknown",
                   f"unknown parameter {k!r} of derivation {der['name']}{did_you_mean(k, accepted)}"
                   f" (parameters: {', '.join(accepted) or 'none'})", key=k)
              for k in der if k != "name" and k not in accepted]
    if not issues:  # a misspelt parameter is the cause of the missing one it stands for
        issues = [_err(ds, path, "spec-derivation-parameter-missing",
                       f"derivation {der['name']} needs parameter {k!r}", key="name")
                  for k in required if k not in der]
    return issues


def _check_dates(ds: DomainSpec) -> list[Issue]:
    """The file's ``dates:`` defaults, checked by their parameter kinds (a date format the converter can read)."""
    block = ds.data.get("dates", {})
    return [_err(ds, ["dates", k, *p.path], p.code, p.message)
            for k, kind in DATE_DEFAULTS.items() if k in block for p in kind.check(block[k], SpecEnv(None))]


def _supp_columns(ds: DomainSpec) -> set[str]:
    """Names that a ``suppqual`` step of this spec turns into SUPP-- qualifiers (not SDTM variables)."""
    return {str(q.get("column")) for der in ds.derivations if der["name"] == "suppqual"
            for q in der.get("qualifiers") or [] if isinstance(q, dict)}


def _check_targets(ds: DomainSpec) -> list[Issue]:
    """Every target is an SDTMIG variable of the domain (``--X`` with the domain prefix), a working column
    (``__X``) or a SUPP-- qualifier of a ``suppqual`` step."""
    allowed = allowed_variables(ds.domain)
    supp = _supp_columns(ds)
    issues = []
    for i, src in enumerate(ds.sources):
        for k, var in enumerate(src["variables"]):
            name = var["target"]
            resolved = ds.domain + name[2:] if name.startswith("--") else name
            if name.startswith("__") or resolved in allowed or name in supp or resolved in supp:
                continue
            choices = {"--" + a[len(ds.domain):] if name.startswith("--") and a.startswith(ds.domain) else a
                       for a in allowed}
            hint = did_you_mean(name, choices, cutoff=0.75) or " (a working column is named __X; a SUPP-- qualifier is listed in a suppqual step)"
            issues.append(_err(ds, ["sources", i, "variables", k, "target"], "spec-target-unknown",
                               f"unknown SDTM variable {name!r} in {ds.domain}{hint}"))
    return issues


def _columns_of(raw: dict[str, Any], name: str) -> set[str]:
    d = raw[name]
    return set(d["columns"]) | set(d.get("optional_columns", []))


def _check_source(ds: DomainSpec, i: int, src: dict[str, Any], raw: dict[str, Any], ct: ControlledTerminology,
                  algorithms: Any) -> list[Issue]:
    issues: list[Issue] = []
    base = ["sources", i]
    if src["raw"] not in raw:
        return [_err(ds, [*base, "raw"], "spec-raw-unknown", f"raw dataset {src['raw']!r} is not declared in raw.yaml")]
    columns = _columns_of(raw, src["raw"])
    for k, j in enumerate(src.get("join", [])):
        if j["raw"] not in raw:
            issues.append(_err(ds, [*base, "join", k, "raw"], "spec-raw-unknown", f"raw dataset {j['raw']!r} is not declared in raw.yaml"))
            continue
        jcols = _columns_of(raw, j["raw"])
        for n, key in enumerate(j["by"]):
            left, right = (key, key) if isinstance(key, str) else (key.get("left"), key["right"])
            if (left is not None and left not in columns) or right not in jcols:
                shown = key if isinstance(key, str) else " = ".join(str(x) for x in (left, right, key.get("value")) if x is not None)
                issues.append(_err(ds, [*base, "join", k, "by", n], "spec-column-unknown", f"join key {shown!r} missing on one side"))
        columns |= jcols
    if "transpose" in src:
        for k, tc in enumerate(src["transpose"]["columns"]):
            if tc["column"] not in columns:
                issues.append(_err(ds, [*base, "transpose", "columns", k, "column"], "spec-column-unknown",
                                   f"column {tc['column']!r} is not declared for raw dataset {src['raw']}"))
        columns |= set(TRANSPOSE_COLUMNS)
        for tc in src["transpose"]["columns"]:
            columns |= set(tc.get("set", {}))
    if "where" in src:
        issues += [_err(ds, [*base, "where", *p.path], "spec-condition-invalid", p.message)
                   for p in conditions.located_problems(src["where"])]
        for kind, name in conditions.referenced_names(src["where"]):
            if kind == "column" and name not in columns:
                issues.append(_err(ds, [*base, "where"], "spec-column-unknown", f"condition reads unknown column {name!r}"))
    targets: set[str] = set()
    env = SpecEnv(ct=ct, raw=raw)
    for k, var in enumerate(src["variables"]):
        path = [*base, "variables", k]
        algo = algorithms[var["algorithm"]]
        reads = [r for name, kind in algo.params.items() if name in var for r in kind.reads(var[name])]
        for col in [n for kind, n in reads if kind == "column"]:
            if col not in columns:
                issues.append(_err(ds, path, "spec-column-unknown",
                                   f"{var['target']}: column {col!r} is not declared for raw dataset {src['raw']}"))
        problems = [Problem((name, *p.path), p.code, p.message)
                    for name, kind in algo.params.items() if name in var for p in kind.check(var[name], env)]
        problems += algo.check(var, env) if algo.check else []
        for tgt in [n for kind, n in reads if kind == "target"]:
            if tgt not in targets:
                issues.append(_err(ds, path, "spec-target-order", f"{var['target']}: reads target {tgt!r} before it is assigned"))
        issues += [_err(ds, [*path, *p.path], p.code, f"{var['target']}: {p.message}") for p in problems]
        targets.add(var["target"])
    return issues


def _load_define(spec: StudySpec) -> list[Issue]:
    """Read define.yaml (the sponsor's define spec) into ``spec.define`` and ``spec.study.define``; its problems."""
    from dataclasses import replace

    from sdtm_convert.spec.define_load import load_define_spec

    spec.define, problems = load_define_spec(spec.folder, spec.raw)
    spec.study = replace(spec.study, define=spec.define)
    return problems


def load_checked(spec_folder: str | Path, derivation_names: list[str], derivation_parameters: Parameters,
                 algorithms: Any, *, derivation_conditions: ConditionParameters | None = None,
                 adam_steps: Any = None) -> tuple[StudySpec, ControlledTerminology]:
    """Load and check the whole spec before any data is read, with the registries of the stages that read it
    (mapping algorithms, derivations; ``adam_steps``: the ADaM step registry, which loads and checks the ADaM
    specs ``adam/*.yaml`` into ``spec.adam`` and their analyses ``adam/analyses.yaml`` into ``spec.analyses``; None leaves them out). Returns the spec and its controlled terminology; raises
    :class:`~sdtm_convert.errors.SdtmConvertError` on the first error (every error in its ``extra["all"]``)."""
    from sdtm_convert.spec.model import load_spec
    from sdtm_convert.standards import load_ct

    spec = load_spec(spec_folder)
    try:
        ct = load_ct(spec.study.ct_version)
    except KeyError as exc:
        raise SdtmConvertError(Issue("spec-ct-version", ERROR, str(exc.args[0]), file=spec.study.path,
                                     line=spec.study_line("ct_version"))) from None
    problems = check_spec(spec, ct, derivation_names, derivation_parameters, algorithms=algorithms,
                          derivation_conditions=derivation_conditions)
    problems += _load_define(spec)
    if adam_steps is not None:
        from sdtm_convert.spec.adam import check_adam_specs, load_adam_specs
        from sdtm_convert.spec.analyses import check_analyses, load_analyses

        spec.adam = load_adam_specs(spec.folder)
        problems += check_adam_specs(spec.adam, adam_steps, [d.domain for d in spec.domains],
                                     {"PASI": spec.study.pasi.domain})
        spec.analyses = load_analyses(spec.folder)
        problems += check_analyses(spec.analyses, spec.adam)
        if spec.adam:  # declared once: with ADaM specs, their step parameters are the settings
            problems += [Issue("spec-adam-study-settings", ERROR, f"study.yaml {key}: is not read when the study has "
                               "ADaM specs (adam/*.yaml): give it as parameters of their steps", file=spec.study.path,
                               line=spec.study_line(key))
                         for key in ("adam", "populations") if key in spec.study.raw]
    if problems:
        first = problems[0]
        more = f" (and {len(problems) - 1} more spec errors)" if len(problems) > 1 else ""
        raise SdtmConvertError(Issue(first.code, ERROR, first.message + more, file=first.file, line=first.line,
                                     dataset=first.dataset, extra={"all": [p.to_dict() for p in problems]}))
    return spec, ct
