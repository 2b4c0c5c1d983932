"""Command line: a thin layer over the library. Bad input → one readable line, never a traceback.

Each command is declared once, in ``cli/<command>.py`` (``Command`` in ``cli/_command.py``: name, help,
arguments, run); importing this package registers them all (``load_plugins``), and ``build_parser`` builds
the parser from the registry. ``main`` turns whatever a command raises into an exit status and one line.
"""

from __future__ import annotations

import argparse
import sys

from sdtm_convert import __version__
from sdtm_convert.cli._command import COMMANDS, Command, ordered
from sdtm_convert.common.registry import load_plugins
from sdtm_convert.errors import SdtmConvertError

load_plugins(__name__)  # cli/run.py, cli/sample.py ... each registers its Command

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


def _subparser(sub: argparse._SubParsersAction, command: Command) -> argparse.ArgumentParser:
    if not command.described:
        return sub.add_parser(command.name, help=command.help)
    return sub.add_parser(command.name, help=command.help, description=command.help[0].upper() + command.help[1:] + ".",
                          epilog=command.epilog, formatter_class=argparse.RawDescriptionHelpFormatter)


def build_parser() -> argparse.ArgumentParser:
    """The parser of every registered command, in ``position`` order; ``args.command`` names the one given."""
    p = argparse.ArgumentParser(prog="sdtm-convert", description=DESCRIPTION, epilog=EPILOG,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--version", action="version", version=f"sdtm-convert {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in ordered():
        command.add_arguments(_subparser(sub, command))
    return p


def main(argv: list[str] | None = None) -> int:
    from sdtm_convert.common import signals

    parser = build_parser()
    args = parser.parse_args(argv)
    signals.install()
    try:
        return int(COMMANDS[args.command].run(args))
    except SdtmConvertError as exc:
        print(exc.issue.one_line(), file=sys.stderr)
        return 2
    except (KeyboardInterrupt, signals.Stopped) as exc:
        stopped = isinstance(exc, signals.Stopped)
        kept = ""
        if args.command == "run":
            kept = (" after the new package was complete and in place (only the closing lines were not printed)"
                    if signals.package_swapped() else
                    " (nothing of this run was kept; an earlier package in the output folder is unchanged)")
        print(f"{'stopped by ' + str(exc) if stopped else 'interrupted'}{kept}", file=sys.stderr)
        return exc.exit_code if isinstance(exc, signals.Stopped) else 130
    except BrokenPipeError:  # output piped into e.g. `head`: stop quietly
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:  # a bug, not bad input: one line for the user, the details in a file
        status, line = failure(exc, getattr(args, "out", None))
        print(line, file=sys.stderr)
        return status


def failure(exc: Exception, out: str | None) -> tuple[int, str]:
    """The exit status and the one line for an exception a command raised (``main``, and each study of ``batch``):
    bad input 2, the machine refused (read-only or full disk...) 2, else a bug: 3, its traceback saved to a
    crash log (call it inside the ``except`` block)."""
    if isinstance(exc, SdtmConvertError):
        return 2, exc.issue.one_line()
    from sdtm_convert.common.places import environment_fault

    fault = environment_fault(exc, out)
    if fault is not None:
        return 2, fault
    log = _save_traceback(out)
    return 3, f"internal error: {type(exc).__name__}: {exc} (this is a bug in sdtm-convert; {log})"


def _save_traceback(out: str | None) -> str:
    """Save the traceback to a new crash log (``common.crashlog``); what the one-line error says about it."""
    import traceback

    from sdtm_convert.common.crashlog import save_crash_log

    log = save_crash_log(traceback.format_exc(), out)
    return f"details in {log}" if log else "no crash log could be written"
