"""Run the command line in a child process, quickly: ``sdtm_convert.cli.main(argv)`` in a process forked from a
multiprocessing fork server that imported the tool once.

Each fault is still a separate process with its own file descriptors, working folder, resource limits and exit
status, running the same ``main`` that ``python -m sdtm_convert.cli`` runs; what it saves is the interpreter start
and the imports (pandas, pyarrow, numpy: about 0.8 s a run, a third of the module's time). Where the fork server
is not available (not Linux) or ``SDTM_CONVERT_FAULTS_FRESH=1`` is set, each run is ``python -m sdtm_convert.cli`` in a fresh interpreter.
"""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

PRELOAD = ["sdtm_convert.cli", "sdtm_convert.pipeline", "sdtm_convert.mapping.engine", "sdtm_convert.derive",
           "sdtm_convert.sdtm.trialdesign", "sdtm_convert.package.report", "sdtm_convert.package.write", "sdtm_convert.standards.ct",
           "sdtm_convert.mapping.excel", "sdtm_convert.package.define_xml", "sdtm_convert.package.define_html",
           "sdtm_convert.package.datasetjson", "sdtm_convert.package.manifest", "sdtm_convert.xpt.writer",
           "sdtm_convert.cli.validate", "sdtm_convert.validate.engine", "pandas", "pyarrow", "numpy", "lxml.etree",
           "jinja2", "jsonschema", "yaml", "pyreadstat", "openpyxl"]  # what a run imports, as it runs


@dataclass(frozen=True)
class Done:
    returncode: int
    stdout: str
    stderr: str


def _child(argv: list[str], cwd: str, out: str, err: str, preexec: Callable[[], None] | None) -> None:
    os.chdir(cwd)
    for fd, path in ((1, out), (2, err)):
        os.dup2(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), fd)
    sys.stdout = open(1, "w", encoding="utf-8", closefd=False)  # noqa: SIM115
    sys.stderr = open(2, "w", encoding="utf-8", closefd=False)  # noqa: SIM115
    if preexec is not None:
        preexec()
    code = 3
    try:
        from sdtm_convert.cli import main

        code = main(argv)
    except SystemExit as exc:  # argparse usage errors
        code = exc.code if isinstance(exc.code, int) else 2
    except BaseException:  # what `python -m` would print for an exception main() lets through
        import traceback

        traceback.print_exc()
        code = 1
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


FRESH_ENV = "SDTM_CONVERT_FAULTS_FRESH"  # set to 1: every run in a fresh `python -m sdtm_convert.cli`


def _context() -> multiprocessing.context.BaseContext | None:
    if os.environ.get(FRESH_ENV) == "1" or "forkserver" not in multiprocessing.get_all_start_methods():
        return None
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(PRELOAD)
    return ctx


_CTX = _context()


def cli(argv: list[str], cwd: Path, preexec: Callable[[], None] | None = None, timeout: float = 300) -> Done:
    """Run ``sdtm-convert argv`` in a child process in ``cwd``; ``preexec`` runs in the child first."""
    out, err = cwd / ".cli-stdout", cwd / ".cli-stderr"
    if _CTX is None:
        p = subprocess.run([sys.executable, "-m", "sdtm_convert.cli", *argv], cwd=cwd, capture_output=True, text=True,
                           errors="replace", timeout=timeout, preexec_fn=preexec)
        return Done(p.returncode, p.stdout, p.stderr)
    proc = _CTX.Process(target=_child, args=(argv, str(cwd), str(out), str(err), preexec))
    proc.start()
    proc.join(timeout)
    if proc.is_alive():
        proc.kill()
        proc.join()
        raise TimeoutError(f"sdtm-convert {' '.join(argv)} did not end in {timeout} s")
    said = [p.read_bytes().decode("utf-8", errors="replace") for p in (out, err)]
    out.unlink()
    err.unlink()
    assert proc.exitcode is not None
    return Done(proc.exitcode, *said)
