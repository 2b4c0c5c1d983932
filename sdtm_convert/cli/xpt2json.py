"""``sdtm-convert xpt2json``: XPT v5 files → Dataset-JSON 1.1 (``package.datasetjson.xpt_to_json``)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sdtm_convert.cli._command import Command, register
from sdtm_convert.cli._paths import targets


def add_arguments(x2j: argparse.ArgumentParser) -> None:
    x2j.add_argument("input", help="an .xpt file or a folder of them")
    x2j.add_argument("--out", help="output file or folder (default: beside the input)")
    x2j.add_argument("--ndjson", action="store_true", help="write NDJSON (one row per line)")
    x2j.add_argument("--created", help="datasetJSONCreationDateTime (default: ODM/@CreationDateTime of the define.xml "
                                       "beside the input, else 2026-01-01T00:00:00; fixed, so reruns are identical)")
    x2j.add_argument("--study-oid", help="studyOID (default: ODM/Study/@OID of the define.xml beside the input, "
                                         "else STUDY)")
    x2j.add_argument("--metadata-version-oid", help="metaDataVersionOID (default: the MetaDataVersion OID of the "
                                                    "define.xml beside the input, else MDV.1)")
    x2j.add_argument("--encoding", help="text encoding of the XPT files (default: UTF-8, else Windows-1252)")
    x2j.add_argument("--quiet", action="store_true", help="print nothing on success")


def run(args: argparse.Namespace) -> int:
    from sdtm_convert.package.datasetjson import header_ids, xpt_to_json

    pairs = targets(Path(args.input), args.out, ".ndjson" if args.ndjson else ".json")  # usage errors first
    src_dir = Path(args.input) if Path(args.input).is_dir() else Path(args.input).parent
    ids, source = header_ids(src_dir, created=args.created, study_oid=args.study_oid,
                             metadata_version_oid=args.metadata_version_oid)
    if source and not args.quiet:
        print(source, file=sys.stderr)
    for src, dst in pairs:
        xpt_to_json(src, dst, created=ids["created"], study_oid=ids["study_oid"],
                    metadata_version_oid=ids["metadata_version_oid"], encoding=args.encoding)
        if not args.quiet:
            print(f"{src} → {dst}")
    return 0


COMMAND = register(Command("xpt2json", "convert XPT v5 files to Dataset-JSON 1.1", add_arguments, run, position=60,
                           described=False))
