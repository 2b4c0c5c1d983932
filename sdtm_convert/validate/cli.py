"""``sdtm-convert validate`` subcommand: ``add_arguments(parser)`` and ``run(args) -> int``.

Progress per stage on stderr; the summary (or, with ``--json``, a machine summary) on stdout.
Exit status: 0 no error-severity finding, 1 errors found, 2 the input cannot be read or a report cannot be
written (one line on stderr, before any data is read).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from sdtm_convert.errors import ERROR, Issue, SdtmConvertError
from sdtm_convert.validate.engine import STANDARDS

REPORTS = ("json", "xlsx", "html")
SHOWN_GROUPS = 15  # Issue Summary lines (root cause, else rule × message) in the console (the reports hold all)
SHOWN_WHERE = 6  # dataset.variable pairs named on one summary line


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", help="folder of XPT and/or Dataset-JSON files (or one file)")
    parser.add_argument("--define", help="define.xml (default: define.xml in PATH, if there is one)")
    parser.add_argument(
        "--standard", choices=STANDARDS, help="default: from define.xml, else guessed from the datasets"
    )
    parser.add_argument(
        "--ct", help="CDISC CT version, e.g. 2025-03-25 (default: from define.xml, else the newest shipped)"
    )
    parser.add_argument("--encoding", help="text encoding of XPT files (default: UTF-8, falling back to cp1252)")
    for kind in REPORTS:
        parser.add_argument(f"--report-{kind}", metavar="FILE",
                            help=f"write the full report as {kind.upper()} to FILE; its folder must exist "
                                 "(default: not written)")
    parser.add_argument("--quiet", action="store_true",
                        help="print nothing on success; on errors only the count line, on stderr (default: off)")
    parser.add_argument("--json", action="store_true",
                        help="print a machine-readable summary on stdout instead of the text one, and no progress "
                             "(default: off)")


def _report_path_problem(path: str) -> str | None:
    """Why a report cannot be written at ``path`` (None if it can), checked before any data is read."""
    p = Path(path)
    folder = p.parent
    if p.is_dir():
        return "is a folder, not a file"
    if not folder.exists():
        return f"folder {folder} does not exist"
    if not folder.is_dir():
        return f"{folder} is not a folder"
    if not os.access(folder, os.W_OK | os.X_OK) or (p.exists() and not os.access(p, os.W_OK)):
        return "is not writable"
    return None


def _check_report_paths(args: argparse.Namespace) -> Issue | None:
    for kind in REPORTS:
        path = getattr(args, f"report_{kind}", None)
        problem = _report_path_problem(path) if path else None
        if problem:
            return Issue("report-path-unusable", ERROR, f"--report-{kind} {path}: {problem}")
    return None


def _where(text: str) -> str:
    items = [x for x in text.split(", ") if x]
    more = len(items) - SHOWN_WHERE
    return ", ".join(items[:SHOWN_WHERE]) + (f", +{more} more" if more > 0 else "")


def _summary_lines(report) -> list[str]:
    lines = [
        f"{report.standard}, CT {report.ct_version}, define: {report.define or '(none)'}",
        f"{len(report.datasets)} datasets, {sum(d['records'] for d in report.datasets)} records, "
        f"{report.timing.get('total_s')} s",
    ]
    for n in report.notes:
        lines.append(f"note: {n}")
    groups = report.issue_summary()
    for r in groups.head(SHOWN_GROUPS).itertuples(index=False):
        many = r.rules > 1
        rule = f"{r.rules} rules" if many else r.rule
        p21 = f" [{r.p21_id}]" if r.p21_id and not many else ""
        what = r.message if not r.cause else f"{r.cause}: {r.rule if many else r.message}"
        where = f"  ({_where(r.where)})" if r.where else ""
        records = f" ({r.records} records)" if r.records != r.count else ""
        lines.append(f"  {r.severity:<7} {rule:<12}{p21:<9} {r.count:>7}  {what}{records}{where}")
    if len(groups) > SHOWN_GROUPS:
        lines.append(f"  ... and {len(groups) - SHOWN_GROUPS} more cause or rule/message lines (every finding is in "
                     "the --report-html/--report-json/--report-xlsx reports)")
    lines.append(_count_line(report))
    return lines


def _count_line(report) -> str:
    return f"{report.errors} error(s), {report.warnings} warning(s), {len(report.findings)} finding(s)"


def _json_summary(report, reports: dict[str, str]) -> dict[str, Any]:
    groups = report.rule_summary()
    return {
        "status": "passed" if report.valid else "failed",
        "exit_status": report.exit_code,
        "path": report.path,
        "standard": report.standard,
        "ct_version": report.ct_version,
        "define": report.define,
        "datasets": len(report.datasets),
        "records": sum(int(d["records"]) for d in report.datasets),
        "errors": report.errors,
        "warnings": report.warnings,
        "findings": len(report.findings),
        "by_severity": report.counts(),
        "by_rule": [
            {"rule": r.rule, "p21_id": r.p21_id if isinstance(r.p21_id, str) and r.p21_id else None,
             "severity": r.severity, "message": r.message, "count": int(r.count),
             "records": int(r.records),
             "datasets": [x for x in r.datasets.split(", ") if x], "where": [x for x in r.where.split(", ") if x]}
            for r in groups.itertuples(index=False)
        ],
        "reports": reports,
        "notes": report.notes,
    }


def _write_reports(report, args: argparse.Namespace, progress) -> dict[str, str]:
    from sdtm_convert.validate.report_html import write_html
    from sdtm_convert.validate.report_json import write_json
    from sdtm_convert.validate.report_xlsx import write_xlsx

    writers = {"json": write_json, "xlsx": write_xlsx, "html": write_html}
    written = {}
    for kind in REPORTS:
        path = getattr(args, f"report_{kind}", None)
        if path:
            writers[kind](report, path)
            written[kind] = str(path)
            progress(f"wrote the {kind.upper()} report {path}")
    return written


def run(args: argparse.Namespace) -> int:
    from sdtm_convert.cli import _Progress
    from sdtm_convert.validate.engine import validate_package

    bad = _check_report_paths(args)
    if bad:
        print(bad.one_line(), file=sys.stderr)
        return 2
    progress = _Progress(args.quiet or args.json)
    try:
        report = validate_package(
            args.path, define=args.define, standard=args.standard, ct=args.ct, encoding=args.encoding,
            progress=progress,
        )
    except SdtmConvertError as exc:
        print(exc.issue.one_line(), file=sys.stderr)
        return 2
    except (OSError, ValueError) as exc:
        print(f"error: [validate-input] {exc}", file=sys.stderr)
        return 2
    reports = _write_reports(report, args, progress)
    if args.json:
        print(json.dumps(_json_summary(report, reports), indent=2, ensure_ascii=False))
    elif args.quiet:
        if not report.valid:
            print(_count_line(report), file=sys.stderr)
    else:
        print("\n".join(_summary_lines(report)))
    return report.exit_code


def main(argv: list[str] | None = None) -> int:
    """Stand-alone entry (``python -m sdtm_convert.validate.cli``) until the integrator wires the subcommand."""
    parser = argparse.ArgumentParser(prog="sdtm-convert validate")
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    raise SystemExit(main())
