"""The shipped CORE rules as catalogue rows: ids, standards, rule type, message, and whether the interpreter
runs the rule (if not, why) — what ``sdtm-convert rules --source core`` lists."""

from __future__ import annotations

from typing import Any

from sdtm_convert.validate.core.operators import NotRunnable
from sdtm_convert.validate.core.rules import load_rules
from sdtm_convert.validate.core.run import compile_rule


def core_catalog(standard: str | None = None) -> list[dict[str, Any]]:
    """One row per shipped rule, in id order; ``standard`` (``sdtmig``, ``sdtmig-3.4``) keeps the rules that
    name it."""
    name, _, version = (standard or "").partition("-")
    rows = []
    for rule in load_rules():
        if name and not rule.applies_to(name, version):
            continue
        try:
            compile_rule(rule)
            reason = ""
        except NotRunnable as exc:
            reason = str(exc)
        rows.append({
            "id": rule.core_id, "cdisc_id": ", ".join(rule.cdisc_ids), "fda_id": ", ".join(rule.fda_ids),
            "pmda_id": ", ".join(rule.pmda_ids), "rule_type": rule.rule_type,
            "standards": [f"{n} {v}" for n, v in rule.standards], "message": rule.message,
            "runs": not reason, "not_run": reason,
        })
    return rows
