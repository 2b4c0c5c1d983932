"""ADaM settings from ``study.yaml`` (``populations:`` and ``adam:``), with defaults for absent keys.

See docs/adam.md for the meaning of every key. Population definitions are conditions of the one condition
language (:mod:`sdtm_convert.spec.conditions`: ``{var, op, value}``, ``all``/``any``/``not``) over ADSL
variables, or the names of built-in rules (``{rule: NAME}``), compared as typed values; nothing is evaluated
as code. The spec checks have found a misspelt operator with its line before any data is read.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from sdtm_convert.adam.derive.conditions import compile_condition
from sdtm_convert.adam.derive.visits import ANL01FL_RULES
from sdtm_convert.errors import fatal
from sdtm_convert.spec import conditions
from sdtm_convert.spec.study import StudyConfig, population_condition

#: Built-in population rules (names usable in ``populations:``) as structured conditions on ADSL.
BUILTIN_RULES: dict[str, dict[str, Any]] = {
    "assigned_to_treatment": {"var": "ARMCD", "op": "not_in", "value": ["", "SCRNFAIL", "NOTASSGN"]},
    "received_any_treatment": {"var": "NINFUS", "op": "ge", "value": 1},
    "received_all_planned_treatment": {"var": "ALLINFFL", "op": "eq", "value": "Y"},
    "has_baseline_and_postbaseline_pasi": {
        "all": [{"var": "BLPASIFL", "op": "eq", "value": "Y"}, {"var": "PBPASIFL", "op": "eq", "value": "Y"}]
    },
    "has_primary_visit_pasi": {"var": "PVPASIFL", "op": "eq", "value": "Y"},
    "completed_study": {"var": "EOSSTT", "op": "eq", "value": "COMPLETED"},
}

DEFAULT_POPULATIONS: dict[str, Any] = {
    "ENRLFL": {"label": "subjects assigned to treatment", "rule": "assigned_to_treatment"},
    "ITTFL": {"label": "subjects assigned to treatment", "rule": "assigned_to_treatment"},
    "SAFFL": {"label": "received at least one infusion", "rule": "received_any_treatment"},
    "FASFL": {
        "label": "safety population with a baseline and at least one post-baseline PASI",
        "where": {"all": [{"var": "SAFFL", "op": "eq", "value": "Y"}, {"rule": "has_baseline_and_postbaseline_pasi"}]},
    },
    "PPROTFL": {
        "label": "full analysis set, all planned infusions and a PASI in the primary-visit window",
        "where": {
            "all": [
                {"var": "FASFL", "op": "eq", "value": "Y"},
                {"rule": "received_all_planned_treatment"},
                {"rule": "has_primary_visit_pasi"},
            ]
        },
    },
    "COMPLFL": {"label": "completed the study", "rule": "completed_study"},
}

DEFAULT_AGE_GROUPS = [{"label": "18-40", "min": 18, "max": 40}, {"label": "41-65", "min": 41, "max": 65}]
DEFAULT_WEEKS = (2, 4, 6, 8, 12)
# the JSON Schema of the analysis windows setting (study.yaml adam.windows, or the PASI steps' windows parameter)
WINDOWS_SCHEMA: dict[str, Any] = {
    "type": "object", "additionalProperties": False,
    "properties": {
        "tolerance_days": {"type": "integer"},
        "visits": {"type": "array", "items": {
            "type": "object", "additionalProperties": False, "required": ["avisit", "avisitn", "target"],
            "properties": {"avisit": {"type": "string"}, "avisitn": {"type": "number"}, "target": {"type": "number"},
                           "range": {"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 2}}}},
    },
}
_POP_FLAGS = ("ENRLFL", "RANDFL", "ITTFL", "SAFFL", "FASFL", "PPROTFL", "COMPLFL")


@dataclass(frozen=True)
class Population:
    flag: str
    label: str
    where: dict[str, Any]  # as written (rules expanded): define.xml quotes it
    condition: conditions.Condition = field(compare=False, repr=False)  # parsed once, typed comparison


@dataclass(frozen=True)
class AdamSettings:
    populations: tuple[Population, ...]
    windows: pd.DataFrame = field(compare=False)
    tolerance_days: int = 3
    anl01fl_rule: str = "closest_to_target_then_latest"
    responder_thresholds: tuple[int, ...] = (50, 75, 90, 100)
    nri: bool = True
    nri_population: str = "FASFL"
    primary_avisitn: float = 12.0
    trtemfl_window_days: int | None = 28
    planned_infusions: int = 5
    age_groups: tuple[dict[str, Any], ...] = tuple(DEFAULT_AGE_GROUPS)
    completed_terms: tuple[str, ...] = ("COMPLETED",)
    eos_excluded_terms: tuple[str, ...] = ("SCREEN FAILURE",)
    treatment_numbers: dict[str, float] = field(default_factory=dict)
    adsl_subjects: str = "all"


def expand_rules(cond: Any) -> Any:
    """Replace ``{"rule": name}`` nodes by the built-in conditions they name."""
    if isinstance(cond, Mapping):
        if "rule" in cond:
            name = cond["rule"]
            if name not in BUILTIN_RULES:
                raise fatal(
                    "adam-config-invalid", f"unknown population rule {name!r} (known: {', '.join(BUILTIN_RULES)})"
                )
            return BUILTIN_RULES[name]
        return {
            k: ([expand_rules(c) for c in v] if k in ("all", "any") else expand_rules(v) if k == "not" else v)
            for k, v in cond.items()
        }
    return cond


def _rule(name: str) -> dict[str, Any]:
    if name not in BUILTIN_RULES:
        raise KeyError(f"unknown population rule {name!r} (known: {', '.join(BUILTIN_RULES)})")
    return BUILTIN_RULES[name]


def _population(flag: str, spec: Any) -> Population:
    if isinstance(spec, str):
        if spec not in BUILTIN_RULES:
            raise fatal(
                "adam-config-invalid", f"population {flag}: unknown rule {spec!r} (known: {', '.join(BUILTIN_RULES)})"
            )
        return Population(flag, spec.replace("_", " "), BUILTIN_RULES[spec], compile_condition(BUILTIN_RULES[spec]))
    if not isinstance(spec, Mapping):
        raise fatal("adam-config-invalid", f"population {flag}: expected a rule name or a mapping")
    label = str(spec.get("label", flag))
    cond, _path = population_condition(dict(spec))
    if "rule" in spec and "where" not in spec:
        where = expand_rules(cond)
    else:
        where = expand_rules(spec.get("where", spec))
    try:
        node = conditions.parse(cond, comparison="typed", rules=_rule)
    except conditions.ConditionError as exc:
        raise fatal("adam-config-invalid", f"population {flag}: {'; '.join(p.message for p in exc.problems)}") from None
    return Population(flag, label, where, node)


def default_windows(study: StudyConfig, tolerance_days: int) -> pd.DataFrame:
    """Post-baseline windows from the study visits (planned day > 1), or weeks 2,4,6,8,12 if none.

    AVISIT "Week n" when the planned day is 7n + 1 (else the visit name); AVISITN = n (else VISITNUM).
    """
    rows = []
    visits = [v for v in study.visits if v.visitdy is not None and v.visitdy > 1]
    if visits:
        for v in visits:
            weeks, rem = divmod(int(v.visitdy or 0) - 1, 7)
            name, num = (f"Week {weeks}", float(weeks)) if rem == 0 else (v.visit.title(), float(v.visitnum))
            rows.append((name, num, float(v.visitdy or 0)))
    else:
        rows = [(f"Week {w}", float(w), float(7 * w + 1)) for w in DEFAULT_WEEKS]
    return pd.DataFrame(
        {
            "AVISIT": [r[0] for r in rows],
            "AVISITN": [r[1] for r in rows],
            "AWTARGET": [r[2] for r in rows],
            "AWLO": [r[2] - tolerance_days for r in rows],
            "AWHI": [r[2] + tolerance_days for r in rows],
        }
    )


def _windows(study: StudyConfig, cfg: Mapping[str, Any]) -> tuple[pd.DataFrame, int]:
    w = cfg.get("windows") or {}
    tol = int(w.get("tolerance_days", 3))
    if "visits" not in w:
        return default_windows(study, tol), tol
    rows = []
    for v in w["visits"]:
        target = float(v["target"])
        lo, hi = v.get("range", [target - tol, target + tol])
        rows.append(
            {
                "AVISIT": str(v["avisit"]),
                "AVISITN": float(v["avisitn"]),
                "AWTARGET": target,
                "AWLO": float(lo),
                "AWHI": float(hi),
            }
        )
    return pd.DataFrame(rows), tol


def adam_settings(study: StudyConfig) -> AdamSettings:
    """Read and check ``study.populations`` / ``study.adam``; absent keys take the documented defaults."""
    cfg = dict(study.adam or {})
    pops_cfg = dict(DEFAULT_POPULATIONS)
    pops_cfg.update(study.populations or {})
    pops = tuple(_population(flag, spec) for flag, spec in pops_cfg.items())
    rule = str(cfg.get("anl01fl_rule", "closest_to_target_then_latest"))
    if rule not in ANL01FL_RULES:
        raise fatal("adam-config-invalid", f"unknown anl01fl_rule {rule!r} (known: {', '.join(ANL01FL_RULES)})")
    windows, tol = _windows(study, cfg)
    thresholds = tuple(int(k) for k in cfg.get("responder_thresholds", (50, 75, 90, 100)))
    if any(not 0 < k <= 100 for k in thresholds):
        raise fatal("adam-config-invalid", "responder_thresholds must be in 1..100")
    primary = float(cfg.get("primary_avisitn", windows["AVISITN"].max() if len(windows) else 12.0))
    window_days = cfg.get("trtemfl_window_days", 28)
    numbers = {str(k): float(v) for k, v in (cfg.get("treatment_numbers") or {}).items()}
    if not numbers:
        numbers = {a.arm: float(i) for i, a in enumerate(study.arms, start=1)}
    adsl_subjects = str(cfg.get("adsl_subjects", "all"))
    if adsl_subjects not in ("all", "assigned"):
        raise fatal("adam-config-invalid", f"adsl_subjects must be 'all' or 'assigned', not {adsl_subjects!r}")
    return AdamSettings(
        adsl_subjects=adsl_subjects,
        populations=pops,
        windows=windows,
        tolerance_days=tol,
        anl01fl_rule=rule,
        responder_thresholds=thresholds,
        nri=bool(cfg.get("nri", True)),
        nri_population=str(cfg.get("nri_population", "FASFL")),
        primary_avisitn=primary,
        trtemfl_window_days=None if window_days is None else int(window_days),
        planned_infusions=int(cfg.get("planned_infusions", 5)),
        age_groups=tuple(cfg.get("age_groups", DEFAULT_AGE_GROUPS)),
        completed_terms=tuple(cfg.get("completed_terms", ("COMPLETED",))),
        eos_excluded_terms=tuple(cfg.get("eos_excluded_terms", ("SCREEN FAILURE",))),
        treatment_numbers=numbers,
    )


def population_flags() -> tuple[str, ...]:
    return _POP_FLAGS
