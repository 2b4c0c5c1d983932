"""Run CDISC's published SDTMIG test cases of the CORE rules through our interpreter and print the pass rate.

Usage: ``python -m benchmarks.core_cases FOLDER [--product SDTMIG] [--rule CORE-000001] [--failures]``
where FOLDER is cdisc-org/cdisc-open-rules extracted (or any folder holding ``CORE-*/positive|negative/NN``).
Each case's CSVs are read with the types of its ``_variables.csv`` and the standard/version of its ``.env``;
the rule comes from the shipped rule data (``sdtm_convert/data/core``). A positive case passes when the rule
flags nothing, a negative one when it flags exactly the records of ``results/results.csv``. Prints the pass
rate per standard version and per rule, and the cases whose rule is not run, with the reason.

``--product ADAMIG`` runs the unpublished ADaMIG rules on their own test data instead (FOLDER: the extracted
archive, holding ``Unpublished/ADAMIG``): no results are published for them, so a negative case passes when the
rule flags any record and a positive one when it flags none (:func:`~sdtm_convert.validate.core.cases.find_adam_cases`).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

from sdtm_convert.validate.core.cases import Verdict, find_adam_cases, find_cases, judge
from sdtm_convert.validate.core.check import operators_used
from sdtm_convert.validate.core.operators import OPERATORS, NotRunnable
from sdtm_convert.validate.core.rules import CoreRule, load_rules
from sdtm_convert.validate.core.run import compile_rule


def coverage(rules: list[CoreRule], product: str) -> None:
    """Which operators the published rules of ``product`` use (rules per operator), which of them the
    interpreter supports, and how many of those rules compile."""
    mine = [r for r in rules if any(n.upper() == product.upper() for n, _ in r.standards)]
    per_op: Counter[str] = Counter()
    for r in mine:
        per_op.update(set(operators_used(r.check)))
    known = [r for r in mine if set(operators_used(r.check)) <= set(OPERATORS)]
    runnable = 0
    for r in mine:
        try:
            compile_rule(r)
            runnable += 1
        except NotRunnable:
            pass
    print(f"{product} rules: {len(mine)}; every check operator supported: {len(known)} "
          f"({100 * len(known) / max(len(mine), 1):.1f}%); compiled (rule type, operations, joins too): {runnable}")
    print("operators by rules using them (* = supported):")
    print("  " + ", ".join(f"{'*' if op in OPERATORS else ''}{op} {n}" for op, n in per_op.most_common()))


def _rate(verdicts: list[Verdict]) -> str:
    ok = sum(v.outcome == "pass" for v in verdicts)
    return f"{ok}/{len(verdicts)} ({100 * ok / max(len(verdicts), 1):.1f}%)"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder", type=Path)
    ap.add_argument("--product", default="SDTMIG")
    ap.add_argument("--rule", action="append", default=[], help="only this CORE id (repeatable)")
    ap.add_argument("--failures", action="store_true", help="list every failing case with the reason")
    args = ap.parse_args(argv)
    rules = {r.core_id: r for r in load_rules()}
    if args.product.upper() == "ADAMIG":
        found = find_adam_cases(args.folder, [r for r in rules.values() if r.source])
    else:
        found = find_cases(args.folder, args.product)
    cases = [c for c in found if not args.rule or c.rule_id in args.rule]
    if not cases:
        print(f"core_cases: no {args.product} case under {args.folder}", file=sys.stderr)
        return 2
    coverage(list(rules.values()), args.product)
    t0 = time.perf_counter()
    verdicts = []
    for case in cases:
        rule = rules.get(case.rule_id)
        verdicts.append(judge(case, rule) if rule else Verdict(case, "not run", "rule not in the shipped rule data"))
    took = time.perf_counter() - t0
    by_version: dict[str, list[Verdict]] = defaultdict(list)
    by_rule: dict[str, list[Verdict]] = defaultdict(list)
    for v in verdicts:
        by_version[v.case.version].append(v)
        by_rule[v.case.rule_id].append(v)
    print(f"{args.product} test cases: {_rate(verdicts)} pass, {len(by_rule)} rules, {took:.1f} s")
    outcomes = Counter(v.outcome for v in verdicts)
    print("  " + ", ".join(f"{k}: {n}" for k, n in sorted(outcomes.items())))
    for version, vs in sorted(by_version.items()):
        print(f"  {args.product} {version}: {_rate(vs)}")
    rules_all = sum(all(v.outcome == "pass" for v in vs) for vs in by_rule.values())
    print(f"rules with every case passing: {rules_all}/{len(by_rule)}")
    reasons = Counter(v.detail for v in verdicts if v.outcome == "not run")
    if reasons:
        print("not run (cases, reason):")
        for reason, n in reasons.most_common():
            print(f"  {n:4d}  {reason}")
    print("per rule (pass/cases):")
    for rid, vs in sorted(by_rule.items()):
        mark = "ok" if all(v.outcome == "pass" for v in vs) else "--"
        print(f"  {mark} {rid} {sum(v.outcome == 'pass' for v in vs)}/{len(vs)}")
        if args.failures:
            for v in vs:
                if v.outcome != "pass":
                    print(f"       {v.case.kind}/{v.case.number} {v.outcome}: {v.detail}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
