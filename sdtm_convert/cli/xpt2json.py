"""``sdtm-convert xpt2json``: XPT v5 files → Dataset-JSON 1.1 as .json, .ndjson or .dsjc
(``package.datasetjson.xpt_to_json``); a Dataset-JSON file in one form → another (``convert_dataset_json``)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sdtm_convert.cli._command import Command, register
from sdtm_convert.cli._paths import DATASET_JSON, targets
from sdtm_convert.errors import fatal

FORMS = ("json", "ndjson", "dsjc")


def add_arguments(x2j: argparse.ArgumentParser) -> None:
    x2j.add_argument("input", help="an .xpt file or a folder of them; or a Dataset-JSON file (.json/.ndjson/.dsjc) "
                                   "or folder of them, re-written in another form")
    x2j.add_argument("--out", help="output file or folder (default: beside the input)")
    x2j.add_argument("--format", choices=FORMS,
                     help="json: one document; ndjson: metadata line + one row per line; dsjc: that NDJSON "
                          "zlib-compressed (CDISC Compressed Dataset-JSON 1.1) (default: by the --out file's "
                          "extension, else json)")
    x2j.add_argument("--ndjson", action="store_true", help="write NDJSON (one row per line): --format ndjson")
    x2j.add_argument("--created", help="datasetJSONCreationDateTime (default: ODM/@CreationDateTime of the define.xml "
                                       "beside the input, else 2026-01-01T00:00:00; fixed, so reruns are identical)")
    x2j.add_argument("--study-oid", help="studyOID (default: ODM/Study/@OID of the define.xml beside the input, "
                                         "else STUDY)")
    x2j.add_argument("--metadata-version-oid", help="metaDataVersionOID (default: the MetaDataVersion OID of the "
                                                    "define.xml beside the input, else MDV.1)")
    x2j.add_argument("--encoding", help="text encoding of the XPT files (default: UTF-8, else Windows-1252)")
    x2j.add_argument("--quiet", action="store_true", help="print nothing on success")


def _form(args: argparse.Namespace) -> str:
    """The output form: --format (or --ndjson), else the --out file's extension, else json."""
    chosen = args.format or ("ndjson" if args.ndjson else None)
    if args.format and args.ndjson and args.format != "ndjson":
        raise fatal("convert-usage", f"--ndjson and --format {args.format} contradict each other")
    ext = Path(args.out).suffix.lower() if args.out and not Path(args.out).is_dir() else ""
    by_ext = ext[1:] if ext in DATASET_JSON else None
    if chosen and by_ext and chosen != by_ext:
        raise fatal("convert-usage", f"--format {chosen} but --out names a {ext} file", file=args.out)
    return chosen or by_ext or "json"


def run(args: argparse.Namespace) -> int:
    from sdtm_convert.package.datasetjson import convert_dataset_json, header_ids, xpt_to_json

    form = _form(args)
    src_path = Path(args.input)
    others = tuple(s for s in DATASET_JSON if s != "." + form)
    inputs = (".xpt", *others) if src_path.is_dir() else None
    pairs = targets(src_path, args.out, "." + form, inputs)  # usage errors first
    ids: dict[str, str] = {}
    if any(s.suffix.lower() == ".xpt" for s, _ in pairs):
        src_dir = src_path if src_path.is_dir() else src_path.parent
        ids, source = header_ids(src_dir, created=args.created, study_oid=args.study_oid,
                                 metadata_version_oid=args.metadata_version_oid)
        if source and not args.quiet:
            print(source, file=sys.stderr)
    for src, dst in pairs:
        if src.suffix.lower() in DATASET_JSON:
            convert_dataset_json(src, dst, form)
        else:
            xpt_to_json(src, dst, created=ids["created"], study_oid=ids["study_oid"],
                        metadata_version_oid=ids["metadata_version_oid"], encoding=args.encoding, form=form)
        if not args.quiet:
            print(f"{src} → {dst}")
    return 0


COMMAND = register(Command("xpt2json", "convert XPT v5 files to Dataset-JSON 1.1 (.json, .ndjson or .dsjc)",
                           add_arguments, run, position=60, described=False))
