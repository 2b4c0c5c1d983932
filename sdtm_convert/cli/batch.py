"""``sdtm-convert batch run|validate|pool``: many studies at once on Dask distributed (``batch.run.run_batch``);
``pool`` stacks several studies' packages into one (``cli/_batch_pool.py``, ``batch.pool``).

Each study is one task running the single command's code (``run``/``validate`` ``execute``), so its outputs are
those of ``sdtm-convert run``/``validate`` with the same arguments; the portfolio (portfolio.json/.xlsx/.html)
goes into the output root. Dask is imported only when a batch starts (the extra ``sdtm-convert[distributed]``).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from sdtm_convert.cli._batch_pool import register_pool, run_pool
from sdtm_convert.cli._command import Command, register

EPILOG = """\
sdtm-convert batch run s1 s2 s3 --out portfolio          three raw studies, packages in portfolio/<name>/
sdtm-convert batch validate pkg1 pkg2 --out checks         two packages, reports in checks/<name>/validation.*
sdtm-convert batch run --studies studies.yaml --out portfolio --scheduler tcp://10.0.0.5:8786
sdtm-convert batch pool build build2 --spec pooling.yaml --out pooled   integrated ADSL/ADAE (docs/pooling.md)
A rerun into the same --out shows the new, resolved and persisting findings per study since the portfolio.json
left there (--since FILE compares with another). docs/batch.md has the studies file, the multi-machine set-up and
the finding identity.
exit status: the highest of the studies' (0 all clean, 1 a study has errors, 2 a study could not be used,
3 a study hit a bug); 2 at once for a usage error (nothing is run)."""

RUN_OPTIONS = ("formats", "no_adam", "no_validate", "encoding")  # passed on to every study's `run`
VALIDATE_OPTIONS = ("standard", "ct", "rules_source", "format", "encoding")  # ... to every `validate`


def _common(p: argparse.ArgumentParser, what: str) -> None:
    p.add_argument("paths", nargs="*", metavar=what, help=f"{what.lower()} folders (or --studies FILE)")
    p.add_argument("--studies", metavar="FILE.yaml",
                   help="a YAML file listing the studies with their spec, CT version, output folder and options "
                        "(docs/batch.md; default: the folders given)")
    p.add_argument("--out", required=True, metavar="ROOT",
                   help="output root: each study's outputs in ROOT/<name>/ (unless the studies file says out:), "
                        "the portfolio in ROOT/portfolio.{html,xlsx,json} (required)")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="a running Dask scheduler, e.g. tcp://10.0.0.5:8786; its workers must see the same paths "
                        "(default: a local cluster on this machine)")
    p.add_argument("--workers", type=int, metavar="N",
                   help="worker processes of the local cluster (default: one per core)")
    p.add_argument("--since", metavar="PORTFOLIO.json",
                   help="compare the findings with this earlier portfolio (default: ROOT/portfolio.json if an "
                        "earlier batch left one)")
    p.add_argument("--quiet", action="store_true", help="print nothing but errors (default: progress on stderr)")
    p.add_argument("--json", action="store_true", help="print the portfolio's totals as JSON on stdout (default: "
                                                       "a text summary)")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="batch_command", required=True, metavar="SUBCOMMAND")
    run = sub.add_parser("run", help="convert many raw study folders (as `sdtm-convert run` each)")
    _common(run, "STUDY")
    run.add_argument("--formats", help="dataset formats, as for run (default: run's)")
    run.add_argument("--no-adam", action="store_true", help="SDTM only, as for run (default: SDTM and ADaM)")
    run.add_argument("--no-validate", action="store_true", help="no validation, as for run (default: validate)")
    run.add_argument("--encoding", metavar="ENC", help="raw file encoding, as for run (default: detected)")
    val = sub.add_parser("validate", help="validate many packages (as `sdtm-convert validate` each)")
    _common(val, "DIR")
    val.add_argument("--standard", help="as for validate (default: from define.xml, else guessed)")
    val.add_argument("--ct", help="CT release, as for validate (default: from define.xml)")
    val.add_argument("--rules-source", choices=("p21", "core", "all"), help="as for validate (default: all)")
    val.add_argument("--format", help="xpt or json, as for validate (default: xpt)")
    val.add_argument("--encoding", help="XPT text encoding, as for validate (default: UTF-8, else cp1252)")
    register_pool(sub)


def _extra(args: argparse.Namespace) -> list[str]:
    """The batch-wide options, as the single command's arguments."""
    out = []
    for name in RUN_OPTIONS if args.batch_command == "run" else VALIDATE_OPTIONS:
        value = getattr(args, name)
        flag = "--" + name.replace("_", "-")
        if value is True:
            out.append(flag)
        elif value:
            out.append(f"{flag}={value}")
    return out


