"""``sdtm-convert trace``: where a record came from, SDTM/ADaM record → raw file and row (``trace.trace``)."""

from __future__ import annotations

import argparse
import json

from sdtm_convert.cli._command import Command, register

EPILOG = ("raw positions: data row N = line N+1 of the CSV (line 1 is the header).\n"
          "exit status: 0 records found, 1 no record of the subject, 2 no lineage (not a run folder)")


def add_arguments(tra: argparse.ArgumentParser) -> None:
    tra.add_argument("path", help="a run's output folder, or one of its .xpt files (e.g. build/.../dm.xpt)")
    tra.add_argument("usubjid", help="the subject, e.g. NCT03745417-01-002")
    tra.add_argument("--dataset", help="only this dataset (default: the .xpt given, else all)")
    tra.add_argument("--seq", type=float, help="only the record with this --SEQ (ADaM: ASEQ) (default: all)")
    tra.add_argument("--json", action="store_true", help="print JSON (default: text)")


def run(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from sdtm_convert.package import trace

    records = trace.trace(args.path, args.usubjid, dataset=args.dataset, seq=args.seq)
    if args.json:
        print(json.dumps([asdict(r) for r in records], indent=2, ensure_ascii=False))
    else:
        print(trace.render(records) or f"no record of {args.usubjid} found", end="" if records else "\n")
    return 0 if records else 1


COMMAND = register(Command("trace", "where did a record come from: SDTM/ADaM record -> raw file and row",
                           add_arguments, run, position=90, epilog=EPILOG))
