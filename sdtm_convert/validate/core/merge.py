"""One finding per check: with ``--rules-source all``, a CORE finding and a finding of one of our rules that
check the same thing become one finding carrying every id (``rule``, ``p21_id``, ``cdisc_id``, ``fda_id``,
``core_id``).

Our rule and a CORE rule check the same thing when the rule's CDISC ids name the CORE id
(:data:`sdtm_convert.validate.equivalents.CDISC`, or ``@rule(cdisc=...)``), or, for ADaM, when our rule's P21 id
is the unpublished ADaMIG CORE rule's ADaM conformance rule id (:func:`adam_pairs`). A CORE finding and one of ours
are the same finding when, in addition, they name the same dataset, the same record (both 1-based record
numbers, or both none for a dataset-level finding) and, when both name a variable, ours is one of the CORE
finding's output variables (its ``value`` lists them as ``NAME=value``) or, for a variable metadata check, the
variable it names (``variable_name=QSSTRESC``). The merged finding is ours (its rule,
severity, message, variable and value) with the CORE finding's ``core_id`` and ``why`` and the CDISC ids of
both; a CORE finding merged into any of ours is not listed again. A finding only one side raises stays, with
its own ids.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pandas as pd

from sdtm_convert.validate.registry import Rule

_SPLIT = re.compile(r"[;,]")
_KEY = "__rec__"


def ids(text: object) -> list[str]:
    """``"CG0205; CORE-000293"`` → ``["CG0205", "CORE-000293"]``."""
    return [x.strip() for x in _SPLIT.split(str(text or "")) if x.strip()] if isinstance(text, str) else []


def core_ids(rule: Rule) -> list[str]:
    """The CORE ids our rule is equivalent to."""
    return [x for x in ids(rule.cdisc_id) if x.upper().startswith("CORE-")]


def adam_pairs(rules: Iterable[Rule]) -> list[tuple[str, str]]:
    """(rule, core_id) pairs of our ADaM rules and the unpublished ADaMIG CORE rules implementing the same ADaM
    conformance rule: our P21 id ``AD0111`` is the CORE rule's CDISC id (``CDISC.ADAMIG.111``)."""
    from sdtm_convert.validate.core.rules import load_rules

    by_id: dict[str, list[str]] = {}
    for c in load_rules():
        if c.status == "unpublished":
            for i in c.cdisc_ids:
                by_id.setdefault(i.upper(), []).append(c.core_id)
    return [(r.id, c) for r in rules if r.p21_id for c in by_id.get(r.p21_id.upper(), [])]


def equivalences(rules: Iterable[Rule]) -> pd.DataFrame:
    """(rule, core_id) pairs: our rule and the CORE rule that checks the same thing."""
    rules = list(rules)
    pairs = [(r.id, c) for r in rules for c in core_ids(r)] + adam_pairs(rules)
    return pd.DataFrame(pairs, columns=["rule", "core_id"], dtype=object)


def _joined(ours: object, core: object) -> str | None:
    """The ids of both findings, without CORE ids (``core_id`` holds them), in first-seen order."""
    seen = dict.fromkeys(x for x in [*ids(ours), *ids(core)] if not x.upper().startswith("CORE-"))
    return ", ".join(seen) or None


def _output_names(value: object) -> set[str]:
    return {p.split("=", 1)[0].strip() for p in str(value).split("; ") if "=" in p} if isinstance(value, str) else set()


def _named_variable(value: object) -> set[str]:
    """The variable a metadata check's finding is about (``variable_name=QSSTRESC`` in its value)."""
    if not isinstance(value, str):
        return set()
    return {p.split("=", 1)[1].strip() for p in value.split("; ") if p.startswith("variable_name=")}


def _keyed(f: pd.DataFrame) -> pd.DataFrame:
    return f.assign(**{_KEY: f["record"].astype("Int64").fillna(0).astype("int64").to_numpy()})


def matches(ours: pd.DataFrame, core: pd.DataFrame, rules: Iterable[Rule]) -> pd.DataFrame:
    """(``o``, ``c``) positions of our findings and the CORE findings they are the same finding as."""
    eq = equivalences(rules)
    empty = pd.DataFrame({"o": pd.Series(dtype="int64"), "c": pd.Series(dtype="int64")})
    if eq.empty or ours.empty or core.empty:
        return empty
    o = _keyed(ours)[["rule", "dataset", "variable", _KEY]].assign(o=range(len(ours))).merge(eq, on="rule")
    c = _keyed(core)[["core_id", "dataset", "variable", "value", _KEY]].assign(c=range(len(core)))
    m = o.merge(c, on=["core_id", "dataset", _KEY], suffixes=("", "_core"))
    if m.empty:
        return empty
    names = [_output_names(v) | _named_variable(v) for v in m["value"].tolist()]
    same_var = [pd.isna(ov) or pd.isna(cv) or ov in n
                for ov, cv, n in zip(m["variable"].tolist(), m["variable_core"].tolist(), names, strict=True)]
    return m.loc[same_var, ["o", "c"]].reset_index(drop=True)


def merge_findings(ours: pd.DataFrame, core: pd.DataFrame, rules: Iterable[Rule]) -> pd.DataFrame:
    """Our findings (with ``core_id``/``why`` empty where no CORE finding matched, else the CORE finding's, and
    both sides' CDISC ids), then the CORE findings none of ours matched. Same columns as ``core``."""
    ours = ours.reset_index(drop=True).assign(core_id=None, why=None)[list(core.columns)]
    core = core.reset_index(drop=True)
    full = matches(ours, core, rules)
    if not full.empty:
        m = full.sort_values(["o", "c"], kind="stable").drop_duplicates("o")  # one CORE finding named per ours
        o, c = m["o"].to_numpy(), m["c"].to_numpy()
        ours = ours.astype({"core_id": object, "why": object, "cdisc_id": object, "fda_id": object})
        ours.loc[o, "core_id"] = core["core_id"].to_numpy()[c]
        ours.loc[o, "why"] = core["why"].to_numpy()[c]
        for col in ("cdisc_id", "fda_id"):
            ours.loc[o, col] = [_joined(a, b) for a, b in
                                zip(ours.loc[o, col].tolist(), core[col].to_numpy()[c], strict=True)]
    absorbed = set(full["c"].tolist())
    rest = core.drop(index=sorted(absorbed)) if absorbed else core
    return pd.concat([x for x in (ours, rest) if len(x)] or [ours], ignore_index=True)
