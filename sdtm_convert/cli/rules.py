"""``sdtm-convert rules``: the validator's rule catalogue (``validate.rules_catalog``) and, with ``--source``,
CDISC's CORE rules as shipped (``validate.core.catalog``), saying which the interpreter does not run and why."""

from __future__ import annotations

import argparse
import json

from sdtm_convert.cli._command import Command, register


def add_arguments(rul: argparse.ArgumentParser) -> None:
    rul.add_argument("--json", action="store_true", help="print the catalogue as JSON (default: a text table)")
    rul.add_argument("--source", choices=("p21", "core", "all"), default="p21",
                     help="which rules: this project's (p21, default), CDISC's CORE rules (core), or both (all)")
    rul.add_argument("--standard", metavar="STD",
                     help="CORE rules naming this standard, e.g. sdtmig or sdtmig-3.4 (default: every CORE rule)")


def _p21() -> list[dict]:
    from sdtm_convert.validate import rules_catalog

    return rules_catalog()


def _core(standard: str | None) -> list[dict]:
    from sdtm_convert.validate.core.catalog import core_catalog

    return core_catalog(standard)


def run(args: argparse.Namespace) -> int:
    ours = _p21() if args.source in ("p21", "all") else []
    core = _core(args.standard) if args.source in ("core", "all") else []
    if args.json:
        print(json.dumps(ours + core if args.source == "all" else ours or core, indent=2, ensure_ascii=False,
                         default=str))
        return 0
    for r in ours:
        ids = " ".join(f"{k}={r[k]}" for k in ("p21_id", "fda_id", "cdisc_id") if r.get(k))
        print(f"{r['id']:<12} {r['severity']:<8} {r['category']:<13} {r.get('message', '')}" + (f"  [{ids}]" if ids else ""))
    for r in core:
        ids = " ".join(f"{k}={r[k]}" for k in ("cdisc_id", "fda_id") if r.get(k))
        state = "runs" if r["runs"] else "not run"
        print(f"{r['id']:<12} {state:<8} {r['rule_type']:<13} {r['message']}" + (f"  [{ids}]" if ids else "")
              + ("" if r["runs"] else f"  (not run: {r['not_run']})"))
    if core:
        print(f"CORE rules: {len(core)}, run {sum(r['runs'] for r in core)}, not run {sum(not r['runs'] for r in core)}")
    return 0


COMMAND = register(Command("rules", "list the validator's rules with their Pinnacle 21 / FDA / CDISC ids",
                           add_arguments, run, position=40))
