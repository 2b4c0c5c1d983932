"""``sdtm-convert rules``: the validator's rule catalogue (``validate.rules_catalog``)."""

from __future__ import annotations

import argparse
import json

from sdtm_convert.cli._command import Command, register


def add_arguments(rul: argparse.ArgumentParser) -> None:
    rul.add_argument("--json", action="store_true", help="print the catalogue as JSON (default: a text table)")


def run(args: argparse.Namespace) -> int:
    from sdtm_convert.validate import rules_catalog

    catalog = rules_catalog()
    if args.json:
        print(json.dumps(catalog, indent=2, ensure_ascii=False, default=str))
        return 0
    for r in catalog:
        ids = " ".join(f"{k}={r[k]}" for k in ("p21_id", "fda_id", "cdisc_id") if r.get(k))
        print(f"{r['id']:<12} {r['severity']:<8} {r['category']:<13} {r.get('message', '')}" + (f"  [{ids}]" if ids else ""))
    return 0


COMMAND = register(Command("rules", "list the validator's rules with their Pinnacle 21 / FDA / CDISC ids",
                           add_arguments, run, position=40))
