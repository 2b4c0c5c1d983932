"""``sdtm-convert batch pool PACKAGE... --spec pooling.yaml --out DIR``: several studies' ADaM packages stacked into
one integrated package (:func:`sdtm_convert.batch.pool.pool_packages`). ``cli/batch.py`` adds it to ``batch``."""

from __future__ import annotations

import argparse
import sys

EPILOG = """\
The pooling spec (YAML) names the datasets to pool (ADSL and ADAE by default, BDS datasets added) and, per
STUDYID, the renames, recodes, CT version maps and MedDRA term map that harmonise the study; docs/pooling.md
describes it. Writes <out>/m5/datasets/<pool>/analysis/adam/datasets (XPT, Dataset-JSON, define.xml),
<out>/reports/pooling.json|html and <out>/reports/validation-pool.json|html.

exit status: 0 pooled, no error; 1 a pooling error (a subject in two studies, a type clash: only the pooling
report is written) or validation errors in the pooled package; 2 a bad spec or an unreadable package"""


def register_pool(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add ``pool`` to the ``batch`` subcommands; ``args.batch_command`` is ``"pool"``."""
    p = subparsers.add_parser("pool", help="stack several studies' ADSL/ADAE (and declared BDS) into one package",
                              description="Stack several studies' ADaM datasets into one integrated package, "
                              "harmonised by a pooling spec.", epilog=EPILOG,
                              formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("packages", nargs="+", metavar="PACKAGE",
                   help="a study's written package: an `sdtm-convert run` output folder or its ADaM folder")
    p.add_argument("--spec", required=True, help="the pooling spec (YAML)")
    p.add_argument("--out", required=True, help="the folder to write the pooled package and its reports into")
    p.add_argument("--formats", default="xpt,json",
                   help="dataset formats, comma-separated (default: xpt,json)")
    p.add_argument("--no-validate", action="store_true", help="do not validate the pooled package")
    p.add_argument("--quiet", action="store_true", help="print only the result line")
    return p


def run_pool(args: argparse.Namespace) -> int:
    from sdtm_convert.batch.pool import pool_packages
    from sdtm_convert.package.write import FORMATS

    formats = tuple(f.strip() for f in args.formats.split(",") if f.strip())
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        print(f"error: --formats: {unknown[0] if unknown else '(none)'} is not one of {', '.join(FORMATS)}",
              file=sys.stderr)
        return 2
    say = (lambda _m: None) if args.quiet else (lambda m: print(m, file=sys.stderr))
    result = pool_packages(args.packages, args.spec, args.out, formats=formats, validate=not args.no_validate,
                           progress=say)
    for issue in result.issues:
        if issue.severity != "info" and not args.quiet:
            print(issue.one_line(), file=sys.stderr)
    v = result.validation
    counts = ", ".join(f"{n} {len(f)}" for n, f in result.frames.items())
    if result.errors:
        print(f"FAILED: {len(result.errors)} pooling errors, nothing written but the report "
              f"{result.reports[1]}", file=sys.stderr)
        return 1
    checked = f"; validation {v.errors} errors / {v.warnings} warnings" if v is not None else ""
    print(f"{'OK' if v is None or not v.errors else 'DONE'}: pooled {counts} records{checked}; report {result.reports[1]}",
          file=sys.stderr)
    return 1 if v is not None and v.errors else 0
