"""``sdtm-convert validate`` subcommand: ``add_arguments(parser)`` and ``run(args) -> int``.

Exit status: 0 no error-severity finding, 1 errors found, 2 the input cannot be read (one line on stderr).
"""

from __future__ import annotations

import argparse
import sys

from sdtm_convert.errors import SdtmConvertError
from sdtm_convert.validate.engine import STANDARDS


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", help="folder of XPT and/or Dataset-JSON files (or one file)")
    parser.add_argument("--define", help="define.xml (default: define.xml in PATH)")
    parser.add_argument(
        "--standard", choices=STANDARDS, help="default: from define.xml, else guessed from the datasets"
    )
    parser.add_argument(
        "--ct", help="CDISC CT version, e.g. 2025-03-25 (default: from define.xml, else the newest shipped)"
    )
    parser.add_argument("--encoding", help="text encoding of XPT files (default: UTF-8, falling back to cp1252)")
    parser.add_argument("--report-json", metavar="FILE")
    parser.add_argument("--report-xlsx", metavar="FILE")
    parser.add_argument("--report-html", metavar="FILE")


def _summary_lines(report) -> list[str]:
    lines = [
        f"{report.standard}, CT {report.ct_version}, define: {report.define or '(none)'}",
        f"{len(report.datasets)} datasets, {sum(d['records'] for d in report.datasets)} records, "
        f"{report.timing.get('total_s')} s",
    ]
    for n in report.notes:
        lines.append(f"note: {n}")
    top = report.rule_summary().head(15)
    for r in top.itertuples(index=False):
        p21 = f" [{r.p21_id}]" if isinstance(r.p21_id, str) and r.p21_id else ""
        lines.append(f"  {r.severity:<7} {r.rule:<12}{p21:<9} {r.count:>7}  {r.message}  ({r.datasets})")
    lines.append(f"{report.errors} error(s), {report.warnings} warning(s), {len(report.findings)} finding(s)")
    return lines


def run(args: argparse.Namespace) -> int:
    from sdtm_convert.validate.engine import validate_package

    try:
        report = validate_package(
            args.path, define=args.define, standard=args.standard, ct=args.ct, encoding=args.encoding
        )
    except SdtmConvertError as exc:
        print(exc.issue.one_line(), file=sys.stderr)
        return 2
    except (OSError, ValueError) as exc:
        print(f"error: [validate-input] {exc}", file=sys.stderr)
        return 2
    if args.report_json:
        from sdtm_convert.validate.report_json import write_json

        write_json(report, args.report_json)
    if args.report_xlsx:
        from sdtm_convert.validate.report_xlsx import write_xlsx

        write_xlsx(report, args.report_xlsx)
    if args.report_html:
        from sdtm_convert.validate.report_html import write_html

        write_html(report, args.report_html)
    print("\n".join(_summary_lines(report)))
    return report.exit_code


def main(argv: list[str] | None = None) -> int:
    """Stand-alone entry (``python -m sdtm_convert.validate.cli``) until the integrator wires the subcommand."""
    parser = argparse.ArgumentParser(prog="sdtm-convert validate")
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    raise SystemExit(main())
