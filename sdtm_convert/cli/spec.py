"""``sdtm-convert spec export|import``: a mapping spec as an Excel workbook and back (``mapping.excel``)."""

from __future__ import annotations

import argparse
import sys

from sdtm_convert.cli._command import Command, register


def add_arguments(spec: argparse.ArgumentParser) -> None:
    """``spec export SPEC_DIR XLSX`` and ``spec import XLSX SPEC_DIR``; ``args.spec_command`` names the one given."""
    sub = spec.add_subparsers(dest="spec_command", required=True)
    ex = sub.add_parser("export", help="write mappings/<study> to a spec workbook")
    ex.add_argument("spec_dir", help="the mapping spec folder to export, e.g. mappings/nct03745417")
    ex.add_argument("xlsx", help="the workbook to write (.xlsx)")
    ex.add_argument("--run", metavar="OUT", help="fill the define sheets from the define.xml files of this "
                    "sdtm-convert run output folder (default: from the spec folder's define.yaml)")
    ex.add_argument("--quiet", action="store_true", help="print nothing (default: the file written, on stderr)")
    im = sub.add_parser("import", help="write a spec workbook's YAML files into mappings/<study>")
    im.add_argument("xlsx", help="the spec workbook to read (.xlsx)")
    im.add_argument("spec_dir", help="the mapping spec folder to write the YAML files into (created if needed)")
    im.add_argument("--quiet", action="store_true", help="print nothing (default: the number of files written, on stderr)")


def _export(args: argparse.Namespace) -> int:
    from pathlib import Path

    from sdtm_convert.mapping.excel import export_spec

    define = None
    if args.run:
        from sdtm_convert.package.define.to_spec import run_define_spec

        define = run_define_spec(Path(args.run), Path(args.spec_dir))
    path = export_spec(args.spec_dir, args.xlsx, define=define)
    if not args.quiet:
        print(f"wrote {path}", file=sys.stderr)
    return 0


def _import(args: argparse.Namespace) -> int:
    from sdtm_convert.mapping.excel import import_spec

    written = import_spec(args.xlsx, args.spec_dir)
    if not args.quiet:
        print(f"wrote {len(written)} spec files into {args.spec_dir}", file=sys.stderr)
    return 0


def run(args: argparse.Namespace) -> int:
    """A bad spec or workbook raises SdtmConvertError (``main`` prints its one line, exit 2)."""
    return {"export": _export, "import": _import}[args.spec_command](args)


COMMAND = register(Command("spec", "mapping spec as an Excel workbook (export/import)", add_arguments, run,
                           position=80, described=False))
