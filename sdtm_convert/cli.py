"""Command line: a thin layer over the library. Bad input → one readable line, never a traceback."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from pathlib import Path

from sdtm_convert import __version__
from sdtm_convert.common.progress import Progress
from sdtm_convert.errors import SdtmConvertError, fatal

DEFAULT_STUDY = "nct03745417"


def _formats(text: str) -> str:
    from sdtm_convert.package.writers import WRITERS, ordered

    parts = {p.strip().lower() for p in text.split(",") if p.strip()}
    if not parts or parts - set(WRITERS.names()):
        raise argparse.ArgumentTypeError(f"choose from {', '.join(w.name for w in ordered())} (comma separated)")
    return text


class _FormatNames:
    """The registered output formats with their one-line docs, imported only when ``--help`` is rendered."""

    def __str__(self) -> str:
        from sdtm_convert.package.writers import ordered

        return "; ".join(f"{w.name} ({w.doc})" for w in ordered())


def cmd_run(args: argparse.Namespace) -> int:
    from sdtm_convert.common.places import check_encoding, check_output_folder, output_inside_input
    from sdtm_convert.package.staging import check_replaceable
    from sdtm_convert.pipeline import run_study
    from sdtm_convert.spec.locate import bundled_study, check_study_folder, find_spec

    check_encoding(args.encoding)  # usage mistakes first, before any data is read
    check_output_folder(args.out)
    check_replaceable(args.out)
    study_dir = check_study_folder(args.study) if args.study else bundled_study(DEFAULT_STUDY)
    spec = Path(args.spec) if args.spec else find_spec(study_dir)
    progress = Progress(args.quiet or args.json)
    inside = output_inside_input(args.out, study=study_dir, spec=spec)
    if inside and not args.quiet:
        print(inside, file=sys.stderr)
    progress(f"started {datetime.now(UTC):%Y-%m-%d %H:%M:%S} UTC (the files carry the package date from study.yaml "
             "`created` instead, so reruns are identical)")
    formats = tuple(f.strip().lower() for f in args.formats.split(",") if f.strip())
    result = run_study(study_dir, spec, args.out, encoding=args.encoding, formats=formats, adam=not args.no_adam,
                       validate=not args.no_validate, progress=progress, jobs=args.jobs)
    conv = result.conversion
    errors = len(conv.errors)
    warnings = sum(1 for i in conv.issues if i.severity == "warning")
    checked = [conv.conformance[k] for k in ("sdtm", "adam") if k in conv.conformance]
    if args.json:
        print(json.dumps({"status": "failed" if errors else "passed", "errors": errors, "warnings": warnings,
                          "conformance": {c.kind: {k: v for k, v in c.to_dict().items() if k != "kind"}
                                          for c in checked},
                          "out": str(result.out), "report": str(result.report_json), "outputs": result.outputs,
                          "timings": {k: round(v, 3) for k, v in conv.timings.items()}}, indent=2))
    elif not args.quiet:
        for issue in conv.errors[:10]:
            print(issue.one_line(), file=sys.stderr)
        more = " (first 10 shown)" if errors > 10 else ""
        packages = "".join(f"{c.headline(str(result.out))}; " for c in checked)
        print(f"{'FAILED' if errors else 'OK'}: {errors} error{'' if errors == 1 else 's'}{more}, "
              f"{warnings} warning{'' if warnings == 1 else 's'}; {packages}"
              f"{len(conv.sdtm)} SDTM and {len(conv.adam.datasets) if conv.adam else 0} ADaM datasets in {result.out}; "
              f"report {result.report_html}")
    return 1 if errors else 0


def cmd_sample(args: argparse.Namespace) -> int:
    from sdtm_convert.sample import generate_study

    summary = generate_study(args.out, subjects=args.subjects, seed=args.seed, sites=args.sites,
                             faults=tuple(args.fault or ()))
    if args.json:
        print(json.dumps(summary, indent=2, default=str))
    elif not args.quiet:
        print(f"wrote synthetic study {summary['study']} ({args.subjects} subjects, seed {args.seed}, "
              f"{args.sites} sites) to {args.out}, with README.md and its mapping spec ({summary['spec']})")
        for name, rows in sorted(summary.get("files", {}).items()):
            print(f"  {name}: {rows} rows")
        print(f"convert it with: {summary['run_command']}")
    return 0


def cmd_diff(args: argparse.Namespace) -> int:
    from sdtm_convert import diff
    from sdtm_convert.atomic import atomic_write_text
    from sdtm_convert.common.places import check_output_file

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


def cmd_trace(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from sdtm_convert import trace

    records = trace.trace(args.path, args.usubjid, dataset=args.dataset, seq=args.seq)
    if args.json:
        print(json.dumps([asdict(r) for r in records], indent=2, ensure_ascii=False))
    else:
        print(trace.render(records) or f"no record of {args.usubjid} found", end="" if records else "\n")
    return 0 if records else 1


def _targets(src: Path, out: str | None, suffix: str) -> list[tuple[Path, Path]]:
    """(input, output) pairs: one file, or every file of a folder, to ``out`` (a file or a folder), checked."""
    from sdtm_convert.common.places import check_output_file, check_output_folder

    files = sorted(p for p in src.iterdir() if p.suffix.lower() in ((".xpt",) if suffix != ".xpt" else (".json", ".ndjson"))) \
        if src.is_dir() else [src]
    if not files:
        raise fatal("convert-nothing", "no input files found", file=str(src))
    if out and not Path(out).is_dir() and len(files) == 1 and not src.is_dir():
        return [(files[0], check_output_file(out))]
    folder = check_output_folder(Path(out) if out else (src if src.is_dir() else src.parent))
    folder.mkdir(parents=True, exist_ok=True)
    return [(f, folder / (f.stem.lower() + suffix)) for f in files]


def cmd_xpt2json(args: argparse.Namespace) -> int:
    from sdtm_convert.package.datasetjson import header_ids, xpt_to_json

    targets = _targets(Path(args.input), args.out, ".ndjson" if args.ndjson else ".json")  # usage errors first
    src_dir = Path(args.input) if Path(args.input).is_dir() else Path(args.input).parent
    ids, source = header_ids(src_dir, created=args.created, study_oid=args.study_oid,
                             metadata_version_oid=args.metadata_version_oid)
    if source and not args.quiet:
        print(source, file=sys.stderr)
    for src, dst in targets:
        xpt_to_json(src, dst, created=ids["created"], study_oid=ids["study_oid"],
                    metadata_version_oid=ids["metadata_version_oid"], encoding=args.encoding)
        if not args.quiet:
            print(f"{src} → {dst}")
    return 0


def cmd_json2xpt(args: argparse.Namespace) -> int:
    from datetime import datetime

    from sdtm_convert.package.datasetjson import json_to_xpt

    failed = 0
    for src, dst in _targets(Path(args.input), args.out, ".xpt"):
        issues = json_to_xpt(src, dst, created=datetime.fromisoformat(args.created), label=args.label)
        errors = [i for i in issues if i.severity == "error"]
        for i in errors[:10]:
            print(i.one_line(), file=sys.stderr)
        failed += bool(errors)
        if not args.quiet and not errors:
            print(f"{src} → {dst}")
    return 1 if failed else 0


def cmd_validate(args: argparse.Namespace) -> int:
    from sdtm_convert.validate import cli as validate_cli

    return validate_cli.run(args)


def cmd_rules(args: argparse.Namespace) -> int:
    from sdtm_convert.validate import rules_catalog

    catalog = rules_catalog()
    if args.json:
        print(json.dumps(catalog, indent=2, ensure_ascii=False, default=str))
        return 0
    for r in catalog:
        ids = " ".join(f"{k}={r[k]}" for k in ("p21_id", "fda_id", "cdisc_id") if r.get(k))
        print(f"{r['id']:<12} {r['severity']:<8} {r['category']:<13} {r.get('message', '')}" + (f"  [{ids}]" if ids else ""))
    return 0


DESCRIPTION = """\
Raw CRF exports -> a submission-ready CDISC package (SDTM, ADaM, SAS XPT v5, Dataset-JSON,
Define-XML 2.1), driven by declarative mapping specs; and a validator for any SDTM/ADaM package."""

EPILOG = """\
examples:
  sdtm-convert run --out build                    convert the bundled study NCT03745417 into ./build
  sdtm-convert sample --subjects 200 --out s200   generate a synthetic raw study (with its spec) ...
  sdtm-convert run s200 --out s200-build          ... and convert it (the spec is named in s200/sdtm-convert.yaml)
  sdtm-convert run raw/ --spec mappings/mystudy --out build   your own study
  sdtm-convert validate build/m5/datasets/nct03745417/tabulations/sdtm --report-html sdtm.html
  sdtm-convert trace build NCT03745417-01-002 --dataset AE --seq 1   where a record came from
  sdtm-convert diff build-old build               what changed between two runs