def _single(name: str):
    """The single command each study runs (``batch`` imports no CLI module: it is handed the command's code)."""
    from sdtm_convert.batch.studies import Single
    from sdtm_convert.cli import failure
    from sdtm_convert.cli import run as run_cli
    from sdtm_convert.cli import validate as validate_cli

    module = run_cli if name == "run" else validate_cli
    return Single(name, module.add_arguments, module.execute, failure)


def _studies(args: argparse.Namespace) -> list:
    from sdtm_convert.batch.studies import from_paths, from_yaml
    from sdtm_convert.errors import fatal

    if bool(args.paths) == bool(args.studies):
        raise fatal("batch-usage", "give the studies as folders or as --studies FILE.yaml (one of the two)")
    root = Path(args.out)
    if args.studies:
        return from_yaml(_single(args.batch_command), args.studies, root, _extra(args))
    return from_paths(_single(args.batch_command), args.paths, root, _extra(args))


def _summary(portfolio: dict) -> str:
    t = portfolio["totals"]
    sev = ", ".join(f"{n} {k}{'' if n == 1 else 's'}" for k, n in t["by_severity"].items())
    changed = ""
    if "changes" in t:
        c = t["changes"]
        changed = f"; since {portfolio['since']}: {c['new']} new, {c['resolved']} resolved, {c['persisting']} persisting"
    head = "OK" if not (t["errors"] or t["failed"]) else "FAILED"
    return (f"{head}: {t['studies']} studies: {t['passed']} passed, {t['errors']} with errors, {t['failed']} failed; "
            f"findings: {sev}{changed}")


def run(args: argparse.Namespace) -> int:
    from sdtm_convert.batch.portfolio import exit_status
    from sdtm_convert.batch.run import run_batch
    from sdtm_convert.common.places import check_output_folder
    from sdtm_convert.common.progress import Progress

    if args.batch_command == "pool":
        return run_pool(args)
    if args.workers is not None and args.workers < 1:
        print("error: [batch-usage] --workers must be 1 or more", file=sys.stderr)
        return 2
    check_output_folder(args.out)
    studies = _studies(args)
    progress = Progress(args.quiet or args.json)
    portfolio, written = run_batch(args.batch_command, studies, args.out, scheduler=args.scheduler,
                                   workers=args.workers, since=args.since, progress=progress)
    failed = [s for s in portfolio["studies"] if s["error"]]
    for s in failed:
        print(f"study {s['name']}: {s['error']}", file=sys.stderr)
    if args.json:
        print(json.dumps({"exit_status": exit_status(portfolio), "totals": portfolio["totals"],
                          "portfolio": {k: str(v) for k, v in written.items()}}, indent=2))
    elif not args.quiet:
        print(f"{_summary(portfolio)}; portfolio {written['html']}")
    return exit_status(portfolio)


COMMAND = register(Command("batch", "many studies at once: batch run / batch validate on Dask distributed, with a "
                           "portfolio report; batch pool, integrated ADaM datasets", add_arguments, run, position=100, epilog=EPILOG))
