"""``sdtm-convert validate``: check any SDTM/ADaM package (``validate.validate_package``, ``check_define``).

Progress per stage on stderr; the summary (or, with ``--json``, a machine summary) on stdout.
Exit status: 0 no error-severity finding, 1 errors found, 2 the input cannot be read or a report cannot be
written (one line on stderr, before any data is read).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from pathlib import Path
from typing import Any

from sdtm_convert.cli._command import Command, register
from sdtm_convert.errors import ERROR, Issue, SdtmConvertError
from sdtm_convert.package.writers import ordered
from sdtm_convert.validate.engine import STANDARDS

REPORTS = ("json", "xlsx", "html")
SHOWN_GROUPS = 15  # Issue Summary lines (root cause, else rule × message) in the console (the reports hold all)
SHOWN_WHERE = 6  # dataset.variable pairs named on one summary line


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", nargs="?", metavar="PATH",
                        help="folder of XPT and/or Dataset-JSON files, one such file, or a define.xml to validate "
                             "on its own (default: required unless -d/-dp gives it)")
    parser.add_argument("--define", "-dxp", help="define.xml (default: define.xml in PATH, if there is one; "
                                                 "-dxp is the CORE-compatible alias)")
    parser.add_argument(
        "--standard", choices=STANDARDS, help="default: from define.xml, else guessed from the datasets"
    )
    parser.add_argument(
        "--ct", "-ct", help="CDISC SDTM CT release, e.g. 2017-09-29 or CORE's sdtmct-2017-09-29, or an NCI EVS CT "
                            "file (.txt/.csv/.xlsx) (default: chosen from define.xml: stated version, else best "
                            "match of its codelists, else its date; -ct is the CORE-compatible alias)"
    )
    parser.add_argument("--encoding", help="text encoding of XPT files (default: UTF-8, falling back to cp1252)")
    parser.add_argument("--format", choices=FORMATS, default="xpt",
                        help="which file to read when a dataset is in the folder as both XPT and Dataset-JSON "
                             "(default: xpt; the other copy is noted, not validated twice)")
    parser.add_argument("--rules", "-r", action="append", metavar="PATTERNS",
                        help="run only the rules matching these comma-separated ids, P21/FDA/CDISC/CORE ids or "
                             "globs, e.g. SC-CT-*,SD0002,CORE-000718,CG0372 (repeatable; default: every rule; -r is the "
                             "CORE-compatible alias)")
    parser.add_argument("--rules-source", choices=("p21", "core", "all"), default="all",
                        help="which rules run: p21 (this project's rules), core (CDISC's published CORE rules, "
                             "interpreted offline) or all (both; a check both raise on the same record is one "
                             "finding carrying every id; default: all)")
    parser.add_argument("--exclude-rules", action="append", metavar="PATTERNS",
                        help="leave out the rules matching these ids (also CDISC/CORE ids) or globs, e.g. "
                             "SD1082,SC-TECH-*,CORE-000328 "
                             "(repeatable; default: none)")
    for kind in REPORTS:
        parser.add_argument(f"--report-{kind}", metavar="FILE",
                            help=f"write the full report as {kind.upper()} to FILE; its folder must exist "
                                 "(default: not written)")
    parser.add_argument("--quiet", action="store_true",
                        help="print nothing on success; on errors only the count line, on stderr (default: off)")
    parser.add_argument("--json", action="store_true",
                        help="print a machine-readable summary on stdout instead of the text one, and no progress "
                             "(default: off)")
    core = parser.add_argument_group(
        "CDISC CORE-compatible aliases",
        "CORE's short options, so a usual CORE command line (-s sdtmig -v 3-4 -d DIR -o FILE -of XLSX) works "
        "here (-dxp, -ct and -r are listed above; CORE's long forms and its other options are not accepted)")
    core.add_argument("-s", dest="core_standard", metavar="STANDARD",
                      help="CORE: standard, e.g. sdtmig or adamig; with -v it sets --standard (default: none)")
    core.add_argument("-v", dest="core_version", metavar="VERSION",
                      help="CORE: standard version, e.g. 3-4 (-s sdtmig -v 3-4 = --standard sdtmig-3.4; "
                           "default: none)")
    core.add_argument("-d", dest="core_data", metavar="DIR", help="CORE: data folder, the same as PATH (default: none)")
    core.add_argument("-dp", dest="core_dataset", metavar="FILE",
                      help="CORE: one dataset file, the same as PATH (default: none)")
    core.add_argument("-o", dest="core_output", metavar="FILE",
                      help="CORE: report file; the extension of each -of format is added unless FILE has it "
                           "(default: no report)")
    core.add_argument("-of", dest="core_formats", action="append", type=str.upper, choices=("JSON", "XLSX", "HTML"),
                      help="CORE: report format for -o, repeatable (default: from -o's extension, else XLSX as "
                           "in CORE)")


FORMATS = tuple(w.name for w in ordered())  # the registered output formats: ("xpt", "json", "dsjc")
_CT_PACKAGE = re.compile(r"^(sdtm|adam|send|define)ct-(\d{4}-\d{2}-\d{2})$", re.I)


def _usage(message: str) -> Issue:
    return Issue("validate-usage", ERROR, message)


def _core_standard(args: argparse.Namespace) -> Issue | None:
    s, v = args.core_standard, args.core_version
    if s is None and v is None:
        return None
    if s is None or v is None:
        return _usage("-s and -v go together (CORE: -s sdtmig -v 3-4)")
    std = f"{s.lower()}-{v.replace('-', '.')}"
    if std not in STANDARDS:
        known = ", ".join(f"-s {x.split('-')[0]} -v {x.split('-')[1].replace('.', '-')}" for x in STANDARDS)
        return _usage(f"-s {s} -v {v}: not a standard this validator has (known: {known})")
    if args.standard and args.standard != std:
        return _usage(f"--standard {args.standard} and -s {s} -v {v} disagree; give one")
    args.standard = std
    return None


def _core_path(args: argparse.Namespace) -> Issue | None:
    given = [x for x in (args.path, args.core_data, args.core_dataset) if x]
    if len(given) > 1:
        return _usage("give the package once: PATH, -d DIR or -dp FILE")
    if not given:
        return _usage("no package given: PATH (a folder, a dataset file or a define.xml), or -d DIR")
    args.path = given[0]
    return None


def _core_output(args: argparse.Namespace) -> Issue | None:
    if args.core_formats and not args.core_output:
        return _usage("-of needs -o FILE (the report's file name)")
    if not args.core_output:
        return None
    out = Path(args.core_output)
    suffix = out.suffix.lower().lstrip(".")
    formats = args.core_formats or [suffix.upper() if suffix in REPORTS else "XLSX"]
    base = out.with_suffix("") if suffix in REPORTS else out
    for fmt in dict.fromkeys(formats):
        kind = fmt.lower()
        if getattr(args, f"report_{kind}", None):
            return _usage(f"-o/-of {fmt} and --report-{kind} both name a {fmt} report; give one")
        setattr(args, f"report_{kind}", str(base) + f".{kind}")
    return None


def resolve_aliases(args: argparse.Namespace) -> Issue | None:
    """Map the CORE-compatible aliases onto the options (in place); the first usage problem, if any."""
    for step in (_core_path, _core_standard, _core_output):
        bad = step(args)
        if bad:
            return bad
    if args.ct:
        m = _CT_PACKAGE.match(args.ct)
        args.ct = m.group(2) if m else args.ct
    return None


def _rule_patterns(args: argparse.Namespace) -> tuple[list[str] | None, list[str], Issue | None]:
    from sdtm_convert.validate.selection import split_patterns, unknown_patterns

    inc = split_patterns(args.rules) if args.rules else None
    exc = split_patterns(args.exclude_rules)
    bad = unknown_patterns([*(inc or []), *exc])
    if bad:
        return inc, exc, _usage(f"no rule matches {', '.join(bad)} (give rule ids, P21/FDA/CDISC/CORE ids or globs such "
                                "as SC-CT-* or SD00*; `sdtm-convert rules` lists them)")
    return inc, exc, None


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
    if report.standard.startswith("define-xml"):  # a define.xml validated on its own: its counts are a note
        lines = [f"{report.standard}, {report.define}, {report.timing.get('total_s')} s"]
    else:
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


def _usage_problem(args: argparse.Namespace) -> tuple[list[str] | None, list[str], Issue | None]:
    """Every usage check, before any data is read: aliases, rule patterns, report paths."""
    bad = resolve_aliases(args)
    if bad:
        return None, [], bad
    inc, exc, bad = _rule_patterns(args)
    if bad:
        return inc, exc, bad
    from sdtm_convert.validate.define_check import is_define

    if is_define(args.path) and args.define:
        return inc, exc, _usage(f"{args.path} is a define.xml, validated on its own; --define is for a package")
    return inc, exc, _check_report_paths(args)


def _validate(args: argparse.Namespace, inc: list[str] | None, exc: list[str], progress):
    from sdtm_convert.validate.define_check import check_define, is_define
    from sdtm_convert.validate.engine import validate_package
    from sdtm_convert.validate.selection import select

    if is_define(args.path):
        return check_define(args.path, rules=lambda rules: select(rules, inc, exc), progress=progress)
    return validate_package(
        args.path, define=args.define, standard=args.standard, ct=args.ct, encoding=args.encoding,
        progress=progress, rules=inc, exclude_rules=exc, prefer=args.format, rules_source=args.rules_source,
    )


def execute(args: argparse.Namespace, progress) -> tuple[Any, dict[str, str]]:
    """What ``validate`` does before it prints its summary (also each package of ``batch validate``): the usage
    checks, the validation and the reports asked for; the report and the reports written (kind -> path). A usage
    problem or an input that cannot be read raises :class:`SdtmConvertError` (exit 2)."""
    inc, exc, bad = _usage_problem(args)
    if bad:
        raise SdtmConvertError(bad)
    try:
        report = _validate(args, inc, exc, progress)
    except (OSError, ValueError) as exc_:
        raise SdtmConvertError(Issue("validate-input", ERROR, str(exc_))) from exc_
    return report, _write_reports(report, args, progress)


def run(args: argparse.Namespace) -> int:
    from sdtm_convert.common.progress import Progress

    try:
        report, reports = execute(args, Progress(args.quiet or args.json))
    except SdtmConvertError as exc_:
        print(exc_.issue.one_line(), file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(_json_summary(report, reports), indent=2, ensure_ascii=False))
    elif args.quiet:
        if not report.valid:
            print(_count_line(report), file=sys.stderr)
    else:
        print("\n".join(_summary_lines(report)))
    return report.exit_code


COMMAND = register(Command("validate", "check any SDTM/ADaM package (XPT or Dataset-JSON, define.xml)", add_arguments,
                           run, position=30,
                           epilog="exit status: 0 no error finding, 1 error findings, 2 the package cannot be read or "
                                  "a usage error"))