exit status (every command):
  0  success (validate: no error finding; diff: identical; trace: records found)
  1  the result has errors (run: data errors, the report is still written; validate: error findings;
     json2xpt: a file had errors), diff: the packages differ, trace: no record found
  2  a usage error or input that cannot be used at all (one line on stderr says why; nothing is read
     or written for a usage error)
  3  an internal error (a bug: one line, the traceback saved to a file)
  130 interrupted (Ctrl-C); 143 stopped by SIGTERM, 129 by SIGHUP (run: the earlier package is kept whole)

`sdtm-convert COMMAND --help` describes each command; docs/cli.md is the reference."""

RUN_EPILOG = """\
positions in messages: a raw file's "row N" is data row N, i.e. line N+1 of the CSV (line 1 is the header);
a spec file's position is the line of the YAML file.

writes under --out: m5/datasets/<study>/tabulations/sdtm/ (XPT, Dataset-JSON, define.xml/.html),
m5/datasets/<study>/analysis/adam/datasets/, reports/ (conversion, validation, analysis summary, lineage)
and manifest.json. The package is written into a staging folder beside --out and swapped in at the end:
a run that fails, is interrupted or killed leaves the earlier package whole. --out must be new, empty or a
folder an earlier run wrote; a second run into the same --out at once is refused (exit 2).
Exit status: 0 no error, 1 the study has errors (report written), 2 unusable input or usage error,
3 internal error, 130/143 interrupted or terminated."""


def _parser(sub: argparse._SubParsersAction, name: str, help: str, epilog: str | None = None) -> argparse.ArgumentParser:
    return sub.add_parser(name, help=help, description=help[0].upper() + help[1:] + ".", epilog=epilog,
                          formatter_class=argparse.RawDescriptionHelpFormatter)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="sdtm-convert", description=DESCRIPTION, epilog=EPILOG,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--version", action="version", version=f"sdtm-convert {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _add_run(sub)
    _add_sample(sub)

    from sdtm_convert.validate import cli as validate_cli

    val = _parser(sub, "validate", "check any SDTM/ADaM package (XPT or Dataset-JSON, define.xml)",
                  "exit status: 0 no error finding, 1 error findings, 2 the package cannot be read or a usage error")
    validate_cli.add_arguments(val)
    val.set_defaults(func=cmd_validate)

    rul = _parser(sub, "rules", "list the validator's rules with their Pinnacle 21 / FDA / CDISC ids")
    rul.add_argument("--json", action="store_true", help="print the catalogue as JSON (default: a text table)")
    rul.set_defaults(func=cmd_rules)
    _add_diff(sub)
    _add_converters(sub)

    from sdtm_convert.mapping import excel

    excel.add_arguments(sub)
    _add_trace(sub)
    return p


def _add_run(sub: argparse._SubParsersAction) -> None:
    run = _parser(sub, "run", "convert a raw study folder to SDTM (+ADaM) and write the package", RUN_EPILOG)
    run.add_argument("study", nargs="?", help=f"raw study folder (default: the bundled sample_data/{DEFAULT_STUDY})")
    run.add_argument("--spec", metavar="SPEC_DIR",
                     help="mapping spec folder (default: the folder named by sdtm-convert.yaml in the study folder, "
                          "else mappings/<study folder name>)")
    run.add_argument("--out", default="build", metavar="DIR", help="output folder (default: build)")
    run.add_argument("--encoding", metavar="ENC",
                     help="encoding of the raw files, e.g. cp1252 (default: raw.yaml's, else detect "
                          "UTF-8/GB18030/Windows-1252 per file)")
    formats = run.add_argument("--formats", default="xpt,json", type=_formats,
                               help="dataset formats to write, comma separated: %(names)s (default: xpt,json)")
    formats.names = _FormatNames()  # type: ignore[attr-defined]  # read when help is shown: the registry's
    run.add_argument("--no-adam", action="store_true", help="write SDTM only (default: SDTM and ADaM)")
    run.add_argument("--no-validate", action="store_true",
                     help="skip the conformance validation of the written packages: no reports/validation-* files "
                          "(default: validate both)")
    run.add_argument("--jobs", type=int, choices=(1, 2),
                     help="processes: 2 writes and validates SDTM in a worker while ADaM is built (default: 2 on "
                          "Linux with 2+ cores, else 1; env SDTM_CONVERT_JOBS)")
    run.add_argument("--quiet", action="store_true", help="print nothing but errors (default: progress on stderr)")
    run.add_argument("--json", action="store_true",
                     help="print a machine-readable summary on stdout, no progress (default: a text headline)")
    run.set_defaults(func=cmd_run)


def _add_sample(sub: argparse._SubParsersAction) -> None:
    sample = _parser(sub, "sample", "generate a synthetic raw study of any size, ready for `run`",
                     "writes the CSV files, README.md, spec/ (a copy of the bundled mapping spec) and sdtm-convert.yaml\n"
                     "(naming spec/), so `sdtm-convert run OUT` needs no --spec; prints that command.")
    sample.add_argument("--subjects", type=int, default=30, help="number of subjects (default: 30)")
    sample.add_argument("--seed", type=int, default=20211031,
                        help="random seed; the same arguments give byte-identical files (default: 20211031)")
    sample.add_argument("--sites", type=int, default=2, help="number of sites, 1-99 (default: 2)")
    sample.add_argument("--fault", action="append", metavar="NAME",
                        help="inject a bad-input variant (pasi-item-out-of-range, invalid-date, unknown-sex, "
                             "missing-column, orphan-subject, duplicate-key); repeatable (default: none)")
    sample.add_argument("--out", required=True, metavar="DIR", help="output folder (required)")
    sample.add_argument("--quiet", action="store_true", help="print nothing (default: the files and the run command)")
    sample.add_argument("--json", action="store_true", help="print the summary as JSON (default: text)")
    sample.set_defaults(func=cmd_sample)


def _add_diff(sub: argparse._SubParsersAction) -> None:
    dif = _parser(sub, "diff", "compare two packages (or runs) record by record",
                  "exit status: 0 identical, 1 differences found, 2 a package cannot be read or a usage error")
    dif.add_argument("old", help="previous package/run folder (or one .xpt)")
    dif.add_argument("new", help="new package/run folder (or one .xpt)")
    dif.add_argument("--report-json", metavar="FILE", help="also write the differences as JSON (default: no file)")
    dif.add_argument("--report-html", metavar="FILE", help="also write the differences as HTML (default: no file)")
    dif.add_argument("--quiet", action="store_true", help="print nothing; the exit status tells (default: a text summary)")
    dif.add_argument("--json", action="store_true", help="print JSON instead of text (default: text)")
    dif.set_defaults(func=cmd_diff)


def _add_converters(sub: argparse._SubParsersAction) -> None:
    x2j = sub.add_parser("xpt2json", help="convert XPT v5 files to Dataset-JSON 1.1")
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
    x2j.set_defaults(func=cmd_xpt2json)

    j2x = _parser(sub, "json2xpt", "convert Dataset-JSON 1.1 (.json/.ndjson) files to XPT v5",
                  "exit status: 0 all written, 1 a file had errors (not written), 2 unreadable input or a usage error")
    j2x.add_argument("input", help="a .json/.ndjson file or a folder of them")
    j2x.add_argument("--out", help="output file or folder (default: beside the input)")
    j2x.add_argument("--created", default="2026-01-01T00:00:00",
                     help="creation timestamp written in the XPT header (default: 2026-01-01T00:00:00)")
    j2x.add_argument("--label", help="dataset label when the JSON has none (default: the JSON's label)")
    j2x.add_argument("--quiet", action="store_true", help="print nothing but errors (default: one line per file)")
    j2x.set_defaults(func=cmd_json2xpt)


def _add_trace(sub: argparse._SubParsersAction) -> None:
    tra = _parser(sub, "trace", "where did a record come from: SDTM/ADaM record -> raw file and row",
                  "raw positions: data row N = line N+1 of the CSV (line 1 is the header).\n"
                  "exit status: 0 records found, 1 no record of the subject, 2 no lineage (not a run folder)")
    tra.add_argument("path", help="a run's output folder, or one of its .xpt files (e.g. build/.../dm.xpt)")
    tra.add_argument("usubjid", help="the subject, e.g. NCT03745417-01-002")
    tra.add_argument("--dataset", help="only this dataset (default: the .xpt given, else all)")
    tra.add_argument("--seq", type=float, help="only the record with this --SEQ (ADaM: ASEQ) (default: all)")
    tra.add_argument("--json", action="store_true", help="print JSON (default: text)")
    tra.set_defaults(func=cmd_trace)


def main(argv: list[str] | None = None) -> int:
    from sdtm_convert.common import signals

    parser = build_parser()
    args = parser.parse_args(argv)
    signals.install()
    try:
        return int(args.func(args))
    except SdtmConvertError as exc:
        print(exc.issue.one_line(), file=sys.stderr)
        return 2
    except (KeyboardInterrupt, signals.Stopped) as exc:
        stopped = isinstance(exc, signals.Stopped)
        kept = (" (nothing of this run was kept; an earlier package in the output folder is unchanged)"
                if args.command == "run" else "")
        print(f"{'stopped by ' + str(exc) if stopped else 'interrupted'}{kept}", file=sys.stderr)
        return exc.exit_code if isinstance(exc, signals.Stopped) else 130
    except BrokenPipeError:  # output piped into e.g. `head`: stop quietly
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:  # a bug, not bad input: one line for the user, the details in a file
        from sdtm_convert.common.places import environment_fault

        fault = environment_fault(exc, getattr(args, "out", None))  # the machine refused (read-only or full disk...): exit 2, not a bug
        if fault is not None:
            print(fault, file=sys.stderr)
            return 2
        log = _save_traceback(args)
        print(f"internal error: {type(exc).__name__}: {exc} (this is a bug in sdtm-convert; {log})",
              file=sys.stderr)
        return 3


def _save_traceback(args: argparse.Namespace) -> str:
    """Save the traceback to a new crash log (``common.crashlog``); what the one-line error says about it."""
    import traceback

    from sdtm_convert.common.crashlog import save_crash_log

    log = save_crash_log(traceback.format_exc(), getattr(args, "out", None))
    return f"details in {log}" if log else "no crash log could be written"


if __name__ == "__main__":
    sys.exit(main())
