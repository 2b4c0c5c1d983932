"""``sdtm-convert json2xpt``: Dataset-JSON 1.1 files (.json, .ndjson, .dsjc) → XPT v5 (``package.datasetjson.json_to_xpt``)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sdtm_convert.cli._command import Command, register
from sdtm_convert.cli._paths import targets


def add_arguments(j2x: argparse.ArgumentParser) -> None:
    j2x.add_argument("input", help="a .json/.ndjson/.dsjc file or a folder of them")
    j2x.add_argument("--out", help="output file or folder (default: beside the input)")
    j2x.add_argument("--created", default="2026-01-01T00:00:00",
                     help="creation timestamp written in the XPT header (default: 2026-01-01T00:00:00)")
    j2x.add_argument("--label", help="dataset label when the JSON has none (default: the JSON's label)")
    j2x.add_argument("--quiet", action="store_true", help="print nothing but errors (default: one line per file)")


def run(args: argparse.Namespace) -> int:
    from datetime import datetime

    from sdtm_convert.package.datasetjson import json_to_xpt

    failed = 0
    for src, dst in targets(Path(args.input), args.out, ".xpt"):
        issues = json_to_xpt(src, dst, created=datetime.fromisoformat(args.created), label=args.label)
        errors = [i for i in issues if i.severity == "error"]
        for i in errors[:10]:
            print(i.one_line(), file=sys.stderr)
        failed += bool(errors)
        if not args.quiet and not errors:
            print(f"{src} → {dst}")
    return 1 if failed else 0


COMMAND = register(Command("json2xpt", "convert Dataset-JSON 1.1 (.json/.ndjson/.dsjc) files to XPT v5", add_arguments, run,
                           position=70, epilog="exit status: 0 all written, 1 a file had errors (not written), 2 "
                                               "unreadable input or a usage error"))
