"""``sdtm-convert diff``: compare two packages or runs record by record (``diff.diff_packages``)."""

from __future__ import annotations

import argparse
from pathlib import Path

from sdtm_convert.cli._command import Command, register


def add_arguments(dif: argparse.ArgumentParser) -> None:
    dif.add_argument("old", help="previous package/run folder (or one .xpt)")
    dif.add_argument("new", help="new package/run folder (or one .xpt)")
    dif.add_argument("--report-json", metavar="FILE", help="also write the differences as JSON (default: no file)")
    dif.add_argument("--report-html", metavar="FILE", help="also write the differences as HTML (default: no file)")
    dif.add_argument("--quiet", action="store_true", help="print nothing; the exit status tells (default: a text summary)")
    dif.add_argument("--json", action="store_true", help="print JSON instead of text (default: text)")


def run(args: argparse.Namespace) -> int:
    from sdtm_convert.common.atomic import atomic_write_text
    from sdtm_convert.common.places import check_output_file
    from sdtm_convert.package import diff

    for path in (args.report_json, args.report_html):
        if path:
            check_output_file(path, "report file")
    result = diff.diff_packages(args.old, args.new)
    if args.report_json:
        atomic_write_text(Path(args.report_json), diff.render_json(result))
    if args.report_html:
        atomic_write_text(Path(args.report_html), diff.render_html(result))
    if args.json:
        print(diff.render_json(result), end="")
    elif not args.quiet:
        print(diff.render_text(result), end="")
    return 0 if result.identical else 1


COMMAND = register(Command("diff", "compare two packages (or runs) record by record", add_arguments, run, position=50,
                           epilog="exit status: 0 identical, 1 differences found, 2 a package cannot be read or a usage "
                                  "error"))
