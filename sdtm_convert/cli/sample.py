"""``sdtm-convert sample``: generate a synthetic raw study (``sample.generate_study``)."""

from __future__ import annotations

import argparse
import json

from sdtm_convert.cli._command import Command, register

EPILOG = ("writes the CSV files, README.md, spec/ (a copy of the bundled mapping spec) and sdtm-convert.yaml\n"
          "(naming spec/), so `sdtm-convert run OUT` needs no --spec; prints that command.")


def add_arguments(sample: argparse.ArgumentParser) -> None:
    sample.add_argument("--subjects", type=int, default=30, help="number of subjects (default: 30)")
    sample.add_argument("--seed", type=int, default=20211031,
                        help="random seed; the same arguments give byte-identical files (default: 20211031)")
    sample.add_argument("--sites", type=int, default=2, help="number of sites, 1-99 (default: 2)")
    sample.add_argument("--fault", action="append", metavar="NAME",
                        help="inject a bad-input variant (pasi-item-out-of-range, invalid-date, unknown-sex, "
                             "missing-column, orphan-subject, duplicate-key); repeatable (default: none)")
    sample.add_argument("--studyid", default="NCT03745417",
                        help="STUDYID written into the spec copy, also the USUBJID prefix (default: NCT03745417)")
    sample.add_argument("--out", required=True, metavar="DIR", help="output folder (required)")
    sample.add_argument("--quiet", action="store_true", help="print nothing (default: the files and the run command)")
    sample.add_argument("--json", action="store_true", help="print the summary as JSON (default: text)")


def run(args: argparse.Namespace) -> int:
    from sdtm_convert.sample import generate_study

    summary = generate_study(args.out, subjects=args.subjects, seed=args.seed, sites=args.sites,
                             faults=tuple(args.fault or ()), studyid=args.studyid)
    if args.json:
        print(json.dumps(summary, indent=2, default=str))
    elif not args.quiet:
        print(f"wrote synthetic study {summary['study']} ({args.subjects} subjects, seed {args.seed}, "
              f"{args.sites} sites) to {args.out}, with README.md and its mapping spec ({summary['spec']})")
        for name, rows in sorted(summary.get("files", {}).items()):
            print(f"  {name}: {rows} rows")
        print(f"convert it with: {summary['run_command']}")
    return 0


COMMAND = register(Command("sample", "generate a synthetic raw study of any size, ready for `run`", add_arguments, run,
                           position=20, epilog=EPILOG))
