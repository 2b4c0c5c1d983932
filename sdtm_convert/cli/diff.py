"""``sdtm-convert diff``: compare two packages or runs record by record (``diff.diff_packages``), or measure per
variable how far ours agree with a reference (``--agreement``: ``agreement.agreement_packages``)."""

from __future__ import annotations

import argparse
from pathlib import Path

from sdtm_convert.cli._command import Command, register
from sdtm_convert.errors import fatal


def add_arguments(dif: argparse.ArgumentParser) -> None:
    dif.add_argument("old", help="previous package/run folder, a folder of .xpt, Dataset-JSON (.json/.ndjson/.dsjc) "
                                 "or .csv files, or one such file (with --agreement: the reference)")
    dif.add_argument("new", help="new package/run folder, folder or file, as OLD (with --agreement: ours)")
    dif.add_argument("--agreement", action="store_true",
                     help="per-variable agreement on key-matched records instead of added/removed/changed records "
                          "(default: record by record)")
    dif.add_argument("--keys", action="append", metavar="DS=VAR[,VAR...]",
                     help="with --agreement: the variables records are matched on, per dataset, e.g. "
                          "--keys ADSL=USUBJID --keys ADAE=USUBJID,AETERM,AESTDTC (repeatable; default: the "
                          "dataset's natural keys)")
    dif.add_argument("--min-agreement", type=float, metavar="PCT",
                     help="with --agreement: exit 0 when at least PCT %% of the compared values agree and every "
                          "record is matched (default: 100)")
    dif.add_argument("--report-json", metavar="FILE", help="also write the differences as JSON (default: no file)")
    dif.add_argument("--report-html", metavar="FILE", help="also write the differences as HTML (default: no file; "
                                                           "not with --agreement)")
    dif.add_argument("--quiet", action="store_true", help="print nothing; the exit status tells (default: a text summary)")
    dif.add_argument("--json", action="store_true", help="print JSON instead of text (default: text)")


def run(args: argparse.Namespace) -> int:
    from sdtm_convert.common.atomic import atomic_write_text
    from sdtm_convert.common.places import check_output_file
    from sdtm_convert.package import agreement, diff

    if not args.agreement and (args.keys or args.min_agreement is not None):
        raise fatal("diff-usage", "--keys and --min-agreement go with --agreement")
    if args.agreement and args.report_html:
        raise fatal("diff-usage", "--report-html is not available with --agreement (use --report-json)")
    for path in (args.report_json, args.report_html):
        if path:
            check_output_file(path, "report file")
    if args.agreement:
        report = agreement.agreement_packages(args.old, args.new, agreement.parse_keys(args.keys))
        _show(args, agreement.render_json(report), agreement.render_text(report))
        return 0 if report.passes(100.0 if args.min_agreement is None else args.min_agreement) else 1
    result = diff.diff_packages(args.old, args.new)
    if args.report_html:
        atomic_write_text(Path(args.report_html), diff.render_html(result))
    _show(args, diff.render_json(result), diff.render_text(result))
    return 0 if result.identical else 1


def _show(args: argparse.Namespace, as_json: str, as_text: str) -> None:
    from sdtm_convert.common.atomic import atomic_write_text

    if args.report_json:
        atomic_write_text(Path(args.report_json), as_json)
    if args.json:
        print(as_json, end="")
    elif not args.quiet:
        print(as_text, end="")


COMMAND = register(Command("diff", "compare two packages (or runs) record by record, or per variable (--agreement)",
                           add_arguments, run, position=50,
                           epilog="exit status: 0 identical (--agreement: every record matched and at least "
                                  "--min-agreement % of the compared values agree, 100 by default), 1 differences "
                                  "found (--agreement: a record unmatched or agreement below --min-agreement), 2 a "
                                  "package cannot be read or a usage error. --agreement compares, on records matched "
                                  "on the keys, every variable both hold: text exactly after stripping trailing "
                                  "blanks, numbers within a relative 1e-9, missing (empty, NaN) equal to missing, a "
                                  "SAS date/datetime number and ISO 8601 text as the same date"))
