"""``sdtm-convert run``: convert a raw study folder and write the package (``pipeline.run_study``)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sdtm_convert.cli._command import Command, register
from sdtm_convert.common.progress import Progress

if TYPE_CHECKING:
    from sdtm_convert.results import RunResult

DEFAULT_STUDY = "nct03745417"

EPILOG = """\
positions in messages: a raw file's "row N" is data row N, i.e. line N+1 of the CSV (line 1 is the header);
a spec file's position is the line of the YAML file.

writes under --out: m5/datasets/<study>/tabulations/sdtm/ (XPT, Dataset-JSON, define.xml/.html),
m5/datasets/<study>/analysis/adam/datasets/, reports/ (conversion, validation, reviewer's guides csdrg.md/adrg.md,
analysis summary, lineage)
and manifest.json. The package is written into a staging folder beside --out and swapped in at the end:
a run that fails, is interrupted or killed leaves the earlier package whole. --out must be new, empty or a
folder an earlier run wrote; a second run into the same --out at once is refused (exit 2).
Exit status: 0 no error, 1 the study has errors (report written), 2 unusable input or usage error,
3 internal error, 130/143 interrupted or terminated."""


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


def add_arguments(run: argparse.ArgumentParser) -> None:
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


def execute(args: argparse.Namespace, progress: Callable[[str], None], *, quiet: bool = False) -> RunResult:
    """What ``run`` does before it prints its summary (also each study of ``batch run``): the usage checks,
    then :func:`~sdtm_convert.pipeline.run_study`; ``quiet`` keeps the output-inside-input note off stderr."""
    from sdtm_convert.common.places import check_encoding, check_output_folder, output_inside_input
    from sdtm_convert.package.staging import check_replaceable
    from sdtm_convert.pipeline import run_study
    from sdtm_convert.spec.locate import bundled_study, check_study_folder, find_spec

    check_encoding(args.encoding)  # usage mistakes first, before any data is read
    check_output_folder(args.out)
    check_replaceable(args.out)
    study_dir = check_study_folder(args.study) if args.study else bundled_study(DEFAULT_STUDY)
    spec = Path(args.spec) if args.spec else find_spec(study_dir)
    inside = output_inside_input(args.out, study=study_dir, spec=spec)
    if inside and not quiet:
        print(inside, file=sys.stderr)
    progress(f"started {datetime.now(UTC):%Y-%m-%d %H:%M:%S} UTC (the files carry the package date from study.yaml "
             "`created` instead, so reruns are identical)")
    formats = tuple(f.strip().lower() for f in args.formats.split(",") if f.strip())
    return run_study(study_dir, spec, args.out, encoding=args.encoding, formats=formats, adam=not args.no_adam,
                     validate=not args.no_validate, progress=progress, jobs=args.jobs)


def run(args: argparse.Namespace) -> int:
    result = execute(args, Progress(args.quiet or args.json), quiet=args.quiet)
    conv = result.conversion
    errors = len(conv.errors)
    warnings = sum(1 for i in conv.issues if i.severity == "warning")
    checked = [conv.conformance[k] for k in ("sdtm", "adam") if k in conv.conformance]
    if args.json:
        print(json.dumps({"status": "failed" if errors else "passed", "errors": errors, "warnings": warnings,
                          "conformance": {c.kind: {k: v for k, v in c.to_dict().items() if k != "kind"}
                                          for c in checked},
                          "unexplained_findings": conv.guides.unexplained if conv.guides else None,
                          "out": str(result.out), "report": str(result.report_json), "outputs": result.outputs,
                          "timings": {k: round(v, 3) for k, v in conv.timings.items()}}, indent=2))
    elif not args.quiet:
        for issue in conv.errors[:10]:
            print(issue.one_line(), file=sys.stderr)
        more = " (first 10 shown)" if errors > 10 else ""
        packages = "".join(f"{c.headline(str(result.out))}; " for c in checked)
        guides = conv.guides.headline(str(result.out)) if conv.guides else ""
        packages += f"{guides}; " if guides else ""
        print(f"{'FAILED' if errors else 'OK'}: {errors} error{'' if errors == 1 else 's'}{more}, "
              f"{warnings} warning{'' if warnings == 1 else 's'}; {packages}"
              f"{len(conv.sdtm)} SDTM and {len(conv.adam.datasets) if conv.adam else 0} ADaM datasets in {result.out}; "
              f"report {result.report_html}")
    return 1 if errors else 0


COMMAND = register(Command("run", "convert a raw study folder to SDTM (+ADaM) and write the package",
                           add_arguments, run, position=10, epilog=EPILOG))
